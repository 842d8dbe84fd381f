// The EIP-4361 sign-in text for all three chains, built ONLY from the API's nonce answer
// (GET /api/auth/nonce) plus the wallet's address and Issued At = now. The API parses
// exactly this grammar (domain/auth/message.py): LF line endings, the statement between
// two blank lines, fields in EIP-4361 order.

export type SignInChain = "eth" | "sol" | "atom";

/** The nonce answer's fields the message is built from. */
export type NonceFields = {
  nonce: string;
  domain: string;
  uri: string;
  statement: string;
  chainIds: Record<SignInChain, string[]>;
};

export const ACCOUNT_NAMES: Record<SignInChain, string> = {
  eth: "Ethereum",
  sol: "Solana",
  atom: "Cosmos",
};

export type SignInMessageInput = {
  chain: SignInChain;
  address: string;
  nonce: NonceFields;
  /** Defaults to the first chain id the API accepts for this chain (for ETH: the wallet's
   *  current chain when it is accepted — the caller checks that). */
  chainId?: string;
  issuedAt?: Date;
};

export function buildSignInMessage({ chain, address, nonce, chainId, issuedAt = new Date() }: SignInMessageInput): string {
  const id = chainId ?? nonce.chainIds[chain][0];
  if (!id) throw new Error(`The API accepts no ${ACCOUNT_NAMES[chain]} chain id.`);
  const statement = nonce.statement.trim();
  return [
    `${nonce.domain} wants you to sign in with your ${ACCOUNT_NAMES[chain]} account:`,
    address,
    "",
    ...(statement ? [statement, ""] : [""]),
    `URI: ${nonce.uri}`,
    "Version: 1",
    `Chain ID: ${id}`,
    `Nonce: ${nonce.nonce}`,
    `Issued At: ${issuedAt.toISOString()}`,
  ].join("\n");
}

export type ParsedSignInMessage = {
  chain: SignInChain;
  domain: string;
  address: string;
  statement: string | null;
  uri: string;
  version: string;
  chainId: string;
  nonce: string;
  issuedAt: string;
};

const HEADER = /^(\S+) wants you to sign in with your (\S+) account:$/;

/** Parse a message this module builds (the required fields only); throws on any deviation. */
export function parseSignInMessage(text: string): ParsedSignInMessage {
  if (text.includes("\r")) throw new Error("CR in message");
  const lines = text.split("\n");
  let i = 0;
  const next = () => {
    if (i >= lines.length) throw new Error("message ends early");
    return lines[i++] as string;
  };
  const header = HEADER.exec(next());
  if (!header) throw new Error("bad header");
  const chain = (Object.keys(ACCOUNT_NAMES) as SignInChain[]).find((c) => ACCOUNT_NAMES[c] === header[2]);
  if (!chain) throw new Error(`unknown account ${header[2]}`);
  const address = next();
  if (next() !== "") throw new Error("expected blank line after address");
  let statement: string | null = null;
  const line = next();
  if (line !== "") {
    statement = line;
    if (next() !== "") throw new Error("expected blank line after statement");
  }
  const field = (label: string) => {
    const l = next();
    if (!l.startsWith(`${label}: `)) throw new Error(`expected ${label}`);
    return l.slice(label.length + 2);
  };
  const parsed = {
    chain,
    domain: header[1] as string,
    address,
    statement,
    uri: field("URI"),
    version: field("Version"),
    chainId: field("Chain ID"),
    nonce: field("Nonce"),
    issuedAt: field("Issued At"),
  };
  if (i !== lines.length) throw new Error("trailing lines");
  return parsed;
}

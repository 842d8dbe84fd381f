import { describe, expect, it } from "vitest";
import { buildSignInMessage, parseSignInMessage, type NonceFields } from "./sign-in-message";

const NONCE: NonceFields = {
  nonce: "a1B2c3D4e5F6g7H8",
  domain: "127.0.0.1:8772",
  uri: "http://127.0.0.1:8772",
  statement: "Sign in to StakeTrack AI. Read-only access; this costs no gas.",
  chainIds: { eth: ["1", "11155111"], sol: ["mainnet"], atom: ["cosmoshub-4"] },
};
const AT = new Date("2026-12-03T10:15:00.123Z");

describe("buildSignInMessage", () => {
  it("renders the exact EIP-4361 text for Ethereum (LF, statement between blank lines)", () => {
    const text = buildSignInMessage({
      chain: "eth",
      address: "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69",
      nonce: NONCE,
      issuedAt: AT,
    });
    expect(text).toBe(
      "127.0.0.1:8772 wants you to sign in with your Ethereum account:\n" +
        "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69\n" +
        "\n" +
        "Sign in to StakeTrack AI. Read-only access; this costs no gas.\n" +
        "\n" +
        "URI: http://127.0.0.1:8772\n" +
        "Version: 1\n" +
        "Chain ID: 1\n" +
        "Nonce: a1B2c3D4e5F6g7H8\n" +
        "Issued At: 2026-12-03T10:15:00.123Z",
    );
    expect(text).not.toContain("\r");
    expect(text.endsWith("\n")).toBe(false);
  });

  it("names the Solana and Cosmos accounts and uses their chain ids", () => {
    const sol = buildSignInMessage({ chain: "sol", address: "31m5hoDw3SBuwitRYZjKDP1aJapc6gTpDePmBG5MZj4G", nonce: NONCE, issuedAt: AT });
    expect(sol.split("\n")[0]).toBe("127.0.0.1:8772 wants you to sign in with your Solana account:");
    expect(sol).toContain("\nChain ID: mainnet\n");
    const atom = buildSignInMessage({ chain: "atom", address: "cosmos1abc", nonce: NONCE, issuedAt: AT });
    expect(atom.split("\n")[0]).toBe("127.0.0.1:8772 wants you to sign in with your Cosmos account:");
    expect(atom).toContain("\nChain ID: cosmoshub-4\n");
  });

  it("uses the wallet's chain id when given", () => {
    const text = buildSignInMessage({ chain: "eth", address: "0xabc", nonce: NONCE, chainId: "11155111", issuedAt: AT });
    expect(text).toContain("\nChain ID: 11155111\n");
  });

  it("without a statement leaves two blank lines before URI", () => {
    const text = buildSignInMessage({ chain: "eth", address: "0xabc", nonce: { ...NONCE, statement: "" }, issuedAt: AT });
    expect(text.split("\n").slice(1, 5)).toEqual(["0xabc", "", "", "URI: http://127.0.0.1:8772"]);
    expect(parseSignInMessage(text).statement).toBeNull();
  });

  it("refuses a chain the API accepts no id for", () => {
    expect(() => buildSignInMessage({ chain: "sol", address: "x", nonce: { ...NONCE, chainIds: { ...NONCE.chainIds, sol: [] } } })).toThrow(
      /no Solana chain id/,
    );
  });

  it("parses back to the same fields for every chain", () => {
    for (const [chain, address] of [
      ["eth", "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69"],
      ["sol", "31m5hoDw3SBuwitRYZjKDP1aJapc6gTpDePmBG5MZj4G"],
      ["atom", "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu"],
    ] as const) {
      const parsed = parseSignInMessage(buildSignInMessage({ chain, address, nonce: NONCE, issuedAt: AT }));
      expect(parsed).toEqual({
        chain,
        domain: NONCE.domain,
        address,
        statement: NONCE.statement,
        uri: NONCE.uri,
        version: "1",
        chainId: NONCE.chainIds[chain][0],
        nonce: NONCE.nonce,
        issuedAt: "2026-12-03T10:15:00.123Z",
      });
    }
  });

  it("the parser refuses CRLF and trailing text", () => {
    const text = buildSignInMessage({ chain: "eth", address: "0xabc", nonce: NONCE, issuedAt: AT });
    expect(() => parseSignInMessage(text.replaceAll("\n", "\r\n"))).toThrow();
    expect(() => parseSignInMessage(`${text}\nextra`)).toThrow();
  });
});

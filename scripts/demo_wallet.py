"""Development helper: sign a StakeTrack sign-in message with a local test key, the way
MetaMask, Phantom or Keplr would, and print the JSON body for the sign-in or link call.

    uv run python scripts/demo_wallet.py eth --seed 1 --nonce "$NONCE" > body.json
    curl -X POST localhost:8000/api/auth/siwe -H 'content-type: application/json' -d @body.json

Or print what to import into a real browser wallet to sign in as a demo wallet by hand:

    uv run python scripts/demo_wallet.py keys [--seed 1]

Keys derive from --seed (infrastructure/chains/demo/wallets.py), so a seed is always the
same wallet: seeds 1-3 are the demo network's wallets. Never use for real funds.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
from datetime import UTC, datetime

from eth_account.messages import encode_defunct

from domain.auth.message import build_sign_in_message
from domain.models import Chain
from infrastructure.auth.proofs import adr036_sign_doc, serialize_sign_doc
from infrastructure.chains.demo.wallets import DEMO_WALLETS, demo_address, demo_key, demo_secret

CHAIN_IDS = {Chain.ETH: "1", Chain.SOL: "mainnet", Chain.ATOM: "cosmoshub-4"}


def body(chain: Chain, seed: int, nonce: str, domain: str, origin: str) -> dict[str, str]:
    key, address = demo_key(chain, seed), demo_address(chain, seed)
    text = build_sign_in_message(
        chain=chain,
        domain=domain,
        address=address,
        uri=origin + "/",
        chain_id=CHAIN_IDS[chain],
        nonce=nonce,
        issued_at=datetime.now(UTC),
        statement="Sign in to StakeTrack AI. Read-only access; this costs no gas.",
    )
    if chain is Chain.ETH:
        signature = key.sign_message(encode_defunct(text=text)).signature.hex()
        return {"message": text, "signature": "0x" + signature.removeprefix("0x")}
    if chain is Chain.SOL:
        return {"message": text, "signature": str(key.sign_message(text.encode()))}
    doc = serialize_sign_doc(adr036_sign_doc(address, text.encode()))
    return {
        "message": text,
        "signer": address,
        "pubKey": base64.b64encode(key.public_key.public_key_bytes).decode(),
        "signature": base64.b64encode(key.sign_digest(hashlib.sha256(doc).digest())).decode(),
    }


def import_keys(seed: int) -> list[str]:
    """One line per wallet app: the address and the string its "import private key" takes."""
    eth, sol, atom = (demo_secret(chain, seed) for chain in (Chain.ETH, Chain.SOL, Chain.ATOM))
    return [
        f"ETH  {demo_address(Chain.ETH, seed)}",
        f"     MetaMask (Import account > Private key): 0x{eth.hex()}",
        f"SOL  {demo_address(Chain.SOL, seed)}",
        # Phantom/Solflare take the 64-byte secret key (ed25519 seed + public key) in base58
        f"     Phantom / Solflare (Import private key): {demo_key(Chain.SOL, seed)}",
        f"     (the ed25519 seed, hex: {sol.hex()})",
        f"ATOM {demo_address(Chain.ATOM, seed)}",
        f"     Keplr (Import existing wallet > Private key): {atom.hex()}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chain", choices=[*(c.value for c in Chain), "keys"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nonce")
    parser.add_argument("--domain", default=os.environ.get("APP_DOMAIN", "localhost:5173"))
    parser.add_argument("--origin", default=None)
    args = parser.parse_args()
    if args.chain == "keys":
        names = {seed: name for name, seed in DEMO_WALLETS.items()}
        name = names.get(args.seed, "?")
        header = f"demo wallet {name} (seed {args.seed}): public keys, never fund them"
        print("\n".join([header, *import_keys(args.seed)]))  # noqa: T201
        return
    if not args.nonce:
        parser.error("--nonce is required to sign")
    origin = args.origin or f"http://{args.domain}"
    print(json.dumps(body(Chain(args.chain), args.seed, args.nonce, args.domain, origin)))  # noqa: T201


if __name__ == "__main__":
    main()

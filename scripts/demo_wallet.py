"""Development helper: sign a StakeTrack sign-in message with a local test key, the way
MetaMask, Phantom or Keplr would, and print the JSON body for the sign-in or link call.

    uv run python scripts/demo_wallet.py eth --seed 1 --nonce "$NONCE" > body.json
    curl -X POST localhost:8000/api/auth/siwe -H 'content-type: application/json' -d @body.json

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
from infrastructure.chains.demo.wallets import demo_address, demo_key

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chain", choices=[c.value for c in Chain])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nonce", required=True)
    parser.add_argument("--domain", default=os.environ.get("APP_DOMAIN", "localhost:5173"))
    parser.add_argument("--origin", default=None)
    args = parser.parse_args()
    origin = args.origin or f"http://{args.domain}"
    print(json.dumps(body(Chain(args.chain), args.seed, args.nonce, args.domain, origin)))  # noqa: T201


if __name__ == "__main__":
    main()

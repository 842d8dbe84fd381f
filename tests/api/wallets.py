"""Real wallets for API tests: each signs sign-in messages the way its wallet app does
(MetaMask personal_sign, Phantom signMessage, Keplr signArbitrary)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cosmpy.crypto.address import Address
from cosmpy.crypto.keypairs import PrivateKey
from eth_account import Account
from eth_account.messages import encode_defunct
from solders.keypair import Keypair

from domain.auth.message import build_sign_in_message
from domain.models import Chain
from infrastructure.auth.proofs import adr036_sign_doc, serialize_sign_doc

DOMAIN = "localhost:5173"
ORIGIN = "http://localhost:5173"
STATEMENT = "Sign in to StakeTrack AI. Read-only access; this costs no gas."
CHAIN_IDS = {Chain.ETH: "1", Chain.SOL: "mainnet", Chain.ATOM: "cosmoshub-4"}
SIGN_IN_PATHS = {Chain.ETH: "siwe", Chain.SOL: "solana", Chain.ATOM: "cosmos"}


@dataclass
class Wallet:
    chain: Chain
    address: str = ""
    _key: Any = field(default=None, repr=False)

    @classmethod
    def new(cls, chain: Chain) -> Wallet:
        if chain is Chain.ETH:
            account = Account.create()
            return cls(chain, account.address, account)
        if chain is Chain.SOL:
            keypair = Keypair()
            return cls(chain, str(keypair.pubkey()), keypair)
        key = PrivateKey()
        return cls(chain, str(Address(key.public_key, prefix="cosmos")), key)

    @classmethod
    def demo(cls, chain: Chain, name: str) -> Wallet:
        """One of the demo network's wallets (its keys derive from a public seed)."""
        from infrastructure.chains.demo.wallets import DEMO_WALLETS, demo_address, demo_key

        seed = DEMO_WALLETS[name]
        return cls(chain, demo_address(chain, seed), demo_key(chain, seed))

    def message(self, nonce: str, **overrides: Any) -> str:
        fields: dict[str, Any] = {
            "chain": self.chain,
            "domain": DOMAIN,
            "address": self.address,
            "uri": ORIGIN + "/login",
            "chain_id": CHAIN_IDS[self.chain],
            "nonce": nonce,
            "issued_at": datetime.now(UTC) - timedelta(seconds=2),
            "statement": STATEMENT,
        }
        fields.update(overrides)
        return build_sign_in_message(**fields)

    def sign(self, text: str) -> dict[str, str]:
        """The request body a wallet app produces for this text."""
        if self.chain is Chain.ETH:
            signed = self._key.sign_message(encode_defunct(text=text))
            return {"message": text, "signature": "0x" + signed.signature.hex().removeprefix("0x")}
        if self.chain is Chain.SOL:
            return {"message": text, "signature": str(self._key.sign_message(text.encode()))}
        doc = serialize_sign_doc(adr036_sign_doc(self.address, text.encode()))
        signature = self._key.sign_digest(hashlib.sha256(doc).digest())
        return {
            "message": text,
            "signer": self.address,
            "pubKey": base64.b64encode(self._key.public_key.public_key_bytes).decode(),
            "signature": base64.b64encode(signature).decode(),
        }

    def proof(self, nonce: str, **overrides: Any) -> dict[str, str]:
        return self.sign(self.message(nonce, **overrides))

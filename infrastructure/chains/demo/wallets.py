"""Demo wallets: keys derived from a public seed, so anyone can sign in as them.

Their addresses hold positions on the demo network (the "empty" ones hold none).
Never send real funds to them: the private keys are public by construction.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from domain.models import Chain

# name -> seed; the same seed on each chain
DEMO_WALLETS: dict[str, int] = {"whale": 1, "staker": 2, "empty": 3}


def demo_secret(chain: Chain, seed: int) -> bytes:
    return hashlib.sha256(f"staketrack-demo/{chain.value}/{seed}".encode()).digest()


@cache
def demo_key(chain: Chain, seed: int) -> Any:
    """eth_account LocalAccount, solders Keypair or cosmpy PrivateKey."""
    secret = demo_secret(chain, seed)
    if chain is Chain.ETH:
        from eth_account import Account

        return Account.from_key(secret)
    if chain is Chain.SOL:
        from solders.keypair import Keypair

        return Keypair.from_seed(secret)
    from cosmpy.crypto.keypairs import PrivateKey  # type: ignore[import-untyped]

    return PrivateKey(secret)


@cache
def demo_address(chain: Chain, seed: int) -> str:
    key = demo_key(chain, seed)
    if chain is Chain.ETH:
        return str(key.address)
    if chain is Chain.SOL:
        return str(key.pubkey())
    from cosmpy.crypto.address import Address  # type: ignore[import-untyped]

    return str(Address(key.public_key, prefix="cosmos"))


def demo_addresses(chain: Chain) -> dict[str, str]:
    """name -> address of every demo wallet on `chain`."""
    return {name: demo_address(chain, seed) for name, seed in DEMO_WALLETS.items()}

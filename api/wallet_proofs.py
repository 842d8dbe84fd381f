"""The three wallet-proof bodies (wire models) -> the domain proof the wallet services
verify (`services/wallet_proofs.py`)."""

from __future__ import annotations

from api.schemas.auth import CosmosProof, EthereumProof, SolanaProof
from domain.credentials import WalletProof

Proof = EthereumProof | SolanaProof | CosmosProof


def to_wallet_proof(proof: Proof) -> WalletProof:
    if isinstance(proof, CosmosProof):
        return WalletProof(
            proof.message, proof.signature, signer=proof.signer, pub_key=proof.pub_key
        )
    return WalletProof(proof.message, proof.signature)

"""Solana: JSON-RPC adapter, Stake program account decoder and warmup/cooldown math."""

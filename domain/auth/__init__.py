"""Wallet sign-in: the EIP-4361 message grammar and the checks the server applies to it."""

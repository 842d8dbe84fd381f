"""Cosmos Hub: the LCD (REST) adapter, its response models and bech32 address helpers."""

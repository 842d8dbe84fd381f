"""Ethereum: the Beacon API adapter, its response models and the streaming decoder of the
whole validator set."""

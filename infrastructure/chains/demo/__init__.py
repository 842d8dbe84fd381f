"""The demo network: a deterministic, time-dependent world for all three chains, served
through an httpx transport in the real wire formats (NETWORK=demo)."""

"""Outgoing signed webhooks: signing (`signing.py`) and the SSRF-safe sender (`sender.py`)."""

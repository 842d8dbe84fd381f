"""Fixtures for the process-level tests: see tests/e2e/processes.py."""

from tests.e2e.processes import blackhole, spawn

__all__ = ["blackhole", "spawn"]

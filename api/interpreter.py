"""Interpreter-wide state that third-party imports must not change under us.

`py_ecc` (imported by `eth_account`, which verifies Ethereum sign-ins) raises the
recursion limit to 100,000 when it is first imported (`py_ecc/__init__.py`). With that
limit the C JSON decoder recurses through a deeply nested body until the C stack
overflows: a segmentation fault, not a RecursionError. `pin_recursion_limit()` imports
py_ecc now — so no later lazy import can run its `__init__` again — and puts CPython's
default back. `create_app` and the `staketrack` command call it; the request edge
(`api/edge.py`) checks the limit on every request and restores it, with a warning, if
anything raised it since.
"""

from __future__ import annotations

import sys

RECURSION_LIMIT = 1000  # CPython's default; no code of ours recurses deeper


def pin_recursion_limit() -> None:
    import py_ecc  # noqa: F401  — sets the limit to 100,000 on its first import

    sys.setrecursionlimit(RECURSION_LIMIT)


def recursion_limit_was_raised() -> int | None:
    """The raised limit if something changed it since `pin_recursion_limit`, after
    restoring it; None when it is not above the pinned value."""
    current = sys.getrecursionlimit()
    if current <= RECURSION_LIMIT:
        return None
    sys.setrecursionlimit(RECURSION_LIMIT)
    return current

"""The Beacon API's validator statuses and what each means to us.

Apart from the wire models (schemas.py) and the adapter: the stored set's repository
reads them, and every API process imports that repository, so this stays free of
pydantic, msgspec and the HTTP stack (NFR6 cold start).
"""

from __future__ import annotations

from typing import Literal

from domain.chains import ValidatorStatus

BeaconStatus = Literal[
    "pending_initialized",
    "pending_queued",
    "active_ongoing",
    "active_exiting",
    "active_slashed",
    "exited_unslashed",
    "exited_slashed",
    "withdrawal_possible",
    "withdrawal_done",
]
ACTIVE_STATUSES = frozenset({"active_ongoing", "active_exiting", "active_slashed"})
STATUS = {
    "pending_initialized": ValidatorStatus.PENDING,
    "pending_queued": ValidatorStatus.PENDING,
    "active_ongoing": ValidatorStatus.ACTIVE,
    "active_exiting": ValidatorStatus.EXITING,
    "active_slashed": ValidatorStatus.SLASHED,
    "exited_slashed": ValidatorStatus.SLASHED,
    "exited_unslashed": ValidatorStatus.EXITED,
    "withdrawal_possible": ValidatorStatus.EXITED,
    "withdrawal_done": ValidatorStatus.EXITED,
}

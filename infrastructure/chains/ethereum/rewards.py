"""ETH reward events: each validator's balance change between two ingests plus what was
withdrawn from it meanwhile (`domain/rewards/derive.eth_balance_event`).

Why balances and withdrawals rather than `/eth/v1/beacon/rewards/*`: the balance holds
every consensus income and penalty (attestations, proposals, sync committees, slashing,
inactivity) where the rewards endpoints cover one kind each (attestations per epoch,
blocks and sync committees per block: hundreds of requests an hour). Withdrawals are
read only when a balance dropped (the sweep visits a validator every few days): the
balances at each epoch's first slot (`POST /eth/v1/beacon/states/{slot}/validator_balances`)
locate the drop, then the payloads of the blocks before it
(`GET /eth/v2/beacon/blocks/{slot}`, `execution_payload.withdrawals`) say exactly how
much was withdrawn. A drop with no withdrawal found is a penalty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.chains import Position
from domain.errors import ChainUnavailable
from domain.models import Chain
from domain.rewards.derive import Reading, RewardBasis, eth_balance_event
from domain.rewards.events import RewardEvent
from infrastructure.chains.ethereum.schemas import (
    BlockWithdrawalsResponse,
    GenesisResponse,
    SpecResponse,
    ValidatorBalancesResponse,
)
from infrastructure.chains.http import ChainHttp
from infrastructure.logging import get_logger

log = get_logger(__name__)

GENESIS = "/eth/v1/beacon/genesis"
SPEC = "/eth/v1/config/spec"
BALANCES = "/eth/v1/beacon/states/{state}/validator_balances"
BLOCK = "/eth/v2/beacon/blocks/{block}"
MAX_SCAN_EPOCHS = 450  # two days: a longer gap is not searched for withdrawals


@dataclass(frozen=True, slots=True)
class Timing:
    genesis: int  # unix seconds
    seconds_per_slot: int
    slots_per_epoch: int

    def slot_at(self, at: datetime) -> int:
        return max(0, int(at.timestamp() - self.genesis) // self.seconds_per_slot)


class EthRewards:
    def __init__(self, http: ChainHttp) -> None:
        self._http = http
        self._timing: Timing | None = None

    async def timing(self) -> Timing:
        if self._timing is None:
            genesis = await self._http.get(GENESIS, GenesisResponse)
            spec = await self._http.get(SPEC, SpecResponse)
            self._timing = Timing(
                genesis.data.genesis_time, spec.data.SECONDS_PER_SLOT, spec.data.SLOTS_PER_EPOCH
            )
        return self._timing

    async def fetch(
        self, address: str, positions: Sequence[Position], basis: RewardBasis
    ) -> list[RewardEvent]:
        pairs: list[tuple[Reading, Reading]] = []
        for p in positions:
            before = basis.readings.get(p.key)
            if p.chain is not Chain.ETH or before is None or p.fetched_at <= before.at:
                continue
            pairs.append((before, Reading(p.key, p.validator, p.amount, p.fetched_at)))
        dropped = [(b, a) for b, a in pairs if a.amount < b.amount]
        withdrawn: dict[str, int] = {}
        skipped: set[str] = set()
        if dropped:
            timing = await self.timing()
            for before, after in dropped:
                found = await self._withdrawn(timing, before, after)
                if found is None:
                    skipped.add(after.key)
                else:
                    withdrawn[after.key] = found
        events = []
        for before, after in pairs:
            if after.key in skipped:
                continue  # too long a gap to search: no event rather than a wrong one
            event = eth_balance_event(address, before, after, withdrawn.get(after.key, 0))
            if event is not None:
                events.append(event)
        return events

    async def _balance(self, slot: int, index: int) -> int | None:
        path = BALANCES.format(state=slot)
        answer = await self._http.post(path, ValidatorBalancesResponse, json=[str(index)])
        return next((b.balance for b in answer.data if b.index == index), None)

    async def _withdrawn(self, timing: Timing, before: Reading, after: Reading) -> int | None:
        """Gwei withdrawn from the validator between the two readings; None when the gap
        is too long to search."""
        index = int(after.key)
        start, end = timing.slot_at(before.at), timing.slot_at(after.at)
        spe = timing.slots_per_epoch
        first, last = start // spe + 1, end // spe
        if last - first > MAX_SCAN_EPOCHS:
            log.warning("eth_withdrawal_scan_skipped", validator=index, epochs=last - first)
            return None
        checkpoints = [(slot, None) for slot in range(first * spe, last * spe + 1, spe)]
        checkpoints = [(s, b) for s, b in checkpoints if start < s < end]
        points: list[tuple[int, int | None]] = [(start, before.amount), *checkpoints]
        points.append((end, after.amount))
        total = 0
        previous_slot, previous_balance = points[0][0], points[0][1]
        assert previous_balance is not None
        for slot, known in points[1:]:
            balance = known if known is not None else await self._balance(slot, index)
            if balance is None:
                return 0
            if balance < previous_balance:
                total += await self._withdrawals_in(index, previous_slot, slot)
            previous_slot, previous_balance = slot, balance
        return total

    async def _withdrawals_in(self, index: int, after_slot: int, to_slot: int) -> int:
        """The withdrawals of one validator in the blocks of slots (after_slot, to_slot],
        read from the latest back; a validator is swept at most once in that span."""
        for slot in range(to_slot, after_slot, -1):
            try:
                block = await self._http.get(BLOCK.format(block=slot), BlockWithdrawalsResponse)
            except ChainUnavailable as error:
                if isinstance(error.details, dict) and error.details.get("status") == 404:
                    continue  # an empty slot: no block
                raise
            amounts = [
                w.amount
                for w in block.data.message.body.execution_payload.withdrawals
                if w.validator_index == index
            ]
            if amounts:
                return sum(amounts)
        return 0

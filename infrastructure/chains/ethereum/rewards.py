"""ETH reward events: each validator's balance change between two ingests plus what was
withdrawn from it meanwhile (`domain/rewards/derive.eth_balance_event`).

Why balances and withdrawals rather than `/eth/v1/beacon/rewards/*`: the balance holds
every consensus income and penalty (attestations, proposals, sync committees, slashing,
inactivity) where the rewards endpoints cover one kind each (attestations per epoch,
blocks and sync committees per block: hundreds of requests an hour). The balances at
each epoch's first slot in between (`POST /eth/v1/beacon/states/{slot}/validator_balances`,
one request per epoch for all of a wallet's validators) locate the drops; only then are
the payloads of the blocks before a drop read (`GET /eth/v2/beacon/blocks/{slot}`,
`execution_payload.withdrawals`, from the drop back until found: the sweep visits a
validator every few days on mainnet), saying exactly how much was withdrawn. A drop with
no withdrawal found is a penalty.
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
        withdrawn: dict[str, int] = {}
        skipped: set[str] = set()
        spans: dict[tuple[datetime, datetime], list[tuple[Reading, Reading]]] = {}
        for before, after in pairs:
            spans.setdefault((before.at, after.at), []).append((before, after))
        if spans:
            timing = await self.timing()
            for span in spans.values():
                found = await self._withdrawn(timing, span)
                if found is None:
                    skipped.update(after.key for _, after in span)
                else:
                    withdrawn.update(found)
        events = []
        for before, after in pairs:
            if after.key in skipped:
                continue  # too long a gap to search: no event rather than a wrong one
            event = eth_balance_event(address, before, after, withdrawn.get(after.key, 0))
            if event is not None:
                events.append(event)
        return events

    async def _balances(self, slot: int, indices: Sequence[int]) -> dict[int, int]:
        path = BALANCES.format(state=slot)
        answer = await self._http.post(
            path, ValidatorBalancesResponse, json=[str(i) for i in indices]
        )
        return {b.index: b.balance for b in answer.data}

    async def _withdrawn(
        self, timing: Timing, span: Sequence[tuple[Reading, Reading]]
    ) -> dict[str, int] | None:
        """Gwei withdrawn from each validator between its two readings (all taken at the
        same two instants); None when the gap is too long to search.

        The balances at each epoch's first slot in between (one request per epoch for
        all the validators) locate the drops; the blocks before a drop hold the
        withdrawal."""
        before_at, after_at = span[0][0].at, span[0][1].at
        start, end = timing.slot_at(before_at), timing.slot_at(after_at)
        spe = timing.slots_per_epoch
        slots = [s for s in range((start // spe + 1) * spe, end, spe) if start < s < end]
        if len(slots) > MAX_SCAN_EPOCHS:
            log.warning("eth_withdrawal_scan_skipped", epochs=len(slots))
            return None
        indices = [int(after.key) for _, after in span]
        previous = {int(b.key): b.amount for b, _ in span}
        last = {int(a.key): a.amount for _, a in span}
        total = dict.fromkeys(indices, 0)
        previous_slot = start
        for slot in [*slots, end]:
            balances = last if slot == end else await self._balances(slot, indices)
            dropped = [i for i in indices if i in balances and balances[i] < previous[i]]
            if dropped:
                found = await self._withdrawals_in(dropped, previous_slot, slot)
                for i, amount in found.items():
                    total[i] += amount
            previous.update({i: b for i, b in balances.items() if i in previous})
            previous_slot = slot
        return {str(i): amount for i, amount in total.items()}

    async def _withdrawals_in(
        self, indices: Sequence[int], after_slot: int, to_slot: int
    ) -> dict[int, int]:
        """The withdrawals of these validators in the blocks of slots (after_slot,
        to_slot], read from the latest back until each is found (the sweep visits a
        validator at most once in that span)."""
        wanted = set(indices)
        found: dict[int, int] = {}
        for slot in range(to_slot, after_slot, -1):
            try:
                block = await self._http.get(BLOCK.format(block=slot), BlockWithdrawalsResponse)
            except ChainUnavailable as error:
                if isinstance(error.details, dict) and error.details.get("status") == 404:
                    continue  # an empty slot: no block
                raise
            for w in block.data.message.body.execution_payload.withdrawals:
                if w.validator_index in wanted:
                    found[w.validator_index] = found.get(w.validator_index, 0) + w.amount
            if wanted <= set(found):
                break
        return found

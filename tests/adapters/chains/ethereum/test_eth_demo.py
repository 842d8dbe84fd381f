"""The demo beacon node: exact wire formats (validated by the adapter's models), the
streamed set agreeing with the per-id answers, the demo wallets, time dependence."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter

from domain.models import Chain
from infrastructure.chains.demo.ethereum import SLASH_AT, EthereumDemo, epoch_at
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.chains.ethereum.schemas import (
    AttestationsRewardsResponse,
    BlockHeaderResponse,
    FinalityCheckpointsResponse,
    LivenessResponse,
    SpecResponse,
    ValidatorsResponse,
)
from infrastructure.chains.ethereum.validator_set import decode_all, withdrawal_target

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
BASE = "http://eth-beacon.demo.staketrack"


async def call(
    demo: EthereumDemo, method: str, path: str, body: Any = None, now: datetime = NOW, **kw: Any
) -> httpx.Response:
    request = httpx.Request(method, BASE + path, json=body, **kw)
    response = await demo(request, now)
    await response.aread()
    return response


def validate(model: Any, response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return TypeAdapter(model).validate_json(response.content)


@pytest.fixture(scope="module")
def demo() -> EthereumDemo:
    return EthereumDemo(seed=11, validators=1_000)


async def whole_set(demo: EthereumDemo, now: datetime = NOW) -> list[dict[str, Any]]:
    response = await call(demo, "GET", "/eth/v1/beacon/states/head/validators", now=now)
    assert response.headers["content-type"] == "application/json"
    parsed = validate(ValidatorsResponse, response)
    assert len(parsed.data) == demo.count
    entries: list[dict[str, Any]] = json.loads(response.content)["data"]
    return entries


async def test_streamed_set_equals_the_per_id_answers(demo: EthereumDemo) -> None:
    streamed = await whole_set(demo)
    ids = [str(i) for i in range(demo.count)]
    response = await call(demo, "POST", "/eth/v1/beacon/states/head/validators", {"ids": ids})
    assert json.loads(response.content)["data"] == streamed
    assert [int(e["index"]) for e in streamed] == list(range(demo.count))
    assert len({e["validator"]["pubkey"] for e in streamed}) == demo.count


async def test_a_realistic_mix(demo: EthereumDemo) -> None:
    streamed = await whole_set(demo)
    statuses = Counter(e["status"] for e in streamed)
    assert statuses["active_ongoing"] > 0.8 * demo.count
    assert statuses["withdrawal_done"] > 0 and statuses["pending_queued"] > 0
    assert statuses["pending_initialized"] > 0
    prefixes = Counter(e["validator"]["withdrawal_credentials"][:4] for e in streamed)
    assert set(prefixes) == {"0x00", "0x01", "0x02"}
    compounding = [
        int(e["validator"]["effective_balance"]) // 10**9
        for e in streamed
        if e["validator"]["withdrawal_credentials"].startswith("0x02")
        and e["status"] == "active_ongoing"
    ]
    assert min(compounding) >= 32 and max(compounding) == 2048
    addresses = Counter(
        withdrawal_target(e["validator"]["withdrawal_credentials"])[1] for e in streamed
    )
    assert addresses.most_common(2)[1][1] > 10  # pools share an address...
    assert sum(1 for count in addresses.values() if count == 1) > 50  # ...solo stakers do not


async def test_the_demo_wallets(demo: EthereumDemo) -> None:
    streamed = await whole_set(demo)
    wallets = {name: address.lower() for name, address in demo_addresses(Chain.ETH).items()}
    owned = Counter(withdrawal_target(e["validator"]["withdrawal_credentials"]) for e in streamed)
    assert owned[(1, wallets["whale"])] == 7 and owned[(2, wallets["whale"])] == 3
    assert owned[(1, wallets["staker"])] == 1 and owned[(2, wallets["staker"])] == 1
    assert not any(address == wallets["empty"] for _, address in owned)


async def test_one_whale_validator_is_slashed_on_the_day(demo: EthereumDemo) -> None:
    whale = demo_addresses(Chain.ETH)["whale"].lower()

    async def whale_states(now: datetime) -> list[tuple[str, bool]]:
        entries = await whole_set(demo, now)
        return [
            (e["status"], e["validator"]["slashed"])
            for e in entries
            if withdrawal_target(e["validator"]["withdrawal_credentials"])[1] == whale
        ]

    before = await whale_states(SLASH_AT - timedelta(hours=1))
    assert all(state == ("active_ongoing", False) for state in before)
    after = await whale_states(SLASH_AT + timedelta(hours=1))
    assert sorted(after) == [("active_ongoing", False)] * 9 + [("active_slashed", True)]
    later = await whale_states(SLASH_AT + timedelta(days=3))
    assert ("exited_slashed", True) in later
    much_later = await whale_states(SLASH_AT + timedelta(days=400))
    assert ("withdrawal_possible", True) in much_later  # never swept: amounts stay > 0


async def test_balances_move_with_the_clock(demo: EthereumDemo) -> None:
    first = await whole_set(demo, NOW)
    second = await whole_set(demo, NOW + timedelta(hours=6))
    assert first != second
    assert await whole_set(demo, NOW) == first  # deterministic
    other = await whole_set(EthereumDemo(seed=12, validators=1_000), NOW)
    assert other[5]["validator"]["pubkey"] != first[5]["validator"]["pubkey"]


async def test_rewards_and_liveness_agree(demo: EthereumDemo) -> None:
    head = epoch_at(NOW)
    # pending and exited validators first: their zero rewards must not become the ideal
    ids = [str(demo.count - 1), str(demo.count - 40)] + [str(i) for i in range(200)]
    missed = included = 0
    for epoch in range(head - 7, head - 1):
        states = await call(
            demo, "POST", f"/eth/v1/beacon/states/{epoch * 32}/validators", {"ids": ids}
        )
        effective = {
            int(e["index"]): int(e["validator"]["effective_balance"])
            for e in json.loads(states.content)["data"]
        }
        rewards = validate(
            AttestationsRewardsResponse,
            await call(demo, "POST", f"/eth/v1/beacon/rewards/attestations/{epoch}", ids),
        )
        live = validate(
            LivenessResponse, await call(demo, "POST", f"/eth/v1/validator/liveness/{epoch}", ids)
        )
        is_live = {entry.index: entry.is_live for entry in live.data}
        ideal = {entry.effective_balance: entry for entry in rewards.data.ideal_rewards}
        assert all(entry.source > 0 for balance, entry in ideal.items() if balance > 0)
        for reward in rewards.data.total_rewards:
            expected = ideal[effective[reward.validator_index]]
            if reward.source < 0:  # missed: penalised, below the ideal, not live
                missed += 1
                assert not is_live[reward.validator_index]
                assert (reward.source, reward.target) == (-expected.source, -expected.target)
            elif reward.source > 0:
                included += 1
                assert is_live[reward.validator_index]
                assert (reward.head, reward.target, reward.source) == (
                    expected.head,
                    expected.target,
                    expected.source,
                )
    assert missed > 0 and included > 10 * missed
    # rewards exist for finalized epochs only; liveness not for the future
    too_new = await call(demo, "POST", f"/eth/v1/beacon/rewards/attestations/{head}", ids)
    assert too_new.status_code == 404 and json.loads(too_new.content)["code"] == 404
    future = await call(demo, "POST", f"/eth/v1/validator/liveness/{head + 1}", ids)
    assert future.status_code == 400


async def test_missed_attestations_happen(demo: EthereumDemo) -> None:
    epoch = epoch_at(NOW) - 2
    missed = sum(demo.missed(index, epoch - k) for index in range(100) for k in range(20))
    assert 0 < missed < 200  # a few per mille, some validators worse


async def test_small_endpoints_validate(demo: EthereumDemo) -> None:
    spec = validate(SpecResponse, await call(demo, "GET", "/eth/v1/config/spec"))
    assert spec.data.SECONDS_PER_SLOT == 12 and spec.data.BASE_REWARD_FACTOR >= 1
    header = validate(BlockHeaderResponse, await call(demo, "GET", "/eth/v1/beacon/headers/head"))
    assert header.data.header.message.slot == (NOW.timestamp() - 1606824023) // 12
    finality = validate(
        FinalityCheckpointsResponse,
        await call(demo, "GET", "/eth/v1/beacon/states/head/finality_checkpoints"),
    )
    assert finality.data.finalized.epoch == epoch_at(NOW) - 2
    genesis = await call(demo, "GET", "/eth/v1/beacon/genesis")
    assert json.loads(genesis.content)["data"]["genesis_time"] == "1606824023"


async def test_filters_and_errors(demo: EthereumDemo) -> None:
    active = await call(
        demo, "GET", "/eth/v1/beacon/states/head/validators", params={"status": "active"}
    )
    statuses = {e["status"] for e in json.loads(active.content)["data"]}
    assert statuses and statuses <= {"active_ongoing", "active_exiting", "active_slashed"}
    by_id = await call(
        demo, "GET", "/eth/v1/beacon/states/head/validators", params={"id": ["3", "4", "nope"]}
    )
    assert [e["index"] for e in json.loads(by_id.content)["data"]] == ["3", "4"]
    for path, status in [
        ("/eth/v1/beacon/states/current/validators", 400),
        ("/eth/v1/beacon/blocks/head", 404),
        ("/eth/v1/beacon/headers/99999999999", 404),
    ]:
        response = await call(demo, "GET", path)
        assert response.status_code == status
        assert set(json.loads(response.content)) == {"code", "message"}
    bad = await call(demo, "POST", "/eth/v1/beacon/states/head/validators", {"statuses": ["x"]})
    assert bad.status_code == 400


async def test_the_whole_set_is_streamed_not_built() -> None:
    """1.1M validators: the first chunk arrives at once, nothing like 530 MB is built."""
    big = EthereumDemo(seed=1, validators=1_100_000)
    request = httpx.Request("GET", BASE + "/eth/v1/beacon/states/head/validators")
    response = await big(request, NOW)
    chunks = response.aiter_raw()
    head, first = await anext(chunks), await anext(chunks)
    assert head.startswith(b'{"execution_optimistic":false')
    assert 100_000 < len(first) < 1_000_000
    await response.aclose()
    rows = [row for batch in decode_all(head + first + b"]}", "/x") for row in batch]
    assert len(rows) == 512 and rows[0][0] == 0

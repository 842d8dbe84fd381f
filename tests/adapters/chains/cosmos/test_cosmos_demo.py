"""The demo Cosmos Hub: its wire format, its world over time, and CosmosAdapter reading it
end to end through ChainHttp."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from domain.chains import PositionKind, ValidatorStatus
from domain.models import Chain
from infrastructure.chains.cosmos.adapter import CosmosAdapter
from infrastructure.chains.demo.cosmos import CosmosDemo
from infrastructure.chains.demo.transport import DEMO_COSMOS_LCD_URL, DemoTransport
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.chains.http import ChainHttp

NOW = datetime(2026, 3, 14, 15, 27, 41, tzinfo=UTC)
DEC18 = re.compile(r"^\d+\.\d{18}$")
WALLETS = demo_addresses(Chain.ATOM)


async def no_sleep(_: float) -> None:
    pass


@pytest.fixture(scope="module")
def demo() -> CosmosDemo:
    return CosmosDemo(seed=42)


@pytest.fixture
async def adapter(demo: CosmosDemo) -> AsyncIterator[CosmosAdapter]:
    transport = DemoTransport({httpx.URL(DEMO_COSMOS_LCD_URL).host: demo}, lambda: NOW)
    http = ChainHttp("cosmos-lcd", [DEMO_COSMOS_LCD_URL], transport=transport, sleep=no_sleep)
    yield CosmosAdapter(http, now=lambda: NOW)
    await http.aclose()


async def get(demo: CosmosDemo, path: str, **params: str) -> httpx.Response:
    request = httpx.Request("GET", DEMO_COSMOS_LCD_URL + path, params=params)
    return await demo(request, NOW)


# --- the adapter end to end ----------------------------------------------------------


async def test_the_whole_set_is_listed_through_the_port(adapter: CosmosAdapter) -> None:
    seen: list[int] = []
    whole = await adapter.fetch_validator_set(seen.append)
    listed = await adapter.fetch_validators()
    assert whole.size == len(whole.validators) == len(listed) > 100
    assert {v.address for v in whole.validators} == {v.address for v in listed}
    assert seen == [whole.size]


async def test_validators_end_to_end(adapter: CosmosAdapter) -> None:
    validators = await adapter.fetch_validators()

    statuses = [v.status for v in validators]
    assert len(validators) == 240
    assert statuses.count(ValidatorStatus.ACTIVE) == 180
    assert statuses.count(ValidatorStatus.TOMBSTONED) == 1
    assert statuses.count(ValidatorStatus.JAILED) >= 1
    assert statuses.count(ValidatorStatus.INACTIVE) >= 20  # bonded outside the set + unbonded
    assert len({v.address for v in validators}) == 240
    assert len({v.name for v in validators}) == 240
    assert all(v.address.startswith("cosmosvaloper1") for v in validators)
    assert all(v.identity["consensusAddress"].startswith("cosmosvalcons1") for v in validators)
    commissions = [v.commission for v in validators if v.commission is not None]
    assert sum(1 for c in commissions if 0.05 <= c <= 0.10) / len(commissions) > 0.6
    stakes = sorted((v.stake for v in validators), reverse=True)
    assert stakes[0] > 20 * stakes[179]  # heavy-tailed


async def test_observations_end_to_end(adapter: CosmosAdapter) -> None:
    validators = await adapter.fetch_validators()
    observations = await adapter.fetch_observations([v.address for v in validators])

    active = [o for o in observations if o.status is ValidatorStatus.ACTIVE]
    assert len(active) == 180
    assert all(o.uptime is not None and 0 <= o.uptime <= 1 for o in active)
    assert any(o.uptime is not None and o.uptime < 1 for o in active)  # some miss blocks
    assert all(o.uptime is None for o in observations if o.status is not ValidatorStatus.ACTIVE)
    assert [o.tombstoned for o in observations].count(True) == 1


async def test_positions_of_the_demo_wallets(adapter: CosmosAdapter) -> None:
    validators = {v.address: v for v in await adapter.fetch_validators()}
    whale = await adapter.fetch_positions(WALLETS["whale"])
    staker = await adapter.fetch_positions(WALLETS["staker"])

    stakes = [p for p in whale if p.kind is PositionKind.STAKE]
    assert len(stakes) >= 5
    assert any(validators[p.validator].jailed for p in stakes)
    assert any(validators[p.validator].status is ValidatorStatus.INACTIVE for p in stakes)
    unbonding = [p for p in whale if p.kind is PositionKind.UNBONDING]
    assert 1 <= len(unbonding) <= 2
    assert all(p.completes_at is not None and p.completes_at > NOW for p in unbonding)
    assert all(p.amount > 0 for p in whale)
    assert len({p.key for p in whale}) == len(whale)
    earning = [p for p in stakes if validators[p.validator].status is ValidatorStatus.ACTIVE]
    assert earning and all(p.rewards is not None and p.rewards > 0 for p in earning)

    assert 1 <= len(staker) <= 2
    assert all(p.kind is PositionKind.STAKE for p in staker)
    assert await adapter.fetch_positions(WALLETS["empty"]) == []


async def test_metrics_end_to_end(adapter: CosmosAdapter) -> None:
    metrics = await adapter.fetch_metrics()

    assert metrics.validator_count == 240
    assert metrics.active_validator_count == 180
    assert metrics.total_supply is not None and metrics.total_staked < metrics.total_supply
    assert metrics.bonded_ratio is not None and 0.4 < metrics.bonded_ratio < 0.8
    assert metrics.inflation is not None and 0.09 < metrics.inflation < 0.11
    assert metrics.nominal_apr is not None and 0.1 < metrics.nominal_apr < 0.25
    assert metrics.details["maxValidators"] == "200"
    assert int(metrics.details["activeStake"]) < metrics.total_staked


# --- the wire format -----------------------------------------------------------------


async def test_validators_paginate_by_next_key(demo: CosmosDemo) -> None:
    seen: list[dict[str, Any]] = []
    key = None
    pages = 0
    while True:
        params = {"pagination.limit": "100"} | ({"pagination.key": key} if key else {})
        body = (await get(demo, "/cosmos/staking/v1beta1/validators", **params)).json()
        seen += body["validators"]
        pages += 1
        key = body["pagination"]["next_key"]
        if key is None:
            break
    assert pages == 3
    assert len({v["operator_address"] for v in seen}) == 240
    first = seen[0]
    assert DEC18.match(first["commission"]["commission_rates"]["rate"])
    assert DEC18.match(first["delegator_shares"])
    assert first["tokens"].isdigit()
    assert first["consensus_pubkey"]["@type"] == "/cosmos.crypto.ed25519.PubKey"


async def test_the_validator_set_pages_like_cometbft(demo: CosmosDemo) -> None:
    path = "/cosmos/base/tendermint/v1beta1/validatorsets/latest"
    first = (await get(demo, path, **{"pagination.limit": "500"})).json()
    second = (await get(demo, path, **{"pagination.offset": "100"})).json()

    assert len(first["validators"]) == 100  # capped
    assert first["pagination"] == {"next_key": None, "total": "180"}
    assert len(second["validators"]) == 80
    assert first["validators"][0]["address"].startswith("cosmosvalcons1")


async def test_not_found_has_the_grpc_gateway_error_shape(demo: CosmosDemo) -> None:
    unknown = await get(demo, "/cosmos/staking/v1beta1/validators/cosmosvaloper1nobody")
    route = await get(demo, "/cosmos/nothing/here")
    bad_address = await get(demo, "/cosmos/staking/v1beta1/delegations/cosmos1nope")

    assert unknown.status_code == 404 and unknown.json()["code"] == 5
    assert set(unknown.json()) == {"code", "message", "details"}
    assert route.status_code == 404 and route.json() == {
        "code": 5,
        "message": "Not Found",
        "details": [],
    }
    assert bad_address.status_code == 400 and bad_address.json()["code"] == 3


async def test_the_empty_wallet_answers_empty_lists(demo: CosmosDemo) -> None:
    address = WALLETS["empty"]
    delegations = await get(demo, f"/cosmos/staking/v1beta1/delegations/{address}")
    rewards = await get(demo, f"/cosmos/distribution/v1beta1/delegators/{address}/rewards")

    assert delegations.json()["delegation_responses"] == []
    assert rewards.json() == {"rewards": [], "total": []}


async def test_rewards_and_economics_are_18_decimal_strings(demo: CosmosDemo) -> None:
    address = WALLETS["whale"]
    rewards = (await get(demo, f"/cosmos/distribution/v1beta1/delegators/{address}/rewards")).json()
    inflation = (await get(demo, "/cosmos/mint/v1beta1/inflation")).json()
    tax = (await get(demo, "/cosmos/distribution/v1beta1/params")).json()

    amounts = [c["amount"] for entry in rewards["rewards"] for c in entry["reward"]]
    assert amounts and all(DEC18.match(a) for a in amounts)
    assert DEC18.match(inflation["inflation"])
    assert DEC18.match(tax["params"]["community_tax"])


# --- the world over time ---------------------------------------------------------------


def test_the_world_is_deterministic_per_seed_and_hour() -> None:
    a, b, other = CosmosDemo(seed=42), CosmosDemo(seed=42), CosmosDemo(seed=7)

    assert a.world(NOW) == b.world(NOW)
    assert a.world(NOW) is a.world(NOW.replace(minute=0, second=0))  # cached per hour
    ours = {s.profile.operator for s in a.world(NOW).states}
    assert ours.isdisjoint(s.profile.operator for s in other.world(NOW).states)


def test_a_new_hour_builds_in_under_100_ms(demo: CosmosDemo) -> None:
    start = time.perf_counter()
    demo.world(datetime(2026, 1, 2, 3, tzinfo=UTC))
    assert time.perf_counter() - start < 0.1


def test_events_come_and_go(demo: CosmosDemo) -> None:
    start = datetime(2026, 2, 1, tzinfo=UTC)
    hours = [demo.world(start + timedelta(hours=h)) for h in range(0, 24 * 14)]

    jailed = [{s.profile.index for s in w.states if s.jailed} for w in hours]
    permanent = set.intersection(*jailed)
    assert len(permanent) == 2  # the long-jailed and the tombstoned validator
    assert any(len(j - permanent) >= 1 for j in jailed)  # someone jailed for a few hours
    assert all(len(j - permanent) <= 2 for j in jailed)
    assert all(len(w.consensus_set) == 180 for w in hours)

    def rates(w: Any) -> dict[str, Any]:
        return {s.profile.operator: s.commission for s in w.states}

    changed = {k for k, v in rates(hours[0]).items() if rates(hours[-1])[k] != v}
    assert 1 <= len(changed) <= 60  # now and then, not all the time

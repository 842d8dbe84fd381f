"""The Ethereum adapter: status mapping, validators, positions, observations (rewards and
liveness math) and metrics (the spec reward formula, by hand), on the demo beacon node
and on scripted answers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.chains import PositionKind, ValidatorStatus
from domain.errors import InvalidInput
from domain.models import Chain
from infrastructure.chains.demo.ethereum import EthereumDemo
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.chains.ethereum.adapter import (
    POSITION_STATUS,
    STATUS,
    EthConfig,
    EthereumAdapter,
    ExecutionFigures,
    attestation_performance,
    attested,
    base_reward_per_increment,
    eth_metrics,
    execution_figures,
)
from infrastructure.chains.ethereum.schemas import (
    AttestationReward,
    AttestationsRewards,
    IdealAttestationReward,
    RewardSpec,
)
from infrastructure.chains.ethereum.validator_set import SetSummary
from infrastructure.chains.http import ChainHttp

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
GWEI = 10**9
WALLETS = demo_addresses(Chain.ETH)


class MemoryIndex:
    """ValidatorSetIndex over rows kept in memory (the SQL one is tested in integration)."""

    def __init__(self) -> None:
        self.indices: dict[str, list[str]] = {}

    async def indices_for(self, address: str) -> list[str]:
        return self.indices.get(address.lower(), [])

    async def replace(self, batches: AsyncIterator[Any]) -> int:
        indices: dict[str, list[str]] = {}
        count = 0
        async for batch in batches:
            for row in batch:
                count += 1
                if row[3] is not None:
                    indices.setdefault(row[3], []).append(str(row[0]))
        self.indices = indices  # wholesale, once the stream completed
        return count


class Recorder:
    """Routes requests to a handler and records (method, path, json body)."""

    def __init__(self, handler: Callable[[httpx.Request], Any]) -> None:
        self.handler = handler
        self.requests: list[tuple[str, str, Any]] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.requests.append((request.method, request.url.path, body))
        answer = self.handler(request)
        if hasattr(answer, "__await__"):
            answer = await answer
        assert isinstance(answer, httpx.Response)
        return answer


async def no_sleep(_: float) -> None:
    pass


def build(
    handler: Callable[[httpx.Request], Any],
    *,
    config: EthConfig | None = None,
    execution: Callable[[httpx.Request], Any] | None = None,
) -> tuple[EthereumAdapter, MemoryIndex, Recorder]:
    recorder = Recorder(handler)
    http = ChainHttp(
        "eth-beacon",
        ["http://beacon"],
        transport=httpx.MockTransport(recorder),
        attempts=1,
        sleep=no_sleep,
    )
    execution_http = None
    if execution is not None:
        execution_http = ChainHttp(
            "eth-execution", ["http://execution"], transport=httpx.MockTransport(execution)
        )
    index = MemoryIndex()
    adapter = EthereumAdapter(
        http, index, execution=execution_http, now=lambda: NOW, config=config or EthConfig()
    )
    return adapter, index, recorder


@pytest.fixture(scope="module")
def demo() -> EthereumDemo:
    return EthereumDemo(seed=7, validators=600)


def on_demo(demo: EthereumDemo, **options: Any) -> tuple[EthereumAdapter, MemoryIndex, Recorder]:
    return build(lambda request: demo(request, NOW), **options)


async def load_index(adapter: EthereumAdapter, index: MemoryIndex) -> int:
    count = 0
    async for batch in adapter.stream_validator_set():
        for row in batch:
            count += 1
            if row[3] is not None:
                index.indices.setdefault(row[3], []).append(str(row[0]))
    return count


# --- status mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("beacon", "status", "position"),
    [
        ("pending_initialized", ValidatorStatus.PENDING, "pending"),
        ("pending_queued", ValidatorStatus.PENDING, "pending"),
        ("active_ongoing", ValidatorStatus.ACTIVE, "active"),
        ("active_exiting", ValidatorStatus.EXITING, "deactivating"),
        ("active_slashed", ValidatorStatus.SLASHED, "slashed"),
        ("exited_slashed", ValidatorStatus.SLASHED, "slashed"),
        ("exited_unslashed", ValidatorStatus.EXITED, "exited"),
        ("withdrawal_possible", ValidatorStatus.EXITED, "exited"),
        ("withdrawal_done", ValidatorStatus.EXITED, "exited"),
    ],
)
def test_status_mapping(beacon: str, status: ValidatorStatus, position: str) -> None:
    assert STATUS[beacon] is status
    assert POSITION_STATUS[status] == position


# --- validators -----------------------------------------------------------------------------


async def test_fetch_validators_posts_ids_in_chunks(demo: EthereumDemo) -> None:
    adapter, _, recorder = on_demo(demo, config=EthConfig(ids_per_request=2))
    pubkey = demo.entries([9], 0)[0]["validator"]["pubkey"]
    validators = await adapter.fetch_validators(["5", "007", pubkey, "5", "599999"])
    posts = [body for method, _, body in recorder.requests if method == "POST"]
    assert posts == [{"ids": ["5", "7"]}, {"ids": [pubkey.lower(), "599999"]}]
    assert [v.address for v in validators] == ["5", "7", "9"]  # the unknown one is absent
    first = validators[0]
    assert first.chain is Chain.ETH and first.commission is None and first.fetched_at == NOW
    assert first.identity["pubkey"].startswith("0x") and len(first.identity["pubkey"]) == 98
    assert first.stake % GWEI == 0


async def test_fetch_validators_refuses_the_whole_set_and_bad_ids(demo: EthereumDemo) -> None:
    adapter, _, recorder = on_demo(demo)
    with pytest.raises(InvalidInput):
        await adapter.fetch_validators(None)
    for bad in ("-1", "0x1234", "12a", "", "１２"):
        with pytest.raises(InvalidInput):
            await adapter.fetch_validators([bad])
    assert recorder.requests == []


async def test_validator_identity_and_slashing(demo: EthereumDemo) -> None:
    adapter, index, _ = on_demo(demo)
    await load_index(adapter, index)
    whale = await adapter.fetch_validators(index.indices[WALLETS["whale"].lower()])
    assert len(whale) == 10
    assert {v.identity["withdrawalAddress"] for v in whale} == {WALLETS["whale"].lower()}
    slashed = [v for v in whale if v.slashed]
    assert len(slashed) == 1 and slashed[0].status is ValidatorStatus.SLASHED
    compounding = sorted(v.stake for v in whale if v.stake > 32 * GWEI)
    assert len(compounding) == 3 and compounding[-1] == 2048 * GWEI


# --- positions ------------------------------------------------------------------------------


async def test_positions_of_the_demo_wallets(demo: EthereumDemo) -> None:
    adapter, index, _ = on_demo(demo)
    assert await load_index(adapter, index) == 600
    whale = await adapter.fetch_positions(WALLETS["whale"])
    assert len(whale) == 10
    assert all(p.amount > 0 and p.kind is PositionKind.STAKE for p in whale)
    assert all(p.owner == WALLETS["whale"] and p.key == p.validator for p in whale)
    assert [int(p.key) for p in whale] == sorted(int(p.key) for p in whale)
    assert {p.status for p in whale} == {"active", "slashed"}
    staker = await adapter.fetch_positions(WALLETS["staker"].lower())
    assert sorted(p.status for p in staker) == ["active", "pending"]
    assert await adapter.fetch_positions(WALLETS["empty"]) == []


async def test_the_whole_set_streams_into_the_index_through_the_port(demo: EthereumDemo) -> None:
    """`fetch_validator_set` (the port's whole-set step): the set goes to the index, no
    validator is listed, progress counts the entries; positions are then found."""
    adapter, index, _ = on_demo(demo)
    seen: list[int] = []
    whole = await adapter.fetch_validator_set(seen.append)
    assert whole.validators == [] and whole.size == 600
    assert seen and seen[-1] == 600 and seen == sorted(seen)
    assert len(index.indices[WALLETS["whale"].lower()]) >= 10
    assert len(await adapter.fetch_positions(WALLETS["whale"])) >= 2


async def test_positions_skip_validators_no_longer_withdrawing_there(demo: EthereumDemo) -> None:
    adapter, index, recorder = on_demo(demo)
    await load_index(adapter, index)
    staker = index.indices[WALLETS["staker"].lower()]
    index.indices[WALLETS["empty"].lower()] = [staker[0]]  # a stale entry
    assert await adapter.fetch_positions(WALLETS["empty"]) == []
    recorder.requests.clear()
    index.indices.pop(WALLETS["empty"].lower())
    assert await adapter.fetch_positions(WALLETS["empty"]) == []
    assert recorder.requests == []  # nothing stored: no request


@pytest.mark.parametrize(
    "address", ["0x123", "d8Aa3dDc77b3B568511f0619708a1BE3D5e366fd", "0x" + "g" * 40]
)
async def test_positions_refuse_malformed_addresses(demo: EthereumDemo, address: str) -> None:
    adapter, _, _ = on_demo(demo)
    with pytest.raises(InvalidInput):
        await adapter.fetch_positions(address)


# --- rewards and liveness math --------------------------------------------------------------


def ideal(balance: int, head: int, target: int, source: int) -> IdealAttestationReward:
    return IdealAttestationReward(
        effective_balance=balance, head=head, target=target, source=source, inactivity=0
    )


def reward(
    index: int, head: int, target: int, source: int, inactivity: int = 0
) -> AttestationReward:
    return AttestationReward(
        validator_index=index, head=head, target=target, source=source, inactivity=inactivity
    )


def test_attestation_performance_by_hand() -> None:
    rewards = AttestationsRewards(
        ideal_rewards=[ideal(32 * GWEI, 2000, 4000, 2000), ideal(0, 0, 0, 0)],
        total_rewards=[
            reward(1, 2000, 4000, 2000),  # perfect
            reward(2, 0, 4000, 2000),  # head missed: 6000 / 8000
            reward(3, 0, -4000, -2000),  # missed: negative, clamped to 0
            reward(4, 4000, 8000, 4000, inactivity=-4000),  # 64 ETH: ideal scaled to 16000
            reward(5, 1, 1, 1),  # effective balance unknown: no figure
            reward(6, 0, 0, 0),  # effective balance 0 (exited): no figure
        ],
    )
    balances = {1: 32 * GWEI, 2: 32 * GWEI, 3: 32 * GWEI, 4: 64 * GWEI, 6: 0}
    assert attestation_performance(rewards, balances) == {
        1: Decimal(1),
        2: Decimal("0.75"),
        3: Decimal(0),
        4: Decimal("0.75"),
    }
    assert attested(rewards) == {
        1: 1,
        2: 1,
        3: 0,
        4: 1,
        5: 1,
        6: 0,
    }


async def test_observations_on_the_demo(demo: EthereumDemo) -> None:
    adapter, index, recorder = on_demo(demo)
    await load_index(adapter, index)
    ids = index.indices[WALLETS["whale"].lower()]
    recorder.requests.clear()
    observations = await adapter.fetch_observations(ids)
    assert [o.validator for o in observations] == ids
    paths = [path for _, path, _ in recorder.requests]
    finalized = (NOW.timestamp() - 1606824023) // 384 - 2
    assert f"/eth/v1/beacon/rewards/attestations/{finalized:.0f}" in paths
    assert f"/eth/v1/validator/liveness/{finalized:.0f}" in paths
    for observation in observations:
        assert observation.observed_at == NOW and observation.chain is Chain.ETH
        if observation.slashed:  # exited by now: nothing to measure
            assert observation.status is ValidatorStatus.SLASHED
            assert observation.uptime is None and observation.performance is None
        else:
            assert observation.uptime in (0, 1)
            assert observation.performance is not None and 0 <= observation.performance <= 1
            assert (observation.uptime == 1) == (observation.performance > Decimal("0.9"))
    assert await adapter.fetch_observations([]) == []


async def test_observations_find_missed_attestations_over_time(demo: EthereumDemo) -> None:
    """A validator that misses often (the demo's worst profile) shows up at some hour."""
    poor = next(i for i in range(500) if demo._profile(i).miss_permille == 150)
    seen = set()
    for hour in range(48):
        moment = datetime(2026, 11, 20, tzinfo=UTC).replace(hour=hour % 24, day=20 + hour // 24)
        adapter, _, _ = build(lambda request, m=moment: demo(request, m))
        (observation,) = await adapter.fetch_observations([str(poor)])
        seen.add((observation.uptime, observation.performance))
    assert (Decimal(0), Decimal(0)) in seen and (Decimal(1), Decimal(1)) in seen


async def test_liveness_unavailable_falls_back_to_included_votes(demo: EthereumDemo) -> None:
    def handler(request: httpx.Request) -> Any:
        if request.url.path.startswith("/eth/v1/validator/liveness/"):
            return httpx.Response(400, json={"code": 400, "message": "epoch too old"})
        return demo(request, NOW)

    adapter, _, _ = build(handler)
    observations = await adapter.fetch_observations(["20", "21", "22"])
    assert all(o.uptime in (0, 1) for o in observations if o.status is ValidatorStatus.ACTIVE)


async def test_rewards_unavailable_leaves_performance_unknown(demo: EthereumDemo) -> None:
    def handler(request: httpx.Request) -> Any:
        if "rewards" in request.url.path or "liveness" in request.url.path:
            return httpx.Response(503, json={"code": 503, "message": "syncing"})
        return demo(request, NOW)

    adapter, _, _ = build(handler)
    (observation,) = await adapter.fetch_observations(["20"])
    assert observation.performance is None and observation.uptime is None
    assert observation.stake is not None  # the state itself is still observed


# --- metrics ------------------------------------------------------------------------------------

MAINNET = RewardSpec(
    BASE_REWARD_FACTOR=64, EFFECTIVE_BALANCE_INCREMENT=GWEI, SLOTS_PER_EPOCH=32, SECONDS_PER_SLOT=12
)
# 1,060,000 active validators with 34,000,000 ETH, 1,100,000 in all
SUMMARY = SetSummary(
    validators=1_100_000,
    active_validators=1_060_000,
    active_balance=34_000_000 * GWEI,
    total_balance=34_100_000 * GWEI,
)


def test_metrics_match_a_hand_computation() -> None:
    # integer_squareroot(34e15 gwei) = 184,390,889; 64e9 // 184,390,889 = 347 gwei per increment
    assert base_reward_per_increment(MAINNET, SUMMARY.active_balance) == 347
    # a year of 365.25 days is 82,181.25 epochs of 384 s
    config = EthConfig(total_supply_gwei=120_000_000 * GWEI)
    metrics = eth_metrics(MAINNET, SUMMARY, config, execution=None, observed_at=NOW, epoch=9)
    # consensus 347 * 82,181.25 / 1e9 = 0.02851689375; + 0.003 execution estimate
    assert metrics.nominal_apr == Decimal("0.0315168938")
    assert metrics.details["consensusApr"] == "0.0285168938"
    # issuance 347 * 34,000,000 increments * 82,181.25 = 969,574,387,500,000 gwei a year,
    # burn 0.07 % of 120M ETH = 84,000 ETH: (969,574.3875 - 84,000) / 120M = 0.00737978656
    assert metrics.details["annualIssuance"] == "969574387500000"
    assert metrics.details["annualBurn"] == str(84_000 * GWEI)
    assert metrics.inflation == Decimal("0.0073797866")
    assert metrics.bonded_ratio == Decimal("0.2833333333")
    assert metrics.total_supply == 120_000_000 * GWEI
    assert metrics.total_staked == 34_000_000 * GWEI
    assert (metrics.validator_count, metrics.active_validator_count) == (1_100_000, 1_060_000)
    assert metrics.epoch == 9 and metrics.observed_at == NOW
    assert set(metrics.estimated) == {"nominal_apr", "total_supply", "bonded_ratio", "inflation"}


def test_metrics_supply_from_the_staked_ratio_and_measured_execution() -> None:
    execution = ExecutionFigures(burn=50_000 * GWEI, priority_fees=68_000 * GWEI)
    metrics = eth_metrics(MAINNET, SUMMARY, EthConfig(), execution=execution, observed_at=NOW)
    assert metrics.total_supply == int(Decimal(34_000_000 * GWEI) / Decimal("0.29"))
    # 68,000 ETH of tips over 34M ETH staked: 0.002
    assert metrics.details["executionApr"] == "0.0020000000"
    assert metrics.nominal_apr == Decimal("0.0305168938")
    assert metrics.details["annualBurn"] == str(50_000 * GWEI)
    assert metrics.details["burnSource"] == "eth_feeHistory"
    assert "nominal_apr" not in metrics.estimated


def test_execution_figures_by_hand() -> None:
    figures = execution_figures(
        ["0x3b9aca00", "0x77359400", "0x12a05f200"],  # 1 and 2 gwei (+ the next block's)
        [0.5, 0.25],
        [["0x3b9aca00"], ["0x0"]],  # median tips: 1 gwei, 0
        gas_limit=30_000_000,
        blocks_per_year=2_629_800,
    )
    # burn: 1e9 * 15M + 2e9 * 7.5M = 3e16 wei in 2 blocks -> 1.5e16 wei a block
    # * 2,629,800 blocks = 3.9447e22 wei = 39,447 ETH; tips half of that
    assert figures == ExecutionFigures(burn=39_447 * GWEI, priority_fees=19_723_500_000_000)
    assert execution_figures([], [], None, gas_limit=1, blocks_per_year=1) is None


async def test_fetch_metrics_on_the_demo_streams_once(demo: EthereumDemo) -> None:
    adapter, _, recorder = on_demo(demo)
    first = await adapter.fetch_metrics()
    streams = [path for method, path, _ in recorder.requests if method == "GET"]
    assert streams.count("/eth/v1/beacon/states/head/validators") == 1
    second = await adapter.fetch_metrics()
    streams = [path for method, path, _ in recorder.requests if method == "GET"]
    assert streams.count("/eth/v1/beacon/states/head/validators") == 1  # the summary is reused
    assert first == second
    assert first.validator_count == 600 and 500 < first.active_validator_count < 600
    assert Decimal("0.02") < first.nominal_apr < Decimal("0.04")  # type: ignore[operator]
    assert Decimal("0.002") < first.inflation < Decimal("0.01")  # type: ignore[operator]
    assert first.epoch == (NOW.timestamp() - 1606824023) // 384
    assert first.details["burnSource"] == "estimate"


async def test_fetch_metrics_reads_the_burn_from_an_execution_node(demo: EthereumDemo) -> None:
    def execution(request: httpx.Request) -> httpx.Response:
        call = json.loads(request.content)
        if call["method"] == "eth_feeHistory":
            assert call["params"] == ["0x400", "latest", [50]]
            result: Any = {
                "oldestBlock": "0x10",
                "baseFeePerGas": ["0x3b9aca00", "0x3b9aca00"],
                "gasUsedRatio": [0.5],
                "reward": [["0x3b9aca00"]],
            }
        else:
            result = {"gasLimit": "0x1c9c380", "number": "0x11"}
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": call["id"], "result": result})

    adapter, _, _ = on_demo(demo, execution=execution)
    metrics = await adapter.fetch_metrics()
    # 1 gwei * 15M gas a block, 2,629,800 blocks a year: 39,447 ETH burnt; tips the same
    assert metrics.details["annualBurn"] == str(39_447 * GWEI)
    assert metrics.details["burnSource"] == "eth_feeHistory"
    assert "nominal_apr" not in metrics.estimated


async def test_an_execution_node_error_falls_back_to_estimates(demo: EthereumDemo) -> None:
    def execution(request: httpx.Request) -> httpx.Response:
        error = {"code": -32000, "message": "block range too large"}
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": 1, "error": error})

    adapter, _, _ = on_demo(demo, execution=execution)
    metrics = await adapter.fetch_metrics()
    assert metrics.details["burnSource"] == "estimate" and "nominal_apr" in metrics.estimated


async def test_stream_is_an_async_iterator(demo: EthereumDemo) -> None:
    adapter, _, _ = on_demo(demo)
    stream = adapter.stream_validator_set()
    assert isinstance(stream, AsyncIterator)
    first = await anext(stream)
    assert first and len(first[0]) == 10
    await stream.aclose()  # stopping early closes the response

"""The demo Solana node: the unchanged adapter runs against it through the demo
transport, and its world is deterministic, time-dependent and honest about filters."""

from __future__ import annotations

import base64
import json
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.chains import ValidatorStatus
from domain.models import Chain
from infrastructure.chains.demo.solana import SolanaDemo, b58decode
from infrastructure.chains.demo.transport import DEMO_SOLANA_RPC_URL, DemoTransport
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.chains.http import ChainHttp
from infrastructure.chains.solana.activation import STAKE_HISTORY_SYSVAR
from infrastructure.chains.solana.adapter import SolanaAdapter
from infrastructure.chains.solana.stake_account import STAKE_PROGRAM_ID

NOW = datetime(2026, 5, 4, 13, 20, tzinfo=UTC)
SOL = 10**9
WALLETS = demo_addresses(Chain.SOL)


@pytest.fixture(scope="module")
def demo() -> SolanaDemo:
    return SolanaDemo(seed=42)


def solana(demo: SolanaDemo, now: datetime = NOW) -> SolanaAdapter:
    transport = DemoTransport({httpx.URL(DEMO_SOLANA_RPC_URL).host: demo}, clock=lambda: now)
    http = ChainHttp("solana-rpc", [DEMO_SOLANA_RPC_URL], transport=transport)
    return SolanaAdapter(http, now=lambda: now)


async def rpc(demo: SolanaDemo, body: Any, now: datetime = NOW) -> Any:
    request = httpx.Request("POST", DEMO_SOLANA_RPC_URL, json=body)
    return json.loads((await demo(request, now)).content)


async def result(demo: SolanaDemo, method: str, *params: Any, now: datetime = NOW) -> Any:
    answer = await rpc(demo, {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, now)
    assert "error" not in answer, answer
    return answer["result"]


# --- the adapter, unchanged, against the demo -------------------------------------------


async def test_about_1300_validators_heavy_tailed_with_some_delinquent(demo: SolanaDemo) -> None:
    validators = await solana(demo).fetch_validators()
    assert 1_250 <= len(validators) <= 1_350
    statuses = Counter(v.status for v in validators)
    assert 3 <= statuses[ValidatorStatus.DELINQUENT] <= 60
    stakes = sorted((v.stake for v in validators), reverse=True)
    assert stakes[0] >= 8_000_000 * SOL and statistics.median(stakes) < 1_000_000 * SOL
    assert 300_000_000 * SOL < sum(stakes) < 500_000_000 * SOL
    commissions = Counter(v.commission for v in validators)
    assert sum(n for c, n in commissions.items() if c is not None and c <= Decimal("0.1")) > 1_000
    assert commissions[Decimal(1)] > 0  # some keep everything
    assert all(v.identity["nodePubkey"] and v.identity["lastVote"].isdigit() for v in validators)


async def test_the_whole_set_is_listed_through_the_port(demo: SolanaDemo) -> None:
    seen: list[int] = []
    whole = await solana(demo).fetch_validator_set(seen.append)
    listed = await solana(demo).fetch_validators()
    assert whole.size == len(whole.validators) == len(listed) > 1_000
    assert {v.address for v in whole.validators} == {v.address for v in listed}
    assert seen == [whole.size]


async def test_observations_for_every_validator(demo: SolanaDemo) -> None:
    adapter = solana(demo)
    ids = [v.address for v in await adapter.fetch_validators()]
    observations = await adapter.fetch_observations(ids)
    assert len(observations) == len(ids)
    assert all(o.uptime is not None and 0 <= o.uptime <= 1 for o in observations)
    healthy = [o for o in observations if o.status is ValidatorStatus.ACTIVE]
    assert statistics.median(o.uptime or Decimal(0) for o in healthy) > Decimal("0.85")
    assert all(o.uptime == 0 for o in observations if o.status is ValidatorStatus.DELINQUENT)
    skips = [o.skip_rate for o in observations if o.skip_rate is not None]
    assert len(skips) > 1_000 and max(skips) > Decimal("0.1")  # some dips
    assert sum(o.version is not None for o in observations) > 1_200


async def test_metrics_are_plausible(demo: SolanaDemo) -> None:
    metrics = await solana(demo).fetch_metrics()
    assert metrics.validator_count > metrics.active_validator_count > 1_200
    assert metrics.bonded_ratio is not None and Decimal("0.5") < metrics.bonded_ratio < 1
    assert metrics.inflation is not None and Decimal("0.015") <= metrics.inflation < Decimal("0.08")
    assert metrics.nominal_apr is not None and Decimal("0.03") < metrics.nominal_apr < Decimal(
        "0.12"
    )
    # 400 ms slots, 432,000 to an epoch (two days) from the demo genesis
    slots = (NOW - datetime(2020, 3, 16, 14, 29, tzinfo=UTC)).total_seconds() / 0.4
    assert metrics.epoch == (await result(demo, "getEpochInfo"))["epoch"] == int(slots) // 432_000


async def test_the_whale_stakes_across_validators_in_every_state(demo: SolanaDemo) -> None:
    positions = await solana(demo).fetch_positions(WALLETS["whale"])
    assert 5 <= len(positions) <= 8
    assert {p.status for p in positions} == {"active", "activating", "deactivating", "inactive"}
    assert len({p.validator for p in positions}) == len(positions)
    assert all(p.owner == WALLETS["whale"] and p.amount > 0 for p in positions)
    live = {v.address for v in await solana(demo).fetch_validators()}
    assert {p.validator for p in positions} <= live
    # one of them the whale only withdraws from
    whale = WALLETS["whale"]
    only_withdrawer = await _keys(demo, 44, whale) - await _keys(demo, 12, whale)
    assert len(only_withdrawer) == 1 and only_withdrawer <= {p.key for p in positions}


async def test_the_staker_has_a_little_and_empty_has_nothing(demo: SolanaDemo) -> None:
    adapter = solana(demo)
    assert 1 <= len(await adapter.fetch_positions(WALLETS["staker"])) <= 2
    assert await adapter.fetch_positions(WALLETS["empty"]) == []


# --- the demo world ---------------------------------------------------------------------


async def test_the_same_seed_and_time_give_the_same_world() -> None:
    first = await result(SolanaDemo(seed=7), "getVoteAccounts", {"commitment": "finalized"})
    again = await result(SolanaDemo(seed=7), "getVoteAccounts", {"commitment": "finalized"})
    other = await result(SolanaDemo(seed=8), "getVoteAccounts", {"commitment": "finalized"})
    assert first == again and first != other


async def test_delinquency_commission_and_credits_change_with_time(demo: SolanaDemo) -> None:
    async def votes(now: datetime) -> dict[str, Any]:
        answer = await result(demo, "getVoteAccounts", now=now)
        return {a["votePubkey"]: a for a in answer["current"]} | {
            a["votePubkey"]: {**a, "delinquent": True} for a in answer["delinquent"]
        }

    now_votes, later = await votes(NOW), await votes(NOW + timedelta(hours=5))
    delinquent = {k for k, a in now_votes.items() if a.get("delinquent")}
    assert delinquent != {k for k, a in later.items() if a.get("delinquent")}
    # two epochs on, the then-completed epochs keep their credits: history accumulates
    two_epochs = await votes(NOW + timedelta(days=4))
    for key in list(now_votes)[:50]:
        before = {e: (c, p) for e, c, p in now_votes[key]["epochCredits"][:-1]}
        after = {e: (c, p) for e, c, p in two_epochs[key]["epochCredits"]}
        assert all(after[e] == before[e] for e in before if e in after)
        if not now_votes[key].get("delinquent") and not two_epochs[key].get("delinquent"):
            assert two_epochs[key]["epochCredits"][-1][1] > now_votes[key]["epochCredits"][-1][1]
    month = await votes(NOW + timedelta(days=30))
    changed = [k for k in now_votes if month[k]["commission"] != now_votes[k]["commission"]]
    assert 0 < len(changed) < 150


async def test_program_account_filters_are_applied_to_the_bytes(demo: SolanaDemo) -> None:
    base = {"encoding": "base64"}
    everything = await result(demo, "getProgramAccounts", STAKE_PROGRAM_ID, base)
    assert len(everything) >= 50
    voter = (await solana(demo).fetch_positions(WALLETS["whale"]))[0].validator
    by_voter = await _keys(demo, 124, voter)
    assert by_voter == {a["pubkey"] for a in everything if _data(a)[124:156] == b58decode(voter)}
    assert await _keys(demo, 12, "Vote111111111111111111111111111111111111111") == set()
    sized = {**base, "filters": [{"dataSize": 199}]}
    assert await result(demo, "getProgramAccounts", STAKE_PROGRAM_ID, sized) == []
    tag_2 = {"memcmp": {"offset": 0, "bytes": "AgAAAA==", "encoding": "base64"}}
    delegated = await result(
        demo, "getProgramAccounts", STAKE_PROGRAM_ID, {**base, "filters": [tag_2]}
    )
    assert 0 < len(delegated) < len(everything)  # the undelegated account is tag 1


async def test_json_rpc_errors_and_batches(demo: SolanaDemo) -> None:
    unknown = await rpc(demo, {"jsonrpc": "2.0", "id": 3, "method": "getTeapot"})
    assert unknown["id"] == 3 and unknown["error"] == {
        "code": -32601,
        "message": "Method not found",
    }
    no_encoding = [STAKE_PROGRAM_ID]
    bad = await rpc(
        demo, {"jsonrpc": "2.0", "id": 4, "method": "getProgramAccounts", "params": no_encoding}
    )
    assert bad["error"]["code"] == -32602  # base64 encoding is required
    batch = await rpc(demo, [{"jsonrpc": "2.0", "id": i, "method": "getEpochInfo"} for i in (1, 2)])
    assert [a["id"] for a in batch] == [1, 2]
    get = await demo(httpx.Request("GET", DEMO_SOLANA_RPC_URL), NOW)
    assert get.status_code == 405


async def test_a_fresh_world_builds_quickly() -> None:
    started = time.perf_counter()
    fresh = SolanaDemo(seed=99)
    for method in ("getVoteAccounts", "getClusterNodes", "getBlockProduction"):
        await result(fresh, method)
    await result(fresh, "getAccountInfo", STAKE_HISTORY_SYSVAR, {"encoding": "base64"})
    assert time.perf_counter() - started < 1.0  # about 0.1 s; generous for slow CI


async def _keys(demo: SolanaDemo, offset: int, key: str) -> set[str]:
    config = {"encoding": "base64", "filters": [{"memcmp": {"offset": offset, "bytes": key}}]}
    return {a["pubkey"] for a in await result(demo, "getProgramAccounts", STAKE_PROGRAM_ID, config)}


def _data(keyed: dict[str, Any]) -> bytes:
    return base64.b64decode(keyed["account"]["data"][0])


@pytest.mark.parametrize(
    "params",
    [
        [],  # the program id is required
        [STAKE_PROGRAM_ID, {"encoding": "base64"}, "extra"],
        [STAKE_PROGRAM_ID, "base64"],
        [STAKE_PROGRAM_ID, {"encoding": "base64", "filters": [{"memcmp": {"offset": 12}}]}],
        [
            STAKE_PROGRAM_ID,
            {"encoding": "base64", "filters": [{"memcmp": {"offset": 0, "bytes": "0OIl"}}]},
        ],
        [STAKE_PROGRAM_ID, {"encoding": "base64", "filters": [{"owner": "x"}]}],
        [STAKE_PROGRAM_ID, {"encoding": "base64", "filters": [{"dataSize": 200}] * 5}],
    ],
)
async def test_bad_params_are_invalid_params_errors(demo: SolanaDemo, params: list[Any]) -> None:
    body = {"jsonrpc": "2.0", "id": 9, "method": "getProgramAccounts", "params": params}
    answer = await rpc(demo, body)
    assert answer["error"]["code"] == -32602 and answer["id"] == 9
    votes = {"jsonrpc": "2.0", "id": 10, "method": "getVoteAccounts", "params": ["finalized"]}
    assert (await rpc(demo, votes))["error"]["code"] == -32602


# --- validator-info (Config program) ------------------------------------------------------

CONFIG = "Config1111111111111111111111111111111111111"
MARKER = "Va1idator1nfo111111111111111111111111111111"


async def test_validator_info_in_the_jsonparsed_wire_shape(demo: SolanaDemo) -> None:
    only_info = {"filters": [{"memcmp": {"offset": 1, "bytes": MARKER}}]}
    parsed = await result(
        demo, "getProgramAccounts", CONFIG, {"encoding": "jsonParsed", **only_info}
    )
    raw = await result(demo, "getProgramAccounts", CONFIG, {"encoding": "base64", **only_info})
    assert [a["pubkey"] for a in parsed] == [a["pubkey"] for a in raw] and len(parsed) > 1_000
    first = parsed[0]["account"]
    assert first["owner"] == CONFIG and first["space"] == first["data"]["space"] == 643
    assert first["data"]["program"] == "config"
    assert first["data"]["parsed"]["type"] == "validatorInfo"
    keys = first["data"]["parsed"]["info"]["keys"]
    assert keys[0] == {"pubkey": MARKER, "signer": False} and keys[1]["signer"] is True
    assert isinstance(first["data"]["parsed"]["info"]["configData"]["name"], str)
    # the same bytes: ConfigKeys (count 2, marker, not signer, identity, signer), then
    # a u64 length and the JSON text
    data = _data(raw[0])
    assert data[0] == 2 and data[1:33] == b58decode(MARKER) and data[33] == 0
    assert data[34:66] == b58decode(keys[1]["pubkey"]) and data[66] == 1
    length = int.from_bytes(data[67:75], "little")
    config_data = first["data"]["parsed"]["info"]["configData"]
    assert json.loads(data[75 : 75 + length]) == config_data
    # unfiltered, the cluster's StakeConfig account is there too: not parsable, so base64
    everything = await result(demo, "getProgramAccounts", CONFIG, {"encoding": "jsonParsed"})
    stake_config = [a for a in everything if isinstance(a["account"]["data"], list)]
    assert [a["pubkey"] for a in stake_config] == ["StakeConfig11111111111111111111111111111111"]
    assert stake_config[0]["account"]["data"][1] == "base64"
    bad = await rpc(
        demo,
        {"jsonrpc": "2.0", "id": 5, "method": "getProgramAccounts",
         "params": [CONFIG, {"encoding": "jsonParsed:zstd"}]},
    )  # fmt: skip
    assert bad["error"]["code"] == -32602


async def test_most_validators_are_named_deterministically(demo: SolanaDemo) -> None:
    validators = await solana(demo).fetch_validators()
    named = [v for v in validators if v.name]
    assert 0.75 < len(named) / len(validators) < 0.95  # most, not all, publish
    assert len({v.name for v in named}) == len(named)
    assert sum("website" in v.identity for v in validators) > len(validators) / 2
    assert any("iconUrl" in v.identity for v in validators)
    assert all(v.identity.get("website", "https://").startswith("https://") for v in validators)
    # the junk some publish (a bidi override, a newline, a javascript: link) is cleaned
    assert not any(c in v.name for v in named for c in "\u202e\n")
    again = {v.address: v.name for v in await solana(SolanaDemo(seed=42)).fetch_validators()}
    assert again == {v.address: v.name for v in validators}
    other = {v.name for v in await solana(SolanaDemo(seed=7)).fetch_validators()}
    assert other != {v.name for v in validators}

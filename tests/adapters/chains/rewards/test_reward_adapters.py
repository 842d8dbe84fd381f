"""The rewards reads of the ETH and SOL adapters against fake nodes answering in the real
wire formats (Beacon API v4 `validator_balances` and `blocks` with Capella+ withdrawals;
Solana `getEpochInfo` and `getInflationReward` as documented)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from domain.chains import Position, PositionKind
from domain.models import Chain
from domain.rewards.derive import Reading, RewardBasis
from domain.rewards.events import RewardEvent, RewardKind
from infrastructure.chains.ethereum.rewards import EthRewards
from infrastructure.chains.http import ChainHttp
from infrastructure.chains.solana.adapter import SolanaAdapter

GENESIS_TIME = 1606824023
GWEI = 10**9
OWNER = "0x8d3b5f1b6a3c2e4d9f7a1b2c3d4e5f6a7b8c9d0e"
INDEX = 812345


def slot_time(slot: int) -> datetime:
    return datetime.fromtimestamp(GENESIS_TIME + slot * 12, UTC)


async def no_sleep(_: float) -> None:
    return None


SPEC = {
    "data": {
        "CONFIG_NAME": "mainnet",
        "BASE_REWARD_FACTOR": "64",
        "EFFECTIVE_BALANCE_INCREMENT": "1000000000",
        "SLOTS_PER_EPOCH": "32",
        "SECONDS_PER_SLOT": "12",
    }
}
GENESIS = {
    "data": {
        "genesis_time": str(GENESIS_TIME),
        "genesis_validators_root": "0x4b363db94e286120d76eb905340fdd4e"
        "54bfe9f06bf33ff6cf5ad27f511bfe95",
        "genesis_fork_version": "0x00000000",
    }
}


def block(slot: int, withdrawals: list[dict[str, str]]) -> dict[str, Any]:
    """GET /eth/v2/beacon/blocks/{slot} (electra), trimmed to a few body fields."""
    return {
        "version": "electra",
        "execution_optimistic": False,
        "finalized": True,
        "data": {
            "message": {
                "slot": str(slot),
                "proposer_index": "1234",
                "parent_root": "0x" + "11" * 32,
                "state_root": "0x" + "22" * 32,
                "body": {
                    "randao_reveal": "0x" + "33" * 96,
                    "graffiti": "0x" + "00" * 32,
                    "execution_payload": {
                        "parent_hash": "0x" + "44" * 32,
                        "fee_recipient": "0x" + "55" * 20,
                        "block_number": str(slot - 4_700_000),
                        "timestamp": str(GENESIS_TIME + slot * 12),
                        "base_fee_per_gas": "1000000000",
                        "block_hash": "0x" + "66" * 32,
                        "transactions": [],
                        "withdrawals": withdrawals,
                        "blob_gas_used": "0",
                        "excess_blob_gas": "0",
                    },
                },
            },
            "signature": "0x" + "77" * 96,
        },
    }


def withdrawal(n: int, validator: int, amount: int) -> dict[str, str]:
    return {"index": str(n), "validator_index": str(validator), "address": OWNER,
            "amount": str(amount)}  # fmt: skip


def beacon(balances: dict[int, int], blocks: dict[int, Any], seen: list[str]) -> ChainHttp:
    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        seen.append(f"{request.method} {path}")
        if path == "/eth/v1/beacon/genesis":
            return httpx.Response(200, json=GENESIS)
        if path == "/eth/v1/config/spec":
            return httpx.Response(200, json=SPEC)
        parts = path.strip("/").split("/")
        if parts[-1] == "validator_balances":
            assert request.method == "POST" and json.loads(request.content) == [str(INDEX)]
            slot = int(parts[-2])
            data = [{"index": str(INDEX), "balance": str(balances[slot])}]
            return httpx.Response(200, json={"execution_optimistic": False, "finalized": True,
                                             "data": data})  # fmt: skip
        if parts[:3] == ["eth", "v2", "beacon"] and parts[3] == "blocks":
            slot = int(parts[4])
            if slot not in blocks:
                return httpx.Response(404, json={"code": 404, "message": "Block not found"})
            return httpx.Response(200, json=block(slot, blocks[slot]))
        return httpx.Response(404, json={"code": 404, "message": "Route not found"})

    return ChainHttp("eth-beacon", ["http://beacon"], transport=httpx.MockTransport(handle),
                     sleep=no_sleep)  # fmt: skip


def eth_position(balance: int, at: datetime) -> Position:
    return Position(Chain.ETH, OWNER, str(INDEX), PositionKind.STAKE, balance, "active",
                    str(INDEX), at)  # fmt: skip


START = 13_000_005  # mid-epoch 406250
END = START + 100  # 20 minutes later; epochs 406251..406253 start in between


async def eth_events(balances: dict[int, int], blocks: dict[int, Any], after: int,
                     seen: list[str]) -> list[RewardEvent]:  # fmt: skip
    before = Reading(str(INDEX), str(INDEX), 32 * GWEI + 50_000_000, slot_time(START))
    basis = RewardBasis({before.key: before}, {}, before.at)
    reader = EthRewards(beacon(balances, blocks, seen))
    return await reader.fetch(OWNER, [eth_position(after, slot_time(END))], basis)


async def test_eth_a_withdrawal_in_a_block_payload_counts_as_income() -> None:
    balances = {13_000_032: 32 * GWEI + 50_003_000, 13_000_064: 32 * GWEI + 1_000,
                13_000_096: 32 * GWEI + 4_000}  # fmt: skip
    blocks = {
        13_000_061: [
            withdrawal(90_000_001, INDEX - 5, 17_000),
            withdrawal(90_000_002, INDEX, 50_005_000),
        ],
        13_000_062: [withdrawal(90_000_017, INDEX + 900, 12_000)],  # another validator
        13_000_064: [withdrawal(90_000_033, INDEX + 1_800, 12_000)],
        # 13_000_063: an empty slot (404)
    }
    seen: list[str] = []
    events = await eth_events(balances, blocks, 32 * GWEI + 6_000, seen)
    assert len(events) == 1
    event = events[0]
    # 32.05 ETH → 32.000006 ETH with 0.050005 ETH withdrawn: 11,000 gwei earned
    assert (event.amount, event.kind) == (6_000 - 50_000_000 + 50_005_000, RewardKind.REWARD)
    assert event.period_start == slot_time(START) and event.occurred_at == slot_time(END)
    balance_reads = [s for s in seen if s.endswith("validator_balances")]
    assert len(balance_reads) == 3  # one per epoch in between
    block_reads = [s.rsplit("/", 1)[1] for s in seen if "/blocks/" in s]
    assert block_reads == ["13000064", "13000063", "13000062", "13000061"]  # back to it


async def test_eth_a_drop_without_a_withdrawal_is_a_penalty() -> None:
    balances = {13_000_032: 32 * GWEI + 49_990_000, 13_000_064: 32 * GWEI + 49_985_000,
                13_000_096: 32 * GWEI + 49_980_000}  # fmt: skip
    seen: list[str] = []
    events = await eth_events(balances, {}, 32 * GWEI + 49_978_000, seen)
    assert [(e.amount, e.kind) for e in events] == [(-22_000, RewardKind.PENALTY)]
    assert sum("/blocks/" in s for s in seen) == END - START  # every slot in between searched


async def test_eth_steady_growth_reads_no_block() -> None:
    balances = {13_000_032: 32 * GWEI + 50_001_000, 13_000_064: 32 * GWEI + 50_002_000,
                13_000_096: 32 * GWEI + 50_003_000}  # fmt: skip
    seen: list[str] = []
    events = await eth_events(balances, {}, 32 * GWEI + 50_003_500, seen)
    assert [e.amount for e in events] == [3_500]
    assert not any("/blocks/" in s for s in seen)


# --- SOL ------------------------------------------------------------------------------

SOL_NOW = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
STAKE_A = "6dmNQ5jwLeLk5REvio1JcMshcbvkYMwy26sJ8pbkvStu"
STAKE_B = "BGsqMegLpV6n6Ve146sSX2dTjUMj3M92HnU8BbNRMhF2"
WALLET = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM"
VOTE = "CertusDeBmqN8ZawdkxK5kFGMwBXdudvWHYwtNgNhvLu"
EPOCH_INFO = {
    "absoluteSlot": 351_654_000,
    "blockHeight": 329_000_000,
    "epoch": 814,
    "slotIndex": 6_000,
    "slotsInEpoch": 432_000,
    "transactionCount": 4_000_000_000,
}


def sol_node(calls: list[Any]) -> SolanaAdapter:
    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        calls.append((body["method"], body.get("params")))
        if body["method"] == "getEpochInfo":
            result: Any = EPOCH_INFO
        else:
            addresses, config = body["params"]
            epoch = config["epoch"]
            result = [
                {"epoch": epoch, "effectiveSlot": (epoch + 1) * 432_000, "amount": 2500 + epoch,
                 "postBalance": 499_999_442_500, "commission": 5}
                if a == STAKE_A else None
                for a in addresses
            ]  # fmt: skip
        return httpx.Response(200, json={"jsonrpc": "2.0", "result": result, "id": body["id"]})

    http = ChainHttp("solana-rpc", ["https://rpc.one"], transport=httpx.MockTransport(handle),
                     sleep=no_sleep)  # fmt: skip
    return SolanaAdapter(http, now=lambda: SOL_NOW, new_rate_epoch=0)


def sol_position(key: str) -> Position:
    return Position(Chain.SOL, WALLET, VOTE, PositionKind.STAKE, 10**12, "active", key, SOL_NOW)


async def test_sol_inflation_rewards_of_the_epochs_not_stored_yet() -> None:
    calls: list[Any] = []
    stored = RewardEvent(Chain.SOL, WALLET, STAKE_A, VOTE, "epoch:811", RewardKind.REWARD,
                         2_000, SOL_NOW - timedelta(days=6), epoch=811)  # fmt: skip
    basis = RewardBasis({}, {STAKE_A: stored}, None)
    events = await sol_node(calls).fetch_rewards(
        WALLET, [sol_position(STAKE_A), sol_position(STAKE_B)], basis
    )
    asked = [
        (params[1]["epoch"], params[0]) for method, params in calls if method != "getEpochInfo"
    ]
    # A: after its stored 811 up to the last completed epoch; B (first seen): 813 only
    assert asked == [(812, [STAKE_A]), (813, [STAKE_A, STAKE_B])]
    assert all(params[1]["commitment"] == "finalized" for m, params in calls if m != "getEpochInfo")
    assert [(e.position_key, e.epoch, e.amount, e.period) for e in events] == [
        (STAKE_A, 812, 3_312, "epoch:812"),
        (STAKE_A, 813, 3_313, "epoch:813"),
    ]
    event = events[-1]
    assert event.source == "slot:351648000" and event.stake == 10**12 and not event.estimated
    # credited 6,000 slots ago at 0.4 s a slot: 40 minutes before now
    assert event.occurred_at == SOL_NOW - timedelta(minutes=40)


async def test_sol_no_positions_no_requests() -> None:
    calls: list[Any] = []
    assert await sol_node(calls).fetch_rewards(WALLET, [], RewardBasis({}, {}, None)) == []
    assert calls == []

"""The demo network's rewards endpoints: real-shaped answers, deterministic, and in
agreement with its ledger (SOL getInflationReward, ETH validator_balances and block
payloads with withdrawals, ATOM pending rewards that accrue and reset at the claim)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.models import Chain
from infrastructure.chains.demo.cosmos import CosmosDemo
from infrastructure.chains.demo.ethereum import SLOTS_PER_EPOCH, EthereumDemo, epoch_at
from infrastructure.chains.demo.solana import SolanaDemo
from infrastructure.chains.demo.solana_world import Clock
from infrastructure.chains.demo.wallets import demo_addresses

NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


async def rpc(demo: SolanaDemo, method: str, *params: Any, now: datetime = NOW) -> Any:
    body = {"jsonrpc": "2.0", "id": 7, "method": method, "params": list(params)}
    request = httpx.Request("POST", "http://solana", json=body)
    return json.loads((await demo(request, now)).content)


async def test_sol_inflation_rewards_of_the_demo_wallet() -> None:
    demo = SolanaDemo(seed=42)
    epoch = Clock.at(NOW).epoch
    whale = demo_addresses(Chain.SOL)["whale"]
    ledger = demo.rewards.ledger(whale, epoch - 1, epoch - 1)
    accounts = [*sorted(ledger), "11111111111111111111111111111111"]
    answer = await rpc(demo, "getInflationReward", accounts, {"epoch": epoch - 1})
    result = answer["result"]
    assert result[-1] is None  # not a stake account
    assert len(ledger) >= 4
    for account, reward in zip(accounts[:-1], result[:-1], strict=True):
        assert set(reward) == {"epoch", "effectiveSlot", "amount", "postBalance", "commission"}
        assert reward["epoch"] == epoch - 1 and reward["amount"] == ledger[account]
        assert reward["effectiveSlot"] == epoch * 432_000
    # the default epoch is the previous one; the running one is not available yet
    assert (await rpc(demo, "getInflationReward", accounts[:1]))["result"] == result[:1]
    early = await rpc(demo, "getInflationReward", accounts[:1], {"epoch": epoch})
    assert early["error"]["code"] == -32004
    # once paid, an epoch's reward never changes
    later = await rpc(demo, "getInflationReward", accounts, {"epoch": epoch - 1},
                      now=NOW + timedelta(days=6))  # fmt: skip
    assert later["result"] == result


async def eth(demo: EthereumDemo, method: str, path: str, body: Any = None) -> httpx.Response:
    request = httpx.Request(method, "http://beacon" + path, json=body)
    return await demo(request, NOW)


async def test_eth_withdrawals_in_the_first_block_of_the_sweep_epoch() -> None:
    demo = EthereumDemo(seed=42, validators=2_000)
    whale = demo_addresses(Chain.ETH)["whale"]
    wallets = {address.lower() for address in demo_addresses(Chain.ETH).values()}
    head = epoch_at(NOW)
    found = []
    for epoch in range(head - 5, head + 1):
        slot = epoch * SLOTS_PER_EPOCH
        answer = (await eth(demo, "GET", f"/eth/v2/beacon/blocks/{slot}")).json()
        assert answer["version"] == "electra"
        payload = answer["data"]["message"]["body"]["execution_payload"]
        for w in payload["withdrawals"]:
            assert w["address"] in wallets  # only the demo wallets' validators are swept
            index = int(w["validator_index"])
            before = await eth(demo, "POST", f"/eth/v1/beacon/states/{slot - 1}/validator_balances",
                               [str(index)])  # fmt: skip
            after = await eth(demo, "GET", f"/eth/v1/beacon/states/{slot}/validator_balances",
                              None)  # fmt: skip
            assert after.status_code == 400  # by id only
            after = await eth(demo, "POST", f"/eth/v1/beacon/states/{slot}/validator_balances",
                              [str(index)])  # fmt: skip
            drop = int(before.json()["data"][0]["balance"]) - int(
                after.json()["data"][0]["balance"]
            )
            assert 0 < drop < int(w["amount"])  # swept all it had, the epoch's reward too
            found.append(index)
        other = (await eth(demo, "GET", f"/eth/v2/beacon/blocks/{slot + 1}")).json()
        assert other["data"]["message"]["body"]["execution_payload"]["withdrawals"] == []
    assert found  # 2,000 validators: the sweep comes round every 3 epochs
    future = await eth(demo, "GET", f"/eth/v2/beacon/blocks/{(head + 1) * SLOTS_PER_EPOCH}")
    assert future.status_code == 404
    # the ledger: balance change plus withdrawals, every epoch's reward, never a loss here
    ledger = demo.ledger(whale, NOW - timedelta(hours=1), NOW)
    assert sum(1 for v in ledger.values() if v > 0) >= 8


@pytest.mark.parametrize("name", ["whale", "staker"])
async def test_atom_pending_rewards_accrue_all_day_and_reset_at_the_claim(name: str) -> None:
    demo = CosmosDemo(seed=42)
    owner = demo_addresses(Chain.ATOM)[name]

    async def pending(at: datetime) -> dict[str, Decimal]:
        path = f"/cosmos/distribution/v1beta1/delegators/{owner}/rewards"
        answer = (await demo(httpx.Request("GET", "http://lcd" + path), at)).json()
        return {
            r["validator_address"]: Decimal(c["amount"])
            for r in answer["rewards"]
            for c in r["reward"]
            if c["denom"] == "uatom"
        }

    evening, late = await pending(NOW), await pending(NOW + timedelta(hours=3, minutes=59))
    midnight = await pending(datetime(2026, 11, 21, tzinfo=UTC))
    assert evening and all(late[v] >= evening[v] for v in evening)
    assert any(late[v] > evening[v] for v in evening)
    assert all(amount == 0 for amount in midnight.values())  # claimed

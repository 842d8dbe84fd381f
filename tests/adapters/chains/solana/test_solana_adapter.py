"""SolanaAdapter against scripted JSON-RPC nodes answering in the documented wire
formats (solana-com-docs: getVoteAccounts, getEpochInfo, getInflationRate,
getBlockProduction, getProgramAccounts; getSupply, getClusterNodes, getAccountInfo)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.chains import PositionKind, ValidatorStatus
from domain.errors import ChainDataInvalid, ChainUnavailable, InvalidInput
from domain.models import Chain
from infrastructure.chains.http import ChainHttp
from infrastructure.chains.solana.activation import (
    STAKE_HISTORY_SYSVAR,
    StakeHistoryEntry,
    encode_stake_history,
)
from infrastructure.chains.solana.adapter import SolanaAdapter
from infrastructure.chains.solana.rpc import SolanaRpc
from infrastructure.chains.solana.schemas import EpochInfoResponse
from infrastructure.chains.solana.stake_account import (
    STAKE_PROGRAM_ID,
    U64_MAX,
    Delegation,
    Lockup,
    Meta,
    StakeState,
    StakeStateKind,
    encode_stake_account,
)

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
WALLET = "9QzsJf7LPLj8GkXbYT3LFDKqsj2hHG7TA3xinJHu8epQ"
OTHER = "FEy8pTbP5fEoqMV1GdTz83byuA8EKByqYat1PKDgVAq5"
NO_KEY = "11111111111111111111111111111111"

# the getVoteAccounts documentation example, plus a second current and a delinquent one
DOC_VOTE: dict[str, Any] = {
    "activatedStake": 38263229364446900,
    "commission": 95,
    "epochCredits": [
        [902, 1383125544, 1376213656],
        [903, 1390037304, 1383125544],
        [904, 1396949288, 1390037304],
        [905, 1403861272, 1396949288],  # earned 6,911,984: the best in epoch 905
        [906, 1406766600, 1403861272],  # earned 2,905,328 so far
    ],
    "epochVoteAccount": True,
    "lastVote": 391573587,
    "nodePubkey": "dv2eQHeP4RFrJZ6UeiZWoc3XTtmtZCUKxxCApCDcRNV",
    "rootSlot": 391573556,
    "votePubkey": "i7NyKBMJCA9bLM2nsGyAGCKHECuR2L5eh4GqFciuwNT",
}


def vote(vote_key: str, node: str, stake: int, commission: int, credits: list[list[int]]) -> Any:
    return {
        "activatedStake": stake,
        "commission": commission,
        "epochCredits": credits,
        "epochVoteAccount": stake > 0,
        "lastVote": 391573500,
        "nodePubkey": node,
        "rootSlot": 391573468,
        "votePubkey": vote_key,
    }


SMALL = vote(
    "CxELquR1gPP8wHe33gZ4QxqGB3sZ9RSwsJ2KshVewkFY",
    "85iYT5RuzRTDgjyRa3cP8SYhM2j21fj7NhfJ3peu1DPr",
    10**15,
    5,
    [[905, 16_000_000, 10_000_000], [906, 18_000_000, 16_000_000]],  # 6,000,000; 2,000,000
)
DOWN = vote(
    "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T",
    "3mi1GmwEE3zo2jmfDuzvjSX9ovRXsDUKHvsntpkhuLJ9",
    5 * 10**14,
    100,
    [[904, 8_000_000, 4_000_000], [905, 11_455_992, 8_000_000]],  # nothing in 906
)
VOTE_ACCOUNTS = {"current": [DOC_VOTE, SMALL], "delinquent": [DOWN]}
CLUSTER_NODES = [
    {"featureSet": 3640012085, "gossip": "10.239.6.48:8001", "pubkey": DOC_VOTE["nodePubkey"],
     "rpc": None, "shredVersion": 50093, "tpu": "10.239.6.48:8856", "version": "2.2.16"},
    {"gossip": "10.239.6.49:8001", "pubkey": SMALL["nodePubkey"], "rpc": "10.239.6.49:8899",
     "tpu": "10.239.6.49:8856", "version": None},
]  # fmt: skip
EPOCH_INFO = {
    "absoluteSlot": 391573600,
    "blockHeight": 369820000,
    "epoch": 906,
    "slotIndex": 184000,
    "slotsInEpoch": 432000,
    "transactionCount": 22661093,
}
BLOCK_PRODUCTION = {
    "context": {"apiVersion": "2.2.16", "slot": 391573600},
    "value": {
        "byIdentity": {DOC_VOTE["nodePubkey"]: [100, 96], DOWN["nodePubkey"]: [40, 0]},
        "range": {"firstSlot": 391389600, "lastSlot": 391573600},
    },
}


# getProgramAccounts on the Config program, encoding jsonParsed: validator-info accounts
# as a node parses them (agave account-decoder parse_config: {"program": "config",
# "parsed": {"type": "validatorInfo", "info": {"keys", "configData"}}, "space"}), and one
# it cannot parse, which falls back to base64
CONFIG = "Config1111111111111111111111111111111111111"
MARKER = "Va1idator1nfo111111111111111111111111111111"
RPC_ONLY_NODE = "7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2"


def info_account(
    address: str, identity: str, data: dict[str, Any], *, signer: bool = True
) -> dict[str, Any]:
    return {
        "account": {
            "data": {
                "parsed": {
                    "info": {
                        "configData": data,
                        "keys": [
                            {"pubkey": MARKER, "signer": False},
                            {"pubkey": identity, "signer": signer},
                        ],
                    },
                    "type": "validatorInfo",
                },
                "program": "config",
                "space": 643,
            },
            "executable": False,
            "lamports": 5365920,
            "owner": CONFIG,
            "rentEpoch": 18446744073709551615,
            "space": 643,
        },
        "pubkey": address,
    }


VALIDATOR_INFOS: list[dict[str, Any]] = [
    info_account(
        "2Xw1ztBjr7SoJrCkBCx1PwzhQVsNShyJZK2xBKvjvpVc",
        DOC_VOTE["nodePubkey"],
        {
            "details": "Staking since 2020.\nSecure, reliable,\tand\u0000 fast.",
            "iconUrl": "https://example.com/icon.png",
            "name": "Doc Validator 🚀",
            "website": "https://doc.example.com",
        },
    ),
    # a second info signed by the same identity, at a higher account address: ignored
    info_account(
        "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
        DOC_VOTE["nodePubkey"],
        {"name": "Impostor"},
    ),
    info_account(
        "3Ct8qv8ZbUzgH4BxECdKWKXNtv3hKzV6xPPyG3uwc5H1",
        SMALL["nodePubkey"],
        {
            "keybaseUsername": "small_ops",
            "name": "Small\u202e Ops\u200b",  # a bidi override and a zero-width space
            "website": "javascript:alert(1)",
            "iconUrl": "ftp://small.example/icon.png",
        },
    ),
    # the key is listed but did not sign: anyone could have written this one
    info_account(
        "4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi",
        DOWN["nodePubkey"],
        {"name": "Not Really Down"},
        signer=False,
    ),
    info_account("5RiVbXsrwfa1ctn3Zwwnh8tkJw4d3QnDBnLpw2J7VWGo", RPC_ONLY_NODE, {"name": "RPC"}),
    {
        "account": {
            "data": ["AgdRlwF0SPKsXtWB", "base64"],  # the node could not parse it
            "executable": False,
            "lamports": 1141440,
            "owner": CONFIG,
            "rentEpoch": 18446744073709551615,
            "space": 36,
        },
        "pubkey": "StakeConfig11111111111111111111111111111111",
    },
]


def program_accounts(params: list[Any]) -> Any:
    assert params[0] == CONFIG, "stake accounts are scripted by the tests that read them"
    return VALIDATOR_INFOS


def rpc_node(answers: dict[str, Any], calls: list[tuple[str, str, Any]]) -> httpx.MockTransport:
    """A node answering each method from `answers` (a result, a callable of the params,
    or a whole httpx.Response); records (url, method, params)."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert request.method == "POST" and body["jsonrpc"] == "2.0"
        calls.append((str(request.url), body["method"], body.get("params", [])))
        answer = answers[body["method"]]
        if callable(answer):
            answer = answer(body.get("params", []))
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json={"jsonrpc": "2.0", "result": answer, "id": body["id"]})

    return httpx.MockTransport(handle)


async def _no_sleep(_: float) -> None:
    return None


def adapter(
    transport: httpx.MockTransport,
    *urls: str,
    sleep: Callable[[float], Any] = _no_sleep,
) -> SolanaAdapter:
    http = ChainHttp("solana-rpc", urls or ("https://rpc.one",), transport=transport, sleep=sleep)
    return SolanaAdapter(http, now=lambda: NOW, new_rate_epoch=0)


def node(calls: list[tuple[str, str, Any]] | None = None, **answers: Any) -> SolanaAdapter:
    defaults: dict[str, Any] = {
        "getVoteAccounts": VOTE_ACCOUNTS,
        "getClusterNodes": CLUSTER_NODES,
        "getEpochInfo": EPOCH_INFO,
        "getBlockProduction": BLOCK_PRODUCTION,
        "getProgramAccounts": program_accounts,
    }
    return adapter(rpc_node({**defaults, **answers}, calls if calls is not None else []))


# --- validators and observations ----------------------------------------------------------


async def test_vote_accounts_become_validators() -> None:
    calls: list[tuple[str, str, Any]] = []
    validators = await node(calls).fetch_validators()
    by_address = {v.address: v for v in validators}
    doc = by_address[DOC_VOTE["votePubkey"]]
    assert doc.chain is Chain.SOL and doc.status is ValidatorStatus.ACTIVE
    assert doc.stake == 38263229364446900 and doc.commission == Decimal("0.95")
    assert doc.fetched_at == NOW
    assert {k: doc.identity[k] for k in ("nodePubkey", "version", "lastVote")} == {
        "nodePubkey": DOC_VOTE["nodePubkey"],
        "version": "2.2.16",
        "lastVote": "391573587",
    }
    assert "version" not in by_address[SMALL["votePubkey"]].identity  # gossiped as null
    assert by_address[DOWN["votePubkey"]].status is ValidatorStatus.DELINQUENT
    assert by_address[DOWN["votePubkey"]].commission == Decimal(1)
    # JSON-RPC POSTs to the base URL; finalized commitment
    assert ("https://rpc.one", "getVoteAccounts", [{"commitment": "finalized"}]) in calls


async def test_validators_filtered_by_id_and_no_call_for_none() -> None:
    calls: list[tuple[str, str, Any]] = []
    found = await node(calls).fetch_validators([SMALL["votePubkey"], "unknown"])
    assert [v.address for v in found] == [SMALL["votePubkey"]]
    calls.clear()
    assert await node(calls).fetch_validators([]) == [] and calls == []


async def test_observations_score_credits_skips_and_versions() -> None:
    ids = [DOC_VOTE["votePubkey"], SMALL["votePubkey"], DOWN["votePubkey"], "closed"]
    observations = {o.validator: o for o in await node().fetch_observations(ids)}
    assert len(observations) == 3  # a closed vote account yields nothing
    doc, small, down = (observations[v] for v in ids[:3])
    # uptime: epoch 905 credits vs the best (6,911,984)
    assert doc.uptime == Decimal(1)
    assert small.uptime == Decimal("0.868058")  # 6,000,000 / 6,911,984
    assert down.uptime == Decimal(0) and down.status is ValidatorStatus.DELINQUENT
    # performance: epoch 906 so far vs the median of current validators (2,452,664)
    assert doc.performance == Decimal(1)  # capped
    assert small.performance == Decimal("0.815440")
    assert down.performance == Decimal(0)
    # skip rate: 1 - produced / leader slots; None without leader slots
    assert doc.skip_rate == Decimal("0.04") and down.skip_rate == Decimal(1)
    assert small.skip_rate is None
    assert (doc.version, small.version, down.version) == ("2.2.16", None, None)
    assert doc.commission == Decimal("0.95") and doc.stake == DOC_VOTE["activatedStake"]
    assert doc.observed_at == NOW


# --- names from validator-info ---------------------------------------------------------------


async def test_names_and_descriptions_from_validator_info() -> None:
    calls: list[tuple[str, str, Any]] = []
    by_address = {v.address: v for v in await node(calls).fetch_validators()}
    doc, small, down = (by_address[v["votePubkey"]] for v in (DOC_VOTE, SMALL, DOWN))
    # the vote account gets the info its identity (nodePubkey) signed; the lower
    # account address wins over a second info of the same identity
    assert doc.name == "Doc Validator 🚀"
    assert doc.identity["website"] == "https://doc.example.com"
    assert doc.identity["iconUrl"] == "https://example.com/icon.png"
    # control characters out, whitespace collapsed
    assert doc.identity["details"] == "Staking since 2020. Secure, reliable, and fast."
    # a bidi override and a zero-width space are dropped; non-http(s) URLs are refused
    assert small.name == "Small Ops"
    assert small.identity["keybaseUsername"] == "small_ops"
    assert "website" not in small.identity and "iconUrl" not in small.identity
    # an info its identity did not sign names nobody
    assert down.name is None and "website" not in down.identity
    assert all(v.described for v in by_address.values())
    # one request: the Config program, jsonParsed, only accounts led by the marker key
    (config_call,) = [c for c in calls if c[1] == "getProgramAccounts"]
    assert config_call[2] == [
        CONFIG,
        {
            "commitment": "finalized",
            "encoding": "jsonParsed",
            "filters": [{"memcmp": {"offset": 1, "bytes": MARKER}}],
        },
    ]


async def test_validators_are_read_even_when_names_cannot_be(make_settings: Any) -> None:
    import io
    import logging

    from infrastructure.logging import configure_logging

    stream = io.StringIO()
    configure_logging(make_settings(log_format="json"), stream=stream)
    # a provider that excludes the Config program from its account index (a real
    # getProgramAccounts refusal), then one that answers in an unknown format
    refused = {
        "jsonrpc": "2.0",
        "error": {"code": -32010, "message": "Config1111111111111111111111111111111111111 "
                  "excluded from account secondary indexes; this RPC method unavailable for key"},
        "id": 1,
    }  # fmt: skip
    try:
        for answer in (httpx.Response(200, json=refused), {"not": "a list"}):
            validators = await node(getProgramAccounts=answer).fetch_validators()
            assert len(validators) == 3
            assert all(v.name is None and not v.described for v in validators)
    finally:
        logging.getLogger().handlers.clear()
    warnings = [
        json.loads(line) for line in stream.getvalue().splitlines() if "validator_names" in line
    ]
    assert [w["error"] for w in warnings] == ["ChainUnavailable", "ChainDataInvalid"]
    assert all(w["endpoint"] == "getProgramAccounts" for w in warnings)
    assert "rpc.one" not in stream.getvalue()  # the node's URL (it may hold a key) stays out


def test_untrusted_text_is_capped_and_urls_are_http_only() -> None:
    from infrastructure.chains.untrusted import clean_handle, clean_text, clean_url

    assert clean_text("x" * 500, 80) == "x" * 79 + "…"
    assert clean_text("\u202e\u200b \n", 80) is None and clean_text(42, 80) is None
    assert clean_text("👩\u200d💻 Labs", 80) == "👩\u200d💻 Labs"  # the emoji joiner stays
    assert clean_url("example.com/validator") == "https://example.com/validator"
    assert clean_url("http://example.com") == "http://example.com"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "https://user:pw@example.com",
        "https://exa mple.com",
        "https://",
        "not a url",
        "https://example.com:99999",
        "https://example.com/" + "a" * 300,
        'https://example.com/"onmouseover="alert(1)',
        "https://example.com/<script>",
    ):
        assert clean_url(bad) is None, bad
    assert clean_handle("ops_team") == "ops_team" and clean_handle("<script>") is None


# --- metrics ------------------------------------------------------------------------------


async def test_metrics_from_inflation_supply_and_stake() -> None:
    sol = 10**9
    votes = {
        "current": [vote(SMALL["votePubkey"], SMALL["nodePubkey"], 300_000_000 * sol, 5, [])],
        "delinquent": [vote(DOWN["votePubkey"], DOWN["nodePubkey"], 100_000_000 * sol, 7, [])],
    }
    supply = {
        "context": {"apiVersion": "2.1.21", "slot": 335501770},
        "value": {"circulating": 517_000_000 * sol, "nonCirculating": 83_000_000 * sol,
                  "nonCirculatingAccounts": [], "total": 600_000_000 * sol},
    }  # fmt: skip
    inflation = {"epoch": 906, "foundation": 0.0, "total": 0.0436, "validator": 0.0436}
    calls: list[tuple[str, str, Any]] = []
    metrics = await node(
        calls, getVoteAccounts=votes, getSupply=supply, getInflationRate=inflation
    ).fetch_metrics()
    assert metrics.chain is Chain.SOL and metrics.observed_at == NOW
    assert metrics.total_staked == 400_000_000 * sol  # current + delinquent
    assert (metrics.validator_count, metrics.active_validator_count) == (2, 1)
    assert metrics.total_supply == 600_000_000 * sol
    assert metrics.inflation == Decimal("0.0436")
    assert metrics.bonded_ratio == Decimal("0.666667")
    assert metrics.nominal_apr == Decimal("0.065400")  # 4.36 % over two thirds staked
    assert metrics.epoch == 906
    assert metrics.details["validatorInflation"] == "0.0436"
    assert Decimal(metrics.details["foundationInflation"]) == 0
    supply_call = next(c for c in calls if c[1] == "getSupply")
    assert supply_call[2] == [
        {"commitment": "finalized", "excludeNonCirculatingAccountsList": True}
    ]


# --- positions ----------------------------------------------------------------------------

BIG = StakeHistoryEntry(400 * 10**15, 2 * 10**15, 10**15)


def stake_account(
    key: str, staker: str, withdrawer: str, voter: str | None, act: int = 0, deact: int = U64_MAX
) -> dict[str, Any]:
    meta = Meta(2_282_880, staker, withdrawer, Lockup(0, 0, NO_KEY))
    state = StakeState(StakeStateKind.INITIALIZED, meta)
    if voter is not None:
        state = StakeState(
            StakeStateKind.STAKE, meta, Delegation(voter, 7 * 10**12, act, deact, 0.25), 0, 0
        )
    return {
        "pubkey": key,
        "account": {
            "data": [base64.b64encode(encode_stake_account(state)).decode(), "base64"],
            "executable": False,
            "lamports": 7 * 10**12 + 2_282_880,
            "owner": STAKE_PROGRAM_ID,
            "rentEpoch": 18446744073709551615,
            "space": 200,
        },
    }


def history_account(data: bytes) -> dict[str, Any]:
    return {
        "context": {"apiVersion": "2.2.16", "slot": 391573600},
        "value": {
            "data": [base64.b64encode(data).decode(), "base64"],
            "executable": False,
            "lamports": 114979200,
            "owner": "Sysvar1111111111111111111111111111111111111",
            "rentEpoch": 18446744073709551615,
            "space": len(data),
        },
    }


HISTORY = history_account(encode_stake_history({e: BIG for e in range(850, 906)}))
V1, V2 = DOC_VOTE["votePubkey"], SMALL["votePubkey"]
BOTH = stake_account("5Jo1mYBMXrVkzbRYr3JGMB5kHAbQ7TRjDhFdTn8SP5WB", WALLET, WALLET, V1, 800)
AS_STAKER = stake_account("8TgJvjVbKpUbsTTd2YzNfTDbu7NryTAjwTAZX1kgSf4v", WALLET, OTHER, V2, 906)
AS_WITHDRAWER = stake_account(
    "A4F3GszAd8PFAXGdpNfbRhNQ1Zi5CWnB3yDDSk5uDLDy", OTHER, WALLET, V1, 700, 906
)
COOLED = stake_account("CEQGPXisxVPJc3Wz4RvNPcVnxMnKvbtcpiHK9uVgxPqX", WALLET, WALLET, V2, 860, 903)
UNDELEGATED = stake_account("CPfVDjnDYJ1TfLaS3pC5DxkLwVwPdnEyuM4B2HgFYmoT", WALLET, WALLET, None)


def by_authority(staker: list[Any], withdrawer: list[Any]) -> Callable[[list[Any]], list[Any]]:
    def answer(params: list[Any]) -> list[Any]:
        program, config = params
        assert program == STAKE_PROGRAM_ID and config["encoding"] == "base64"
        size, memcmp = config["filters"]
        assert size == {"dataSize": 200} and memcmp["memcmp"]["bytes"] == WALLET
        return {12: staker, 44: withdrawer}[memcmp["memcmp"]["offset"]]

    return answer


async def test_positions_merge_staker_and_withdrawer_results() -> None:
    calls: list[tuple[str, str, Any]] = []
    staked = node(
        calls,
        getProgramAccounts=by_authority(
            [BOTH, AS_STAKER, COOLED, UNDELEGATED], [BOTH, AS_WITHDRAWER, COOLED, UNDELEGATED]
        ),
        getAccountInfo=HISTORY,
    )
    positions = await staked.fetch_positions(WALLET)
    filters = [c[2][1]["filters"] for c in calls if c[1] == "getProgramAccounts"]
    assert [f[1]["memcmp"]["offset"] for f in filters] == [12, 44]  # staker, withdrawer
    assert [(p.key, p.validator, p.status) for p in positions] == sorted(
        [
            (BOTH["pubkey"], V1, "active"),
            (AS_STAKER["pubkey"], V2, "activating"),
            (AS_WITHDRAWER["pubkey"], V1, "deactivating"),
            (COOLED["pubkey"], V2, "inactive"),
        ]
    )  # each account once; the undelegated one is not a position
    first = positions[0]
    assert first.chain is Chain.SOL and first.owner == WALLET and first.kind is PositionKind.STAKE
    assert first.amount == 7 * 10**12 and first.fetched_at == NOW
    history_call = next(c for c in calls if c[1] == "getAccountInfo")
    assert history_call[2][0] == STAKE_HISTORY_SYSVAR and history_call[2][1]["encoding"] == "base64"


async def test_a_wallet_without_stake_accounts_has_no_positions() -> None:
    empty = node(getProgramAccounts=[], getAccountInfo=HISTORY)
    assert await empty.fetch_positions(WALLET) == []


async def test_accounts_of_other_wallets_are_not_reported() -> None:
    # a node that ignored the memcmp filter and returned someone else's account
    stranger = stake_account("9huDUZfxoJ7wGMTffUE7vh1xePqef7gyrLJu9NApncqA", OTHER, OTHER, V1, 1)
    careless = node(getProgramAccounts=[stranger], getAccountInfo=HISTORY)
    assert await careless.fetch_positions(WALLET) == []


@pytest.mark.parametrize(
    "address",
    [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu",
        "9QzsJf7LPLj8GkXbYT3LFDKqsj2hHG7TA3xin",  # too short
        "9QzsJf7LPLj8GkXbYT3LFDKqsj2hHG7TA3xinJHu8epQQ",  # too long
        "1119QzsJf7LPLj8GkXbYT3LFDKqsj2hHG7TA3xinJHu8epQ",  # leading zero bytes: 35
        "0OIl9QzsJf7LPLj8GkXbYT3LFDKqsj2hHG7TA3xinJH",  # not base58
        "",
    ],
)
async def test_addresses_that_are_not_32_byte_base58_keys_are_invalid_input(address: str) -> None:
    calls: list[tuple[str, str, Any]] = []
    with pytest.raises(InvalidInput):
        await node(calls).fetch_positions(address)
    assert calls == []


# --- failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "answer"),
    [
        ("getVoteAccounts", {"current": [{"votePubkey": V1}], "delinquent": []}),
        ("getVoteAccounts", {**VOTE_ACCOUNTS, "current": [{**DOC_VOTE, "commission": 101}]}),
        ("getClusterNodes", {"nodes": []}),
        ("getVoteAccounts", httpx.Response(200, text="<html>Bad gateway</html>")),
        ("getVoteAccounts", httpx.Response(200, json={"jsonrpc": "2.0", "id": 1})),
    ],
)
async def test_malformed_answers_are_chain_data_invalid_naming_the_method(
    method: str, answer: Any
) -> None:
    with pytest.raises(ChainDataInvalid) as caught:
        await node(**{method: answer}).fetch_validators()
    assert caught.value.endpoint == method and method in caught.value.message


def altered(**fields: Any) -> list[Any]:
    return [{**BOTH, "account": {**BOTH["account"], **fields}}]


@pytest.mark.parametrize(
    ("program_accounts", "history", "method"),
    [
        (altered(data=["not base64!", "base64"]), HISTORY, "getProgramAccounts"),
        (
            altered(data=[base64.b64encode(bytes(199)).decode(), "base64"]),
            HISTORY,
            "getProgramAccounts",
        ),
        (altered(data=["", "jsonParsed"]), HISTORY, "getProgramAccounts"),
        (altered(owner=NO_KEY), HISTORY, "getProgramAccounts"),
        ([BOTH], history_account(b"\xff" * 16), "getAccountInfo"),
        ([BOTH], {**HISTORY, "value": None}, "getAccountInfo"),
    ],
)
async def test_undecodable_accounts_are_chain_data_invalid_naming_the_method(
    program_accounts: list[Any], history: Any, method: str
) -> None:
    broken = node(getProgramAccounts=program_accounts, getAccountInfo=history)
    with pytest.raises(ChainDataInvalid) as caught:
        await broken.fetch_positions(WALLET)
    assert caught.value.endpoint == method


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (-32005, "Node is behind by 42 slots"),
        (-32603, "Internal error"),
        (-32601, "Method not found"),
    ],
)
async def test_rpc_error_objects_are_chain_unavailable(code: int, message: str) -> None:
    error = {"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": 1}
    with pytest.raises(ChainUnavailable) as caught:
        await node(getClusterNodes=httpx.Response(200, json=error)).fetch_validators()
    assert caught.value.endpoint == "getClusterNodes"
    assert caught.value.details["code"] == code and message in caught.value.message


def scripted(*answers: httpx.Response | type[Exception]) -> tuple[httpx.MockTransport, list[str]]:
    """Each request gets the next answer; records the URL."""
    queue, seen = list(answers), []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        answer = queue.pop(0)
        if isinstance(answer, type):
            raise answer("scripted failure", request=request)  # type: ignore[call-arg]
        return answer

    return httpx.MockTransport(handle), seen


EPOCH_OK = httpx.Response(200, json={"jsonrpc": "2.0", "result": EPOCH_INFO, "id": 1})


async def _epoch_of(transport: httpx.MockTransport, *urls: str, sleeps: list[float]) -> int:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    http = ChainHttp("solana-rpc", urls or ("https://rpc.one",), transport=transport, sleep=sleep)
    return (await SolanaRpc(http).call("getEpochInfo", EpochInfoResponse)).epoch


async def test_429_honours_retry_after_then_succeeds() -> None:
    transport, seen = scripted(httpx.Response(429, headers={"Retry-After": "7"}), EPOCH_OK)
    sleeps: list[float] = []
    assert await _epoch_of(transport, sleeps=sleeps) == 906
    assert len(seen) == 2 and sleeps == [7.0]


async def test_5xx_is_retried_then_succeeds() -> None:
    transport, seen = scripted(httpx.Response(503), httpx.Response(502), EPOCH_OK)
    sleeps: list[float] = []
    assert await _epoch_of(transport, sleeps=sleeps) == 906
    assert len(seen) == 3 and len(sleeps) == 2


async def test_timeouts_fall_back_to_the_second_url() -> None:
    transport, seen = scripted(*[httpx.ReadTimeout] * 4, EPOCH_OK)
    sleeps: list[float] = []
    assert await _epoch_of(transport, "https://primary", "https://fallback", sleeps=sleeps) == 906
    assert [url.split("/")[2] for url in seen] == ["primary"] * 4 + ["fallback"]


async def test_everything_down_is_chain_unavailable_naming_the_method() -> None:
    transport, _ = scripted(*[httpx.Response(500)] * 8)
    with pytest.raises(ChainUnavailable) as caught:
        await _epoch_of(transport, "https://a", "https://b", sleeps=[])
    assert caught.value.endpoint == "getEpochInfo"
    assert len(caught.value.details["attempts"]) == 2

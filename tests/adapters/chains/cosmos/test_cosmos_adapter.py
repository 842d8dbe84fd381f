"""CosmosAdapter against a fake LCD answering in the Cosmos SDK REST format (fixtures
from the reference swagger and module READMEs): pagination, the active set, liveness,
positions, metrics, and failures on the wire."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.chains import PositionKind, ValidatorStatus
from domain.errors import ChainDataInvalid, ChainUnavailable, InvalidInput
from infrastructure.chains.cosmos.adapter import CosmosAdapter
from infrastructure.chains.cosmos.consensus import ED25519_PUBKEY, consensus_address, encode
from infrastructure.chains.http import ChainHttp

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
Body = dict[str, Any]
Answer = Body | httpx.Response | Callable[[httpx.Request], httpx.Response]

# --- fixtures in the LCD's wire format ------------------------------------------------


def key_of(n: int) -> str:
    return base64.b64encode(hashlib.sha256(f"key-{n}".encode()).digest()).decode()


def staking_validator(
    operator: str,
    pubkey: str,
    moniker: str,
    *,
    status: str = "BOND_STATUS_BONDED",
    tokens: str = "383301887799",
    rate: str = "0.050000000000000000",
    jailed: bool = False,
    identity: str = "",
    website: str = "",
    details: str = "",
) -> Body:
    """One entry of /cosmos/staking/v1beta1/validators (x-staking README, REST)."""
    return {
        "operator_address": operator,
        "consensus_pubkey": {"@type": ED25519_PUBKEY, "key": pubkey},
        "jailed": jailed,
        "status": status,
        "tokens": tokens,
        "delegator_shares": f"{tokens}.000000000000000000",
        "description": {
            "moniker": moniker,
            "identity": identity,
            "website": website,
            "security_contact": "",
            "details": details,
        },
        "unbonding_height": "0",
        "unbonding_time": "1970-01-01T00:00:00Z",
        "commission": {
            "commission_rates": {
                "rate": rate,
                "max_rate": "0.200000000000000000",
                "max_change_rate": "0.100000000000000000",
            },
            "update_time": "2021-10-01T15:51:31.596618510Z",
        },
        "min_self_delegation": "1",
    }


SMARTNODES = staking_validator(
    "cosmosvaloper1q3jsx9dpfhtyqqgetwpe5tmk8f0ms5qywje8tw",
    "N7BPyek2aKuNZ0N/8YsrqSDhGZmgVaYUBuddY8pwKaE=",
    "SmartNodes",
    identity="D372724899D1EDC8",
    website="https://smartnodes.co",
    details="Enterprise-grade validation.\n\nEst. 2019.",
)
NODERUNNERS = staking_validator(
    "cosmosvaloper1q5ku90atkhktze83j9xjaks2p7uruag5zp6wt7",
    "GDNpuKDmCg9GnhnsiU4fCWktuGUemjNfvpCZiqoRIYA=",
    "Noderunners",
    status="BOND_STATUS_UNBONDING",
    tokens="1017819654",
)
BOUBOU = staking_validator(  # bonded, but outside the consensus set
    "cosmosvaloper1eh5mwu044gd5ntkkc2xgfg8247mgc56fww3vc8",
    "UPwHWxH1zHJWGOa/m6JB3f5YjHMvPQPkVbDqqi+U7Uw=",
    "BouBouNode",
    tokens="347260647559",
    rate="0.061000000000000000",
)
SG1 = staking_validator(
    "cosmosvaloper196ax4vc0lwpxndu9dyhvca7jhxp70rmcqcnylw",
    "/O7BtNW0pafwfvomgR4ZnfldwPXiFfJs9mHg3gwfv5Q=",
    "SG-1",
    tokens="1426045203613",
    rate="0.037500000000000000",
)
DOUBLE_SIGNER = staking_validator(
    "cosmosvaloper1rne8lgs98p0jqe82sgt0qr4rdn4hgvmgp9ggcc",
    "Auxs3865HpB/EfssYOzfqNhEJjzys2Fo6jD5B8tPgC8=",
    "myvalidator",
    status="BOND_STATUS_UNBONDED",
    tokens="9500000",
    jailed=True,
)
DOWNTIME = staking_validator(
    encode("cosmosvaloper", bytes(20)),
    "BnbwFpeONLqvWqJb3qaUbL5aoIcW3fSuAp9nT3z5f20=",
    "Sleepy",
    status="BOND_STATUS_UNBONDING",
    tokens="5000000000",
    jailed=True,
)
QUIET = staking_validator(
    encode("cosmosvaloper", bytes([1]) * 20),
    key_of(0),
    "Quiet",
    status="BOND_STATUS_UNBONDED",
    tokens="1000000",
)
VALIDATORS = [SMARTNODES, NODERUNNERS, BOUBOU, SG1, DOUBLE_SIGNER, DOWNTIME, QUIET]
NEXT_KEY = "FONDBFkE4tEEf7yxWWKOD49jC2NK"  # x-staking README, REST Validators example


def valcons(validator: Body) -> str:
    address = consensus_address(ED25519_PUBKEY, validator["consensus_pubkey"]["key"])
    assert address is not None
    return address


def set_member(validator: Body) -> Body:
    """One entry of /cosmos/base/tendermint/v1beta1/validatorsets/latest."""
    return {
        "address": valcons(validator),
        "pub_key": validator["consensus_pubkey"],
        "voting_power": str(int(validator["tokens"]) // 10**6),
        "proposer_priority": "-1250",
    }


def signing_info(
    validator: Body,
    *,
    missed: int = 0,
    index_offset: int = 50_000,
    tombstoned: bool = False,
    jailed_until: str = "1970-01-01T00:00:00Z",
) -> Body:
    """One entry of /cosmos/slashing/v1beta1/signing_infos (x-slashing README, REST)."""
    return {
        "address": valcons(validator),
        "start_height": "0",
        "index_offset": str(index_offset),
        "jailed_until": jailed_until,
        "tombstoned": tombstoned,
        "missed_blocks_counter": str(missed),
    }


SLASHING_PARAMS = {
    "params": {
        "signed_blocks_window": "10000",
        "min_signed_per_window": "0.050000000000000000",
        "downtime_jail_duration": "600s",
        "slash_fraction_double_sign": "0.050000000000000000",
        "slash_fraction_downtime": "0.000100000000000000",
    }
}


def page(field: str, items: list[Body], next_key: str | None = None) -> Body:
    return {field: items, "pagination": {"next_key": next_key, "total": "0"}}


def by_key(pages: dict[str | None, Body]) -> Callable[[httpx.Request], httpx.Response]:
    """A key-paginated route: the page for the request's `pagination.key`."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params.get("pagination.key")])

    return answer


def comet_set(
    members: list[Body], *, honour_offset: bool = True
) -> Callable[[httpx.Request], httpx.Response]:
    """CometBFT's paging: ≤ 100 per page, page = offset / limit + 1, only `total`."""

    def answer(request: httpx.Request) -> httpx.Response:
        limit = min(int(request.url.params.get("pagination.limit", "100")), 100)
        offset = int(request.url.params.get("pagination.offset", "0")) if honour_offset else 0
        start = offset // limit * limit
        return httpx.Response(
            200,
            json={
                "block_height": "21000000",
                "validators": members[start : start + limit],
                "pagination": {"next_key": None, "total": str(len(members))},
            },
        )

    return answer


def hub_routes() -> dict[str, Answer | list[Answer]]:
    return {
        "/cosmos/staking/v1beta1/validators": by_key(
            {
                None: page("validators", VALIDATORS[:3], NEXT_KEY),
                NEXT_KEY: page("validators", VALIDATORS[3:]),
            }
        ),
        "/cosmos/base/tendermint/v1beta1/validatorsets/latest": comet_set(
            [set_member(SG1), set_member(SMARTNODES)]
        ),
        "/cosmos/slashing/v1beta1/signing_infos": by_key(
            {
                None: page(
                    "info",
                    [
                        signing_info(SMARTNODES, missed=250),
                        signing_info(SG1, missed=3, index_offset=300),
                    ],
                    "AQID",
                ),
                "AQID": page(
                    "info",
                    [
                        signing_info(
                            DOUBLE_SIGNER, tombstoned=True, jailed_until="9999-12-31T23:59:59Z"
                        ),
                        signing_info(DOWNTIME, jailed_until="2025-06-01T12:10:00Z"),
                        signing_info(BOUBOU, missed=12),
                    ],
                ),
            }
        ),
        "/cosmos/slashing/v1beta1/params": SLASHING_PARAMS,
        "/cosmos/staking/v1beta1/pool": {
            "pool": {"not_bonded_tokens": "432805737458", "bonded_tokens": "200000000000000"}
        },
        "/cosmos/bank/v1beta1/supply/by_denom": {
            "amount": {"denom": "uatom", "amount": "400000000000000"}
        },
        "/cosmos/mint/v1beta1/inflation": {"inflation": "0.100000000000000000"},
        "/cosmos/distribution/v1beta1/params": {
            "params": {
                "community_tax": "0.020000000000000000",
                "base_proposer_reward": "0.000000000000000000",
                "bonus_proposer_reward": "0.000000000000000000",
                "withdraw_addr_enabled": True,
            }
        },
        "/cosmos/staking/v1beta1/params": {
            "params": {
                "unbonding_time": "1814400s",
                "max_validators": 200,
                "max_entries": 7,
                "historical_entries": 10000,
                "bond_denom": "uatom",
                "min_commission_rate": "0.050000000000000000",
            }
        },
    }


class FakeLcd:
    """Answers each path from `routes` (a list answers in turn, its last one repeating);
    `down` hosts time out. Records every request."""

    def __init__(
        self, routes: dict[str, Answer | list[Answer]], down: frozenset[str] = frozenset()
    ) -> None:
        self.routes = routes
        self.down = down
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host in self.down:
            raise httpx.ConnectTimeout("timed out", request=request)
        route = self.routes.get(request.url.path)
        if route is None:
            return httpx.Response(404, json={"code": 5, "message": "Not Found", "details": []})
        if isinstance(route, list):
            answer = route.pop(0) if len(route) > 1 else route[0]
        else:
            answer = route
        if isinstance(answer, httpx.Response):
            return answer
        if callable(answer):
            return answer(request)
        return httpx.Response(200, json=answer)

    def params(self, path: str) -> list[dict[str, str]]:
        return [dict(r.url.params) for r in self.requests if r.url.path == path]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def lcd() -> FakeLcd:
    return FakeLcd(hub_routes())


@pytest.fixture
def adapter(lcd: FakeLcd, sleeps: list[float]) -> CosmosAdapter:
    return make_adapter(lcd, sleeps)


def make_adapter(lcd: FakeLcd, sleeps: list[float]) -> CosmosAdapter:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    http = ChainHttp(
        "cosmos-lcd",
        ["https://lcd.one", "https://lcd.two"],
        transport=httpx.MockTransport(lcd),
        attempts=3,
        sleep=sleep,
    )
    return CosmosAdapter(http, now=lambda: NOW)


# --- validators ------------------------------------------------------------------------


async def test_validators_follow_next_key_across_pages(
    adapter: CosmosAdapter, lcd: FakeLcd
) -> None:
    validators = await adapter.fetch_validators()

    assert [v.name for v in validators] == [v["description"]["moniker"] for v in VALIDATORS]
    requests = lcd.params("/cosmos/staking/v1beta1/validators")
    assert requests == [
        {"pagination.limit": "200"},
        {"pagination.limit": "200", "pagination.key": NEXT_KEY},
    ]
    assert len(lcd.params("/cosmos/slashing/v1beta1/signing_infos")) == 2


async def test_status_comes_from_the_consensus_set_jailing_and_tombstoning(
    adapter: CosmosAdapter,
) -> None:
    statuses = {v.name: v.status for v in await adapter.fetch_validators()}

    assert statuses == {
        "SmartNodes": ValidatorStatus.ACTIVE,
        "SG-1": ValidatorStatus.ACTIVE,
        "BouBouNode": ValidatorStatus.INACTIVE,  # BOND_STATUS_BONDED, not in the set
        "Noderunners": ValidatorStatus.EXITING,
        "myvalidator": ValidatorStatus.TOMBSTONED,
        "Sleepy": ValidatorStatus.JAILED,
        "Quiet": ValidatorStatus.INACTIVE,
    }


async def test_validator_fields_map_from_the_staking_record(adapter: CosmosAdapter) -> None:
    validators = await adapter.fetch_validators([SMARTNODES["operator_address"]])

    assert len(validators) == 1
    smart = validators[0]
    assert smart.address == "cosmosvaloper1q3jsx9dpfhtyqqgetwpe5tmk8f0ms5qywje8tw"
    assert smart.stake == 383301887799
    assert smart.commission == Decimal("0.05")
    assert smart.fetched_at == NOW
    assert smart.identity == {
        "consensusAddress": valcons(SMARTNODES),
        "website": "https://smartnodes.co",
        "identity": "D372724899D1EDC8",
        "details": "Enterprise-grade validation. Est. 2019.",  # one line
        "maxCommissionRate": "0.2",
    }
    tombstoned = (await adapter.fetch_validators([DOUBLE_SIGNER["operator_address"]]))[0]
    assert tombstoned.jailed and tombstoned.slashed
    assert tombstoned.identity["consensusAddress"] == (
        "cosmosvalcons1nrqslkwd3pz096lh6t082frdqc84uwxn0t958c"
    )


async def test_self_published_descriptions_are_cleaned(
    adapter: CosmosAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = {
        "moniker": "\u202eSmart\u0007Nodes  " + "!" * 200,
        "identity": "<img src=x>",
        "website": "javascript:alert(1)",
        "security_contact": "",
        "details": "x" * 1000,
    }
    monkeypatch.setitem(SMARTNODES, "description", junk)
    (smart,) = await adapter.fetch_validators([SMARTNODES["operator_address"]])
    assert smart.name is not None and smart.name.startswith("SmartNodes !!")
    assert len(smart.name) == 80 and "\u202e" not in smart.name
    assert "website" not in smart.identity and "identity" not in smart.identity
    assert len(smart.identity["details"]) == 300


async def test_no_ids_no_requests(adapter: CosmosAdapter, lcd: FakeLcd) -> None:
    assert await adapter.fetch_validators([]) == []
    assert await adapter.fetch_observations([]) == []
    assert lcd.requests == []


async def test_the_consensus_set_is_read_by_offset_in_pages_of_100(sleeps: list[float]) -> None:
    members = [
        staking_validator(encode("cosmosvaloper", bytes([n]) * 20), key_of(n), f"v{n}")
        for n in range(1, 181)
    ]
    routes = hub_routes()
    routes["/cosmos/staking/v1beta1/validators"] = page("validators", members)
    routes["/cosmos/base/tendermint/v1beta1/validatorsets/latest"] = comet_set(
        [set_member(v) for v in members[:150]]
    )
    routes["/cosmos/slashing/v1beta1/signing_infos"] = page("info", [])
    lcd = FakeLcd(routes)

    validators = await make_adapter(lcd, sleeps).fetch_validators()

    statuses = [v.status for v in validators]
    assert statuses.count(ValidatorStatus.ACTIVE) == 150
    assert statuses.count(ValidatorStatus.INACTIVE) == 30
    offsets = lcd.params("/cosmos/base/tendermint/v1beta1/validatorsets/latest")
    assert offsets == [
        {"pagination.offset": "0", "pagination.limit": "100"},
        {"pagination.offset": "100", "pagination.limit": "100"},
    ]


async def test_a_partial_consensus_set_is_refused(sleeps: list[float]) -> None:
    members = [
        staking_validator(encode("cosmosvaloper", bytes([n]) * 20), key_of(n), f"v{n}")
        for n in range(1, 151)
    ]
    routes = hub_routes()
    routes["/cosmos/base/tendermint/v1beta1/validatorsets/latest"] = comet_set(
        [set_member(v) for v in members], honour_offset=False
    )

    with pytest.raises(ChainDataInvalid) as raised:
        await make_adapter(FakeLcd(routes), sleeps).fetch_validators()
    assert raised.value.endpoint == "/cosmos/base/tendermint/v1beta1/validatorsets/latest"


async def test_a_cursor_that_repeats_is_refused(sleeps: list[float]) -> None:
    routes = hub_routes()
    routes["/cosmos/staking/v1beta1/validators"] = page("validators", [SG1], "c2FtZQ==")

    with pytest.raises(ChainDataInvalid, match="pagination loop"):
        await make_adapter(FakeLcd(routes), sleeps).fetch_validators()


# --- observations ----------------------------------------------------------------------


async def test_observations_join_signing_infos_by_consensus_address(
    adapter: CosmosAdapter,
) -> None:
    ids = [v["operator_address"] for v in VALIDATORS] + ["cosmosvaloper1unknown"]
    observations = {o.validator: o for o in await adapter.fetch_observations(ids)}

    assert len(observations) == len(VALIDATORS)
    smart = observations[SMARTNODES["operator_address"]]
    assert smart.uptime == Decimal("0.975")  # 1 - 250 / 10000
    assert smart.missed_blocks == 250
    assert smart.performance is None  # not measurable on the Hub
    assert smart.stake == 383301887799 and smart.commission == Decimal("0.05")
    assert smart.observed_at == NOW
    # young signing info: 3 missed of the 300 blocks tracked so far
    assert observations[SG1["operator_address"]].uptime == Decimal("0.99")
    inactive = observations[BOUBOU["operator_address"]]
    assert inactive.status is ValidatorStatus.INACTIVE
    assert inactive.uptime is None and inactive.missed_blocks == 12
    leaving = observations[NODERUNNERS["operator_address"]]
    assert leaving.uptime is None and leaving.missed_blocks is None
    tombstoned = observations[DOUBLE_SIGNER["operator_address"]]
    assert tombstoned.tombstoned and tombstoned.jailed and tombstoned.slashed
    assert tombstoned.status is ValidatorStatus.TOMBSTONED
    jailed = observations[DOWNTIME["operator_address"]]
    assert jailed.jailed and not jailed.tombstoned and not jailed.slashed
    assert jailed.uptime is None


# --- positions -------------------------------------------------------------------------

DELEGATOR = encode("cosmos", bytes(range(20)))


def delegation(validator: Body, amount: str, denom: str = "uatom") -> Body:
    """One entry of /cosmos/staking/v1beta1/delegations/{addr} (x-staking README)."""
    return {
        "delegation": {
            "delegator_address": DELEGATOR,
            "validator_address": validator["operator_address"],
            "shares": f"{amount}.000000000000000000",
        },
        "balance": {"denom": denom, "amount": amount},
    }


def unbonding_entry(height: str, completion: str, balance: str) -> Body:
    return {
        "creation_height": height,
        "completion_time": completion,
        "initial_balance": balance,
        "balance": balance,
        "unbonding_id": "7",
        "unbonding_on_hold_ref_count": "0",
    }


def wallet_routes() -> dict[str, Answer | list[Answer]]:
    routes = hub_routes()
    routes[f"/cosmos/staking/v1beta1/delegations/{DELEGATOR}"] = by_key(
        {
            None: page(
                "delegation_responses",
                [delegation(SMARTNODES, "256250000"), delegation(BOUBOU, "255150000")],
                "Mg==",
            ),
            "Mg==": page("delegation_responses", [delegation(SG1, "1000000")]),
        }
    )
    routes[f"/cosmos/staking/v1beta1/delegators/{DELEGATOR}/unbonding_delegations"] = page(
        "unbonding_responses",
        [
            {
                "delegator_address": DELEGATOR,
                "validator_address": NODERUNNERS["operator_address"],
                "entries": [
                    unbonding_entry("2442278", "2021-10-12T10:59:03.797335857Z", "50000000000"),
                    unbonding_entry("2442278", "2021-10-12T10:59:03.797335857Z", "10000"),
                    unbonding_entry("2442301", "2021-10-12T11:01:00Z", "20000"),
                ],
            }
        ],
    )
    routes[f"/cosmos/distribution/v1beta1/delegators/{DELEGATOR}/rewards"] = {
        "rewards": [
            {
                "validator_address": SMARTNODES["operator_address"],
                "reward": [
                    {"denom": "ibc/14F9BC3E44B8A9C1BE1FB08980FAB87034C9905E", "amount": "9.5"},
                    {"denom": "uatom", "amount": "1234567.891000000000000000"},
                ],
            },
            {"validator_address": BOUBOU["operator_address"], "reward": []},
        ],
        "total": [{"denom": "uatom", "amount": "1234567.891000000000000000"}],
    }
    return routes


async def test_positions_map_delegations_unbondings_and_rewards(sleeps: list[float]) -> None:
    lcd = FakeLcd(wallet_routes())
    positions = await make_adapter(lcd, sleeps).fetch_positions(DELEGATOR.upper())

    stakes = {p.key: p for p in positions if p.kind is PositionKind.STAKE}
    assert list(stakes) == [
        f"delegation:{SMARTNODES['operator_address']}",
        f"delegation:{BOUBOU['operator_address']}",
        f"delegation:{SG1['operator_address']}",
    ]
    smart = stakes[f"delegation:{SMARTNODES['operator_address']}"]
    assert smart.owner == DELEGATOR and smart.validator == SMARTNODES["operator_address"]
    assert (smart.amount, smart.status, smart.fetched_at) == (256250000, "active", NOW)
    assert smart.rewards == 1234567  # floored, other denoms ignored
    assert stakes[f"delegation:{BOUBOU['operator_address']}"].rewards == 0
    assert stakes[f"delegation:{SG1['operator_address']}"].rewards is None  # not reported

    unbonding = [p for p in positions if p.kind is PositionKind.UNBONDING]
    noderunners = NODERUNNERS["operator_address"]
    assert [(p.key, p.amount) for p in unbonding] == [
        (f"unbonding:{noderunners}:2442278", 50000000000),
        (f"unbonding:{noderunners}:2442278:2", 10000),  # same block: numbered
        (f"unbonding:{noderunners}:2442301", 20000),
    ]
    assert unbonding[0].status == "unbonding"
    assert unbonding[0].completes_at == datetime(2021, 10, 12, 10, 59, 3, 797335, tzinfo=UTC)
    assert lcd.params(f"/cosmos/staking/v1beta1/delegations/{DELEGATOR}")[1] == {
        "pagination.limit": "200",
        "pagination.key": "Mg==",
    }


async def test_no_delegations_answered_empty_is_no_positions(sleeps: list[float]) -> None:
    routes = hub_routes()
    routes[f"/cosmos/staking/v1beta1/delegations/{DELEGATOR}"] = page("delegation_responses", [])
    routes[f"/cosmos/staking/v1beta1/delegators/{DELEGATOR}/unbonding_delegations"] = {
        "unbonding_responses": [],
        "pagination": None,
    }
    routes[f"/cosmos/distribution/v1beta1/delegators/{DELEGATOR}/rewards"] = {
        "rewards": [],
        "total": [],
    }

    assert await make_adapter(FakeLcd(routes), sleeps).fetch_positions(DELEGATOR) == []


async def test_no_delegations_answered_404_is_no_positions(sleeps: list[float]) -> None:
    not_found = httpx.Response(
        404, json={"code": 5, "message": "no delegation for (address) found", "details": []}
    )
    routes = hub_routes()
    routes[f"/cosmos/staking/v1beta1/delegations/{DELEGATOR}"] = not_found
    routes[f"/cosmos/staking/v1beta1/delegators/{DELEGATOR}/unbonding_delegations"] = not_found
    routes[f"/cosmos/distribution/v1beta1/delegators/{DELEGATOR}/rewards"] = not_found

    assert await make_adapter(FakeLcd(routes), sleeps).fetch_positions(DELEGATOR) == []


async def test_positions_survive_an_unreadable_rewards_endpoint(sleeps: list[float]) -> None:
    routes = wallet_routes()
    routes[f"/cosmos/distribution/v1beta1/delegators/{DELEGATOR}/rewards"] = httpx.Response(503)

    positions = await make_adapter(FakeLcd(routes), sleeps).fetch_positions(DELEGATOR)

    assert len(positions) == 6
    assert all(p.rewards is None for p in positions)


@pytest.mark.parametrize(
    "address", ["cosmos1nope", "cosmosvaloper1q3jsx9dpfhtyqqgetwpe5tmk8f0ms5qywje8tw", ""]
)
async def test_a_malformed_address_is_invalid_input_without_a_request(
    adapter: CosmosAdapter, lcd: FakeLcd, address: str
) -> None:
    with pytest.raises(InvalidInput):
        await adapter.fetch_positions(address)
    assert lcd.requests == []


async def test_a_balance_in_another_denom_is_refused(sleeps: list[float]) -> None:
    routes = wallet_routes()
    routes[f"/cosmos/staking/v1beta1/delegations/{DELEGATOR}"] = page(
        "delegation_responses", [delegation(SG1, "100", denom="stake")]
    )

    with pytest.raises(ChainDataInvalid, match="stake"):
        await make_adapter(FakeLcd(routes), sleeps).fetch_positions(DELEGATOR)


# --- metrics ---------------------------------------------------------------------------


async def test_metrics_math(adapter: CosmosAdapter) -> None:
    metrics = await adapter.fetch_metrics()

    assert metrics.total_staked == 200_000_000_000_000
    assert metrics.total_supply == 400_000_000_000_000
    assert metrics.bonded_ratio == Decimal("0.5")
    assert metrics.inflation == Decimal("0.1")
    assert metrics.community_tax == Decimal("0.02")
    assert metrics.nominal_apr == Decimal("0.196")  # 0.1 × (1 − 0.02) / 0.5
    assert metrics.validator_count == 7
    assert metrics.active_validator_count == 2
    assert metrics.observed_at == NOW
    assert metrics.details["maxValidators"] == "200"
    assert metrics.details["signedBlocksWindow"] == "10000"
    assert metrics.details["bondedValidatorCount"] == "3"
    assert metrics.details["activeStake"] == str(383301887799 + 1426045203613)
    assert metrics.details["blockHeight"] == "21000000"
    assert Decimal(metrics.details["slashFractionDowntime"]) == Decimal("0.0001")


async def test_metrics_read_inflation_in_atomics_form(sleeps: list[float]) -> None:
    routes = hub_routes()
    routes["/cosmos/mint/v1beta1/inflation"] = {"inflation": "130197115720711261"}  # x-mint

    metrics = await make_adapter(FakeLcd(routes), sleeps).fetch_metrics()

    assert metrics.inflation == Decimal("0.130197115720711261")


# --- failures on the wire ----------------------------------------------------------------


async def test_a_malformed_payload_names_the_endpoint(sleeps: list[float]) -> None:
    broken = dict(SG1, tokens="12.5")
    routes = hub_routes()
    routes["/cosmos/staking/v1beta1/validators"] = page("validators", [broken])

    with pytest.raises(ChainDataInvalid) as raised:
        await make_adapter(FakeLcd(routes), sleeps).fetch_validators()

    assert raised.value.endpoint == "/cosmos/staking/v1beta1/validators"
    assert "/cosmos/staking/v1beta1/validators" in str(raised.value)
    assert any("tokens" in e for e in raised.value.details["errors"])


async def test_a_validator_of_another_chain_is_malformed(sleeps: list[float]) -> None:
    routes = hub_routes()
    routes["/cosmos/staking/v1beta1/validators"] = page(
        "validators", [dict(SG1, operator_address=encode("osmovaloper", bytes(20)))]
    )

    with pytest.raises(ChainDataInvalid):
        await make_adapter(FakeLcd(routes), sleeps).fetch_validators()


async def test_429_with_retry_after_then_success(sleeps: list[float]) -> None:
    routes = hub_routes()
    pool = routes["/cosmos/staking/v1beta1/pool"]
    assert isinstance(pool, dict)
    routes["/cosmos/staking/v1beta1/pool"] = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        pool,
    ]

    metrics = await make_adapter(FakeLcd(routes), sleeps).fetch_metrics()

    assert metrics.total_staked == 200_000_000_000_000
    assert sleeps == [7.0]


async def test_5xx_then_success(sleeps: list[float]) -> None:
    routes = hub_routes()
    routes["/cosmos/mint/v1beta1/inflation"] = [
        httpx.Response(503),
        httpx.Response(502),
        {"inflation": "0.100000000000000000"},
    ]
    lcd = FakeLcd(routes)

    metrics = await make_adapter(lcd, sleeps).fetch_metrics()

    assert metrics.inflation == Decimal("0.1")
    assert len(lcd.params("/cosmos/mint/v1beta1/inflation")) == 3
    assert len(sleeps) == 2


async def test_timeouts_fall_back_to_the_second_url(sleeps: list[float]) -> None:
    lcd = FakeLcd(hub_routes(), down=frozenset({"lcd.one"}))

    validators = await make_adapter(lcd, sleeps).fetch_validators()

    assert len(validators) == len(VALIDATORS)
    hosts = [r.url.host for r in lcd.requests]
    assert "lcd.two" in hosts
    answered = [r for r in lcd.requests if r.url.host == "lcd.two"]
    assert {r.url.path for r in answered} == {
        "/cosmos/staking/v1beta1/validators",
        "/cosmos/base/tendermint/v1beta1/validatorsets/latest",
        "/cosmos/slashing/v1beta1/signing_infos",
    }


async def test_every_url_down_is_chain_unavailable(sleeps: list[float]) -> None:
    lcd = FakeLcd(hub_routes(), down=frozenset({"lcd.one", "lcd.two"}))

    with pytest.raises(ChainUnavailable):
        await make_adapter(lcd, sleeps).fetch_metrics()

"""ETH validators first-class (issue 13): the whole stored set answers the detail (by
index or pubkey) and the list (keyset pages; status and withdrawal-address filters; index,
balance and vrs sorts), every list row carries its risk score in the caller's tier view
(one query per page, whatever its size), operator labels show as names, an unobserved
validator's score is pending with the reason and when, and signed-in views grow the
observed set within its caps — on SQLite and on PostgreSQL + Redis.

PostgreSQL is shared by the run: each test's validators have their own index range and
withdrawal address, and the listings are narrowed to that address."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, func, select

from domain import observed
from domain.chains import Validator, ValidatorStatus
from domain.models import Chain
from domain.validators import ListFilter, ValidatorSort
from domain.vrs import FACTORS, ScoreConfidence, VrsScore, VrsStatus
from domain.vrs.config import DEFAULT_WEIGHTS
from domain.vrs.model import total_of
from domain.vrs.tiers import visible_factors
from infrastructure.chains.demo.ethereum import demo_labels, special_indices
from infrastructure.db.models import (
    EthValidatorRow,
    ObservedValidatorRow,
    ValidatorLabelRow,
    ValidatorRow,
    VrsLatestRow,
)
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.repositories.vrs import VrsScoreRepository
from infrastructure.db.uow import SqlUnitOfWork
from services import real_yield
from services import validators as service
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet
from workers.context import JobDeps

NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
GWEI = 10**9
# (offset from the test's first index, beacon status, balance in ETH, slashed)
SET = [
    (0, "active_ongoing", 32, False),
    (1, "active_ongoing", 33, False),
    (2, "active_slashed", 31, True),
    (3, "pending_queued", 32, False),
    (4, "active_ongoing", 64, False),
    (5, "withdrawal_done", 0, False),
    (6, "active_ongoing", 40, False),
]


class EthSet:
    def __init__(self) -> None:
        self.base = random.randrange(10**9, 10**12)
        self.address = "0x" + uuid.uuid4().hex + uuid.uuid4().hex[:8]

    def index(self, offset: int) -> int:
        return self.base + offset

    def pubkey(self, offset: int) -> str:
        return "0x" + f"{self.base + offset:096x}"

    @property
    def indices(self) -> list[int]:
        return [self.base + offset for offset, *_ in SET]


@pytest.fixture
def eth_set() -> EthSet:
    return EthSet()


async def seed(app: Any, s: EthSet) -> None:
    async with app.state.resources.session_factory() as session, session.begin():
        for offset, status, eth, slashed in SET:
            session.add(
                EthValidatorRow(
                    index=s.index(offset),
                    pubkey=s.pubkey(offset),
                    withdrawal_prefix=1,
                    withdrawal_address=s.address,
                    status=status,
                    slashed=slashed,
                    balance=eth * GWEI + offset,
                    effective_balance=min(eth, 32) * GWEI,
                    activation_epoch=None if status.startswith("pending") else 1000 + offset,
                    exit_epoch=None,
                )
            )
        session.add(
            ValidatorLabelRow(
                chain="eth",
                address=str(s.index(4)),
                label="Big Operator",
                source="test",
                updated_at=NOW,
            )
        )


@pytest.fixture
async def app_client(
    start_app: Any, backend: dict[str, str], eth_set: EthSet
) -> AsyncIterator[tuple[Any, Any]]:
    async with start_app(**backend) as (app, client):
        await seed(app, eth_set)
        yield app, client
        async with app.state.resources.session_factory() as session, session.begin():
            ids = [str(i) for i in eth_set.indices]
            await session.execute(
                delete(EthValidatorRow).where(EthValidatorRow.index.in_(eth_set.indices))
            )
            await session.execute(
                delete(ValidatorLabelRow).where(ValidatorLabelRow.address.in_(ids))
            )
            await session.execute(delete(VrsLatestRow).where(VrsLatestRow.validator.in_(ids)))
            await session.execute(
                delete(ObservedValidatorRow).where(ObservedValidatorRow.validator.in_(ids))
            )


def score(index: int, factors: Sequence[int | None], *, pending: bool = False) -> VrsScore:
    scores = dict(zip(FACTORS, factors, strict=True))
    return VrsScore(
        chain=Chain.ETH,
        validator=str(index),
        calculated_at=NOW,
        status=VrsStatus.PENDING if pending else VrsStatus.SCORED,
        total=None if pending else total_of(scores, DEFAULT_WEIGHTS),
        scores=scores,
        weights=dict(DEFAULT_WEIGHTS),
        data_days=3 if pending else 90,
        confidence=ScoreConfidence.LOW if pending else ScoreConfidence.HIGH,
    )


async def add_scores(app: Any, scores: Sequence[VrsScore]) -> None:
    async with app.state.resources.session_factory() as session, session.begin():
        await VrsScoreRepository(session).add(scores)


def free_total(s: VrsScore) -> int | None:
    return total_of(s.scores, s.weights, visible_factors(3))


async def all_pages(client: Any, url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(20):
        page = await client.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["data"]
        cursor = body["meta"]["nextCursor"]
        if cursor is None:
            return items
    raise AssertionError("no last page")


# -- detail ---------------------------------------------------------------------------


async def test_any_eth_validator_answers_its_detail_by_index_and_by_pubkey(
    app_client: Any, eth_set: EthSet
) -> None:
    _, client = app_client
    index = eth_set.index(4)
    by_index = await client.get(f"/api/validators/eth:{index}")
    assert by_index.status_code == 200, by_index.text
    data = by_index.json()["data"]
    assert data["id"] == f"eth:{index}" and data["address"] == str(index)
    assert data["name"] == "Big Operator"  # the operator label
    assert data["status"] == "active" and data["slashed"] is False
    assert data["stake"]["baseUnits"] == str(32 * GWEI)  # the effective balance
    eth = data["eth"]
    # (fiat: whatever ETH price the shared database holds; the amount shape is tested
    # with prices in tests/api/test_validators.py)
    assert {
        k: {"baseUnits": v["baseUnits"], "display": v["display"]}
        for k, v in eth.items()
        if k in ("balance", "effectiveBalance")
    } == {
        "balance": {"baseUnits": str(64 * GWEI + 4), "display": "64.000000004"},
        "effectiveBalance": {"baseUnits": str(32 * GWEI), "display": "32"},
    }
    assert {k: v for k, v in eth.items() if k not in ("balance", "effectiveBalance")} == {
        "index": index,
        "pubkey": eth_set.pubkey(4),
        "beaconStatus": "active_ongoing",
        "withdrawalAddress": eth_set.address,
        "withdrawalPrefix": 1,
        "activationEpoch": 1004,
        "exitEpoch": None,
    }
    assert data["identity"] == {"pubkey": eth_set.pubkey(4), "withdrawalAddress": eth_set.address}
    assert data["vrs"] == {"total": None, "band": None, "confidence": "low", "status": "pending"}
    assert data["observations"] == []

    by_pubkey = await client.get(f"/api/validators/eth:{eth_set.pubkey(4).upper()[2:]}")
    assert by_pubkey.status_code == 404  # a pubkey starts with 0x
    by_pubkey = await client.get(f"/api/validators/eth:{eth_set.pubkey(4)}")
    assert by_pubkey.status_code == 200 and by_pubkey.json()["data"]["id"] == f"eth:{index}"

    slashed = (await client.get(f"/api/validators/eth:{eth_set.index(2)}")).json()["data"]
    assert slashed["status"] == "slashed" and slashed["slashed"] is True

    for unknown in (f"eth:{eth_set.base + 1000}", "eth:0x" + "ab" * 48):
        response = await client.get(f"/api/validators/{unknown}")
        assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"
    for malformed in ("eth:abc", "eth:0x12", "eth:-1", "eth:" + "9" * 30):
        response = await client.get(f"/api/validators/{malformed}")
        body = response.json()
        assert response.status_code == 404 and set(body) == {"error", "code", "details"}
        assert "eth:<index>" in body["error"]


# -- the list -------------------------------------------------------------------------


async def test_the_eth_list_pages_over_the_set_with_filters_and_sorts(
    app_client: Any, eth_set: EthSet
) -> None:
    _, client = app_client
    url = (
        f"/api/validators?chain=eth&withdrawalAddress={eth_set.address.upper().replace('0X', '0x')}"
    )
    first = await client.get(url + "&limit=3")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["meta"]["sort"] == "index" and body["meta"]["chain"] == "eth"
    assert [v["id"] for v in body["data"]] == [f"eth:{i}" for i in eth_set.indices[:3]]
    assert body["data"][0]["vrs"]["status"] == "pending" and body["data"][0]["eth"]["index"]

    by_index = await all_pages(client, url + "&limit=3")
    assert [v["eth"]["index"] for v in by_index] == eth_set.indices  # every one, once

    by_balance = await all_pages(client, url + "&limit=2&sort=balance")
    balances = [int(v["eth"]["balance"]["baseUnits"]) for v in by_balance]
    assert balances == sorted(balances, reverse=True) and len(balances) == len(SET)
    as_stake = await all_pages(client, url + "&limit=4&sort=stake")
    assert [v["id"] for v in as_stake] == [v["id"] for v in by_balance]  # stake: as balance

    slashed = await all_pages(client, url + "&status=slashed")
    assert [v["eth"]["index"] for v in slashed] == [eth_set.index(2)]
    pending = await all_pages(client, url + "&status=pending&sort=balance")
    assert [v["eth"]["index"] for v in pending] == [eth_set.index(3)]
    active = await all_pages(client, url + "&status=active&limit=2")
    assert [v["eth"]["index"] for v in active] == [eth_set.index(i) for i in (0, 1, 4, 6)]
    exited = await all_pages(client, url + "&status=exited")
    assert [v["eth"]["index"] for v in exited] == [eth_set.index(5)]


async def test_bad_listings_are_refused_with_a_clear_4xx(app_client: Any, eth_set: EthSet) -> None:
    _, client = app_client
    url = f"/api/validators?chain=eth&withdrawalAddress={eth_set.address}&limit=2"
    cursor = (await client.get(url)).json()["meta"]["nextCursor"]
    assert cursor
    tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    response = await client.get(url + f"&cursor={tampered}")
    assert response.status_code == 400 and response.json()["code"] == "INVALID_CURSOR"
    other_sort = await client.get(url + f"&sort=balance&cursor={cursor}")
    assert other_sort.status_code == 400  # a cursor of another listing
    sol_cursor = await client.get(f"/api/validators?chain=sol&cursor={cursor}")
    assert sol_cursor.status_code == 400

    for query, field in (
        ("chain=eth&withdrawalAddress=0x1234", "withdrawalAddress"),
        ("chain=eth&withdrawalAddress=" + "0x" + "zz" * 20, "withdrawalAddress"),
        ("chain=eth&sort=commission", "sort"),
        ("chain=eth&sort=name", "sort"),
        ("chain=eth&q=whale", "q"),
        ("chain=sol&sort=index", "sort"),
        ("chain=sol&sort=balance", "sort"),
        ("chain=sol&withdrawalAddress=" + eth_set.address, "withdrawalAddress"),
    ):
        response = await client.get(f"/api/validators?{query}")
        assert response.status_code == 422, (query, response.text)
        body = response.json()
        assert body["code"] == "VALIDATION_ERROR"
        assert [f["field"] for f in body["details"]["fields"]] == [field], query
    for query in ("chain=eth&status=sleepy", "chain=eth&sort=random", "chain=eth&limit=0"):
        response = await client.get(f"/api/validators?{query}")
        assert response.status_code == 422 and response.json()["code"] == "VALIDATION_ERROR"


async def test_sort_by_vrs_puts_the_highest_score_first_and_unscored_last(
    app_client: Any, eth_set: EthSet
) -> None:
    app, client = app_client
    # free view (uptime, slashing, commission) orders 6 > 0 > 4; the full view would
    # put 4 first (its performance and decentralization are high)
    scores = [
        score(eth_set.index(0), (80, 80, 80, 10, 10)),
        score(eth_set.index(4), (60, 60, 60, 100, 100)),
        score(eth_set.index(6), (85, 85, 85, 0, 0)),
        score(eth_set.index(1), (None,) * 5, pending=True),
    ]
    await add_scores(app, scores)
    url = f"/api/validators?chain=eth&withdrawalAddress={eth_set.address}&sort=vrs"
    for limit in (2, 3, 50):
        items = await all_pages(client, url + f"&limit={limit}")
        assert [v["eth"]["index"] for v in items] == [
            eth_set.index(i) for i in (6, 0, 4, 1, 2, 3, 5)
        ], limit
    for status, order in (("active", (6, 0, 4, 1)), ("slashed", (2,)), ("pending", (3,))):
        for limit in (1, 3):
            listed = await all_pages(client, url + f"&status={status}&limit={limit}")
            assert [v["eth"]["index"] for v in listed] == [eth_set.index(i) for i in order]
    items = await all_pages(client, url + "&limit=2")
    expected = {s.validator: free_total(s) for s in scores[:3]}
    for item in items[:3]:
        total = expected[item["address"]]
        assert item["vrs"]["total"] == total and item["vrs"]["status"] == "scored"
        assert item["vrs"]["band"] == (
            "green" if total >= 80 else "yellow" if total >= 50 else "red"
        )
        assert item["vrs"]["confidence"] == "high"
    assert items[3]["vrs"] == {
        "total": None,
        "band": None,
        "confidence": "low",
        "status": "pending",
    }

    # a pro caller's view is the full five-factor total, sorted as such
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        filters = ListFilter(withdrawal_address=eth_set.address)
        page = await service.list_validators(
            uow, Chain.ETH, ValidatorSort.VRS, 3, NOW, 5, filters=filters
        )
    assert [v.validator.address for v in page.validators] == [
        str(eth_set.index(i)) for i in (4, 6, 0)
    ]
    assert page.validators[0].vrs is not None
    assert page.validators[0].vrs.total == scores[1].total

    # a newer score replaces the row's summary; an older one does not
    later = score(eth_set.index(0), (20, 20, 20, 20, 20))
    older = score(eth_set.index(6), (10, 10, 10, 10, 10))
    await add_scores(
        app, [_at(later, NOW + timedelta(hours=1)), _at(older, NOW - timedelta(hours=1))]
    )
    await app.state.resources.reads.invalidate("staketrack:validators:")
    items = await all_pages(client, url + "&limit=50")
    assert [v["eth"]["index"] for v in items][:3] == [eth_set.index(i) for i in (6, 4, 0)]


def _at(s: VrsScore, at: datetime) -> VrsScore:
    return replace(s, calculated_at=at)


async def test_every_list_page_is_a_fixed_number_of_statements(
    app_client: Any, eth_set: EthSet
) -> None:
    """No N+1: the statements per page do not grow with the page size (scores and labels
    are joined in the page's query)."""
    app, client = app_client
    await add_scores(app, [score(i, (90, 90, 90, 90, 90)) for i in eth_set.indices[:4]])
    engine = app.state.resources.engine.sync_engine
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        counts = {}
        for sort in ("index", "balance", "vrs"):
            for limit in (1, 7):
                statements.clear()
                url = (
                    f"/api/validators?chain=eth&withdrawalAddress={eth_set.address}"
                    f"&sort={sort}&limit={limit}"
                )
                response = await client.get(url)
                assert response.status_code == 200 and len(response.json()["data"]) == limit
                counts[sort, limit] = len(statements)
        for limit in (1, 40):
            statements.clear()
            response = await client.get(f"/api/validators?chain=sol&sort=vrs&limit={limit}&q=x")
            assert response.status_code == 200
            counts["sol", limit] = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    for sort in ("index", "balance", "sol"):
        assert counts[sort, 1] == counts[sort, 7 if sort != "sol" else 40], counts
    # vrs: the scored part and, when it runs out, the unscored part: one more at most
    assert counts["vrs", 7] <= counts["vrs", 1] + 1, counts
    # tier limits, sync state, the page (vrs by owner: + whether it owns many, + the
    # unscored part), prices: a constant
    assert max(counts.values()) <= counts["index", 1] + 2, counts


# -- scores: pending with a reason; the observed set ------------------------------------


async def test_an_unobserved_validator_is_pending_with_the_reason_and_when(
    app_client: Any, eth_set: EthSet
) -> None:
    app, client = app_client
    index = eth_set.index(6)
    anonymous = await client.get(f"/api/vrs/eth:{index}")
    assert anonymous.status_code == 200, anonymous.text
    data = anonymous.json()["data"]
    assert data["status"] == "pending" and data["pendingReason"] == "not_observed"
    assert data["total"] is None and data["validatorId"] == f"eth:{index}"
    scored_from = datetime.fromisoformat(data["scoredFrom"].replace("Z", "+00:00"))
    # the next run (:05) starts the first of the 7 days it needs: scored 6 days later
    now = datetime.now(UTC)
    assert timedelta(days=5) < scored_from - now <= timedelta(days=7, hours=1)
    assert scored_from.minute == 5
    by_pubkey = await client.get(f"/api/vrs/eth:{eth_set.pubkey(6)}")
    assert by_pubkey.json()["data"]["validatorId"] == f"eth:{index}"
    assert await observed_ids(app, eth_set) == []  # anonymous views add nothing

    auth = bearer((await sign_in(client, Wallet.new(Chain.SOL)))["accessToken"])
    client.cookies.clear()
    viewed = await client.get(f"/api/vrs/eth:{index}", headers=auth)
    assert viewed.status_code == 200
    assert await observed_ids(app, eth_set) == [str(index)]
    after = (await client.get(f"/api/vrs/eth:{index}")).json()["data"]  # the cache dropped
    assert after["pendingReason"] == "collecting_history" and after["scoredFrom"]
    detail = await client.get(f"/api/validators/eth:{eth_set.pubkey(0)}", headers=auth)
    assert detail.status_code == 200
    assert await observed_ids(app, eth_set) == sorted([str(index), str(eth_set.index(0))])

    # the ingest observes them from now on
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        watched = await uow.chain_data.watched_ids(Chain.ETH)
    assert {str(index), str(eth_set.index(0))} <= set(watched)

    # a scored validator has no pending reason
    await add_scores(app, [score(eth_set.index(4), (90, 90, 90, 90, 90))])
    scored = (await client.get(f"/api/vrs/eth:{eth_set.index(4)}")).json()["data"]
    assert scored["status"] == "scored" and scored["pendingReason"] is None
    assert scored["scoredFrom"] is None


async def test_views_grow_the_observed_set_only_within_the_caps(
    app_client: Any, eth_set: EthSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client = app_client
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        this_hour = await uow.observed.added(
            observed.ObservedSource.VIEW, since=datetime.now(UTC).replace(minute=0, second=0)
        )
    monkeypatch.setattr(observed, "VIEWS_PER_HOUR", this_hour + 2)
    auth = bearer((await sign_in(client, Wallet.new(Chain.SOL)))["accessToken"])
    client.cookies.clear()
    for offset in (0, 1, 2, 3):
        response = await client.get(f"/api/validators/eth:{eth_set.index(offset)}", headers=auth)
        assert response.status_code == 200
    again = await client.get(f"/api/validators/eth:{eth_set.index(0)}", headers=auth)
    assert again.status_code == 200  # an observed one is not added twice
    assert await observed_ids(app, eth_set) == sorted(str(eth_set.index(i)) for i in (0, 1))
    beyond = (await client.get(f"/api/vrs/eth:{eth_set.index(3)}", headers=auth)).json()
    assert beyond["data"]["pendingReason"] == "not_observed"  # still answered

    monkeypatch.setattr(observed, "VIEWS_PER_HOUR", 10**6)
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        in_all = await uow.observed.added(observed.ObservedSource.VIEW)
    monkeypatch.setattr(observed, "VIEWS_TOTAL", in_all)
    await client.get(f"/api/validators/eth:{eth_set.index(5)}", headers=auth)
    assert str(eth_set.index(5)) not in await observed_ids(app, eth_set)

    # SOL and ATOM validators are all observed already: a view adds nothing
    await client.get(
        "/api/validators/sol:Vote111111111111111111111111111111111111111", headers=auth
    )
    async with app.state.resources.session_factory() as session:
        sol = await session.scalar(select(func.count()).where(ObservedValidatorRow.chain == "sol"))
    assert sol == 0


async def observed_ids(app: Any, s: EthSet) -> list[str]:
    async with app.state.resources.session_factory() as session:
        rows = await session.scalars(
            select(ObservedValidatorRow.validator).where(
                ObservedValidatorRow.validator.in_([str(i) for i in s.indices])
            )
        )
        return sorted(rows)


# -- labels -----------------------------------------------------------------------------


async def test_labels_are_set_and_deleted_by_the_repository(
    app_client: Any, eth_set: EthSet
) -> None:
    app, client = app_client
    index = str(eth_set.index(0))
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        await uow.validators.set_label(Chain.ETH, index, "First", "admin", NOW)
        await uow.validators.set_label(Chain.ETH, index, "Renamed", "admin", NOW)
        await uow.commit()
    url = f"/api/validators?chain=eth&withdrawalAddress={eth_set.address}&limit=1"
    assert (await client.get(url)).json()["data"][0]["name"] == "Renamed"
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        assert await uow.validators.delete_label(Chain.ETH, index) is True
        assert await uow.validators.delete_label(Chain.ETH, index) is False
        await uow.commit()
    detail = await client.get(f"/api/validators/eth:{index}")
    assert detail.json()["data"]["name"] is None


# -- the demo network, end to end ---------------------------------------------------------


async def test_on_the_demo_network_every_eth_validator_is_listed_labelled_and_priced(
    start_app: Any,
) -> None:
    async with start_app() as (app, client):
        runner = JobDeps.from_resources(app.state.resources).ingest()
        await runner.run(Chain.ETH)
        await runner.prices()
        count = app.state.resources.settings.demo_eth_validators
        whale, staker, _ = special_indices(count)

        items = await all_pages(client, "/api/validators?chain=eth&limit=200")
        assert [v["eth"]["index"] for v in items] == list(range(count))
        names = {v["eth"]["index"]: v["name"] for v in items if v["name"]}
        assert names == {int(i): label for i, label in demo_labels(count).items()}

        detail = (await client.get(f"/api/validators/eth:{whale[4]}")).json()["data"]
        assert detail["name"] == "Whale Staking 5" and detail["slashed"] is True
        assert detail["stake"]["fiat"] is not None  # priced

        for validator_id in ("eth:100", f"eth:{staker}"):
            calc = await client.post(
                "/api/yield/calculate",
                json={"chain": "eth", "amount": "32", "validatorId": validator_id},
            )
            assert calc.status_code == 200, calc.text
            assert calc.json()["data"]["validatorId"] == validator_id
        unknown = await client.post(
            "/api/yield/calculate",
            json={"chain": "eth", "amount": "32", "validatorId": f"eth:{count + 5}"},
        )
        assert unknown.status_code == 404
        top = await client.get("/api/validators?chain=eth&sort=balance&limit=5")
        balances = [int(v["eth"]["balance"]["baseUnits"]) for v in top.json()["data"]]
        assert balances == sorted(balances, reverse=True)

        # a signed-in view observes a validator: the next ingest observes it, and the
        # yield step snapshots it with the network row, whatever its status (slashed)
        auth = bearer((await sign_in(client, Wallet.new(Chain.SOL)))["accessToken"])
        client.cookies.clear()
        for index in (100, whale[4]):
            viewed = await client.get(f"/api/validators/eth:{index}", headers=auth)
            assert viewed.status_code == 200
        await runner.run(Chain.ETH)
        async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
            results = await real_yield.chain_yields(uow, Chain.ETH, datetime.now(UTC))
        assert [r.validator for r in results] == [None, "100", str(whale[4])]
        slashed = results[2]
        assert not slashed.earning and slashed.slashing_factor >= results[1].slashing_factor
        vrs = (await client.get(f"/api/vrs/eth:{whale[4]}")).json()["data"]
        assert vrs["status"] == "pending" and vrs["pendingReason"] == "collecting_history"


# -- every chain: scores on the rows, sort=vrs --------------------------------------------


async def test_sol_rows_carry_scores_and_sort_by_them(
    start_app: Any, backend: dict[str, str]
) -> None:
    tag = "t" + uuid.uuid4().hex[:10]
    names = ["A", "B", "C", "D"]
    async with start_app(**backend) as (app, client):
        async with app.state.resources.session_factory() as session, session.begin():
            await ChainDataRepository(session).upsert_validators(
                [
                    Validator(Chain.SOL, tag + n, ValidatorStatus.ACTIVE, 10**15 - i, NOW)
                    for i, n in enumerate(names)
                ]
            )
        scores = [
            replace(score(0, (50, 50, 50, 50, 50)), chain=Chain.SOL, validator=tag + "B"),
            replace(score(0, (90, 90, 90, 90, 90)), chain=Chain.SOL, validator=tag + "D"),
            replace(score(0, (90, 90, 90, 90, 90)), chain=Chain.SOL, validator=tag + "C"),
        ]
        await add_scores(app, scores)
        try:
            items = await all_pages(client, f"/api/validators?chain=sol&sort=vrs&q={tag}&limit=1")
            assert [v["address"] for v in items] == [tag + n for n in ("C", "D", "B", "A")]
            assert [v["vrs"]["total"] for v in items] == [90, 90, 50, None]
            assert items[0]["vrs"] == {
                "total": 90,
                "band": "green",
                "confidence": "high",
                "status": "scored",
            }
            by_stake = (await client.get(f"/api/validators?chain=sol&q={tag}")).json()["data"]
            assert [v["vrs"]["total"] for v in by_stake] == [None, 50, 90, 90]
            detail = (await client.get(f"/api/validators/sol:{tag}B")).json()["data"]
            assert detail["vrs"]["total"] == 50 and detail["vrs"]["band"] == "yellow"
        finally:
            async with app.state.resources.session_factory() as session, session.begin():
                await session.execute(
                    delete(ValidatorRow).where(ValidatorRow.address.startswith(tag))
                )
                await session.execute(
                    delete(VrsLatestRow).where(VrsLatestRow.validator.startswith(tag))
                )

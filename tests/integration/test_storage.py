"""`staketrack storage`'s report on SQLite and PostgreSQL: every table's rows and bytes as
the database reports them, and the 12-month projection at mainnet sizes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.repositories.storage import TableSize
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import storage
from services.storage import MEASURED_ROW_BYTES, project, storage_report


def _observations(at: datetime, count: int) -> list[Observation]:
    return [
        Observation(
            chain=Chain.SOL,
            validator=f"storage-{i:04d}",
            observed_at=at,
            status=ValidatorStatus.ACTIVE,
            stake=10**12,
            commission=Decimal("0.05"),
            uptime=Decimal("0.99"),
        )
        for i in range(count)
    ]


async def test_the_report_counts_rows_and_bytes_of_every_table(resources: Resources) -> None:
    async with SqlUnitOfWork(resources.session_factory) as uow:
        before = {t.name: t for t in await uow.storage.table_sizes()}
    at = datetime(2036, 1, 1, tzinfo=UTC)
    async with resources.session_factory() as session, session.begin():
        repo = ChainDataRepository(session)
        for hour in range(5):
            moment = at + timedelta(hours=hour)
            await repo.add_observations(_observations(moment, 200), moment)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        report = await storage_report(uow)
    after = {t.name: t for t in report.tables}
    assert {"validator_observations", "vrs_scores", "users", "eth_validators"} <= set(after)
    observations = after["validator_observations"]
    assert observations.rows == before["validator_observations"].rows + 1_000
    assert observations.bytes > before["validator_observations"].bytes
    assert report.current_bytes == sum(t.bytes for t in report.tables) > 0
    assert [t.bytes for t in report.tables] == sorted(
        (t.bytes for t in report.tables), reverse=True
    )
    # the projection: 90 days of hourly SOL and ATOM samples, the ETH set apart
    projected = {(p.table, p.eth_set): p for p in report.projected}
    assert projected[("validator_observations", False)].rows == 1_500 * 24 * 90
    assert projected[("validator_observations", True)].rows == 10_000 * 24 * 90
    assert projected[("eth_validators", True)].rows == 1_100_000
    assert report.projected_bytes == sum(p.bytes for p in report.projected if not p.eth_set)
    assert report.eth_set_bytes > 0


def test_a_table_with_enough_rows_uses_its_own_bytes_per_row() -> None:
    few = [TableSize("vrs_scores", 500, 500_000), TableSize("users", 3, 9_000)]
    many = [TableSize("vrs_scores", 20_000, 2_000_000), TableSize("users", 3, 9_000)]
    scores = {p.table: p for p in project(few) if not p.eth_set}["vrs_scores"]
    assert scores.bytes == scores.rows * MEASURED_ROW_BYTES["vrs_scores"]
    scores = {p.table: p for p in project(many) if not p.eth_set}["vrs_scores"]
    assert scores.rows == 1_500 * storage.SCORE_ROWS_PER_DAY * 365
    assert scores.bytes == scores.rows * 100
    # a table that does not grow with the chains counts as it is
    assert {p.table: p for p in project(many)}["users"].bytes == 9_000

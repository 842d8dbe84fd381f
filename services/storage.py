"""`staketrack storage`: each table's rows and bytes now, and what the database holds
after 12 months at mainnet sizes (NFR19: ≤ 0.5 GiB besides the ETH validator set, whose
own size is stated apart).

The projection counts the tables that grow with the chains at their steady state:
hourly observations and their daily `vrs_rollups` kept OBSERVATIONS_KEPT (the daily
prune), a `vrs_scores` row per
validator per day plus its changes (immutable, kept for good), one `vrs_latest` and
`validators` row per validator, and for ETH the whole validator set. Bytes per row are
this database's own where a table holds enough rows to tell, else figures measured on
PostgreSQL 16 with mainnet-shaped rows (below). Every other table is counted as it is
now (users, alerts … grow with the users, not the chains)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.models import Chain
from infrastructure.db.repositories.storage import TableSize
from infrastructure.db.uow import SqlUnitOfWork
from services.pipeline import OBSERVATIONS_KEPT

GIB = 1024**3
TARGET_BYTES = GIB // 2  # NFR19, without the ETH validator set
MONTHS = 12
DAYS = 365
SAMPLES_PER_DAY = 24  # hourly observations
# mainnet sizes (issue 18): vote accounts, the Hub's validators, observed ETH validators
VALIDATORS = {Chain.SOL: 1_300, Chain.ATOM: 200, Chain.ETH: 10_000}
ETH_SET = 1_100_000  # the whole beacon validator set, in eth_validators
# vrs_scores rows per validator and day: the day's first plus one change on average (an
# assumption: scores move in whole points, most validators' days see none or one)
SCORE_ROWS_PER_DAY = 2
# bytes per row, indexes included, measured on PostgreSQL 16 with 300,000 rows of
# mainnet-shaped values (44-character Solana addresses, 98-character ETH pubkeys)
MEASURED_ROW_BYTES = {
    "validator_observations": 341,
    "vrs_scores": 342,
    "vrs_latest": 200,
    # the risk score's daily rollups (one JSON text per validator and day), measured on
    # PostgreSQL 16 with 132,000 rows of bench/vrs_step.py's SOL and ATOM validators
    "vrs_rollups": 500,
    "validators": 1_000,
    "eth_validators": 383,
}
MIN_ROWS_MEASURED = 10_000  # fewer rows: page overhead dominates, use the figures above


@dataclass(frozen=True, slots=True)
class Projected:
    table: str
    rows: int
    bytes: int
    eth_set: bool  # part of the ETH validator set's own size


@dataclass(frozen=True, slots=True)
class StorageReport:
    tables: tuple[TableSize, ...]
    projected: tuple[Projected, ...]
    months: int = MONTHS

    @property
    def current_bytes(self) -> int:
        return sum(t.bytes for t in self.tables)

    @property
    def projected_bytes(self) -> int:
        """12 months without the ETH validator set."""
        return sum(p.bytes for p in self.projected if not p.eth_set)

    @property
    def eth_set_bytes(self) -> int:
        return sum(p.bytes for p in self.projected if p.eth_set)

    @property
    def within_target(self) -> bool:
        return self.projected_bytes <= TARGET_BYTES


def row_bytes(table: str, sizes: dict[str, TableSize]) -> int:
    size = sizes.get(table)
    if size is not None and size.rows >= MIN_ROWS_MEASURED:
        return max(1, size.bytes // size.rows)
    return MEASURED_ROW_BYTES[table]


def project(tables: list[TableSize]) -> tuple[Projected, ...]:
    """The chain-sized tables after MONTHS of operation at mainnet sizes; for each, a row
    without ETH and one for the ETH validator set's part; the other tables as they are."""
    sizes = {t.name: t for t in tables}
    kept_days = OBSERVATIONS_KEPT.days
    others = VALIDATORS[Chain.SOL] + VALIDATORS[Chain.ATOM]
    eth = VALIDATORS[Chain.ETH]
    per_table = {
        "validator_observations": (others * SAMPLES_PER_DAY * kept_days, eth),
        "vrs_scores": (others * SCORE_ROWS_PER_DAY * DAYS, eth),
        "vrs_latest": (others, eth),
        "vrs_rollups": (others * kept_days, eth),  # a row per validator and day, pruned
        "validators": (others, 0),
    }
    found: list[Projected] = []
    for table, (rows, eth_validators) in per_table.items():
        size = row_bytes(table, sizes)
        found.append(Projected(table, rows, rows * size, eth_set=False))
        if eth_validators:
            eth_rows = rows // others * eth_validators
            found.append(Projected(table, eth_rows, eth_rows * size, eth_set=True))
    eth_bytes = ETH_SET * row_bytes("eth_validators", sizes)
    found.append(Projected("eth_validators", ETH_SET, eth_bytes, eth_set=True))
    grown = {p.table for p in found}
    found.extend(
        Projected(t.name, t.rows, t.bytes, eth_set=False)
        for t in tables
        if t.name not in grown and t.rows
    )
    return tuple(found)


async def storage_report(uow: SqlUnitOfWork) -> StorageReport:
    tables = await uow.storage.table_sizes()
    return StorageReport(tables=tuple(tables), projected=project(tables))

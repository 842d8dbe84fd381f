"""Migration 0008 backfills vrs_latest from the append-only vrs_scores: the newest score
of each validator, with the total of every tier view as domain/vrs/tiers.py computes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from domain.models import Chain
from domain.vrs import FACTORS, ScoreConfidence, VrsScore, VrsStatus
from domain.vrs.config import DEFAULT_WEIGHTS
from domain.vrs.model import total_of
from domain.vrs.tiers import tier_view
from infrastructure.db.migrate import alembic_config

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _row(validator: str, at: datetime, factors: tuple[int | None, ...], status: str) -> dict:
    row: dict = {
        "chain": "sol",
        "validator": validator,
        "calculated_at": at,
        "status": status,
        "total": None,
        "data_days": 90,
        "confidence": "high",
        "methodology_version": "2026-11.2",
        "created_at": at,
    }
    for factor, score in zip(FACTORS, factors, strict=True):
        row[f"{factor.value}_score"] = score
        row[f"{factor.value}_weight"] = str(DEFAULT_WEIGHTS[factor])
    return row


def test_the_migration_backfills_the_newest_score_with_every_views_total(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0007")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    scores = sa.table("vrs_scores", *(sa.column(c) for c in _row("x", AT, (1,) * 5, "s")))
    newest = (90, None, 40, 100, 70)  # slashing unavailable
    with engine.begin() as connection:
        connection.execute(
            scores.insert(),
            [
                _row("A", AT - timedelta(hours=1), (10, 10, 10, 10, 10), "scored"),
                _row("A", AT, newest, "scored"),
                _row("B", AT, (None,) * 5, "pending"),
            ],
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = {r.validator: r for r in connection.execute(sa.text("SELECT * FROM vrs_latest"))}
    assert set(rows) == {"A", "B"}
    a = rows["A"]
    score = VrsScore(
        chain=Chain.SOL,
        validator="A",
        calculated_at=AT,
        status=VrsStatus.SCORED,
        total=total_of(dict(zip(FACTORS, newest, strict=True)), DEFAULT_WEIGHTS),
        scores=dict(zip(FACTORS, newest, strict=True)),
        weights={f: Decimal(w) for f, w in DEFAULT_WEIGHTS.items()},
        data_days=90,
        confidence=ScoreConfidence.HIGH,
    )
    for n in range(1, 6):
        assert getattr(a, f"view_total_{n}") == tier_view(score, n).total, n
    assert a.view_total_2 == 90  # the view of uptime and slashing: slashing unavailable
    assert a.status == "scored" and a.confidence == "high"
    b = rows["B"]
    assert b.status == "pending" and all(getattr(b, f"view_total_{n}") is None for n in range(1, 6))
    engine.dispose()

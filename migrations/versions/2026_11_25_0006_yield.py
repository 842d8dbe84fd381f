"""real yield: yield_config, yield_snapshots

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

yield_config is seeded with the documented defaults of
domain/real_yield/parameters.py (a unit test keeps the two equal). yield_snapshots is
immutable: on PostgreSQL a trigger rejects every UPDATE, DELETE and TRUNCATE.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (chain, name, value, description) as of this revision
SEED: list[tuple[str, str, str, str]] = [
    (
        "eth",
        "execution_rewards_apr",
        "0.003",
        "Execution-layer rewards (priority fees + MEV) per staked ETH and year, added to the consensus APR. An estimate: the Beacon API does not report it.",
    ),
    (
        "eth",
        "base_reward_factor",
        "64",
        "BASE_REWARD_FACTOR of the consensus spec; used only when a metrics row has no baseRewardPerIncrement (then recomputed from the total active balance, and marked as a fallback).",
    ),
    (
        "eth",
        "effective_balance_increment",
        "1000000000",
        "EFFECTIVE_BALANCE_INCREMENT of the consensus spec, in gwei (1 ETH).",
    ),
    ("eth", "seconds_per_slot", "12", "SECONDS_PER_SLOT of the consensus spec."),
    ("eth", "slots_per_epoch", "32", "SLOTS_PER_EPOCH of the consensus spec."),
    (
        "eth",
        "seconds_per_year",
        "31557600",
        "Seconds per year (365.25 days) to annualise the per-epoch reward.",
    ),
    (
        "sol",
        "default_performance",
        "1",
        "Vote-credit performance (0..1, 1 = cluster median) assumed for a validator without an observation; marked as a fallback when used.",
    ),
    (
        "all",
        "fallback_max_days",
        "30",
        "How many days back a last known value may come from when today's is missing; older values are not used.",
    ),
    (
        "all",
        "slashing_factor_min",
        "0.5",
        "Lower bound of a validator's slashing factor (1 = the network's base risk).",
    ),
    ("all", "slashing_factor_max", "5", "Upper bound of a validator's slashing factor."),
    (
        "all",
        "slashing_factor_clean",
        "1",
        "Slashing factor of a validator observed without any incident in the window (below 1 would reward a clean record: the base rates include validators with incidents).",
    ),
    (
        "all",
        "slashing_factor_slashed",
        "4",
        "Added to the slashing factor when the validator is or was slashed or tombstoned.",
    ),
    (
        "all",
        "slashing_factor_jailed_hour",
        "0.05",
        "Added to the slashing factor per hourly observation spent jailed.",
    ),
    (
        "all",
        "slashing_factor_offline_hour",
        "0.01",
        "Added to the slashing factor per hourly observation spent delinquent or offline (uptime 0).",
    ),
    (
        "all",
        "slashing_factor_window_days",
        "90",
        "Days of observations the slashing factor looks back.",
    ),
    (
        "eth",
        "slashing.fraction",
        "0.04",
        "Stake lost by a slashed validator: the initial 1/32 penalty plus the penalties and missed rewards of the forced exit (~36 days); no correlation penalty (isolated slashings).",
    ),
    (
        "eth",
        "slashing.annual_rate",
        "0.0002",
        "Slashings per validator-year on mainnet (a few hundred among ~1M validators over four years).",
    ),
    (
        "sol",
        "duplicate_block.fraction",
        "0",
        "Stake lost per slashing event: 0, mainnet has no protocol slashing today (set it when a slashing SIMD is activated).",
    ),
    (
        "sol",
        "duplicate_block.annual_rate",
        "0",
        "Slashing events per validator-year (0 while there is no protocol slashing).",
    ),
    (
        "atom",
        "double_sign.fraction",
        "0.05",
        "slash_fraction_double_sign of x/slashing (the validator is also tombstoned).",
    ),
    (
        "atom",
        "double_sign.annual_rate",
        "0.002",
        "Double-sign (tombstoning) events per validator-year on the Hub.",
    ),
    (
        "atom",
        "downtime.fraction",
        "0.0001",
        "slash_fraction_downtime of x/slashing (the validator is also jailed).",
    ),
    ("atom", "downtime.annual_rate", "0.05", "Downtime jailings per validator-year on the Hub."),
]

IMMUTABLE_FUNCTION = """
CREATE FUNCTION yield_snapshots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'yield_snapshots is immutable: % rejected', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""
IMMUTABLE_TRIGGER = """
CREATE TRIGGER yield_snapshots_immutable
BEFORE UPDATE OR DELETE OR TRUNCATE ON yield_snapshots
FOR EACH STATEMENT EXECUTE FUNCTION yield_snapshots_immutable()
"""


def upgrade() -> None:
    config = op.create_table(
        "yield_config",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=48), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("chain", "name", name=op.f("pk_yield_config")),
    )
    op.bulk_insert(
        config,
        [
            {"chain": chain, "name": name, "value": value, "description": description}
            for chain, name, value, description in SEED
        ],
    )
    op.create_table(
        "yield_snapshots",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("snapshot_date", sa.Date(), nullable=False),
        sa.Column("nominal_apy", sa.String(length=48), nullable=False),
        sa.Column("inflation_rate", sa.String(length=48), nullable=False),
        sa.Column("validator_fee", sa.String(length=48), nullable=False),
        sa.Column("slashing_risk", sa.String(length=48), nullable=False),
        sa.Column("real_yield", sa.String(length=48), nullable=False),
        sa.Column("real_yield_compounded", sa.String(length=48), nullable=False),
        sa.Column("commission", sa.String(length=48), nullable=False),
        sa.Column("slashing_factor", sa.String(length=48), nullable=False),
        sa.Column("performance", sa.String(length=48), nullable=True),
        sa.Column("earning", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.String(length=8), nullable=False),
        sa.Column("fallback_inputs", sa.JSON(), nullable=False),
        sa.Column("estimated_inputs", sa.JSON(), nullable=False),
        sa.Column("data_fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yield_snapshots")),
        sa.UniqueConstraint(
            "chain",
            "validator",
            "snapshot_date",
            name=op.f("uq_yield_snapshots_chain_validator_snapshot_date"),
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(IMMUTABLE_FUNCTION)
        op.execute(IMMUTABLE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS yield_snapshots_immutable ON yield_snapshots")
        op.execute("DROP FUNCTION IF EXISTS yield_snapshots_immutable()")
    op.drop_table("yield_snapshots")
    op.drop_table("yield_config")

"""Wire models of the CLI's `--json` output (contract v1: `{data, meta}`, camelCase, UTC
`Z` times), built from the API's own parts (Amount, ValidatorRef) so a script reads the
same field names it reads from the API."""

from __future__ import annotations

from pydantic import Field

from api.schemas.common import Amount, ApiModel, MetaEnvelope, NoMeta, UtcDatetime
from api.schemas.portfolio import ValidatorRef
from domain.models import Chain


class LivePositionOut(ApiModel):
    """A position read from the chain now (`staketrack positions --json`): the fields of
    the portfolio's positions, for any address (linked or not)."""

    chain: Chain
    address: str = Field(description="The address asked about (in full: the caller's own)")
    key: str = Field(description="The position's id on the chain (stake account, validator...)")
    validator: ValidatorRef
    amount: Amount
    rewards: Amount | None
    status: str
    kind: str
    completes_at: UtcDatetime | None
    fetched_at: UtcDatetime


class FetchedChainOut(ApiModel):
    chain: Chain
    counts: dict[str, int] = Field(description="Items stored per step (validators, ...)")
    failed_wallets: int = 0
    error: str | None = Field(default=None, description="Why the chain's fetch failed")


class FetchOut(ApiModel):
    """`staketrack fetch --json`: what each chain's ingest stored."""

    chains: list[FetchedChainOut]
    prices: int | None = Field(description="Prices stored; null when they failed")
    failures: list[str]


class SeedOut(ApiModel):
    """`staketrack demo seed --json`: what the seed stored."""

    fetched_at: UtcDatetime
    days: int
    observations: dict[Chain, int]
    scores: int = Field(description="Risk scores computed (scored, not pending)")
    score_days: int
    rewards: int = Field(
        description="Reward events stored for the linked wallets (the last 30 days)"
    )
    seconds: float


LivePositionsResponse = MetaEnvelope[list[LivePositionOut], NoMeta]
FetchResponse = MetaEnvelope[FetchOut, NoMeta]
SeedResponse = MetaEnvelope[SeedOut, NoMeta]

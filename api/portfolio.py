"""The dashboard's portfolio: a user's stored positions across wallets and chains,
valued in native units and fiat, with each chain's freshness (stale after 2 hours;
the last known data is served when a fetch failed)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from api.schemas.portfolio import Amount, ChainBlock, Fiat, PortfolioOut, PositionOut, ValidatorRef
from domain.addresses import shorten
from domain.chains import BASE_UNIT_DECIMALS
from domain.models import Chain
from infrastructure.db.models import ChainSyncRow
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.uow import SqlUnitOfWork

STALE_AFTER = timedelta(hours=2)
CENTS = Decimal("0.01")
Prices = dict[tuple[str, str], Decimal]


def _display(chain: Chain, base_units: int) -> Decimal:
    return Decimal(base_units).scaleb(-BASE_UNIT_DECIMALS[chain])


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


def _fiat(chain: Chain, coins: Decimal, prices: Prices) -> Fiat | None:
    usd, eur = prices.get((chain.value, "usd")), prices.get((chain.value, "eur"))
    if usd is None and eur is None:
        return None
    return Fiat(
        usd=None if usd is None else str((coins * usd).quantize(CENTS)),
        eur=None if eur is None else str((coins * eur).quantize(CENTS)),
    )


def amount(chain: Chain, base_units: int, prices: Prices) -> Amount:
    coins = _display(chain, base_units)
    return Amount(
        base_units=str(base_units), display=_text(coins), fiat=_fiat(chain, coins, prices)
    )


def freshness(
    state: ChainSyncRow | None, now: datetime
) -> tuple[datetime | None, bool, datetime | None]:
    """(fetchedAt, stale, lastError) of a chain step: stale after 2 hours or when never
    fetched; lastError only when the last attempt failed after the last success."""
    fetched_at = state.last_success_at if state else None
    failed = state.last_error_at if state else None
    last_error = failed if failed and (fetched_at is None or failed > fetched_at) else None
    return fetched_at, fetched_at is None or now - fetched_at > STALE_AFTER, last_error


async def build_portfolio(
    uow: SqlUnitOfWork, user_id: uuid.UUID, chain: Chain | None, now: datetime
) -> PortfolioOut:
    repo = ChainDataRepository(uow.session)
    wallets = [
        w for w in await uow.wallets.list_for_user(user_id) if chain is None or w.chain is chain
    ]
    rows = await repo.positions_of([(w.chain.value, w.address) for w in wallets])
    validators = await repo.validators_by_id(sorted({(r.chain, r.validator) for r in rows}))
    prices = await repo.latest_prices()
    sync = await repo.sync_by_chain("positions")

    positions = []
    for row in rows:
        c = Chain(row.chain)
        v = validators.get((row.chain, row.validator))
        positions.append(
            PositionOut(
                chain=c,
                wallet=shorten(row.owner),
                validator=ValidatorRef(
                    id=f"{row.chain}:{row.validator}",
                    address=row.validator,
                    name=v.name if v else None,
                    status=v.status if v else None,
                    commission=None if v is None or v.commission is None else _text(v.commission),
                ),
                amount=amount(c, row.amount, prices),
                rewards=None if row.rewards is None else amount(c, row.rewards, prices),
                status=row.status,
                kind=row.kind,
                completes_at=row.completes_at,
                fetched_at=row.fetched_at,
            )
        )

    by_chain: dict[Chain, list[PositionOut]] = defaultdict(list)
    for position in positions:
        by_chain[position.chain].append(position)
    blocks = []
    for c in sorted({w.chain for w in wallets}, key=list(Chain).index):
        mine = by_chain[c]
        fetched_at, stale, failed_since = freshness(sync.get(c.value), now)
        blocks.append(
            ChainBlock(
                chain=c,
                wallets=sum(1 for w in wallets if w.chain is c),
                positions=len(mine),
                validators=len({p.validator.address for p in mine}),
                total=amount(c, sum(int(p.amount.base_units) for p in mine), prices),
                fetched_at=fetched_at,
                stale=stale,
                last_error=failed_since,
            )
        )

    totals = {"usd": Decimal(0), "eur": Decimal(0)}
    priced = {"usd": False, "eur": False}
    for block in blocks:
        for currency in totals:
            value = getattr(block.total.fiat, currency) if block.total.fiat else None
            if value is not None:
                totals[currency] += Decimal(value)
                priced[currency] = True
    return PortfolioOut(
        wallets=len(wallets),
        positions=positions,
        chains=blocks,
        total_fiat=Fiat(**{c: str(v) if priced[c] else None for c, v in totals.items()}),
        chain_count=sum(1 for b in blocks if b.positions),
        validator_count=len({(p.chain, p.validator.address) for p in positions}),
        position_count=len(positions),
    )

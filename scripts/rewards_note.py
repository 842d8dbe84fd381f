"""Print, for the demo wallets' linked users, one position per chain with its nominal APY,
real yield and realised APY side by side (issue 14's note), from the configured database
(DATABASE_URL / DATA_DIR as the app reads them):

    uv run python scripts/rewards_note.py

Run it after `staketrack demo seed` (and the rewards ingest and the closes job) on the
demo network. The gap between the figures: the nominal APY is gross of commission and
the network's current rate; the realised APY is what the wallet received (net of
commission, the validator's actual performance, over the covered span); the real yield
also takes off inflation and the expected slashing loss.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

from domain.models import Chain, Tier
from domain.rewards.windows import Window
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import open_resources
from infrastructure.settings import load_settings
from services import portfolio


def _pct(rate: object) -> str:
    return "—" if rate is None else f"{float(str(rate)) * 100:.2f} %"


async def main() -> None:
    resources = open_resources(load_settings())
    now = datetime.now(UTC)
    out = sys.stdout
    out.write(
        "chain  position                 nominal   real yield  realised 30d  realised all  conf\n"
    )
    shown: set[Chain] = set()
    try:
        for chain in Chain:
            for address in demo_addresses(chain).values():
                if chain in shown:
                    break
                async with SqlUnitOfWork(resources.session_factory) as uow:
                    wallet = await uow.wallets.owner_of(chain, address)
                    if wallet is None:
                        continue
                    value = await portfolio.scored(uow, wallet.user_id, Tier.PRO, chain, now)
                if value.rewards is None:
                    continue
                for held, perf in zip(value.holdings, value.rewards.holdings, strict=True):
                    month, everything = perf.get(Window.MONTH), perf.get(Window.ALL)
                    if not everything.events:
                        continue
                    result = held.real_yield
                    out.write(
                        f"{chain.value:6} {held.holding.position.key[:24]:24} "
                        f"{_pct(result.nominal_apy if result else None):>9} "
                        f"{_pct(result.real_yield if result else None):>11} "
                        f"{_pct(month.realised_apy):>13} {_pct(everything.realised_apy):>13}  "
                        f"{everything.confidence.value}\n"
                    )
                    shown.add(chain)
                    break
    finally:
        await resources.close()


if __name__ == "__main__":
    asyncio.run(main())

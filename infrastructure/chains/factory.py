"""Builds the chain adapters and the price source from settings: public or configured
endpoints, or the demo network (NETWORK=demo) behind the same adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from domain.models import Chain
from domain.ports import ChainAdapter, PriceSource
from infrastructure.settings import Network, Settings

if TYPE_CHECKING:  # the HTTP stack (httpx, tenacity) loads with the adapters, on first use
    from sqlalchemy.ext.asyncio import AsyncEngine

    from infrastructure.chains.http import ChainHttp


class Clock:
    """The time adapters (and the demo network) believe it is; settable for backfills."""

    def __init__(self, fixed: datetime | None = None) -> None:
        self.fixed = fixed

    def __call__(self) -> datetime:
        return self.fixed or datetime.now(UTC)


@dataclass
class ChainSources:
    adapters: dict[Chain, ChainAdapter]
    prices: PriceSource
    clock: Clock
    clients: list[ChainHttp] = field(default_factory=list)

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


def build_chain_sources(
    settings: Settings, engine: AsyncEngine, *, clock: Clock | None = None
) -> ChainSources:
    from infrastructure.chains.cosmos.adapter import CosmosAdapter
    from infrastructure.chains.ethereum.adapter import EthereumAdapter
    from infrastructure.chains.http import ChainHttp
    from infrastructure.chains.solana.adapter import SolanaAdapter
    from infrastructure.db.eth_validator_set import SqlWithdrawalIndex
    from infrastructure.prices.coingecko import CoinGeckoPrices

    clock = clock or Clock()
    if settings.network is Network.DEMO:
        from infrastructure.chains.demo import transport as demo

        transport = demo.build_demo_transport(
            seed=settings.demo_seed, eth_validators=settings.demo_eth_validators, clock=clock
        )
        beacon: list[str | None] = [demo.DEMO_ETH_BEACON_URL]
        solana: list[str | None] = [demo.DEMO_SOLANA_RPC_URL]
        cosmos: list[str | None] = [demo.DEMO_COSMOS_LCD_URL]
        prices: list[str | None] = [demo.DEMO_PRICE_API_URL]
        execution: list[str | None] = []
    else:
        transport = None
        beacon = [settings.eth_beacon_url]
        solana = [settings.solana_rpc_url, settings.solana_rpc_fallback_url]
        cosmos = [settings.cosmos_lcd_url, settings.cosmos_lcd_fallback_url]
        prices = [settings.price_api_url]
        execution = [settings.eth_execution_url]

    def http(name: str, urls: list[str | None], timeout: float = 20.0) -> ChainHttp:
        client = ChainHttp(name, urls, transport=transport, timeout=timeout)
        clients.append(client)
        return client

    clients: list[ChainHttp] = []
    execution_http = http("eth-execution", execution) if any(execution) else None
    adapters: dict[Chain, ChainAdapter] = {
        Chain.ETH: EthereumAdapter(
            http("eth-beacon", beacon, timeout=60.0),
            SqlWithdrawalIndex(engine),
            execution=execution_http,
            now=clock,
        ),
        Chain.SOL: SolanaAdapter(http("solana-rpc", solana), now=clock),
        Chain.ATOM: CosmosAdapter(http("cosmos-lcd", cosmos), now=clock),
    }
    price_source = CoinGeckoPrices(http("prices", prices), now=clock)
    return ChainSources(adapters=adapters, prices=price_source, clock=clock, clients=clients)

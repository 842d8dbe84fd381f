"""Routes adapter requests to the demo chains by host, like DNS would to real nodes.

Each chain's generator is a callable `(request, now) -> httpx.Response` answering its
API's endpoints in the official wire format; `now` comes from the network's clock, so
tests and the 90-day backfill can ask what the world looked like at any time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
from httpx import Headers

DEMO_ETH_BEACON_URL = "http://eth-beacon.demo.staketrack"
DEMO_SOLANA_RPC_URL = "http://solana-rpc.demo.staketrack"
DEMO_COSMOS_LCD_URL = "http://cosmos-lcd.demo.staketrack"
DEMO_PRICE_API_URL = "http://prices.demo.staketrack/api/v3"

Handler = Callable[[httpx.Request, datetime], Awaitable[httpx.Response]]


def _now() -> datetime:
    return datetime.now(UTC)


class DemoTransport(httpx.AsyncBaseTransport):
    def __init__(self, handlers: dict[str, Handler], clock: Callable[[], datetime] = _now) -> None:
        self._handlers = handlers  # host -> handler
        self.clock = clock
        # the answers given at the latest instant: a backfill holds the clock still and
        # asks some questions twice (the ATOM observations and metrics both page through
        # the validators and the validator set); the world at one instant answers the
        # same, so once is enough. A running clock never repeats an instant: no hits.
        self._instant: datetime | None = None
        self._answers: dict[tuple[str, str, bytes], tuple[int, Headers, bytes]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        handler = self._handlers.get(request.url.host)
        if handler is None:
            return httpx.Response(404, json={"message": f"no demo chain at {request.url.host}"})
        now = self.clock()
        if now != self._instant:
            self._instant, self._answers = now, {}
        key = (request.method, str(request.url), await request.aread())
        if key not in self._answers:
            response = await handler(request, now)
            if not isinstance(response.stream, httpx.ByteStream):
                # a streamed answer (the ETH validator set: ~500 MiB of JSON for 1.1M)
                # stays streamed: keeping it would hold all of it in memory
                return response
            self._answers[key] = (response.status_code, response.headers, await response.aread())
        status, headers, content = self._answers[key]
        return httpx.Response(status, headers=headers, content=content)


def build_demo_transport(
    *, seed: int = 42, eth_validators: int = 20_000, clock: Callable[[], datetime] = _now
) -> DemoTransport:
    from infrastructure.chains.demo.cosmos import CosmosDemo
    from infrastructure.chains.demo.ethereum import EthereumDemo
    from infrastructure.chains.demo.prices import PricesDemo
    from infrastructure.chains.demo.solana import SolanaDemo

    handlers: dict[str, Handler] = {
        httpx.URL(DEMO_ETH_BEACON_URL).host: EthereumDemo(seed=seed, validators=eth_validators),
        httpx.URL(DEMO_SOLANA_RPC_URL).host: SolanaDemo(seed=seed),
        httpx.URL(DEMO_COSMOS_LCD_URL).host: CosmosDemo(seed=seed),
        httpx.URL(DEMO_PRICE_API_URL).host: PricesDemo(seed=seed),
    }
    return DemoTransport(handlers, clock)

"""The shared chain HTTP client: retries, backoff, Retry-After, fallback, validation."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from pydantic import BaseModel

from domain.errors import ChainDataInvalid, ChainUnavailable
from domain.models import Chain
from infrastructure.chains.http import ChainHttp
from infrastructure.prices.coingecko import CoinGeckoPrices


class Pool(BaseModel):
    bonded_tokens: str
    not_bonded_tokens: str


POOL = {"pool": {"bonded_tokens": "264000000000000", "not_bonded_tokens": "9000000000"}}


class Wrapper(BaseModel):
    pool: Pool


def scripted(*answers: httpx.Response | type[Exception]) -> tuple[httpx.MockTransport, list[str]]:
    """A transport answering each request with the next scripted answer; records URLs."""
    queue = list(answers)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        answer = queue.pop(0)
        if isinstance(answer, type):
            raise answer("scripted failure", request=request)  # type: ignore[call-arg]
        return answer

    return httpx.MockTransport(handler), seen


def client(transport: httpx.MockTransport, sleeps: list[float], *urls: str) -> ChainHttp:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return ChainHttp("cosmos-lcd", urls or ("https://lcd.one",), transport=transport, sleep=sleep)


async def test_success_is_validated_into_the_model() -> None:
    transport, _ = scripted(httpx.Response(200, json=POOL))
    http = client(transport, [])
    pool = await http.get("/cosmos/staking/v1beta1/pool", Wrapper)
    assert pool.pool.bonded_tokens == "264000000000000"


async def test_429_honours_retry_after_then_succeeds() -> None:
    sleeps: list[float] = []
    transport, seen = scripted(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json=POOL)
    )
    await client(transport, sleeps).get("/pool", Wrapper)
    assert len(seen) == 2
    assert sleeps == [7.0]


async def test_5xx_and_timeouts_back_off_with_jitter_then_succeed() -> None:
    sleeps: list[float] = []
    transport, seen = scripted(
        httpx.Response(503), httpx.ReadTimeout, httpx.Response(502), httpx.Response(200, json=POOL)
    )
    await client(transport, sleeps).get("/pool", Wrapper)
    assert len(seen) == 4
    # full jitter within an exponential cap: attempt n waits in [0, 0.5 * 2**(n-1)]
    assert [0 <= s <= 0.5 * 2**i for i, s in enumerate(sleeps)] == [True, True, True]


async def test_a_dead_primary_falls_back_to_the_second_url() -> None:
    transport, seen = scripted(
        httpx.ConnectError,
        httpx.ConnectError,
        httpx.ConnectError,
        httpx.ConnectError,
        httpx.Response(200, json=POOL),
    )
    await client(transport, [], "https://primary", "https://fallback").get("/pool", Wrapper)
    assert [url.split("/")[2] for url in seen] == ["primary"] * 4 + ["fallback"]


async def test_everything_down_is_chain_unavailable_naming_the_endpoint() -> None:
    transport, seen = scripted(*[httpx.Response(500)] * 8)
    with pytest.raises(ChainUnavailable) as caught:
        await client(transport, [], "https://a", "https://b").get("/pool", Wrapper)
    assert caught.value.endpoint == "/pool"
    assert len(seen) == 8
    assert len(caught.value.details["attempts"]) == 2


async def test_client_errors_are_not_retried() -> None:
    transport, seen = scripted(httpx.Response(404, json={"code": 5, "message": "not found"}))
    with pytest.raises(ChainUnavailable) as caught:
        await client(transport, []).get("/missing", Wrapper)
    assert len(seen) == 1 and caught.value.details["status"] == 404


@pytest.mark.parametrize(
    "body",
    [
        b'{"pool": {"bonded_tokens": 5}}',
        b"<html>rate limited</html>",
        b'{"pool": null}',
    ],
)
async def test_unexpected_payloads_are_chain_data_invalid(body: bytes) -> None:
    transport, _ = scripted(httpx.Response(200, content=body))
    with pytest.raises(ChainDataInvalid) as caught:
        await client(transport, []).get("/cosmos/staking/v1beta1/pool", Wrapper)
    assert caught.value.endpoint == "/cosmos/staking/v1beta1/pool"
    assert caught.value.code == "CHAIN_DATA_INVALID"


async def test_streams_retry_until_headers_arrive() -> None:
    transport, seen = scripted(httpx.Response(503), httpx.Response(200, content=b"[1,2,3]"))
    async with client(transport, []).stream("GET", "/big") as response:
        body = await response.aread()
    assert body == b"[1,2,3]" and len(seen) == 2


# --- prices (CoinGecko wire format) ------------------------------------------------------

SIMPLE_PRICE = {
    "ethereum": {"usd": 3012.55, "eur": 2790.1},
    "solana": {"usd": 181.2, "eur": 167.8},
    "cosmos": {"usd": 7.41, "eur": 6.86},
}


def _prices(handler: Callable[[httpx.Request], httpx.Response]) -> CoinGeckoPrices:
    http = ChainHttp(
        "prices", ["https://api.coingecko.com/api/v3"], transport=httpx.MockTransport(handler)
    )
    return CoinGeckoPrices(http)


async def test_prices_in_eur_and_usd_per_chain() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=SIMPLE_PRICE)

    prices = await _prices(handler).fetch_prices()
    table = {(p.chain, p.currency): p.price for p in prices}
    assert table[(Chain.ETH, "usd")] == Decimal("3012.55")
    assert table[(Chain.ATOM, "eur")] == Decimal("6.86")
    assert len(prices) == 6
    assert requests[0].url.path == "/api/v3/simple/price"
    assert requests[0].url.params["vs_currencies"] == "usd,eur"


async def test_missing_coins_are_left_out_not_invented() -> None:
    prices = await _prices(
        lambda _: httpx.Response(200, json={"ethereum": {"usd": 3000}})
    ).fetch_prices()
    assert [(p.chain, p.currency) for p in prices] == [(Chain.ETH, "usd")]

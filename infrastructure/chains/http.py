"""The HTTP client every chain adapter uses: per-call timeout, bounded retries with
exponential backoff and full jitter on timeouts, transport errors, 429 and 5xx
(honouring `Retry-After`), then the fallback base URL; responses validated with
pydantic before anyone maps them.

    ChainError (domain.errors)
     ├── ChainUnavailable   all attempts on every base URL failed
     └── ChainDataInvalid   a 2xx answer that does not match its model
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from domain.errors import ChainDataInvalid, ChainUnavailable
from infrastructure.logging import get_logger

T = TypeVar("T")
log = get_logger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    if value.strip().isascii() and value.strip().isdigit():
        return float(value)
    parsed = email.utils.parsedate_to_datetime(value)
    return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class ChainHttp:
    def __init__(
        self,
        name: str,
        base_urls: Sequence[str | None],
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        attempts: int = 4,
        backoff: float = 0.5,
        backoff_cap: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.base_urls = [url.rstrip("/") for url in base_urls if url]
        if not self.base_urls:
            raise ValueError(f"{name}: no base URL configured")
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"accept": "application/json", **(headers or {})},
            follow_redirects=True,
        )
        self._attempts = attempts
        self._backoff = backoff
        self._backoff_cap = backoff_cap
        self._sleep = sleep

    async def aclose(self) -> None:
        await self._client.aclose()

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        exponential = min(self._backoff_cap, self._backoff * 2 ** (state.attempt_number - 1))
        jittered = random.uniform(0, exponential)  # full jitter
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return min(max(error.retry_after, jittered), self._backoff_cap * 6)
        return jittered

    async def _send_once(self, request: httpx.Request, stream: bool) -> httpx.Response:
        try:
            response = await self._client.send(request, stream=stream)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Retryable(f"{type(exc).__name__}") from exc
        if response.status_code in RETRY_STATUSES:
            await response.aclose()
            raise _Retryable(f"HTTP {response.status_code}", _retry_after(response))
        return response

    async def _send(
        self, method: str, path: str, *, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """Send with retries on each base URL in turn; raise ChainUnavailable at the end."""
        reasons = []
        for base in self.base_urls:
            request = self._client.build_request(method, base + path, **kwargs)
            try:
                async for attempt in AsyncRetrying(
                    stop=stop_after_attempt(self._attempts),
                    wait=self._wait,
                    retry=retry_if_exception_type(_Retryable),
                    sleep=self._sleep,
                    reraise=True,
                ):
                    with attempt:
                        response = await self._send_once(request, stream)
            except _Retryable as exc:
                reasons.append(f"{base}: {exc}")
                log.warning(
                    "chain_endpoint_failed", source=self.name, endpoint=path, reason=str(exc)
                )
                continue
            if response.status_code >= 400:
                if stream:
                    await response.aread()
                    await response.aclose()
                raise ChainUnavailable(
                    f"{self.name} answered HTTP {response.status_code} on {path}",
                    endpoint=path,
                    details={"status": response.status_code},
                )
            return response
        raise ChainUnavailable(
            f"{self.name} unavailable on {path}", endpoint=path, details={"attempts": reasons}
        )

    @staticmethod
    def validate(model: Any, content: bytes, endpoint: str) -> Any:
        try:
            return TypeAdapter(model).validate_json(content)
        except ValidationError as exc:
            first = exc.errors(include_input=False, include_url=False)[:3]
            raise ChainDataInvalid(
                f"unexpected response from {endpoint}",
                endpoint=endpoint,
                details={"errors": [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in first]},
            ) from None

    async def get(self, path: str, model: type[T], params: Any = None) -> T:
        response = await self._send("GET", path, params=params)
        result: T = self.validate(model, response.content, path)
        return result

    async def post(self, path: str, model: type[T], json: Any) -> T:
        response = await self._send("POST", path, json=json)
        result: T = self.validate(model, response.content, path)
        return result

    @asynccontextmanager
    async def stream(self, method: str, path: str, **kwargs: Any) -> AsyncIterator[httpx.Response]:
        """A streamed 2xx response (retried until its headers arrive); the caller reads it."""
        response = await self._send(method, path, stream=True, **kwargs)
        try:
            yield response
        finally:
            await response.aclose()

"""The SSRF-safe webhook sender: POSTs a signed JSON body to a user's URL.

A user's URL is untrusted. Before every delivery the host is resolved and every address
it resolves to must be public: no private, loopback, link-local (cloud metadata lives at
169.254.169.254), multicast, reserved, unspecified, CGNAT or unique-local address
(IPv4-mapped IPv6 is judged as the IPv4 it maps). The connection then goes to the checked
address itself — the URL's host is replaced by the IP, the original name is kept for
`Host` and for TLS (SNI and certificate check) — so a second DNS answer (rebinding) is
never used. https only unless `allow_http`; no redirects (a 3xx is a failure); short
timeouts; at most `MAX_RESPONSE_BYTES` of the answer are read; no proxy from the
environment. `allow_networks` lets development and tests reach a local receiver.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from domain.errors import DomainError, InvalidInput
from infrastructure.webhooks.signing import signature

if TYPE_CHECKING:  # httpx loads with the first sender (every API process imports this)
    import httpx

MAX_URL_LENGTH = 2048
MAX_RESPONSE_BYTES = 64 * 1024
TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS = 5.0, 3.0
DNS_TIMEOUT_SECONDS = 3.0
USER_AGENT = "StakeTrack-Webhooks/1"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]


class WebhookUrlRefused(InvalidInput):
    code = "WEBHOOK_URL_REFUSED"
    message = "This webhook URL cannot be used."

    def __init__(
        self, message: str | None = None, *, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, details={"field": "url", **(details or {})})


class WebhookDeliveryFailed(DomainError):
    """`code` names the cause for the outbox's `last_error` (never the URL)."""

    code = "WEBHOOK_DELIVERY_FAILED"
    message = "The webhook could not be delivered."

    def __init__(self, reason: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(f"Webhook delivery failed ({reason}).", details={"reason": reason})
        self.reason = reason
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as given


async def system_resolver(host: str, port: int) -> Sequence[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [str(info[4][0]) for info in infos]


def _blocked(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


class WebhookSender:
    def __init__(
        self,
        *,
        allow_http: bool,
        allow_networks: Sequence[str] = (),
        resolver: Resolver = system_resolver,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        import httpx

        self._allow_http = allow_http
        self._allowed = [ipaddress.ip_network(net, strict=False) for net in allow_networks]
        self._resolve = resolver
        timeout = timeout or httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
        # no proxy from the environment, no redirects, no cookies kept between users
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> WebhookSender:
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.aclose()

    # -- checks ------------------------------------------------------------------------

    def parse(self, url: str) -> WebhookTarget:
        """The URL's shape (no DNS): http(s) as allowed, a host, no credentials."""
        if len(url) > MAX_URL_LENGTH or not url.isascii() or any(c.isspace() for c in url):
            raise WebhookUrlRefused(
                "The webhook URL must be an ASCII URL of at most 2048 characters."
            )
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise WebhookUrlRefused("The webhook URL is malformed.") from exc
        allowed = {"https", "http"} if self._allow_http else {"https"}
        if parts.scheme not in allowed:
            raise WebhookUrlRefused(
                "The webhook URL must use " + (" or ".join(sorted(allowed))) + ".",
                details={"reason": "scheme"},
            )
        if not parts.hostname or parts.username is not None or parts.password is not None:
            raise WebhookUrlRefused("The webhook URL needs a host and no user or password.")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default = 443 if parts.scheme == "https" else 80
        return WebhookTarget(parts.scheme, parts.hostname, port or default, path)

    def _allowed_address(self, ip: IPAddress) -> bool:
        if any(ip in net for net in self._allowed):
            return True
        return not _blocked(ip)

    async def resolve(self, target: WebhookTarget) -> IPAddress:
        """The address to connect to; refuses the URL if any address of the host is not
        public (a name answering both a public and a private address is refused)."""
        try:
            addresses = [ipaddress.ip_address(target.host)]
        except ValueError:
            try:
                answers = await asyncio.wait_for(
                    self._resolve(target.host, target.port), DNS_TIMEOUT_SECONDS
                )
            except (OSError, UnicodeError, TimeoutError) as exc:
                raise WebhookDeliveryFailed("dns", retryable=True) from exc
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in answers]
        if not addresses:
            raise WebhookDeliveryFailed("dns", retryable=True)
        if not all(self._allowed_address(ip) for ip in addresses):
            raise WebhookUrlRefused(
                "The webhook URL points to a private, loopback, link-local or reserved address.",
                details={"reason": "address"},
            )
        return addresses[0]

    async def check(self, url: str) -> None:
        """Shape and addresses, as at delivery (PUT /api/me/webhook refuses early)."""
        await self.resolve(self.parse(url))

    # -- delivery ----------------------------------------------------------------------

    async def post(
        self, url: str, secret: str, event: str, delivery_id: str, body: dict[str, Any]
    ) -> int:
        """Deliver once; the receiver's status (2xx). Raises WebhookDeliveryFailed
        (retryable: network, timeouts, 429, 5xx) or WebhookUrlRefused (never retry)."""
        import httpx  # loaded by __init__ already

        target = self.parse(url)
        ip = await self.resolve(target)
        raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        timestamp = str(int(time.time()))
        host_in_url = f"[{ip}]" if ip.version == 6 else str(ip)
        default = 443 if target.scheme == "https" else 80
        netloc = target.host if target.port == default else f"{target.host}:{target.port}"
        request = self._client.build_request(
            "POST",
            f"{target.scheme}://{host_in_url}:{target.port}{target.path}",
            content=raw,
            headers={
                "Host": netloc,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Staketrack-Event": event,
                "X-Staketrack-Delivery": delivery_id,
                "X-Staketrack-Timestamp": timestamp,
                "X-Staketrack-Signature": signature(secret, timestamp, event, raw),
            },
            extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise WebhookDeliveryFailed("timeout", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise WebhookDeliveryFailed("unreachable", retryable=True) from exc
        try:
            read = 0
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read >= MAX_RESPONSE_BYTES:
                    break  # the answer is not ours to store: bounded, then dropped
        except httpx.HTTPError:
            pass  # the status line arrived; a broken body does not change the outcome
        finally:
            await response.aclose()
        status = response.status_code
        if 200 <= status < 300:
            return status
        if 300 <= status < 400:
            raise WebhookDeliveryFailed("redirect", retryable=False, status=status)
        retryable = status == 429 or status >= 500 or status == 408
        raise WebhookDeliveryFailed(f"http_{status}", retryable=retryable, status=status)

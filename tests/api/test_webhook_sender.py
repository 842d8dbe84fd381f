"""The SSRF-safe sender on its own: decisions after DNS resolution (with a resolver that
answers what an attacker's DNS would), and the connection pinned to the checked address."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from infrastructure.webhooks.sender import WebhookDeliveryFailed, WebhookSender, WebhookUrlRefused
from tests.integration.alert_outbox import Receiver


def answering(*addresses: str) -> object:
    calls: list[str] = []

    async def resolve(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return list(addresses)

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


@pytest.mark.parametrize(
    "addresses",
    [
        ("10.0.0.5",),
        ("192.168.1.10",),
        ("172.16.0.1",),
        ("127.0.0.1",),
        ("169.254.169.254",),
        ("::1",),
        ("fd00:ec2::254",),
        ("fe80::1",),
        ("::ffff:10.0.0.1",),
        ("93.184.215.14", "10.0.0.5"),  # one public, one private answer: refused
    ],
)
async def test_a_hostname_resolving_to_a_private_address_is_refused(
    addresses: tuple[str, ...],
) -> None:
    async with WebhookSender(allow_http=False, resolver=answering(*addresses)) as sender:  # type: ignore[arg-type]
        with pytest.raises(WebhookUrlRefused):
            await sender.post("https://hooks.example.com/x", "s", "ping", "d", {})


async def test_a_public_answer_passes_the_check() -> None:
    async with WebhookSender(allow_http=False, resolver=answering("93.184.215.14")) as sender:  # type: ignore[arg-type]
        await sender.check("https://hooks.example.com/x")


async def test_a_name_that_does_not_resolve_is_a_retryable_failure() -> None:
    async def fails(host: str, port: int) -> Sequence[str]:
        raise OSError("no such host")

    async with WebhookSender(allow_http=False, resolver=fails) as sender:
        with pytest.raises(WebhookDeliveryFailed) as caught:
            await sender.post("https://nowhere.example/x", "s", "ping", "d", {})
    assert caught.value.retryable and caught.value.reason == "dns"


async def test_the_connection_goes_to_the_checked_address_with_the_original_host() -> None:
    async with Receiver() as receiver:
        resolve = answering("127.0.0.1")
        async with WebhookSender(
            allow_http=True,
            allow_networks=["127.0.0.1/32"],
            resolver=resolve,  # type: ignore[arg-type]
        ) as sender:
            status = await sender.post(
                f"http://hooks.example.test:{receiver.port}/in", "s", "ping", "d1", {"a": 1}
            )
    assert status == 200
    assert resolve.calls == ["hooks.example.test"]  # type: ignore[attr-defined]
    [request] = receiver.received
    assert request.headers["host"] == f"hooks.example.test:{receiver.port}"
    assert request.headers["x-staketrack-delivery"] == "d1"
    assert request.body == b'{"a":1}'


async def test_a_closed_port_is_a_retryable_failure() -> None:
    async with Receiver() as receiver:
        port = receiver.port
    async with WebhookSender(allow_http=True, allow_networks=["127.0.0.1/32"]) as sender:
        with pytest.raises(WebhookDeliveryFailed) as caught:
            await sender.post(f"http://127.0.0.1:{port}/x", "s", "ping", "d", {})
    assert caught.value.retryable and caught.value.reason == "unreachable"

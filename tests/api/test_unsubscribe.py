"""One-click unsubscribe (RFC 8058): GET shows a page and changes nothing; the POST
(form per RFC 8058, the page's button, or JSON) switches the one alert off; a tampered
or unknown token changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from domain.models import Chain
from infrastructure.db.models import AlertRow
from infrastructure.email.unsubscribe import UnsubscribeTokens
from tests.api.conftest import sign_in
from tests.api.wallets import Wallet
from tests.conftest import TEST_SECRET

TOKENS = UnsubscribeTokens(TEST_SECRET)
PATH = "/api/alerts/unsubscribe"
ONE_CLICK = {"content-type": "application/x-www-form-urlencoded"}


async def _alert(app: FastAPI, client: Any) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Two alerts of a signed-in user; the token's alert and the other one."""
    data = await sign_in(client, Wallet.new(Chain.SOL))
    client.cookies.clear()
    user_id = uuid.UUID(data["user"]["id"])
    factory = app.state.resources.session_factory
    async with factory() as session:
        rows = [
            AlertRow(user_id=user_id, type=kind, channels=["email"], active=True)
            for kind in ("commission_increase", "slashing")
        ]
        session.add_all(rows)
        await session.commit()
        return user_id, rows[0].id, rows[1].id


async def _state(app: FastAPI, alert_id: uuid.UUID) -> tuple[bool, str | None]:
    async with app.state.resources.session_factory() as session:
        row = await session.scalar(select(AlertRow).where(AlertRow.id == alert_id))
        assert row is not None
        return row.active, row.deactivated_reason


async def test_get_shows_a_confirmation_page_and_changes_nothing(start_app: Any) -> None:
    async with start_app() as (app, client):
        user_id, alert_id, _ = await _alert(app, client)
        token = TOKENS.issue(alert_id, user_id, datetime.now(UTC))
        page = await client.get(PATH, params={"token": token})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert '<form method="post"' in page.text and "Commission increase" in page.text
        assert "Keine Finanzberatung" in page.text
        assert await _state(app, alert_id) == (True, None)


async def test_one_click_post_switches_off_that_alert_only(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        user_id, alert_id, other_id = await _alert(app, client)
        token = TOKENS.issue(alert_id, user_id, datetime.now(UTC))
        # what a mail client sends (RFC 8058 §3.2): the header's URI, a fixed form body
        post = await client.post(
            PATH, params={"token": token}, content="List-Unsubscribe=One-Click", headers=ONE_CLICK
        )
        assert post.status_code == 200, post.text
        assert "Alert deaktiviert" in post.text
        assert await _state(app, alert_id) == (False, "unsubscribed")
        assert await _state(app, other_id) == (True, None)
        # again: still fine, nothing more changes; the page now says it is off
        again = await client.post(
            PATH, params={"token": token}, content="List-Unsubscribe=One-Click", headers=ONE_CLICK
        )
        assert again.status_code == 200
        assert "bereits deaktiviert" in (await client.get(PATH, params={"token": token})).text


async def test_json_post_answers_the_envelope(start_app: Any) -> None:
    async with start_app() as (app, client):
        user_id, alert_id, _ = await _alert(app, client)
        token = TOKENS.issue(alert_id, user_id, datetime.now(UTC))
        post = await client.post(PATH, json={"token": token})
        assert post.status_code == 200, post.text
        assert post.json() == {"data": {"alertId": str(alert_id), "active": False}, "meta": {}}
        assert await _state(app, alert_id) == (False, "unsubscribed")


async def test_bad_tokens_change_nothing(start_app: Any, backend: dict[str, str]) -> None:
    async with start_app(**backend) as (app, client):
        user_id, alert_id, other_id = await _alert(app, client)
        now = datetime.now(UTC)
        token = TOKENS.issue(alert_id, user_id, now)
        payload, tag = token.split(".")
        forged = UnsubscribeTokens("another-secret-key-0123456789abcdefgh").issue(
            other_id, user_id, now
        )
        for bad in (
            f"{payload}.{tag[:-2]}xx",  # tampered tag
            f"{TOKENS.issue(other_id, user_id, now).split('.')[0]}.{tag}",  # swapped payload
            forged,  # signed with another key
            TOKENS.issue(alert_id, user_id, now - timedelta(days=366)),  # expired
            "not-a-token",
        ):
            for response in (
                await client.post(PATH, json={"token": bad}),
                await client.post(PATH, params={"token": bad}, content="", headers=ONE_CLICK),
                await client.get(PATH, params={"token": bad}),
            ):
                assert response.status_code == 400, response.text
                assert response.json()["code"] == "INVALID_UNSUBSCRIBE_TOKEN"
        # a token of another user for this alert id: no such alert of theirs
        stranger = TOKENS.issue(alert_id, uuid.uuid4(), now)
        missing = await client.post(PATH, json={"token": stranger})
        assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
        no_token = await client.post(PATH, content="List-Unsubscribe=One-Click", headers=ONE_CLICK)
        assert no_token.status_code == 422
        assert await _state(app, alert_id) == (True, None)
        assert await _state(app, other_id) == (True, None)

"""The admin API (issue 16 item 4): who gets in, the user search and its cursors,
subscriptions and roles (effective on the next request, audited), tier limits, the
versioned VRS and yield configs, the audit log and the last errors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from domain.models import Chain, Tier
from infrastructure.db.models import AdminAuditLogRow, ConfigVersionRow, UserRow
from infrastructure.db.uow import SqlUnitOfWork
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet


async def _session(client: Any, wallet: Wallet | None = None) -> tuple[str, dict[str, str]]:
    data = await sign_in(client, wallet or Wallet.new(Chain.ETH))
    client.cookies.clear()
    return data["user"]["id"], bearer(data["accessToken"])


def _admin_settings(admin: Wallet, **more: Any) -> dict[str, Any]:
    # an EVM address in ADMIN_WALLETS matches in any case
    return {"admin_wallets": [admin.address.lower()], **more}


async def _audit(app: FastAPI, **where: str) -> list[dict[str, Any]]:
    query = select(AdminAuditLogRow.__table__).order_by(AdminAuditLogRow.id)
    for column, value in where.items():
        query = query.where(AdminAuditLogRow.__table__.c[column] == value)
    async with app.state.resources.engine.connect() as connection:
        return [dict(row._mapping) for row in await connection.execute(query)]


async def test_admin_sets_a_subscription_effective_on_the_next_request(
    start_app: Any, backend: dict[str, str]
) -> None:
    admin = Wallet.new(Chain.ETH)
    async with start_app(**_admin_settings(admin), **backend) as (app, client):
        admin_id, admin_auth = await _session(client, admin)
        user_wallet = Wallet.new(Chain.ETH)
        user_id, user_auth = await _session(client, user_wallet)
        assert (await client.get("/api/me", headers=user_auth)).json()["data"]["tier"] == "free"

        # found by an upper-cased prefix of the EVM address (case-insensitive)
        found = await client.get(
            "/api/admin/users",
            params={"q": "0x" + user_wallet.address[2:14].upper()},
            headers=admin_auth,
        )
        assert found.status_code == 200, found.text
        rows = found.json()["data"]
        assert [r["id"] for r in rows] == [user_id]
        assert rows[0]["walletChains"] == ["eth"] and rows[0]["tier"] == "free"
        assert rows[0]["role"] == "user" and rows[0]["lastSeenAt"] is not None

        path = f"/api/admin/users/{user_id}/subscription"
        expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
        for bad in (
            {"tier": "pro", "expiresAt": expires},
            {"tier": "pro", "expiresAt": None, "reason": "  "},
        ):
            refused = await client.put(path, json=bad, headers=admin_auth)
            assert refused.status_code == 422, refused.text
        past = {"tier": "pro", "expiresAt": "2020-01-01T00:00:00Z", "reason": "x"}
        assert (await client.put(path, json=past, headers=admin_auth)).status_code == 422

        body = {"tier": "pro", "expiresAt": expires, "reason": "support ticket 42"}
        changed = await client.put(path, json=body, headers=admin_auth)
        assert changed.status_code == 200, changed.text
        assert changed.json()["data"]["tier"] == "pro"
        # the very next request of the user's session is decided on pro
        assert (await client.get("/api/me", headers=user_auth)).json()["data"]["tier"] == "pro"

        entries = await _audit(app, target_id=user_id)
        assert len(entries) == 1
        entry = entries[0]
        assert (entry["actor_type"], entry["actor_id"], entry["action"]) == (
            "admin",
            admin_id,
            "subscription.set",
        )
        assert entry["before"]["tier"] == "free" and entry["after"]["tier"] == "pro"
        assert entry["reason"] == "support ticket 42" and entry["request_id"]

        unknown = f"/api/admin/users/{uuid.uuid4()}/subscription"
        assert (await client.put(unknown, json=body, headers=admin_auth)).status_code == 404


async def test_the_admin_role_is_granted_and_removed_at_once(
    start_app: Any, backend: dict[str, str]
) -> None:
    admin = Wallet.new(Chain.ETH)
    async with start_app(**_admin_settings(admin), **backend) as (app, client):
        admin_id, admin_auth = await _session(client, admin)
        other_id, other_auth = await _session(client, Wallet.new(Chain.SOL))
        assert (await client.get("/api/admin/users", headers=other_auth)).status_code == 403
        me = (await client.get("/api/me", headers=other_auth)).json()["data"]
        assert me["isAdmin"] is False

        role_path = f"/api/admin/users/{other_id}/role"
        granted = await client.put(
            role_path, json={"role": "admin", "reason": "ops on-call"}, headers=admin_auth
        )
        assert granted.status_code == 200, granted.text
        assert (await client.get("/api/me", headers=other_auth)).json()["data"]["isAdmin"]
        assert (await client.get("/api/admin/users", headers=other_auth)).status_code == 200

        # an admin cannot remove their own admin role
        own = await client.put(
            f"/api/admin/users/{other_id}/role",
            json={"role": "user", "reason": "oops"},
            headers=other_auth,
        )
        assert own.status_code == 409 and own.json()["code"] == "OWN_ADMIN_ROLE"

        revoked = await client.put(
            role_path, json={"role": "user", "reason": "left the team"}, headers=admin_auth
        )
        assert revoked.status_code == 200, revoked.text
        # the next request of the removed admin is refused
        lost = await client.get("/api/admin/users", headers=other_auth)
        assert lost.status_code == 403 and lost.json()["code"] == "FORBIDDEN"
        assert not (await client.get("/api/me", headers=other_auth)).json()["data"]["isAdmin"]

        actions = [e["action"] for e in await _audit(app, target_id=other_id)]
        assert actions == ["role.grant", "role.revoke"]
        assert admin_id


async def test_users_are_paged_by_signed_cursors_and_searched_by_email_and_id(
    start_app: Any, backend: dict[str, str]
) -> None:
    admin = Wallet.new(Chain.ETH)
    tag = uuid.uuid4().hex[:10]
    async with start_app(**_admin_settings(admin), **backend) as (app, client):
        _, admin_auth = await _session(client, admin)
        async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
            made = [await uow.users.create(email=f"pg{tag}-{i}@example.test") for i in range(5)]
            await uow.commit()
        seen: list[str] = []
        cursor = None
        while True:
            params = {"q": f"PG{tag}", "limit": "2", **({"cursor": cursor} if cursor else {})}
            page = await client.get("/api/admin/users", params=params, headers=admin_auth)
            assert page.status_code == 200, page.text
            seen += [row["id"] for row in page.json()["data"]]
            cursor = page.json()["meta"]["nextCursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(str(u.id) for u in made) and len(seen) == 5

        by_id = await client.get(
            "/api/admin/users", params={"q": str(made[3].id)[:13]}, headers=admin_auth
        )
        assert str(made[3].id) in [row["id"] for row in by_id.json()["data"]]

        tampered = await client.get(
            "/api/admin/users", params={"cursor": "eyJ4IjoxfQ.bad"}, headers=admin_auth
        )
        assert tampered.status_code == 400 and tampered.json()["code"] == "INVALID_CURSOR"


async def test_last_seen_moves_on_sign_in_and_refresh_only(start_app: Any) -> None:
    async with start_app() as (app, client):
        data = await sign_in(client, Wallet.new(Chain.ETH))
        user_id = uuid.UUID(data["user"]["id"])

        async def last_seen() -> datetime | None:
            async with app.state.resources.engine.connect() as connection:
                value: datetime | None = await connection.scalar(
                    select(UserRow.last_seen_at).where(UserRow.id == user_id)
                )
                return value

        signed_in = await last_seen()
        assert signed_in is not None
        await client.get("/api/me", headers=bearer(data["accessToken"]))
        assert await last_seen() == signed_in  # not per request
        refresh = client.cookies["st_refresh"]
        client.cookies.clear()
        headers = {"Cookie": f"st_refresh={refresh}; st_csrf=c", "X-CSRF-Token": "c"}
        assert (await client.post("/api/auth/refresh", headers=headers)).status_code == 200
        refreshed = await last_seen()
        assert refreshed is not None and refreshed > signed_in


async def test_admin_requests_are_rate_limited_per_admin(start_app: Any) -> None:
    admin = Wallet.new(Chain.ETH)
    async with start_app(**_admin_settings(admin, rate_limit_admin="3/minute")) as (_, client):
        _, auth = await _session(client, admin)
        statuses = [
            (await client.get("/api/admin/errors", headers=auth)).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]


async def test_tier_limits_are_validated_audited_and_read_by_the_gate(start_app: Any) -> None:
    admin = Wallet.new(Chain.ETH)
    async with start_app(**_admin_settings(admin)) as (app, client):
        _, auth = await _session(client, admin)
        current = await client.get("/api/admin/tier-limits", headers=auth)
        assert current.status_code == 200, current.text
        free = next(x for x in current.json()["data"] if x["tier"] == "free")
        assert free["chains"] == 1 and free["vrsFactors"] == 3

        for bad in ({"vrsFactors": 4}, {"chains": 0}, {"alerts": -1}, {"watchedValidators": 0}):
            refused = await client.put(
                "/api/admin/tier-limits",
                json={"limits": [free | bad], "reason": "try"},
                headers=auth,
            )
            assert refused.status_code == 422, (bad, refused.text)

        changed = free | {"chains": 2, "watchedValidators": None, "alerts": 2}
        put = await client.put(
            "/api/admin/tier-limits", json={"limits": [changed], "reason": "promo"}, headers=auth
        )
        assert put.status_code == 200, put.text
        async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
            limits = await uow.tier_limits.get(Tier.FREE)
        assert (limits.chains, limits.watched_validators, limits.alerts) == (2, None, 2)
        [entry] = await _audit(app, action="tier_limits.update")
        assert entry["target_id"] == "free" and entry["reason"] == "promo"
        assert entry["before"]["chains"] == 1 and entry["after"]["chains"] == 2


@pytest.mark.parametrize("kind", ["vrs", "yield"])
async def test_configs_are_versioned_validated_and_read_by_the_next_computation(
    start_app: Any, kind: str
) -> None:
    admin = Wallet.new(Chain.ETH)
    async with start_app(**_admin_settings(admin)) as (app, client):
        _, auth = await _session(client, admin)
        path = f"/api/admin/{kind}-config"
        first = (await client.get(path, headers=auth)).json()["data"]
        assert first["version"] == 1 and first["changedAt"] is None
        original = first["values"]
        name = "weight.uptime" if kind == "vrs" else "eth/execution_rewards_apr"
        bad_value = "-1" if kind == "vrs" else "-0.5"
        new_value = "35" if kind == "vrs" else "0.004"

        invalid = await client.put(
            path,
            json={"version": 1, "values": original | {name: bad_value}, "reason": "x"},
            headers=auth,
        )
        assert invalid.status_code == 422, invalid.text
        partial = {k: v for k, v in original.items() if k != name}
        missing = await client.put(
            path, json={"version": 1, "values": partial, "reason": "x"}, headers=auth
        )
        assert missing.status_code == 422, missing.text

        body = {"version": 1, "values": original | {name: new_value}, "reason": "tuning"}
        changed = await client.put(path, json=body, headers=auth)
        assert changed.status_code == 200, changed.text
        assert changed.json()["data"]["version"] == 2
        stale = await client.put(path, json=body, headers=auth)
        assert stale.status_code == 409 and stale.json()["code"] == "STALE_VERSION"

        async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
            if kind == "vrs":
                from domain.vrs.model import Factor

                config = await uow.vrs_config.get()
                assert str(config.weights[Factor.UPTIME]) == new_value
            else:
                params = await uow.yield_config.parameters()
                assert str(params.eth_execution_rewards_apr) == new_value
            versions = (
                await uow.session.execute(
                    select(ConfigVersionRow.version, ConfigVersionRow.values)
                    .where(ConfigVersionRow.kind == kind)
                    .order_by(ConfigVersionRow.version)
                )
            ).all()
        assert [v for v, _ in versions] == [1, 2]
        assert versions[0][1] == original and versions[1][1][name] == new_value
        [entry] = await _audit(app, action=f"{kind}_config.update")
        assert entry["before"] == {name: original[name], "version": 1}
        assert entry["after"] == {name: new_value, "version": 2}


async def test_the_audit_log_filters_and_pages_newest_first(start_app: Any) -> None:
    admin = Wallet.new(Chain.ETH)
    async with start_app(**_admin_settings(admin)) as (_, client):
        admin_id, auth = await _session(client, admin)
        target_id, _ = await _session(client)
        path = f"/api/admin/users/{target_id}/subscription"
        for tier in ("pro", "free", "pro"):
            body = {"tier": tier, "expiresAt": None, "reason": f"to {tier}"}
            assert (await client.put(path, json=body, headers=auth)).status_code == 200
        await client.put(
            f"/api/admin/users/{target_id}/role",
            json={"role": "admin", "reason": "r"},
            headers=auth,
        )
        page = await client.get(
            "/api/admin/audit-log",
            params={"target": target_id, "action": "subscription.set", "limit": "2"},
            headers=auth,
        )
        assert page.status_code == 200, page.text
        first = page.json()["data"]
        assert [e["reason"] for e in first] == ["to pro", "to free"]
        rest = await client.get(
            "/api/admin/audit-log",
            params={
                "cursor": page.json()["meta"]["nextCursor"],
                "target": target_id,
                "action": "subscription.set",
                "limit": "2",
            },
            headers=auth,
        )
        assert [e["reason"] for e in rest.json()["data"]] == ["to pro"]
        assert rest.json()["meta"]["nextCursor"] is None
        by_actor = await client.get(
            "/api/admin/audit-log", params={"actor": admin_id}, headers=auth
        )
        assert len(by_actor.json()["data"]) == 4
        assert by_actor.json()["data"][0]["action"] == "role.grant"


async def test_errors_are_counted_per_route_template_without_personal_data(
    start_app: Any,
) -> None:
    admin = Wallet.new(Chain.ETH)

    def add_failing_route(app: FastAPI) -> None:
        @app.get("/api/test-boom/{secret}")
        async def boom(secret: str) -> None:
            raise RuntimeError("boom")

        app.router.routes.insert(0, app.router.routes.pop())  # before the SPA fallback

    async with start_app(add_failing_route, **_admin_settings(admin)) as (app, client):
        _, auth = await _session(client, admin)
        for _ in range(3):
            assert (await client.get("/api/no-such/alice@example.com")).status_code == 404
        boom = await client.get("/api/test-boom/alice@example.com")
        assert boom.status_code == 500
        missing = await client.get(f"/api/alerts/{uuid.uuid4()}", headers=auth)
        assert missing.status_code == 404
        recorder = app.state.error_recorder
        assert recorder.pending() >= 5
        assert await recorder.flush(app.state.resources.session_factory) >= 5
        # a second batch adds to the same rows (count = count + n)
        assert (await client.get("/api/no-such/bob")).status_code == 404
        await recorder.flush(app.state.resources.session_factory)

        listed = await client.get("/api/admin/errors", headers=auth)
        assert listed.status_code == 200, listed.text
        rows = {(e["method"], e["route"], e["status"], e["code"]): e for e in listed.json()["data"]}
        assert rows[("GET", "(unmatched)", 404, "NOT_FOUND")]["count"] == 4
        internal = rows[("GET", "/api/test-boom/{secret}", 500, "INTERNAL_ERROR")]
        assert internal["count"] == 1
        assert internal["lastRequestId"] == boom.headers["x-request-id"]
        assert rows[("GET", "/api/alerts/{alert_id}", 404, "NOT_FOUND")]["count"] == 1
        assert "alice" not in listed.text and "example.com" not in listed.text


def test_the_domain_refuses_limits_the_wire_schema_would_also_refuse() -> None:
    """validate_limits guards every caller of services.admin (the CLI, a job), not only
    the route, whose schema refuses the same values first."""
    from dataclasses import replace

    from domain.admin import UserQuery, validate_limits
    from domain.errors import InvalidInput
    from domain.tiers import DEFAULT_LIMITS

    free = DEFAULT_LIMITS[Tier.FREE]
    assert validate_limits(free) is free
    for bad in (
        {"vrs_factors": 4},
        {"chains": 0},
        {"chains": 4},
        {"alerts": 0},
        {"history_days": 0},
        {"watched_validators": 0},
        {"reward_days": -1},
    ):
        with pytest.raises(InvalidInput):
            validate_limits(replace(free, **bad))
    assert validate_limits(replace(free, watched_validators=None, reward_days=None))
    assert UserQuery("3F2A-9b").id_prefix == "3f2a9b"
    assert UserQuery("abc").id_prefix is None  # too short to mean an id
    assert UserQuery("alice@").id_prefix is None

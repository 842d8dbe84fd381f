"""The request edge (issue 10, findings 1, 4, 5): no body, cursor or text input takes the
process down or answers 500 — nested JSON, huge bodies, unknown fields, tampered
cursors, control characters — and token responses are never stored by a cache."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.app import create_app
from api.cursors import CursorSigner
from api.edge import is_no_store_path, json_nesting_exceeds
from api.interpreter import RECURSION_LIMIT
from api.routers.cron import CronIn
from api.schemas.auth import NewApiKeyOut, SessionOut
from api.schemas.common import RequestModel
from domain.models import Chain
from tests.api.conftest import Logs, bearer, get_nonce, sign_in
from tests.api.wallets import Wallet
from tests.readiness import HANG_GUARD_SECONDS
from workers.context import JobDeps

NESTED = b"[" * 80_000 + b"]" * 80_000  # 160 KB: the body that killed the process
JSON = {"content-type": "application/json"}
MIB = 1024 * 1024


def _codes(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


# --- finding 1: the recursion limit and nested JSON ---------------------------------------


def test_a_fresh_interpreter_creating_the_app_keeps_the_default_recursion_limit(
    tmp_path: Path,
) -> None:
    """py_ecc (via eth_account) raises the limit to 100,000 on import; create_app puts
    it back, in a process that imported nothing before, and the lazy imports of a first
    Ethereum sign-in (eth_account, in infrastructure/auth/proofs.py) cannot raise it again."""
    cause = subprocess.run(
        [sys.executable, "-c", "import sys, py_ecc; print(sys.getrecursionlimit())"],
        capture_output=True,
        timeout=HANG_GUARD_SECONDS,
        check=True,
    )
    assert int(cause.stdout) == 100_000  # the cause is still there: the guard is needed
    script = (
        "import sys\n"
        "from api.app import create_app\n"
        "from infrastructure.settings import load_settings\n"
        f"create_app(load_settings(data_dir={str(tmp_path)!r}, network='demo'))\n"
        "created = sys.getrecursionlimit()\n"
        "from eth_account import Account\n"
        "from eth_account.messages import encode_defunct\n"
        "print(created, sys.getrecursionlimit())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=HANG_GUARD_SECONDS, check=True
    )
    created, after_sign_in_imports = result.stdout.split()
    assert int(created) == int(after_sign_in_imports) == RECURSION_LIMIT == 1000


async def test_the_recursion_limit_is_sane_once_the_app_has_started(start_app: Any) -> None:
    sys.setrecursionlimit(100_000)  # as importing py_ecc does
    async with start_app():
        assert sys.getrecursionlimit() == RECURSION_LIMIT


async def test_a_limit_raised_later_is_restored_and_logged(start_app: Any, logs: Logs) -> None:
    async with start_app() as (_, client):
        sys.setrecursionlimit(50_000)  # a lazy import raised it while serving
        response = await client.get("/api/health")
        assert sys.getrecursionlimit() == RECURSION_LIMIT
    assert response.status_code == 200
    assert any(line["event"] == "recursion_limit_restored" for line in logs.lines())


@pytest.mark.parametrize("path", ["/api/auth/email", "/api/auth/siwe", "/api/yield/calculate"])
async def test_deeply_nested_json_is_422_and_the_app_keeps_answering(
    start_app: Any, path: str
) -> None:
    # a limit above the body's size, so the nesting guard itself answers
    async with start_app(max_request_body_bytes=256 * 1024) as (_, client):
        nested = await client.post(path, content=NESTED, headers=JSON)
        health = await client.get("/api/health")
    assert _codes(nested) == (422, "VALIDATION_ERROR")
    [detail] = nested.json()["details"]["fields"]
    assert (detail["type"], detail["limit"]) == ("json_too_deep", 64)
    assert "64" in nested.json()["error"]
    assert health.status_code == 200


async def test_with_default_limits_nested_json_is_refused_by_size_or_depth(
    start_app: Any,
) -> None:
    deep_but_small = b"[" * 32_000 + b"]" * 32_000  # 64,000 bytes: under the size limit
    async with start_app() as (_, client):
        big = await client.post("/api/auth/siwe", content=NESTED, headers=JSON)
        small = await client.post("/api/auth/siwe", content=deep_but_small, headers=JSON)
        health = await client.get("/api/health")
    assert _codes(big) == (413, "PAYLOAD_TOO_LARGE")
    assert _codes(small) == (422, "VALIDATION_ERROR")
    assert small.json()["details"]["fields"][0]["type"] == "json_too_deep"
    assert health.status_code == 200


def _amount_nested(levels: int) -> bytes:
    """A calculator body whose `amount` is `levels` lists deep (the object adds one)."""
    return b'{"chain": "sol", "amount": ' + b"[" * levels + b"]" * levels + b"}"


async def test_the_depth_limit_is_exact_and_configurable(start_app: Any) -> None:
    async with start_app() as (_, client):
        at_limit = await client.post(
            "/api/yield/calculate", content=_amount_nested(63), headers=JSON
        )
        over = await client.post("/api/yield/calculate", content=_amount_nested(64), headers=JSON)
    async with start_app(max_json_depth=8) as (_, client):
        tight = await client.post("/api/yield/calculate", content=_amount_nested(8), headers=JSON)
    assert at_limit.status_code == 422  # reached the route: the amount is not a number
    assert [f["field"] for f in at_limit.json()["details"]["fields"]] == ["amount"]
    assert over.json()["details"]["fields"][0]["type"] == "json_too_deep"
    assert tight.json()["details"]["fields"][0]["limit"] == 8


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"", 0),
        (b"12", 0),
        (b'"[[[["', 0),
        (b'["]"]', 1),
        (b'["\\"[[", "\\\\"]', 1),  # escaped quote inside, escaped backslash closing
        (b'{"a": [{"b": ["{"]}]}', 4),
        (b"[" * 65 + b"]" * 65, 65),
        (b"[" * 70, 70),  # left open: still counted before any parser sees it
    ],
)
def test_nesting_is_measured_outside_strings(body: bytes, depth: int) -> None:
    assert not json_nesting_exceeds(body, depth)
    if depth:
        assert json_nesting_exceeds(body, depth - 1)


# --- finding 4: body size ---------------------------------------------------------------


class Chunks:
    """A request body streamed in 1 MiB chunks, counting how many were read."""

    def __init__(self, total: int) -> None:
        self.total, self.read = total, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.total // MIB):
            self.read += 1
            yield b" " * MIB


async def test_a_38_mib_body_is_413_on_its_content_length_before_it_is_read(
    start_app: Any,
) -> None:
    body = Chunks(38 * MIB)
    async with start_app() as (_, client):
        response = await client.post(
            "/api/yield/calculate",
            content=body.__aiter__(),
            headers={**JSON, "content-length": str(38 * MIB)},
        )
        health = await client.get("/api/health")
    assert _codes(response) == (413, "PAYLOAD_TOO_LARGE")
    assert response.json()["details"] == {"limit": 65_536}
    assert body.read == 0
    assert health.status_code == 200


async def test_a_chunked_body_stops_being_read_at_the_limit(start_app: Any) -> None:
    body = Chunks(38 * MIB)
    async with start_app() as (_, client):
        response = await client.post("/api/auth/email", content=body.__aiter__(), headers=JSON)
    assert _codes(response) == (413, "PAYLOAD_TOO_LARGE")
    assert body.read == 1  # the first MiB is over the limit: nothing more was read


async def test_a_body_at_the_limit_reaches_the_route(start_app: Any) -> None:
    def padded(size: int) -> bytes:
        head = b'{"chain": "sol", "amount": "x"'
        return head + b" " * (size - len(head) - 1) + b"}"

    async with start_app(max_request_body_bytes=4096) as (_, client):
        at_limit = await client.post("/api/yield/calculate", content=padded(4096), headers=JSON)
        over = await client.post("/api/yield/calculate", content=padded(4097), headers=JSON)
    assert at_limit.status_code == 422
    assert [f["field"] for f in at_limit.json()["details"]["fields"]] == ["amount"]
    assert _codes(over) == (413, "PAYLOAD_TOO_LARGE")


# --- finding 4: unknown fields ----------------------------------------------------------


def _body_params(dependant: Dependant) -> list[Any]:
    params = list(dependant.body_params)
    for sub in dependant.dependencies:  # bodies read by dependencies count too
        params += _body_params(sub)
    return params


def _api_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """(full path, route) of every API route, through included routers."""
    return [
        (str(context.path), context.original_route)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
    ]


def _body_models(app: FastAPI) -> dict[str, type]:
    models: dict[str, type] = {}
    for path, route in _api_routes(app):
        for param in _body_params(route.dependant):
            models[f"{sorted(route.methods)} {path}"] = param.field_info.annotation
    return models


def test_every_request_body_model_of_the_app_refuses_unknown_fields(tmp_path: Path) -> None:
    from infrastructure.settings import load_settings

    models = _body_models(create_app(load_settings(data_dir=tmp_path, network="demo")))
    assert len(models) >= 12, models  # the walk found the app's bodies
    for route, model in [*models.items(), ("POST /api/cron/{step}", CronIn)]:
        assert isinstance(model, type) and issubclass(model, RequestModel), route
        assert model.model_config.get("extra") == "forbid", route


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/yield/calculate", {"chain": "sol", "amount": "1", "tier": "pro"}, "tier"),
        ("/api/auth/email", {"email": "a@example.org", "isAdmin": True}, "isAdmin"),
        ("/api/auth/siwe", {"message": "m", "signature": "s", "address": "0x"}, "address"),
    ],
)
async def test_unknown_fields_are_422_naming_them(
    start_app: Any, path: str, body: dict[str, Any], field: str
) -> None:
    async with start_app() as (_, client):
        response = await client.post(path, json=body)
    assert _codes(response) == (422, "VALIDATION_ERROR")
    assert {"field": field, "type": "extra_forbidden"}.items() <= response.json()["details"][
        "fields"
    ][0].items()
    assert field in response.json()["error"]


# --- finding 5: control characters and cursors, on SQLite and PostgreSQL ------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> dict[str, str]:
    """Embedded SQLite (a fresh copy) or the test PostgreSQL: NUL bytes only fail there."""
    if request.param == "sqlite":
        return {}
    return {"database_url": request.getfixturevalue("postgres_url")}


@pytest.fixture
async def sol_app(start_app: Any, db: dict[str, str]) -> AsyncIterator[tuple[Any, Any]]:
    async with start_app(**db) as (app, client):
        r = app.state.resources
        await JobDeps.from_resources(r).ingest().run(Chain.SOL)
        yield app, client


CONTROL_TARGETS = [
    "/api/validators?chain=sol&q=%00",
    "/api/validators?chain=sol&q=ab%01c",
    "/api/validators?chain=sol&q=%7F",
    "/api/validators?chain=sol&q=%C2%85",  # U+0085, a C1 control
    "/api/validators?chain=sol&cursor=abc%00",
    "/api/validators?chain=sol&q%00=x",
    "/api/validators/sol:%00abc",
    "/api/validators/sol:abc%00",
    "/api/vrs/sol:%00abc",
    "/api/vrs/sol:abc%00/history",
    "/api/portfolio?chain=sol%00",
    "/api/me/wallets/%00",
]


@pytest.mark.parametrize("target", CONTROL_TARGETS)
async def test_control_characters_in_paths_and_queries_are_422(
    start_app: Any, db: dict[str, str], target: str
) -> None:
    async with start_app(**db) as (_, client):
        response = await client.get(target)
    assert _codes(response) == (422, "VALIDATION_ERROR")
    [detail] = response.json()["details"]["fields"]
    assert detail["type"] == "control_character" and detail["in"] in {"path", "query"}


async def test_control_characters_in_bodies_are_422_naming_the_field(
    start_app: Any, db: dict[str, str]
) -> None:
    async with start_app(**db) as (_, client):
        auth = bearer((await sign_in(client, Wallet.new(Chain.ETH)))["accessToken"])
        client.cookies.clear()
        nonce = await get_nonce(client)
        proof = Wallet.new(Chain.ETH).proof(nonce)
        responses = {
            "validatorId": await client.post(
                "/api/yield/calculate",
                json={"chain": "sol", "amount": "1", "validatorId": "sol:\x00abc"},
            ),
            "amount": await client.post(
                "/api/yield/calculate", json={"chain": "sol", "amount": ["1\x00"]}
            ),
            "name": await client.post("/api/me/api-keys", json={"name": "bot\x00"}, headers=auth),
            "email": await client.post("/api/auth/email", json={"email": "a\x00b@example.org"}),
            "token": await client.post("/api/auth/email/verify", json={"token": "t\x1b[0m"}),
            "message": await client.post(
                "/api/auth/siwe", json={**proof, "message": proof["message"] + "\x00"}
            ),
            "signature": await client.post("/api/auth/siwe", json={**proof, "signature": "0x\t1"}),
        }
        keys = (await client.get("/api/me/api-keys", headers=auth)).json()["data"]
    for field, response in responses.items():
        assert _codes(response) == (422, "VALIDATION_ERROR"), (field, response.text)
        assert response.json()["details"]["fields"][0]["field"].startswith(field), field
    assert keys == []


async def test_line_feeds_stay_allowed_in_signed_messages(start_app: Any) -> None:
    async with start_app() as (_, client):
        data = await sign_in(client, Wallet.new(Chain.SOL))  # a multi-line EIP-4361 text
        nonce = await get_nonce(client)
        proof = Wallet.new(Chain.ETH).proof(nonce)
        carriage = await client.post(
            "/api/auth/siwe", json={**proof, "message": proof["message"].replace("\n", "\r\n")}
        )
    assert data["accessToken"]
    assert _codes(carriage) == (422, "VALIDATION_ERROR")


def _unsigned(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


TAMPERED = [
    "W3siYSI6IDF9LCAieCJd",  # [{"a": 1}, "x"], from the report
    _unsigned([[[1]], "x"]),
    _unsigned([10**400, "x"]).replace("=", ""),
    _unsigned(["abc", 5]),
    _unsigned({"c": "sol", "s": "stake", "k": 1, "a": "x"}),  # right shape, no tag
    "%%%",
    "a.b",
    "x" * 600,
]


@pytest.mark.parametrize("cursor", TAMPERED)
async def test_tampered_cursors_are_400(sol_app: Any, cursor: str) -> None:
    app, client = sol_app
    reads = app.state.resources.reads
    before = reads.counts("validators")
    responses = [
        await client.get("/api/validators", params={"chain": "sol", "sort": sort, "cursor": c})
        for sort in ("stake", "commission", "name")
        for c in (cursor, cursor + "." + "A" * 43)
    ]
    assert [_codes(r) for r in responses] == [(400, "INVALID_CURSOR")] * 6
    assert reads.counts("validators") == before  # refused before the cache


def _forged(app: Any, **values: Any) -> str:
    """A cursor signed with the app's own key but not as we issue them."""
    return CursorSigner(app.state.settings.secret_key.get_secret_value()).sign(values)


@pytest.mark.parametrize(
    ("sort", "values"),
    [
        ("stake", {"c": "sol", "s": "stake", "k": "abc", "a": "x"}),
        ("stake", {"c": "sol", "s": "stake", "k": True, "a": "x"}),
        ("stake", {"c": "sol", "s": "stake", "k": 10**400, "a": "x"}),
        ("stake", {"c": "sol", "s": "stake", "k": 1, "a": ["x"]}),
        ("commission", {"c": "sol", "s": "commission", "k": 1, "a": "x"}),
        ("commission", {"c": "sol", "s": "commission", "k": "1e999", "a": "x"}),
        ("name", {"c": "sol", "s": "name", "k": [[1]], "a": "x"}),
        ("name", {"c": "sol", "s": "stake", "k": 1, "a": "x"}),  # another sort's cursor
        ("stake", {"c": "eth", "s": "stake", "k": 1, "a": "x"}),  # another chain's cursor
    ],
)
async def test_signed_cursors_are_still_strictly_typed(
    sol_app: Any, sort: str, values: dict[str, Any]
) -> None:
    app, client = sol_app
    response = await client.get(
        "/api/validators", params={"chain": "sol", "sort": sort, "cursor": _forged(app, **values)}
    )
    assert _codes(response) == (400, "INVALID_CURSOR")


async def test_issued_cursors_page_through_every_sort(sol_app: Any) -> None:
    _, client = sol_app
    for sort in ("stake", "commission", "name"):
        seen: list[str] = []
        cursor = None
        for _ in range(3):
            params = {"chain": "sol", "sort": sort, "limit": "2"}
            page = await client.get("/api/validators", params={**params, "cursor": cursor or ""})
            assert page.status_code == 200, page.text
            body = page.json()
            seen += [v["id"] for v in body["data"]]
            cursor = body["meta"]["nextCursor"]
            assert re.fullmatch(r"[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]{43}", cursor)
        assert len(seen) == len(set(seen)) == 6, sort


async def test_only_the_shared_first_pages_are_cached(sol_app: Any) -> None:
    app, client = sol_app
    reads = app.state.resources.reads
    first = (await client.get("/api/validators?chain=sol&limit=2")).json()
    before = reads.counts("validators")
    cursor = first["meta"]["nextCursor"]
    for target in (
        f"/api/validators?chain=sol&limit=2&cursor={cursor}",
        "/api/validators?chain=sol&q=a",
        "/api/validators?chain=sol&q=b",
        "/api/validators?chain=sol&limit=7",
    ):
        assert (await client.get(target)).status_code == 200
    untouched = reads.counts("validators")
    await client.get("/api/validators?chain=sol")
    await client.get("/api/validators?chain=sol")
    after = reads.counts("validators")
    assert untouched == before  # none of those made (or read) a cache entry
    assert (after["miss"] - untouched["miss"], after["hit"] - untouched["hit"]) == (1, 1)


# --- token responses are not stored --------------------------------------------------------


def _no_store(response: httpx.Response) -> bool:
    return (
        response.headers.get("cache-control") == "no-store"
        and response.headers.get("pragma") == "no-cache"
    )


async def test_token_and_key_responses_carry_no_store(start_app: Any) -> None:
    async with start_app() as (app, client):
        wallet = Wallet.new(Chain.ETH)
        signed_in = await client.post("/api/auth/siwe", json=wallet.proof(await get_nonce(client)))
        csrf = client.cookies["st_csrf"]
        refreshed = await client.post("/api/auth/refresh", headers={"X-CSRF-Token": csrf})
        auth = bearer(refreshed.json()["data"]["accessToken"])
        client.cookies.clear()
        key = await client.post("/api/me/api-keys", json={"name": "bot"}, headers=auth)
        await client.post("/api/auth/email", json={"email": "a@example.org"})
        [mail] = (app.state.settings.data_dir / "outbox").glob("*.eml")
        token = re.search(r"token=([A-Za-z0-9_\-]+)", mail.read_text())
        assert token is not None
        verified = await client.post("/api/auth/email/verify", json={"token": token.group(1)})
        public = await client.get("/api/validators?chain=sol")
        profile = await client.get("/api/me", headers=auth)
    for response in (signed_in, refreshed, key, verified, profile):
        assert response.status_code in {200, 201}, response.text
        assert _no_store(response), response.request.url
    assert not _no_store(public)


def _mentions(annotation: Any, wanted: set[type]) -> bool:
    if annotation in wanted:
        return True
    fields = getattr(annotation, "model_fields", None)
    args = getattr(annotation, "__args__", ())
    inner = [f.annotation for f in fields.values()] if fields else []
    return any(_mentions(a, wanted) for a in (*inner, *args))


def test_every_route_returning_secrets_is_under_a_no_store_prefix(tmp_path: Path) -> None:
    from infrastructure.settings import load_settings

    app = create_app(load_settings(data_dir=tmp_path, network="demo"))
    secret_routes = [
        path
        for path, route in _api_routes(app)
        if _mentions(route.response_model, {SessionOut, NewApiKeyOut})
    ]
    assert len(secret_routes) >= 6, secret_routes  # sign-ins, refresh, verify, new key
    for path in secret_routes:
        assert is_no_store_path(path), path
    assert is_no_store_path("/api/me") and not is_no_store_path("/api/metrics")

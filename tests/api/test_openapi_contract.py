"""Contract v1 in the OpenAPI document: a generated client (openapi-typescript) sees a
type for every answer, every documented error, its security and a stable operationId.

The checks walk `/api/openapi.json` as served, so a route added later is covered too.
Each test lists every offending operation at once (not just the first).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

ERROR_BODY = "#/components/schemas/ErrorBody"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
OPERATION_ID = re.compile(r"^[a-z][A-Za-z0-9]*$")
# keywords that say nothing about the value's type
_ANNOTATIONS = {"title", "description", "default", "examples", "example", "deprecated"}
_ANNOTATIONS |= {"readOnly", "writeOnly", "nullable", "format"}


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def untyped(
    schema: Any, components: dict[str, Any], where: str, seen: frozenset[str] = frozenset()
) -> list[str]:
    """Where in `schema` a generated client would see `unknown`: an empty schema, an
    object open to any value (`additionalProperties: true` or `{}`), an array without
    typed items. `$ref`s are followed (each once per branch)."""
    if not isinstance(schema, dict):
        return [f"{where}: not a schema"]
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen:
            return []
        name = ref.removeprefix("#/components/schemas/")
        if name not in components:
            return [f"{where}: dangling {ref}"]
        return untyped(components[name], components, name, seen | {ref})
    found: list[str] = []
    for combinator in ("anyOf", "oneOf", "allOf"):
        for i, branch in enumerate(schema.get(combinator, [])):
            found += untyped(branch, components, f"{where}.{combinator}[{i}]", seen)
    if "not" in schema:
        found += untyped(schema["not"], components, f"{where}.not", seen)
    for name, prop in schema.get("properties", {}).items():
        found += untyped(prop, components, f"{where}.{name}", seen)
    extra = schema.get("additionalProperties")
    if extra is True or extra == {}:
        found.append(f"{where}: an object open to any value")
    elif isinstance(extra, dict):
        found += untyped(extra, components, f"{where}[*]", seen)
    kinds = schema.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    if "array" in kinds:
        if "items" not in schema and "prefixItems" not in schema:
            found.append(f"{where}: an array of unknown items")
        if "items" in schema:
            found += untyped(schema["items"], components, f"{where}[]", seen)
        for i, item in enumerate(schema.get("prefixItems", [])):
            found += untyped(item, components, f"{where}[{i}]", seen)
    if set(schema) <= _ANNOTATIONS:  # `{}`: any value at all
        found.append(f"{where}: an empty schema")
    return found


def typed_success_problems(schema: dict[str, Any]) -> list[str]:
    components = schema.get("components", {}).get("schemas", {})
    problems = []
    for method, path, operation in operations(schema):
        where = f"{method} {path}"
        successes = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
        if not successes:
            problems.append(f"{where}: no 2xx response")
        for code, response in successes.items():
            content = response.get("content")
            if code == "204" and not content:
                continue
            if not content:
                problems.append(f"{where} {code}: no schema")
                continue
            for media, body in content.items():
                if media != "application/json":  # e.g. Prometheus text: just typed
                    problems += untyped(body.get("schema", {}), components, f"{where} {code}")
                    continue
                envelope = body.get("schema", {})
                resolved = envelope
                if "$ref" in envelope:
                    resolved = components.get(envelope["$ref"].rsplit("/", 1)[-1], {})
                fields = set(resolved.get("properties", {}))
                if not {"data", "meta"} <= fields:
                    problems.append(f"{where} {code}: not a {{data, meta}} envelope")
                problems += [f"{where} {code}: {p}" for p in untyped(envelope, components, "body")]
    return problems


async def served_schema(start_app: Any) -> dict[str, Any]:
    async with start_app() as (_, client):
        response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


# --- the checker itself: it must catch what a client would type `unknown` ----------------


@pytest.mark.parametrize(
    ("schema", "unknown"),
    [
        ({}, True),
        ({"description": "anything"}, True),
        ({"type": "object", "additionalProperties": True}, True),  # dict[str, Any]
        ({"type": "object", "additionalProperties": {}}, True),
        ({"type": "array"}, True),  # list without items
        ({"type": "array", "items": {}}, True),
        ({"anyOf": [{"type": "string"}, {}]}, True),
        (
            {
                "type": "object",
                "properties": {"meta": {"type": "object", "additionalProperties": True}},
            },
            True,
        ),
        ({"$ref": "#/components/schemas/Open"}, True),
        ({"$ref": "#/components/schemas/Missing"}, True),
        ({"type": "string"}, False),
        ({"type": "object", "properties": {}}, False),  # NoMeta: typed as empty
        ({"type": "object", "additionalProperties": {"type": "string"}}, False),
        ({"type": "array", "items": {"$ref": "#/components/schemas/Node"}}, False),  # recursive
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, False),
        ({"enum": ["eth", "sol", "atom"]}, False),
        ({"const": "ok"}, False),
    ],
)
def test_the_checker_finds_what_a_client_would_type_unknown(
    schema: dict[str, Any], unknown: bool
) -> None:
    components = {
        "Open": {"type": "object", "additionalProperties": True},
        "Node": {
            "type": "object",
            "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            },
        },
    }
    assert bool(untyped(schema, components, "x")) is unknown


# --- the served document ----------------------------------------------------------------


async def test_every_operation_answers_a_typed_envelope(start_app: Any) -> None:
    """Every 2xx JSON answer is `{data, meta}` with nothing a client would see as unknown
    (no `{}`, no untyped object for `data` or `meta`, no list of unknown items)."""
    problems = typed_success_problems(await served_schema(start_app))
    assert problems == [], "\n".join(problems)


async def test_every_operation_documents_its_errors_with_the_envelope(start_app: Any) -> None:
    schema = await served_schema(start_app)
    problems = []
    for method, path, operation in operations(schema):
        where = f"{method} {path}"
        responses = operation["responses"]
        codes = {int(code) for code in responses if code.isdigit()}
        requirements = operation.get("security", [])
        signed_in = [r for r in requirements if r]
        if signed_in and {} not in requirements:  # authenticated (not optionally)
            expected = {401, 429, 503} | ({403} if method != "GET" else set())
        elif signed_in:  # optional: a credential that is sent is checked
            expected = {401}
        else:
            expected = set()
        if operation.get("parameters") or "requestBody" in operation:
            expected.add(422)
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            expected.add(404)
        if "requestBody" in operation:
            expected.add(413)
        expected.add(500)
        if missing := expected - codes:
            problems.append(f"{where}: undocumented {sorted(missing)}")
        for code in sorted(c for c in codes if c >= 400):
            content = responses[str(code)].get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")
            if ref != ERROR_BODY:
                problems.append(f"{where} {code}: not the ErrorBody envelope")
        for code in {429, 503} & codes:
            if path == "/api/ready":  # the probe's 503 NOT_READY has no Retry-After
                continue
            if "Retry-After" not in responses[str(code)].get("headers", {}):
                problems.append(f"{where} {code}: no Retry-After header")
    assert problems == [], "\n".join(problems)


async def test_the_error_envelope_has_object_details(start_app: Any) -> None:
    schema = await served_schema(start_app)
    components = schema["components"]["schemas"]
    error = components["ErrorBody"]
    assert set(error["required"]) == {"error", "code", "details"}  # details: always sent
    details = error["properties"]["details"]
    assert details["type"] == "object"
    [field_error] = [
        part for part in details["properties"]["fields"]["items"]["allOf"] if "$ref" in part
    ]
    assert field_error["$ref"] == "#/components/schemas/FieldError"
    assert set(components["FieldError"]["required"]) == {"field", "message", "type"}
    assert untyped({"$ref": ERROR_BODY}, components, "ErrorBody") == []  # no `unknown`


async def test_every_operation_declares_its_security(start_app: Any) -> None:
    schema = await served_schema(start_app)
    schemes = schema["components"]["securitySchemes"]
    assert {"bearerAuth", "apiKey", "cookieSession", "csrfToken"} <= set(schemes)
    assert schemes["bearerAuth"]["bearerFormat"] == "JWT"
    problems = []
    for method, path, operation in operations(schema):
        where = f"{method} {path}"
        if "security" not in operation:
            problems.append(f"{where}: no security requirement (public routes say [])")
            continue
        for requirement in operation["security"]:
            if unknown := set(requirement) - set(schemes):
                problems.append(f"{where}: unknown schemes {sorted(unknown)}")
            if method != "GET" and "apiKey" in requirement:
                problems.append(f"{where}: API keys are read-only")
            if (
                method != "GET"
                and "cookieSession" in requirement
                and "csrfToken" not in requirement
            ):
                problems.append(f"{where}: a cookie call that changes things needs csrfToken")
    assert problems == [], "\n".join(problems)
    paths = schema["paths"]
    assert paths["/api/health"]["get"]["security"] == []
    assert paths["/api/portfolio"]["get"]["security"] == [
        {"bearerAuth": []},
        {"apiKey": []},
        {"cookieSession": []},
    ]
    assert paths["/api/me/api-keys"]["post"]["security"] == [
        {"bearerAuth": []},
        {"cookieSession": [], "csrfToken": []},
    ]


async def test_operation_ids_are_present_readable_and_unique(start_app: Any) -> None:
    schema = await served_schema(start_app)
    ids = [(str(op.get("operationId", "")), f"{m} {p}") for m, p, op in operations(schema)]
    bad = [where for name, where in ids if not OPERATION_ID.match(name)]
    assert bad == [], bad
    names = [name for name, _ in ids]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    by_route = {where: name for name, where in ids}
    assert by_route["GET /api/portfolio"] == "getPortfolio"
    assert by_route["GET /api/validators"] == "listValidators"
    assert by_route["POST /api/me/api-keys"] == "createApiKey"


async def test_the_cron_trigger_documents_its_body_and_signature_headers(start_app: Any) -> None:
    schema = await served_schema(start_app)
    operation = schema["paths"]["/api/cron/{step}"]["post"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert headers == {"X-Staketrack-Timestamp", "X-Staketrack-Signature"}
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    chain = body["properties"]["chain"]["anyOf"]
    assert {"type": "null"} in chain
    assert [c["enum"] for c in chain if "enum" in c] == [["eth", "sol", "atom"]]
    assert body["additionalProperties"] is False
    assert {401, 413, 422} <= {int(c) for c in operation["responses"]}

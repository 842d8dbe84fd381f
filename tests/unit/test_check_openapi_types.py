"""scripts/check_openapi_types.py tells an `unknown` in a response type (fails) from one
in a request body or in the undeclared-headers index signature (does not)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_openapi_types.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_openapi_types", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# what openapi-typescript 7 writes for the schema below (abridged, same layout)
TYPES = """\
export interface paths {
    "/api/things": {
        get: operations["listThings"];
    };
}
export interface components {
    schemas: {
        /** Envelope[Thing] */
        Envelope_Thing_: {
            data: components["schemas"]["Thing"];
            /** Meta */
            meta?: {
                [key: string]: unknown;
            };
        };
        Thing: {
            /** @description an unknown thing, in a comment */
            name: string;
            parent?: components["schemas"]["Thing"] | null;
        };
        ThingIn: {
            amount: unknown;
        };
    };
}
export interface operations {
    listThings: {
        requestBody: {
            content: {
                "application/json": components["schemas"]["ThingIn"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Thing_"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
        };
    };
}
"""

SCHEMA: dict[str, Any] = {
    "paths": {
        "/api/things": {
            "get": {
                "operationId": "listThings",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ThingIn"}}
                    }
                },
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Envelope_Thing_"}
                            }
                        }
                    },
                    "404": {"content": {"application/json": {"schema": {}}}},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Envelope_Thing_": {
                "properties": {
                    "data": {"$ref": "#/components/schemas/Thing"},
                    "meta": {"type": "object", "additionalProperties": True},
                }
            },
            "Thing": {"properties": {"parent": {"$ref": "#/components/schemas/Thing"}}},
            "ThingIn": {"properties": {"amount": {}}},
        }
    },
}


def test_unknowns_are_placed_in_their_enclosing_type() -> None:
    found = list(load().unknowns(TYPES))
    paths = [".".join(path) for path, _ in found]
    assert paths == [
        "components.schemas.Envelope_Thing_.meta",
        "components.schemas.ThingIn",
        "operations.listThings.responses.200.headers",
        "operations.listThings.responses.404.headers",
        "operations.listThings.responses.404.content",
    ]  # the comment's "unknown" is not one


def test_a_string_literal_unknown_is_a_value_not_the_type() -> None:
    types = """export interface components {
    schemas: {
        Readiness: {
            jobs: "ok" | "unknown";
            note: "an \\"unknown\\" quote";
            data: unknown;
        };
    };
}
"""
    found = list(load().unknowns(types))
    assert found == [(("components", "schemas", "Readiness"), "data: unknown;")]


def test_only_response_types_fail_the_check() -> None:
    module = load()
    assert module.response_components(SCHEMA) == {"Envelope_Thing_", "Thing"}
    response, other = module.classify(TYPES, SCHEMA)
    assert response == [
        "components.schemas.Envelope_Thing_.meta: [key: string]: unknown;",
        'operations.listThings.responses.404.content: "application/json": unknown;',
    ]
    assert other == ["components.schemas.ThingIn: amount: unknown;"]

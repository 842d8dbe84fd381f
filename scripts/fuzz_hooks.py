"""schemathesis hooks for scripts/fuzz_api.py: a dictionary of hostile values.

Schema-driven generation rarely draws the values that break services in practice — a NUL
byte (PostgreSQL refuses it in text), other control characters, digits that `str.isdigit`
accepts and `int` does not (`²`), numbers beyond any column, forged paging cursors. In one
generated case of two, one field of the query, path, headers or JSON body is replaced
by such a value (or gets it appended), keeping the rest of the case valid so the value
reaches the code behind validation; loosely typed fields (`chain`, `amount`) sometimes get
a plausible value first. Loaded with SCHEMATHESIS_HOOKS=fuzz_hooks.
"""

from __future__ import annotations

import base64
import functools
import json
from typing import Any

import schemathesis
from hypothesis import strategies as st


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


HOSTILE: list[Any] = [
    "\x00",
    "a\x00b",
    "sol:\x00",
    "eth:\x00",
    "\x1f",
    "\x7f",
    "\u2028",
    "²",
    "¹²³",
    "-1",
    "1" * 400,
    "1e400",
    "%00",
    "../../etc/passwd",
    10**400,
    functools.reduce(lambda inner, _: [inner], range(100), []),  # 100 levels deep
]
# paging cursors that decode: wrong shapes and types for every sort key
HOSTILE_CURSORS: list[str] = [
    _cursor(json.dumps([{"a": 1}, "x"])),
    _cursor(json.dumps([[1], [2]])),
    _cursor("[1" + "0" * 400 + ', "x"]'),
    _cursor(json.dumps(["x", 1])),
    _cursor(json.dumps([None, None])),
    _cursor(json.dumps([True, "x"])),
    _cursor(json.dumps(["\x00", "\x00"])),
    _cursor(json.dumps([1, 2, 3])),
    _cursor("[" * 1000 + "]" * 1000),
    "\x00",
]


# plausible values for loosely typed fields, so a case gets past the first check
PLAUSIBLE: dict[str, list[Any]] = {
    "chain": ["eth", "sol", "atom"],
    "amount": ["100", "0.5", 32],
}


@st.composite
def _cases(draw: st.DrawFn, value: dict[str, Any]) -> dict[str, Any]:
    new = dict(value)
    if draw(st.booleans()):
        for key in sorted(PLAUSIBLE.keys() & new.keys()):
            new[key] = draw(st.sampled_from(PLAUSIBLE[key]))
    keys = sorted(k for k, v in new.items() if v is None or isinstance(v, str | int | float))
    if keys and draw(st.booleans()):
        key = draw(st.sampled_from(keys))
        hostile = draw(st.sampled_from(HOSTILE_CURSORS if key == "cursor" else HOSTILE))
        original = new[key]
        append = isinstance(original, str) and isinstance(hostile, str) and draw(st.booleans())
        new[key] = f"{original}{hostile}" if append else hostile
    return new


def _hostile(value: Any) -> st.SearchStrategy[Any]:
    if not isinstance(value, dict) or not value:
        return st.just(value)
    return _cases(value)


@schemathesis.hook
def flatmap_query(ctx: Any, query: Any) -> st.SearchStrategy[Any]:
    return _hostile(query)


@schemathesis.hook
def flatmap_path_parameters(ctx: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
    return _hostile(path_parameters)


@schemathesis.hook
def flatmap_headers(ctx: Any, headers: Any) -> st.SearchStrategy[Any]:
    # a NUL cannot travel in an HTTP header: only the printable hostile values
    if not isinstance(headers, dict) or not headers:
        return st.just(headers)
    printable = [h for h in HOSTILE if isinstance(h, str) and h.isprintable() and len(h) < 1000]
    keys = sorted(k for k, v in headers.items() if isinstance(v, str))
    if not keys:
        return st.just(headers)
    mutated = st.tuples(st.sampled_from(keys), st.sampled_from(printable)).map(
        lambda choice: {**headers, choice[0]: choice[1]}
    )
    return st.integers(0, 3).flatmap(lambda n: mutated if n == 0 else st.just(headers))


@schemathesis.hook
def flatmap_body(ctx: Any, body: Any) -> st.SearchStrategy[Any]:
    return _hostile(body)

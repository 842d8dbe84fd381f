"""Generate the TypeScript client types with openapi-typescript and fail on `unknown` in
any response type (what the SPA and API users get back must be typed).

    uv run --frozen python scripts/check_openapi_types.py [--schema openapi.json] [--out api.d.ts]

1. dumps the app's OpenAPI document (`create_app(...).openapi()`: no server, no database;
   settings from the environment with a throwaway DATA_DIR), or reads --schema;
2. uses the SPA's pinned openapi-typescript (frontend/node_modules, `make web-deps`), else
   installs the one pinned by scripts/openapi-types/package-lock.json into
   .tools/openapi-types/ (`npm ci`, once; Node from .tools/node or PATH, the npm registry);
3. runs it, then finds each `unknown` in the generated types and where it is: in a
   response (an operation's response body, or a component schema a response reaches) it
   fails the check; in a request (a body a client sends) it is only counted.
   openapi-typescript's `headers: {[name: string]: unknown}` on every response (headers
   an operation did not declare) is not a body type and is left out.

Prints the counts and every offending type path; exits 1 when a response type holds
`unknown`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PINNED = ROOT / "scripts" / "openapi-types"
TOOLS = ROOT / ".tools" / "openapi-types"
FRONTEND_BINARY = ROOT / "frontend" / "node_modules" / ".bin" / "openapi-typescript"
NODE_BIN = ROOT / ".tools" / "node" / "bin"
HANG_GUARD = 300.0  # seconds, per external command: a guard, not a deadline
UNKNOWN = re.compile(r"\bunknown\b")
STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
OPENING = re.compile(
    r'^(\s*)(?:export interface ([A-Za-z0-9_$]+)|"([^"]+)"\??:|([A-Za-z0-9_$]+)\??:)\s*\{\s*$'
)
HEADER_INDEX = re.compile(r"^\s*\[name: string\]: unknown;\s*$")
REF_PREFIX = "#/components/schemas/"


def dump_schema() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ.setdefault("DATA_DIR", data_dir)  # a generated secret lands here
        from api.app import create_app

        schema: dict[str, Any] = create_app().openapi()
    return schema


def install_generator() -> Path:
    if FRONTEND_BINARY.exists():
        return FRONTEND_BINARY
    binary = TOOLS / "node_modules" / ".bin" / "openapi-typescript"
    lock = PINNED / "package-lock.json"
    installed = TOOLS / "package-lock.json"
    if binary.exists() and installed.exists() and installed.read_bytes() == lock.read_bytes():
        return binary
    npm = shutil.which("npm", path=str(NODE_BIN)) or shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed: `make web-deps` puts Node 24 into .tools/node")
    TOOLS.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(PINNED / name, TOOLS / name)
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=TOOLS,
        check=True,
        timeout=HANG_GUARD,
    )
    return binary


def generate(binary: Path, schema: dict[str, Any], out: Path) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "openapi.json"
        source.write_text(json.dumps(schema))
        subprocess.run(
            [str(binary), str(source), "--output", str(out)],
            check=True,
            env={**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
            timeout=HANG_GUARD,
            stdout=subprocess.DEVNULL,
        )
    return out.read_text()


def unknowns(types: str) -> Iterator[tuple[tuple[str, ...], str]]:
    """(the enclosing type path, the line) of each `unknown` outside comments."""
    stack: list[tuple[int, str]] = []  # (indent, name)
    for line in types.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped.startswith("}"):
            while stack and stack[-1][0] >= indent:
                stack.pop()
        opening = OPENING.match(line)
        if opening:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, next(g for g in opening.groups()[1:] if g is not None)))
            continue
        if stripped.startswith(("*", "/*", "//")):
            continue
        if UNKNOWN.search(STRING_LITERAL.sub('""', line)):  # "unknown" as a value is no type
            yield tuple(name for _, name in stack), stripped


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            yield ref.removeprefix(REF_PREFIX)
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def response_components(schema: dict[str, Any]) -> set[str]:
    """Component schemas that some response body reaches (through any chain of refs)."""
    components = schema.get("components", {}).get("schemas", {})
    bodies = [
        response.get("content", {})
        for item in schema.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
    ]
    todo = list(_refs(bodies))
    reached: set[str] = set()
    while todo:
        name = todo.pop()
        if name in reached or name not in components:
            continue
        reached.add(name)
        todo += _refs(components[name])
    return reached


def classify(types: str, schema: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(`unknown`s in response types, the other `unknown`s), each as `path: line`."""
    in_responses = response_components(schema)
    response: list[str] = []
    other: list[str] = []
    for path, line in unknowns(types):
        where = f"{'.'.join(path)}: {line}"
        if path[:1] == ("operations",) and "responses" in path:
            if path[-1] == "headers" and HEADER_INDEX.match(line):
                continue  # headers an operation did not declare: not a body type
            response.append(where)
        elif path[:2] == ("components", "schemas") and len(path) > 2:
            (response if path[2] in in_responses else other).append(where)
        else:
            other.append(where)
    return response, other


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema", type=Path, help="an OpenAPI JSON file (default: the app's)")
    parser.add_argument("--out", type=Path, help="keep the generated types here")
    options = parser.parse_args()
    schema = json.loads(options.schema.read_text()) if options.schema else dump_schema()
    binary = install_generator()
    with tempfile.TemporaryDirectory() as scratch:
        out = options.out or Path(scratch) / "api.d.ts"
        types = generate(binary, schema, out)
    response, other = classify(types, schema)
    operations = sum(
        1
        for item in schema["paths"].values()
        for key in item
        if key in {"get", "post", "put", "patch", "delete"}
    )
    print(  # noqa: T201 (a command-line report)
        f"openapi-typescript: {operations} operations; `unknown` in response types: "
        f"{len(response)}, elsewhere (request bodies): {len(other)}"
    )
    for where in response:
        print(f"  response: {where}")  # noqa: T201
    for where in other:
        print(f"  request:  {where}")  # noqa: T201
    return 1 if response else 0


if __name__ == "__main__":
    sys.exit(main())

"""The dependency rule: domain/ imports no framework, driver or HTTP client."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
FORBIDDEN = {
    "fastapi",
    "starlette",
    "sqlalchemy",
    "httpx",
    "redis",
    "arq",
    "asyncpg",
    "aiosqlite",
    "alembic",
    "uvicorn",
    "structlog",
    "limits",
    "resend",
    "api",
    "infrastructure",
    "workers",
}


def imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_imports_nothing_from_frameworks_or_outer_layers() -> None:
    offenders = {
        str(path.relative_to(DOMAIN.parent)): sorted(imported_roots(path.read_text()) & FORBIDDEN)
        for path in DOMAIN.rglob("*.py")
    }
    assert {path: bad for path, bad in offenders.items() if bad} == {}


def test_the_import_scan_catches_nested_and_from_imports() -> None:
    source = "import os\nfrom sqlalchemy.orm import Session\ndef f():\n    import httpx\n"
    assert imported_roots(source) & FORBIDDEN == {"sqlalchemy", "httpx"}

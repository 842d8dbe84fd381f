"""The dependency rules, checked on the source (ast, no import executed):

- domain/ imports no framework, driver or HTTP client, and no outer layer;
- api/ and workers/ import no ORM model (`infrastructure.db.models`) and no SQLAlchemy:
  SQL and ORM rows stay in the repositories (infrastructure/db/repositories/);
- services/ (the use cases) import no web or queue framework: no FastAPI, Starlette,
  arq or uvicorn, so a router, a job function and the CLI can all call them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "domain"
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
ORM_AND_SQL = {"infrastructure.db.models", "sqlalchemy"}
WEB_AND_QUEUE = {"fastapi", "starlette", "arq", "uvicorn"}

# package -> the modules (and everything below them) it must not import
RULES: dict[str, set[str]] = {
    "domain": FORBIDDEN,
    "api": ORM_AND_SQL,
    "workers": ORM_AND_SQL,
    "services": WEB_AND_QUEUE,
}
IMPORT_FUNCTIONS = {"import_module", "__import__"}


def imported_modules(source: str, package: str = "") -> set[str]:
    """Every module `source` imports, as full dotted names: `import a.b` gives `a.b`,
    `from a import b` gives `a` and `a.b` (b may be a submodule: `from
    infrastructure.db import models`), relative imports are resolved against `package`,
    imports inside functions and `if TYPE_CHECKING:` count too, and so do
    `importlib.import_module("a.b")` / `__import__("a.b")` with a literal name."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            if base:
                modules.add(base)
                modules.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _call_name(node.func) in IMPORT_FUNCTIONS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                modules.add(first.value)
    return modules


def imported_roots(source: str) -> set[str]:
    return {module.split(".")[0] for module in imported_modules(source)}


def _absolute(module: str | None, level: int, package: str) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    if level - 1 >= len(parts):  # no package given, or above the top: not ours to judge
        return ""
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def violations(modules: Iterable[str], forbidden: set[str]) -> list[str]:
    """The imported modules that are, or lie below, a forbidden one."""
    return sorted(
        module
        for module in set(modules)
        if any(module == bad or module.startswith(f"{bad}.") for bad in forbidden)
    )


def _package_of(path: Path) -> str:
    """The package a relative import in `path` starts from (for a module and for an
    `__init__.py` alike: the directory it lies in)."""
    return ".".join(path.relative_to(ROOT).parent.parts)


def offenders(package: str) -> dict[str, list[str]]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        modules = imported_modules(path.read_text(), _package_of(path))
        bad = violations(modules, RULES[package])
        if bad:
            found[str(path.relative_to(ROOT))] = _outermost(bad)
    return found


def _outermost(modules: list[str]) -> list[str]:
    """`sqlalchemy.orm` and `sqlalchemy.orm.Session` are reported once, as the former."""
    return [m for m in modules if not any(m.startswith(f"{o}.") for o in modules if o != m)]


# --- the rules -------------------------------------------------------------------------


def test_domain_imports_nothing_from_frameworks_or_outer_layers() -> None:
    offenders = {
        str(path.relative_to(DOMAIN.parent)): sorted(imported_roots(path.read_text()) & FORBIDDEN)
        for path in DOMAIN.rglob("*.py")
    }
    assert {path: bad for path, bad in offenders.items() if bad} == {}


@pytest.mark.parametrize("package", ["api", "workers"])
def test_api_and_workers_import_no_orm_model_and_no_sqlalchemy(package: str) -> None:
    assert offenders(package) == {}


def test_services_import_no_web_or_queue_framework() -> None:
    assert (ROOT / "services").is_dir()
    assert offenders("services") == {}


# --- the scan itself ---------------------------------------------------------------------


def test_the_import_scan_catches_nested_and_from_imports() -> None:
    source = "import os\nfrom sqlalchemy.orm import Session\ndef f():\n    import httpx\n"
    assert imported_roots(source) & FORBIDDEN == {"sqlalchemy", "httpx"}


@pytest.mark.parametrize(
    "source",
    [
        "import infrastructure.db.models",
        "import infrastructure.db.models as m",
        "import infrastructure.db.models.users",
        "from infrastructure.db.models import UserRow",
        "from infrastructure.db.models.users import UserRow",
        "from infrastructure.db import models",
        "from infrastructure.db import engine, models as orm",
        "from infrastructure import db\nfrom infrastructure.db import models",
        "def f():\n    from infrastructure.db.models import UserRow",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from infrastructure.db.models import UserRow",
        "import importlib\nmodels = importlib.import_module('infrastructure.db.models')",
        "models = __import__('infrastructure.db.models')",
        "import sqlalchemy",
        "import sqlalchemy.orm",
        "from sqlalchemy import select",
        "from sqlalchemy.ext.asyncio import AsyncSession",
        "try:\n    import sqlalchemy\nexcept ImportError:\n    pass",
    ],
)
def test_the_scan_catches_every_form_of_an_orm_or_sql_import(source: str) -> None:
    assert violations(imported_modules(source, "api.routers"), ORM_AND_SQL)


def test_the_scan_resolves_relative_imports() -> None:
    in_db = "infrastructure.db.repositories"
    assert violations(imported_modules("from ..models import UserRow", in_db), ORM_AND_SQL)
    assert violations(imported_modules("from .. import models", in_db), ORM_AND_SQL)
    assert not violations(imported_modules("from . import wallets", in_db), ORM_AND_SQL)


@pytest.mark.parametrize(
    "source",
    [
        "import fastapi",
        "from fastapi import HTTPException",
        "from starlette.requests import Request",
        "import arq.jobs",
        "from arq import ArqRedis",
        "import uvicorn",
    ],
)
def test_the_scan_catches_web_and_queue_imports_in_services(source: str) -> None:
    assert violations(imported_modules(source, "services"), WEB_AND_QUEUE)


@pytest.mark.parametrize(
    "source",
    [
        "from infrastructure.db.uow import SqlUnitOfWork",
        "from infrastructure.db.repositories.users import UserRepository",
        "from infrastructure.db import uow",
        "from infrastructure import db",  # the package, not its models
        "import sqlalchemy_utils_lookalike",
        "from domain.models import Chain",  # the domain's models are not the ORM's
        "from api.models import Response",
    ],
)
def test_the_scan_allows_what_the_rules_allow(source: str) -> None:
    assert not violations(imported_modules(source, "api.routers"), ORM_AND_SQL)
    assert not violations(imported_modules(source, "services"), WEB_AND_QUEUE)

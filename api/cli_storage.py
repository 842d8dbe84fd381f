"""`staketrack storage`: each table's size now and the 12-month projection at mainnet
sizes (services/storage.py), as a table or as JSON ({data, meta})."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `staketrack --help` imports this module: nothing heavy at the top
    from infrastructure.settings import Settings

MIB = 1024**2


def add_command(sub: Any, command: Any) -> None:
    storage = command(sub, "storage", "print each table's size and a 12-month projection")
    storage.add_argument("--json", action="store_true", help="print the report as JSON")


def _mib(size: int) -> str:
    return f"{size / MIB:,.1f} MiB"


def run(settings: Settings, args: argparse.Namespace) -> int:
    from infrastructure.db.uow import SqlUnitOfWork
    from infrastructure.resources import open_resources
    from services.storage import GIB, TARGET_BYTES, StorageReport, storage_report

    async def work() -> StorageReport:
        resources = open_resources(settings)
        try:
            async with SqlUnitOfWork(resources.session_factory) as uow:
                return await storage_report(uow)
        finally:
            await resources.close()

    import asyncio

    report = asyncio.run(work())
    if args.json:
        data = {
            "tables": [{"table": t.name, "rows": t.rows, "bytes": t.bytes} for t in report.tables],
            "projection": {
                "months": report.months,
                "bytes": report.projected_bytes,
                "ethSetBytes": report.eth_set_bytes,
                "targetBytes": TARGET_BYTES,
                "withinTarget": report.within_target,
                "tables": [
                    {"table": p.table, "rows": p.rows, "bytes": p.bytes, "ethSet": p.eth_set}
                    for p in report.projected
                ],
            },
        }
        sys.stdout.write(json.dumps({"data": data, "meta": {}}) + "\n")
        return 0
    out = sys.stdout.write
    out(f"{'table':<28}{'rows':>14}{'size':>14}\n")
    for t in report.tables:
        if t.rows or t.bytes:
            out(f"{t.name:<28}{t.rows:>14,}{_mib(t.bytes):>14}\n")
    out(f"{'total':<28}{'':>14}{_mib(report.current_bytes):>14}\n\n")
    out(f"projection: {report.months} months at mainnet sizes\n")
    out(f"{'table':<28}{'rows':>14}{'size':>14}  part\n")
    for p in report.projected:
        part = "ETH validator set" if p.eth_set else ""
        out(f"{p.table:<28}{p.rows:>14,}{_mib(p.bytes):>14}  {part}\n")
    verdict = "within" if report.within_target else "OVER"
    out(
        f"without the ETH validator set: {report.projected_bytes / GIB:.2f} GiB "
        f"({verdict} the {TARGET_BYTES / GIB:.1f} GiB target)\n"
        f"the ETH validator set: {report.eth_set_bytes / GIB:.2f} GiB\n"
    )
    return 0

"""Fuzz every operation of /api/openapi.json with schemathesis against the real app on
PostgreSQL and Redis, as three callers: anonymous, a signed-in session and an API key.

    uv run --frozen python scripts/fuzz_api.py \\
        --postgres postgresql://postgres@127.0.0.1:5432/postgres --redis redis://127.0.0.1:6379/14

What it does, bounded (a hang guard on every step) and always cleaning up:

1. creates a fresh database `<--database-name>` on the --postgres server (dropped at the
   end) and empties the --redis database, then `staketrack migrate`;
2. starts `staketrack serve` on a free loopback port (NETWORK=demo, generous RATE_LIMIT_*
   so the fuzzer is not just answered 429, CRON_HMAC_KEYS set so the cron checks run);
3. signs in with a demo-network wallet (SIWE, the way MetaMask does), creates an API key
   with that session, then `staketrack fetch` fills validators and the wallet's positions
   so the reads reach real rows;
4. runs schemathesis over every operation three times (anonymous, `Bearer <session
   access token>`, `Bearer <API key>`), then the destructive session operations
   (`POST /api/auth/logout`, `DELETE /api/me`) last, with a throwaway session of their own
   — in the session run they would end the fuzz user's session or delete it mid-run;
5. stops the server in every case and prints one summary line; exits 1 on any failure.

Checks: not_a_server_error plus the schema checks (status codes, content types, response
bodies and headers must match the OpenAPI document). Deterministic: a fixed --seed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)
# ending the session or deleting the account mid-run would turn the rest into 401s
DESTRUCTIVE = ("POST /api/auth/logout", "DELETE /api/me")
START_TIMEOUT = 120.0  # hang guards, not deadlines: a healthy run takes a fraction
STEP_TIMEOUT = 600.0
GENEROUS = "1000000/minute"


@dataclass
class RunResult:
    name: str
    returncode: int
    seconds: float
    operations: int = 0
    cases: int = 0
    failures: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


async def recreate_database(server_url: str, name: str, *, drop_only: bool = False) -> None:
    import asyncpg

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise SystemExit(f"unsafe database name: {name!r}")
    dsn = server_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn, timeout=30)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def flush_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


def run_step(args: list[str], env: dict[str, str], what: str) -> None:
    started = time.monotonic()
    done = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"fuzz: {what} failed (exit {done.returncode})")
    log(f"{what}: ok in {time.monotonic() - started:.1f} s")


def log(message: str) -> None:
    print(f"fuzz: {message}", flush=True)  # noqa: T201


class Server:
    """`staketrack serve` in its own process group; `stop()` is safe to call twice."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, base_url: str) -> None:
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                [str(BIN / "staketrack"), "serve"],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"fuzz: the server exited at start ({self.process.returncode})")
            try:
                if httpx.get(base_url + "/api/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"fuzz: the server did not answer within {START_TIMEOUT:.0f} s")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass


def sign_in(client: httpx.Client, seed: int) -> str:
    """A session for the demo network's wallet `seed` (SIWE, as MetaMask would sign)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from demo_wallet import body  # the same signer as the development helper

    from domain.models import Chain

    nonce = client.get("/api/auth/nonce").raise_for_status().json()["data"]["nonce"]
    proof = body(Chain.ETH, seed, nonce, "localhost:5173", "http://localhost:5173")
    response = client.post("/api/auth/siwe", json=proof).raise_for_status()
    token: str = response.json()["data"]["accessToken"]
    return token


def create_api_key(client: httpx.Client, token: str) -> str:
    response = client.post(
        "/api/me/api-keys",
        json={"name": "fuzz"},
        headers={"Authorization": f"Bearer {token}"},
    ).raise_for_status()
    key: str = response.json()["data"]["key"]
    return key


def _failure_line(text: str) -> str:
    """`<check> — <curl reproduction>` from one schemathesis failure text."""
    checks = [line[2:].strip() for line in text.splitlines() if line.startswith("- ")]
    curls = [line.strip() for line in text.splitlines() if line.strip().startswith("curl ")]
    reproduce = curls[-1] if curls else ""
    if len(reproduce) > 400:
        reproduce = reproduce[:400] + " …"
    return f"{'; '.join(checks) or 'failure'} — {reproduce}"


def summarise(report: Path, output: Path) -> tuple[int, int, list[str]]:
    """(operations, generated test cases, failure lines) from schemathesis' JUnit report
    and its console output."""
    import xml.etree.ElementTree as ET

    if not report.exists():
        return 0, 0, ["no report written"]
    operations = 0
    failures: list[str] = []
    for case in ET.parse(report).getroot().iter("testcase"):
        operations += 1
        for problem in [*case.iter("failure"), *case.iter("error")]:
            failures.append(f"{case.get('name')}: {_failure_line(problem.text or '')}")
    generated = re.findall(r"(\d+) generated", output.read_text(errors="replace"))
    return operations, int(generated[-1]) if generated else 0, failures


def schemathesis(
    name: str,
    base_url: str,
    out_dir: Path,
    options: argparse.Namespace,
    *,
    token: str | None = None,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
) -> RunResult:
    junit = out_dir / f"{name}.xml"
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base_url}/api/openapi.json",
        "--url",
        base_url,
        "--checks",
        CHECKS,
        "--max-examples",
        str(options.max_examples),
        "--seed",
        str(options.seed),
        "--workers",
        str(options.workers),
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--continue-on-failure",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(out_dir),
        "--report-junit-path",
        str(junit),
    ]
    if token is not None:
        command += ["--header", f"Authorization: Bearer {token}"]
    for operation in include or options.operation:
        command += ["--include-name", operation]
    for operation in exclude:
        command += ["--exclude-name", operation]
    log(f"{name}: schemathesis over {'/'.join(include) or 'every operation'}")
    started = time.monotonic()
    with (out_dir / f"{name}.log").open("w") as output:
        returncode = subprocess.run(
            command,
            cwd=out_dir,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=STEP_TIMEOUT,
            env={
                **os.environ,
                "NO_COLOR": "1",
                "PYTHONPATH": str(ROOT / "scripts"),
                "SCHEMATHESIS_HOOKS": "fuzz_hooks",  # the hostile-values dictionary
            },
        ).returncode
    result = RunResult(name, returncode, time.monotonic() - started)
    result.operations, result.cases, result.failures = summarise(junit, out_dir / f"{name}.log")
    if returncode != 0 and not result.failures:
        result.failures = [f"schemathesis exited {returncode}; see {out_dir / (name + '.log')}"]
    return result


def _exception_line(traceback: str) -> str:
    """The final `module.Type: message` line of a traceback (not the SQL it quotes)."""
    lines = [line for line in traceback.splitlines() if re.match(r"[A-Za-z_][\w.]*: ", line)]
    return lines[-1][:200] if lines else "?"


def _route(path: str, templates: list[str]) -> str:
    for template in templates:
        if re.fullmatch(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)), path):
            return template
    return path


def server_errors(log_path: Path, templates: list[str]) -> list[str]:
    """Distinct unhandled exceptions the server logged (its redacted JSON log lines) per
    route, each with one request path that raised it and how many did."""
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") != "unhandled_error":
            continue
        error = _exception_line(entry.get("exception") or "")
        path = str(entry.get("path"))
        key = (f"{entry.get('method')} {_route(path, templates)}", error)
        example, count = seen.get(key, (json.dumps(path), 0))
        seen[key] = (example, count + 1)
    return [
        f"{route}: {error} (x{count}, e.g. {example})"
        for (route, error), (example, count) in sorted(seen.items())
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("FUZZ_POSTGRES_URL"))
    parser.add_argument("--redis", default=os.environ.get("FUZZ_REDIS_URL"))
    parser.add_argument("--database-name", default=f"staketrack_fuzz_{os.getpid()}")
    parser.add_argument("--max-examples", type=int, default=50, help="per operation and phase")
    parser.add_argument("--seed", type=int, default=20261)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the reports directory")
    parser.add_argument(
        "--operation", action="append", default=[], help="only this operation, e.g. 'GET /api/me'"
    )
    options = parser.parse_args()
    if not options.postgres or not options.redis:
        parser.error("--postgres and --redis (or FUZZ_POSTGRES_URL, FUZZ_REDIS_URL) are needed")
    # SIGTERM (CI cancelled) unwinds like Ctrl-C: the finally below stops the server
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    started = time.monotonic()
    out_dir = Path(tempfile.mkdtemp(prefix="staketrack-fuzz-"))
    database_url = with_database(options.postgres, options.database_name)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": options.redis,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "NETWORK": "demo",
        "DEMO_ETH_VALIDATORS": "500",
        "DATA_DIR": str(out_dir / "data"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
        "RATE_LIMIT_DEFAULT": GENEROUS,
        "RATE_LIMIT_AUTH": GENEROUS,
        "RATE_LIMIT_EMAIL": GENEROUS,
        "RATE_LIMIT_SIGN_IN_FAILURES": GENEROUS,
        "CRON_HMAC_KEYS": secrets.token_hex(32),
    }
    server = Server(env, out_dir / "server.log")
    results: list[RunResult] = []
    templates: list[str] = []
    try:
        asyncio.run(recreate_database(options.postgres, options.database_name))
        asyncio.run(flush_redis(options.redis))
        run_step([str(BIN / "staketrack"), "migrate"], env, "migrate")
        server.start(base_url)
        log(f"server up on {base_url}")
        with httpx.Client(base_url=base_url, timeout=30) as client:
            templates = list(client.get("/api/openapi.json").raise_for_status().json()["paths"])
            token = sign_in(client, seed=1)
            api_key = create_api_key(client, token)
        # after the sign-in: the wallet is linked, so its positions are fetched too
        run_step([str(BIN / "staketrack"), "fetch"], env, "seed (staketrack fetch)")

        results.append(schemathesis("anonymous", base_url, out_dir, options))
        results.append(
            schemathesis("session", base_url, out_dir, options, token=token, exclude=DESTRUCTIVE)
        )
        results.append(schemathesis("api-key", base_url, out_dir, options, token=api_key))
        with httpx.Client(base_url=base_url, timeout=30) as client:
            throwaway = sign_in(client, seed=2)
        results.append(
            schemathesis(
                "session-destructive",
                base_url,
                out_dir,
                options,
                token=throwaway,
                include=DESTRUCTIVE,
            )
        )
        if not server.alive():
            results.append(RunResult("server", 1, 0.0, failures=["the server process died"]))
    finally:
        server.stop()
        try:
            asyncio.run(recreate_database(options.postgres, options.database_name, drop_only=True))
        except Exception as exc:
            log(f"could not drop {options.database_name}: {exc}")

    seconds = time.monotonic() - started
    failures = sum(len(r.failures) for r in results)
    for result in results:
        log(
            f"{result.name}: {result.operations} operations, {result.cases} test cases, "
            f"{len(result.failures)} failures, {result.seconds:.0f} s"
        )
        for failure in result.failures:
            log(f"  FAIL {failure}")
    crashed = server_errors(out_dir / "server.log", templates)
    for error in crashed:
        log(f"  server logged unhandled_error {error}")
    log(
        f"SUMMARY {'FAILED' if failures or crashed else 'passed'}: {failures} failures, "
        f"{len(crashed)} distinct server errors, {len(results)} runs, {seconds:.0f} s total"
    )
    ok = not failures and not crashed and all(r.returncode == 0 for r in results)
    if ok and not options.keep:
        shutil.rmtree(out_dir, ignore_errors=True)
    else:
        log(f"reports, schemathesis logs and the server log: {out_dir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`staketrack serve` as a process under hostile bodies (issue 10, findings 1 and 4): the
nested-array body that used to end in a segmentation fault answers 422, 38 MiB bodies
(declared or chunked) answer 413 without being read, and the server's memory stays put."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import HANG_GUARD_SECONDS as HANG_GUARD
from tests.e2e.processes import STAKETRACK, free_port, run, wait_for

MIB = 1024 * 1024
LIMIT = 256 * 1024  # above the 160 KB nested body, so the depth guard itself answers


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    tmp = tmp_path_factory.mktemp("edge")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATA_DIR=str(tmp / "data"),
        NETWORK="demo",
        DEMO_ETH_VALIDATORS="2000",
        PORT=str(port),
        MAX_REQUEST_BODY_BYTES=str(LIMIT),
        LOG_LEVEL="WARNING",
    )
    run("migrate", env=env, check=True)
    with (tmp / "server.log").open("wb") as log:  # a file: a full pipe cannot block it
        process = subprocess.Popen([STAKETRACK, "serve"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/api/health", timeout=HANG_GUARD).status_code == 200
        except httpx.TransportError:
            return False

    try:
        try:
            wait_for(healthy, "200 on /api/health", process)
        except BaseException:
            sys.stderr.write((tmp / "server.log").read_text()[-2000:])  # shown on failure
            raise
        yield process, base
    finally:
        process.kill()  # this test is about requests, not shutdown
        process.wait(timeout=HANG_GUARD)


def _post_raw(base: str, path: str, size: int, *, chunked: bool) -> int:
    """POST `size` bytes of JSON whitespace from a sender thread while reading the
    answer, as a client that does not wait for it would; the status code."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=HANG_GUARD)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"{framing}\r\n\r\n".encode()
    )

    def send_body() -> None:
        chunk = b" " * MIB
        framed = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
        try:
            for _ in range(size // MIB):
                sock.sendall(framed)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and stopped reading

    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    try:
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(65536)
            assert data, "the server closed the connection without answering"
            answer += data
        return int(answer.split(b" ", 2)[1])
    finally:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a sender blocked in sendall
        sender.join(timeout=HANG_GUARD)
        sock.close()


def test_nested_json_answers_422_and_the_process_lives(
    server: tuple[subprocess.Popen[bytes], str],
) -> None:
    process, base = server
    nested = b"[" * 80_000 + b"]" * 80_000
    with httpx.Client(base_url=base, timeout=HANG_GUARD) as client:
        for path in ("/api/auth/email", "/api/auth/siwe", "/api/yield/calculate"):
            response = client.post(
                path, content=nested, headers={"content-type": "application/json"}
            )
            assert response.status_code == 422, (path, response.text)
            assert response.json()["details"]["fields"][0]["type"] == "json_too_deep"
        assert client.get("/api/health").status_code == 200
    assert process.poll() is None


def test_38_mib_bodies_answer_413_and_memory_stays_put(
    server: tuple[subprocess.Popen[bytes], str],
) -> None:
    process, base = server
    with httpx.Client(base_url=base, timeout=HANG_GUARD) as client:
        # warm up every code path (and a body at the limit) before the baseline
        at_limit = b'{"chain": "sol", "amount": "x"' + b" " * (LIMIT - 31) + b"}"
        for _ in range(3):
            client.post(
                "/api/yield/calculate",
                content=at_limit,
                headers={"content-type": "application/json"},
            )
            _post_raw(base, "/api/yield/calculate", 2 * MIB, chunked=True)
            _post_raw(base, "/api/yield/calculate", 2 * MIB, chunked=False)
        before = _rss_mib(process.pid)
        statuses = [
            _post_raw(base, "/api/yield/calculate", 38 * MIB, chunked=False),
            _post_raw(base, "/api/auth/email", 38 * MIB, chunked=True),
        ]
        # four concurrent 7.6 MiB bodies, as in the report
        results: list[int] = []
        threads = [
            threading.Thread(
                target=lambda chunked=bool(i % 2): results.append(
                    _post_raw(base, "/api/auth/siwe", 8 * MIB, chunked=chunked)
                )
            )
            for i in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=HANG_GUARD)
        after = _rss_mib(process.pid)
        health = client.get("/api/health")
    assert statuses == [413, 413] and results == [413] * 4
    assert health.status_code == 200 and process.poll() is None
    assert after - before < 20, f"RSS grew {after - before:.1f} MiB ({before:.0f} -> {after:.0f})"

"""The `make run` server as a test's child process: started as `make run` starts it (localdev.devserver:
the local DynamoDB process, the tables, the demo data, waitress), on a free port, its data in a
temporary folder; stopped with SIGTERM to its process group, as Ctrl-C would."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# What a developer's shell may set that would point the test's server elsewhere.
NOT_INHERITED = ("DYNAMODB_ENDPOINT_URL", "DEBUG", "SITE_URL", "DEMO_PASSWORD", "PORT", "LOCALDB_PORT")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(port: int, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None) -> Any:
    """One request on its own connection: (status, headers, text). A reset connection raises OSError."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode(errors="replace")
    finally:
        conn.close()


@contextmanager
def make_run(data_dir: Path, *, port: int, extra_env: Mapping[str, str] | None = None) -> Iterator[int]:
    """Serve until the block ends; yield the port once the sign-in page answers 200."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update({"PORT": str(port), "LOCALDATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), **(extra_env or {})})
    log = data_dir / "make-run.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "localdev.devserver"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if call(port, "GET", "/accounts/sign-in/")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # devserver stops the site, then the database (final snapshot)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def memory_mb(data_dir: Path, port: int) -> dict[str, int]:
    """RSS in MB of the local DynamoDB (its snapshot lives in data_dir) and of the site (waitress)."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        name = "dynamodb" if "localdev.dynamodb" in cmdline and str(data_dir) in cmdline else None
        name = name or ("site" if "localdev.wsgiserver" in cmdline and cmdline.rstrip().endswith(f" {port}") else None)
        if name:
            found[name] = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) // 1024
    return found

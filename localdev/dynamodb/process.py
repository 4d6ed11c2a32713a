"""Start a server as a child process and wait for the line that says it is ready.

Used wherever a real server process is needed beside the code under test (the stress and load
tests, the benchmarks): the child prints `<READY> <url>` once it serves; what it prints after
that is read and dropped, so a chatty child can never block on a full pipe.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def started(args: list[str], *, ready: str, env: Mapping[str, str]) -> Iterator[str]:
    """Run `args` in the repository root; yield the URL from its ready line; stop it afterwards."""
    proc = subprocess.Popen(args, cwd=ROOT, env=dict(env), stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        if not line.startswith(ready + " "):
            raise RuntimeError(f"{args[-1]!r} did not start: {line!r}")
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield line.split()[1]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        proc.stdout.close()


def local_dynamodb(env: Mapping[str, str]) -> AbstractContextManager[str]:
    """The project's local DynamoDB server (serialised moto) on a free loopback port."""
    return started([sys.executable, "-m", "localdev.dynamodb", "--port", "0"], ready="LOCALDB_READY", env=env)

"""`make run`: the whole site on this machine, no AWS account, nothing to start by hand.

Starts the local DynamoDB server (moto, one request at a time, snapshot to .localdata/, or to
LOCALDATA_DIR), creates the tables, loads the demo data once, prints the demo accounts, and serves
the site through waitress with threads (localdev/wsgiserver.py), which holds a crowd.
`make dev` (`--dev`) serves with Django's auto-reloading runserver instead. The database runs in
its own process, started here, so the autoreloader restarts only the site, never the database.
Ctrl-C stops both; the database writes its final snapshot first.

With DYNAMODB_ENDPOINT_URL already set, no local server is started and no demo data is
loaded unless that endpoint is on this machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LOCALDATA_DIR") or ROOT / ".localdata")
DEFAULT_DEMO_PASSWORD = "demo-password-2026"


def _python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, text=True)  # noqa: S603


def start_localdb(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "localdev.dynamodb",
            "--port",
            env.get("LOCALDB_PORT", "0"),
            "--snapshot",
            str(DATA_DIR / "dynamodb.json"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("LOCALDB_READY "):
            return proc, line.split()[1]
        print(line, end="")
    raise SystemExit("The local DynamoDB server did not start.")


def site_env(env: dict[str, str], *, port: str) -> None:
    """What the site runs with here, unless already set: links in emails and calendar feeds to this
    server's own address (SITE_URL, from PORT), and DEBUG off, so visitors see the designed error
    pages (404, 403, 500) as in production; runserver's --insecure still serves static/.
    DEBUG=1 brings Django's debug pages back (tracebacks; the 404 page stays the designed one)."""
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    env.setdefault("DEBUG", "0")


def runserver_args(port: str) -> list[str]:
    """--insecure: static files served by runserver with DEBUG off (local only; never in AWS)."""
    return ["manage.py", "runserver", "--insecure", f"127.0.0.1:{port}"]


def site_args(port: str, *, dev: bool) -> list[str]:
    """`make run`: waitress (threads, static files from the app); `make dev`: the reloading runserver."""
    return runserver_args(port) if dev else ["-m", "localdev.wsgiserver", port]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    dev = "--dev" in (sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops everything too, like Ctrl-C
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "reservations.settings")
    # Local fakes so botocore can sign requests to the local server; never used against AWS.
    env.setdefault("AWS_ACCESS_KEY_ID", "local")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    env.setdefault("AWS_REGION", "eu-west-1")
    port = env.get("PORT", "8000")
    password = env.setdefault("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    site_env(env, port=port)

    localdb = None
    if not env.get("DYNAMODB_ENDPOINT_URL"):
        localdb, endpoint = start_localdb(env)
        env["DYNAMODB_ENDPOINT_URL"] = endpoint
    try:
        _python("manage.py", "create_tables", env=env)
        if (
            localdb is not None
            or "127.0.0.1" in env["DYNAMODB_ENDPOINT_URL"]
            or "localhost" in env["DYNAMODB_ENDPOINT_URL"]
        ):
            _python("manage.py", "load_demo", env=env)
            print(
                "\n  Demo accounts (password from DEMO_PASSWORD):\n"
                f"    member@example.com / {password}\n"
                f"    staff@example.com  / {password}\n"
                f"    admin@example.com  / {password}\n"
                f"  Local DynamoDB: {env['DYNAMODB_ENDPOINT_URL']} (data kept in {DATA_DIR.name}/)\n"
                f"  Site: http://127.0.0.1:{port}/   (Ctrl-C stops everything; links in emails: {env['SITE_URL']})\n",
                flush=True,
            )
        # Own process groups: we decide how children stop (a background shell ignores SIGINT).
        site = subprocess.Popen(  # noqa: S603
            [sys.executable, *site_args(port, dev=dev)], cwd=ROOT, env=env, start_new_session=True
        )
        try:
            return site.wait()
        except KeyboardInterrupt:
            _stop_group(site, timeout=10)
            return 0
    except subprocess.CalledProcessError as error:
        return error.returncode or 1
    finally:
        if localdb is not None:
            _stop_group(localdb, timeout=20)  # it writes its final snapshot on SIGTERM


def _stop_group(proc: subprocess.Popen[str] | subprocess.Popen[bytes], *, timeout: float) -> None:
    """SIGTERM the child's process group (runserver's reloader has a child of its own), then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


if __name__ == "__main__":
    raise SystemExit(main())

"""The site behind waitress, a production WSGI server with threads: `python -m localdev.wsgiserver PORT`.

What `make run` serves through. Django's runserver answers a crowd badly: 40 concurrent bookings
left 12 connections reset. Waitress accepts every connection (a large backlog and connection
limit) and hands requests to a fixed pool of threads; the rest wait in its queue, not in the
kernel's. The pool is small on purpose: the local DynamoDB answers one request at a time, so more
threads would only lengthen its queue past the app's 3 s read timeout, and botocore would then
retry transactions that had committed.

Static files are served from the WSGI app itself (Django's StaticFilesHandler, what
`runserver --insecure` uses): local only, never in AWS, where they come from S3.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import FrameType
from typing import Any

# Requests served at once. Each holds one DynamoDB connection while it waits for the local server.
THREADS = 16
# Open connections accepted at once (waitress's default, 100, is exactly one crowd) and the
# listen backlog beyond that: generous, so a burst is queued rather than refused.
CONNECTION_LIMIT = 512
BACKLOG = 2048


def application() -> Any:
    """The Django app with static files served in-process (the local run has no S3 or CDN)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reservations.settings")
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    return StaticFilesHandler(get_wsgi_application())


def server_options(port: str | int) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": int(port),
        "threads": THREADS,
        "connection_limit": CONNECTION_LIMIT,
        "backlog": BACKLOG,
        "channel_timeout": 120,
        "ident": "reservations-local",
        "clear_untrusted_proxy_headers": True,
    }


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdev.wsgiserver")
    parser.add_argument("port", help="port on 127.0.0.1")
    args = parser.parse_args(argv)
    # A pool that matches the threads: no request waits for a free DynamoDB connection.
    os.environ.setdefault("DYNAMODB_MAX_POOL_CONNECTIONS", str(THREADS))
    from waitress import create_server

    server = create_server(application(), **server_options(args.port))
    signal.signal(signal.SIGTERM, _stop)
    print(f"SITE_READY http://127.0.0.1:{server.effective_port}", flush=True)  # type: ignore[union-attr]
    try:
        server.run()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the local DynamoDB in the foreground: `python -m localdev.dynamodb`.

Prints `LOCALDB_READY http://127.0.0.1:PORT` once the snapshot (if any) is
restored, so scripts can wait for that line and learn a port chosen with
`--port 0`.  SIGINT and SIGTERM both stop it cleanly: a final snapshot is
written before exiting 0, so `make run` can be interrupted without data loss.
"""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from localdev.dynamodb.server import start_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m localdev.dynamodb",
        description="Local DynamoDB endpoint (moto, one request at a time), bound to 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=8001, help="port to bind; 0 picks a free one")
    parser.add_argument("--snapshot", metavar="PATH", help="JSON file to restore from and save to")
    parser.add_argument(
        "--snapshot-interval",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="how often to save when something changed (default: 2)",
    )
    args = parser.parse_args(argv)

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Installed before starting so an early Ctrl-C still gets a clean stop.
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    server = start_server(port=args.port, snapshot_path=args.snapshot, snapshot_interval=args.snapshot_interval)
    try:
        print(f"LOCALDB_READY {server.endpoint_url}", flush=True)
        while not stop.wait(0.5):  # a bounded wait lets signal handlers run promptly
            pass
    finally:
        server.stop()
    print("LOCALDB_STOPPED", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

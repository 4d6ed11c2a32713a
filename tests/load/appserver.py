"""The Django app on a threaded WSGI server, for load tests: `python -m tests.load.appserver`.

Bound to 127.0.0.1 on a free port; prints `APP_READY http://127.0.0.1:PORT`. Its DynamoDB is
whatever DYNAMODB_ENDPOINT_URL names (the load test starts a local server process first).
"""

from __future__ import annotations

import os
import signal
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reservations.settings")
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """One line per request would drown the test output; 5xx are counted by the client."""

    ThreadedWSGIServer.request_queue_size = 256  # a burst of members connecting at once
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    host, port = server.server_address[:2]
    print(f"APP_READY http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

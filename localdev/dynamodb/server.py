"""A local DynamoDB endpoint: moto's WSGI app behind one request lock.

Why not `moto_server`?  It always serves threaded and moto applies conditional writes
without any locking of its own, so about one round in a thousand lets two
`attribute_not_exists` puts of the same key both succeed. Double bookings are exactly what
this project must prevent, so a local server that allows them would make stress tests lie.
Here every request runs under one lock, which gives DynamoDB's per-item atomicity (and more)
at local-development throughput.

moto's state lives in process-global backends, so only one server may run
per process, and starting one wipes whatever moto held before.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import secrets
import threading
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from localdev.dynamodb import keyquery, ordering, snapshot, transactions, view, wire

logger = logging.getLogger(__name__)

# DynamoDB actions that never change state; anything else marks the data dirty.
READ_ACTIONS = frozenset(
    {
        "GetItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "DescribeTable",
        "ListTables",
        "DescribeTimeToLive",
        "TransactGetItems",
        "DescribeContinuousBackups",
    }
)
_BYPASS_HEADER = "X-Localdb-Bypass"
_BYPASS_ENVIRON_KEY = "HTTP_X_LOCALDB_BYPASS"

_active_lock = threading.Lock()
_active: LocalDynamoDB | None = None


class _SerialisedApp:
    """WSGI wrapper that runs moto one request at a time and tracks writes.

    The response iterable is consumed inside the lock too, because a WSGI app
    may do its work lazily while being iterated.  The server itself needs to
    read while holding the lock (a snapshot must not interleave with writes),
    so a holder of `exclusive()` gets a per-process secret header whose
    requests skip the lock; nobody else can know the token.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._token = secrets.token_hex(16)
        self.dirty = False
        self.closed = False

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        token = environ.get(_BYPASS_ENVIRON_KEY, "")
        if token and hmac.compare_digest(token, self._token):
            return self._run(environ, start_response)
        with self._lock:
            if self.closed:
                return _unavailable(start_response)
            return self._run(environ, start_response)

    @contextmanager
    def exclusive(self) -> Iterator[dict[str, str]]:
        """Hold the request lock; yield headers that let requests through it."""
        with self._lock:
            yield {_BYPASS_HEADER: self._token}

    def _run(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        action = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2]
        if action not in READ_ACTIONS:
            self.dirty = True
        result = self._app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()


def _unavailable(start_response: Callable[..., Any]) -> list[bytes]:
    """Refuse requests after the final snapshot so none is silently lost."""
    body = json.dumps({"__type": "ServiceUnavailable", "message": "local DynamoDB is shutting down"}).encode()
    start_response(
        "503 Service Unavailable",
        [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(body)))],
    )
    return [body]


class _QuietHandler(WSGIRequestHandler):
    """Drop per-request access logs: stress tests would flood the terminal.

    Plain werkzeug rather than moto's newer MotoRequestHandler: that one only
    keeps underscored S3 metadata headers, which DynamoDB never sends.
    """

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class LocalDynamoDB:
    """A running local endpoint; create it with `start_server`."""

    def __init__(
        self,
        httpd: BaseWSGIServer,
        app: _SerialisedApp,
        snapshot_path: str | None,
        snapshot_interval: float,
    ) -> None:
        self._httpd = httpd
        self._app = app
        self._snapshot_path = snapshot_path
        self._snapshot_interval = snapshot_interval
        self._stopping = threading.Event()
        self._write_lock = threading.Lock()
        self._encoder = view.Encoder()
        self._stopped = False
        self.port: int = httpd.server_port
        address = str(httpd.server_address[0])
        self.endpoint_url = f"http://{f'[{address}]' if ':' in address else address}:{self.port}"
        self._serve_thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="localdb-http",
            daemon=True,
        )
        self._snapshot_thread = threading.Thread(target=self._snapshot_loop, name="localdb-snapshot", daemon=True)

    def __enter__(self) -> LocalDynamoDB:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving; with a snapshot path, write a last snapshot first.

        The final snapshot and the switch to refusing requests happen under
        the request lock, so no write can land after the snapshot is taken.
        """
        global _active
        if self._stopped:
            return
        self._stopped = True
        self._stopping.set()
        if self._snapshot_thread.is_alive():
            self._snapshot_thread.join()
        try:
            with self._write_lock:
                with self._app.exclusive():
                    views = view.capture() if self._snapshot_path else None
                    self._app.closed = True
                if views is not None:
                    self._write(views)
        finally:
            if self._serve_thread.ident is not None:  # shutdown() hangs if never served
                self._httpd.shutdown()
                self._serve_thread.join()
            self._httpd.server_close()
            with _active_lock:
                if _active is self:
                    _active = None
                    wire.uninstall()
                    keyquery.uninstall()
                    ordering.uninstall()
                    transactions.uninstall()

    def _start(self) -> None:
        self._serve_thread.start()
        with self._app.exclusive() as headers:
            _reset_moto(self.endpoint_url, headers)
            data = snapshot.load(self._snapshot_path) if self._snapshot_path else None
            if data is not None:
                view.restore(self.endpoint_url, data, headers=headers)
            self._app.dirty = False
        if self._snapshot_path:
            self._snapshot_thread.start()

    def _snapshot_loop(self) -> None:
        """Snapshot every interval, but only when a write happened since the last: the view is
        taken under the request lock (references only), encoded and written outside it."""
        while not self._stopping.wait(self._snapshot_interval):
            if not self._app.dirty:
                continue
            try:
                with self._write_lock:
                    with self._app.exclusive():
                        views = view.capture()
                        self._app.dirty = False
                    self._write(views)
            except Exception:
                self._app.dirty = True
                logger.exception("localdb: periodic snapshot failed; will retry")

    def _write(self, views: list[view.TableView]) -> None:
        """Encode and write a captured view; the caller holds the write lock (not the request
        lock), which keeps the file's history in the same order as the data's."""
        assert self._snapshot_path is not None
        snapshot.write_atomic(self._snapshot_path, self._encoder.chunks(views))


def _reset_moto(endpoint_url: str, headers: dict[str, str]) -> None:
    """Start from empty state: moto's backends outlive a stopped server in-process."""
    # S310: the URL is always our own http://127.0.0.1 endpoint, never user input.
    request = urllib.request.Request(f"{endpoint_url}/moto-api/reset", data=b"", method="POST", headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()


def start_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    snapshot_path: str | None = None,
    snapshot_interval: float = 2.0,
) -> LocalDynamoDB:
    """Serve a local DynamoDB endpoint from a background thread.

    `port=0` picks a free port; read it back from `.port` / `.endpoint_url`.
    When `snapshot_path` exists its tables are restored before this returns;
    changes are written back every `snapshot_interval` seconds and on stop.
    Only loopback hosts are accepted: the endpoint has no authentication.
    """
    global _active
    if not _is_loopback(host):
        raise ValueError(f"refusing to bind {host!r}: the local DynamoDB has no auth")
    if snapshot_interval <= 0:
        raise ValueError("snapshot_interval must be positive")
    with _active_lock:
        if _active is not None:
            raise RuntimeError(
                f"a local DynamoDB already runs in this process at {_active.endpoint_url}; "
                "moto's state is process-global, so two would share and reset each other's tables"
            )
        app = _SerialisedApp(DomainDispatcherApplication(create_backend_app))
        httpd = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        server = LocalDynamoDB(httpd, app, snapshot_path, snapshot_interval)
        _active = server
        transactions.install()  # item-level undo, copy-on-write items (uninstalled on stop)
        ordering.install()  # Query and Scan sort on plain values, computed once per item
        keyquery.install()  # Query reads its partition only (indexes.py keeps the maps)
        wire.install()  # Query and Scan answers written by json.dumps, not moto's shape walker
    try:
        server._start()
    except BaseException:
        server._snapshot_path = None  # never overwrite a snapshot we failed to load
        server.stop()
        raise
    return server


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

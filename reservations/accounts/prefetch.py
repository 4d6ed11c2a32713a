"""Users read together with the session, kept for the rest of one request only.

A signed-in request used to cost two reads before its own work: the session, then the user.
The session key now starts with the user's id, made opaque ("<prefix>.<random>", see
session_store and session_key), so both rows come back in one BatchGetItem; the user row is kept here and the auth backend takes
it instead of reading again. It is the user row itself, read strongly consistent on every
request, so a deactivation or a role change applies to the very next request.

The cache lives in a ContextVar that RequestScopeMiddleware empties at the start and end of
every request: nothing read for one request is ever seen by another (WSGI servers reuse
threads). Outside a request (commands, tests calling the backend directly) nothing is cached.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

_users: ContextVar[dict[str, Any] | None] = ContextVar("prefetched_users", default=None)
MISSING = object()


def remember(user_id: str, record: Any) -> None:
    """`record`: the UserRecord, or None when the row does not exist."""
    cache = _users.get()
    if cache is not None:
        cache[user_id] = record


def lookup(user_id: str) -> Any:
    """The record read with the session in this request, None if it did not exist, else MISSING."""
    cache = _users.get()
    return MISSING if cache is None else cache.get(user_id, MISSING)


def forget(user_id: str) -> None:
    cache = _users.get()
    if cache is not None:
        cache.pop(user_id, None)


class RequestScopeMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _users.set({})
        try:
            return self.get_response(request)
        finally:
            _users.reset(token)

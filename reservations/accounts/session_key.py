"""The opaque prefix of a signed-in session key: the user id through a keyed 64-bit permutation.

A signed-in session's key is "<prefix>.<random>" (accounts/session_store.py). The prefix used
to be the user id itself, which the cookie then showed. Now it is the id's 8 bytes through a
keyed permutation: the server turns the prefix back into the id, so one BatchGetItem still
reads the session and the user together, and the cookie shows nothing of who it is for.

The permutation is a balanced Feistel network on 64 bits, 8 rounds, each round function the
first 32 bits of HMAC-SHA-256 (key, round ‖ half), the key derived from SECRET_KEY. A Feistel
network of a keyed pseudo-random function is a pseudo-random permutation (Luby-Rackoff; 4
rounds suffice, 8 cost a few microseconds). Why not a library: the standard library has HMAC
but no block cipher; `cryptography` (not a dependency) would add a native wheel to the Lambda
package, and its AES has 128-bit blocks, which would double the prefix for nothing. Nothing
rests on this for integrity: the store uses the prefetched user row only when the session row
it read belongs to that same user (session_store), and a key that does not decode to the row's
own user is not a session at all.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

ROUNDS = 8
SALT = b"reservations.accounts.session_key"
ID_BYTES = 8  # user ids are 8 random bytes in hex (accounts.users.user_create)


def _key() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), SALT, hashlib.sha256).digest()


def _round(key: bytes, number: int, half: bytes) -> bytes:
    return hmac.new(key, bytes([number]) + half, hashlib.sha256).digest()[:4]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def encode(user_id: str) -> str | None:
    """The prefix for `user_id` (16 hex digits), or None for an id that is not 8 bytes of hex."""
    try:
        block = bytes.fromhex(user_id)
    except ValueError:
        return None
    if len(block) != ID_BYTES or block.hex() != user_id:
        return None
    key, left, right = _key(), block[:4], block[4:]
    for number in range(ROUNDS):
        left, right = right, _xor(left, _round(key, number, right))
    return (left + right).hex()


def decode(prefix: str) -> str | None:
    """The user id a prefix stands for, or None when it is not 16 lowercase hex digits."""
    try:
        block = bytes.fromhex(prefix)
    except ValueError:
        return None
    if len(block) != ID_BYTES or block.hex() != prefix:
        return None
    key, left, right = _key(), block[:4], block[4:]
    for number in reversed(range(ROUNDS)):
        left, right = _xor(right, _round(key, number, left)), left
    return (left + right).hex()

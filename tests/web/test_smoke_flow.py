from __future__ import annotations

from tests.factories import PASSWORD, future_slot


def test_sign_in_book_prolong_cancel(client, member, item):
    r = client.post("/accounts/sign-in/", {"email": "member@example.com", "password": PASSWORD})
    assert r.status_code == 302, r.content
    r = client.get("/")
    assert r.status_code == 200
    assert b"Projector" in r.content
    start, end = future_slot()
    r = client.post(f"/items/{item.item_id}/book/", {"start": start.astimezone().strftime("%Y-%m-%dT%H:%M"), "end": end.astimezone().strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code in (302, 422), r.content.decode()[:3000]

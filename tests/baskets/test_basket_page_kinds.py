"""Kinds in the member's page basket: "Add to basket" on a kind's page adds one line (any unit of the
kind; added twice, two units), the basket page lists kind lines by the kind's name, booking books a
free unit per line, a refused kind line shows its error beside its own row, and a kit's page lists
its kind lines."""

from __future__ import annotations

import re

from reservations.baskets import kits
from reservations.store.models import BasketRecord, ReservationRecord
from reservations.web.basket_session import SESSION_KEY
from tests.baskets.test_basket_pages import local
from tests.factories import as_staff, future_slot, make_item
from tests.kinds.helpers import make_kind


def _rows(html: str) -> list[str]:
    """The basket table's rows, in order."""
    body = html.split('class="bookings basket-lines"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[ >].*?</tr>", body.split("<tbody>", 1)[1], flags=re.S)


def _held(client) -> list[str]:
    return list(client.session.get(SESSION_KEY) or [])


def test_add_a_kind_twice_and_an_item_then_book_three_lines(member_client, member):
    kind, units = make_kind(name="Sony A7 body", units=2)
    lens = make_item(name="Lens")
    page = member_client.get(f"/kinds/{kind.kind_id}/").content.decode()
    assert 'action="/basket/add/"' in page and f'name="kind_id" value="{kind.kind_id}"' in page
    for _ in range(2):
        assert member_client.post("/basket/add/", {"kind_id": kind.kind_id}).status_code == 302
    assert member_client.post("/basket/add/", {"item_id": lens.item_id}).status_code == 302
    rows = _rows(member_client.get("/basket/").content.decode())
    assert len(rows) == 3 and ["Sony A7 body" in r for r in rows] == [False, True, True]
    start, end = future_slot(hours=2)
    r = member_client.post("/basket/", {"start": local(start), "end": local(end)})
    assert r.status_code == 302, r.content.decode()[:2000]
    booked = list(ReservationRecord.scan())
    assert len(booked) == 3
    kind_lines = [x for x in booked if x.kind_id == kind.kind_id]
    assert sorted(x.item_id for x in kind_lines) == sorted(u.item_id for u in units)  # two distinct units
    assert _held(member_client) == []


def test_remove_one_kind_line(member_client):
    kind, _ = make_kind(units=2)
    for _ in range(2):
        member_client.post("/basket/add/", {"kind_id": kind.kind_id})
    assert member_client.post("/basket/remove/", {"kind_id": kind.kind_id}).status_code == 302
    assert len(_rows(member_client.get("/basket/").content.decode())) == 1
    member_client.post("/basket/remove/", {"kind_id": kind.kind_id})
    assert "Your basket is empty." in member_client.get("/basket/").content.decode()


def test_a_kind_with_no_free_unit_is_refused_beside_its_row_and_nothing_is_written(member_client):
    kind, _ = make_kind(name="Sony A7 body", units=1)
    lens = make_item(name="Lens")
    member_client.post("/basket/add/", {"item_id": lens.item_id})
    for _ in range(2):
        member_client.post("/basket/add/", {"kind_id": kind.kind_id})
    start, end = future_slot(hours=1)
    r = member_client.post("/basket/", {"start": local(start), "end": local(end)})
    assert r.status_code == 409  # basket_refused: the product's one status for a refused basket
    rows = _rows(r.content.decode())
    assert ["has-error" in row for row in rows] == [False, False, True]  # the second unit asked is the one missing
    assert "No Sony A7 body is free for that time" in rows[2]
    assert list(ReservationRecord.scan()) == [] and list(BasketRecord.scan()) == []


def test_a_bad_or_unknown_kind_is_a_clear_message_and_the_basket_is_unchanged(member_client):
    lens = make_item(name="Lens")
    member_client.post("/basket/add/", {"item_id": lens.item_id})
    before = _held(member_client)
    for bad in ("not a kind!", "no-such-kind", ""):
        r = member_client.post("/basket/add/", {"kind_id": bad}, follow=True)
        assert "That is not a kind." in r.content.decode()
        assert _held(member_client) == before


def test_a_kind_gone_from_the_store_shows_its_id_and_books_into_a_line_error(member_client):
    lens = make_item(name="Lens")
    session = member_client.session
    session[SESSION_KEY] = [lens.item_id, "kind:gone-kind"]  # a session from before the kind went away
    session.save()
    rows = _rows(member_client.get("/basket/").content.decode())
    assert "gone-kind" in rows[1]
    start, end = future_slot(hours=1)
    r = member_client.post("/basket/", {"start": local(start), "end": local(end)})
    assert r.status_code == 409
    rows = _rows(r.content.decode())
    assert ["has-error" in row for row in rows] == [False, True] and 'line-error">No longer offered: remove it' in rows[
        1
    ]
    assert list(ReservationRecord.scan()) == []


def test_an_old_session_of_item_ids_still_works(member_client):
    lens = make_item(name="Lens")
    session = member_client.session
    session[SESSION_KEY] = [lens.item_id]
    session.save()
    assert "Lens" in member_client.get("/basket/").content.decode()
    start, end = future_slot(hours=1)
    assert member_client.post("/basket/", {"start": local(start), "end": local(end)}).status_code == 302


def test_a_form_may_post_kind_lines_itself(member_client):
    kind, units = make_kind(units=2)
    start, end = future_slot(hours=1)
    r = member_client.post(
        "/basket/", {"kind_id": [kind.kind_id, kind.kind_id], "start": local(start), "end": local(end)}
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert sorted(x.item_id for x in ReservationRecord.scan()) == sorted(u.item_id for u in units)


def test_the_kit_page_lists_its_kind_lines_with_their_errors(member_client, staff):
    kind, _ = make_kind(name="Sony A7 body", units=1)
    tripod = make_item(name="Tripod")
    kit = kits.kit_save(actor=as_staff(staff), name="Shoot", item_ids=[tripod.item_id], kind_ids=[kind.kind_id] * 2)
    page = member_client.get(f"/kits/{kit.kit_id}/").content.decode()
    assert "Tripod" in page and page.count("Sony A7 body") >= 2 and f"/kinds/{kind.kind_id}/" in page
    start, end = future_slot(hours=1)
    r = member_client.post(f"/kits/{kit.kit_id}/", {"start": local(start), "end": local(end)})
    assert r.status_code == 409
    lines = re.findall(r"<li.*?</li>", r.content.decode().split('class="kit-lines"', 1)[1], flags=re.S)
    assert ["line-error" in li for li in lines[:3]] == [False, False, True]
    assert list(ReservationRecord.scan()) == []


def test_anonymous_posts_are_sent_to_sign_in(client, aws):
    kind, _ = make_kind(units=1)
    for url, data in (("/basket/add/", {"kind_id": kind.kind_id}), ("/basket/remove/", {"kind_id": kind.kind_id})):
        r = client.post(url, data)
        assert r.status_code == 302 and "/accounts/sign-in/" in r["Location"]
    assert "sessionid" not in client.cookies or SESSION_KEY not in client.session

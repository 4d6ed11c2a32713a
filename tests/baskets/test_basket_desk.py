"""The desk and baskets of kinds: book a kind (and items) on a member's behalf, define a kit with
kind lines, cancel a whole basket with a reason the member is told, and the CSV export naming the
kind and the basket of each booking."""

from __future__ import annotations

import csv
import io

from django.core import mail

from reservations import clock
from reservations.baskets import change, kits
from reservations.baskets.book import basket_create
from reservations.domain.errors import DomainError
from reservations.domain.lifecycle import Actor
from reservations.store.models import AuditRecord, ReservationRecord
from tests.factories import future_slot, make_item
from tests.kinds.helpers import make_kind

FMT = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime(FMT)


def test_the_desk_books_a_kind_and_an_item_for_a_member(staff_client, member):
    kind, units = make_kind(units=2)
    tripod = make_item(name="Tripod")
    start, end = future_slot(hours=1)
    r = staff_client.post(
        "/staff/baskets/new/",
        {"member": member.email, "items": tripod.item_id, "kinds": f"{kind.kind_id}\n{kind.kind_id}",
         "start": local(start), "end": local(end)},
    )  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:3000]
    booked = list(ReservationRecord.scan())
    assert len(booked) == 3 and {b.user_id for b in booked} == {member.pk}
    of_kind = [b for b in booked if b.kind_id == kind.kind_id]
    assert len({b.item_id for b in of_kind}) == 2 and {b.item_id for b in of_kind} <= {u.item_id for u in units}
    # a third unit does not exist: refused, naming the kind's line, nothing written
    r = staff_client.post(
        "/staff/baskets/new/",
        {"member": member.email, "items": "", "kinds": kind.kind_id, "start": local(start), "end": local(end)},
    )
    assert r.status_code == 409 and "Sony A7 body" in r.content.decode()
    assert len(list(ReservationRecord.scan())) == 3


def test_the_desk_defines_a_kit_with_kind_lines(staff_client, member):
    kind, _ = make_kind(units=1)
    lens = make_item(name="Lens")
    r = staff_client.post("/staff/kits/", {"name": "Shoot kit", "items": lens.item_id, "kinds": kind.kind_id})
    assert r.status_code == 302, r.content.decode()[:3000]
    (kit,) = kits.kit_list()
    assert (kits.kit_item_ids(kit), kits.kit_kind_ids(kit)) == ([lens.item_id], [kind.kind_id])
    edit = staff_client.get(f"/staff/kits/{kit.kit_id}/").content.decode()
    assert kind.kind_id in edit  # the form shows the kind line to keep it on save


def test_staff_cancel_a_whole_basket_with_a_reason_the_member_is_told(staff_client, member, staff):
    kind, _ = make_kind(units=1)
    lens = make_item(name="Lens")
    start, end = future_slot(hours=1)
    state = basket_create(user_id=member.pk, item_ids=[lens.item_id], kind_ids=[kind.kind_id], start=start, end=end)
    mail.outbox.clear()
    before = staff_client.get(f"/staff/baskets/{state.basket_id}/").content.decode()
    assert "Check out every item" in before and "Check in every item" not in before  # only what applies
    url = f"/staff/baskets/{state.basket_id}/cancel/"
    refused = staff_client.post(url, {"reason": "  "})
    assert refused.status_code == 422 and "reason" in refused.content.decode().lower()
    assert {r.status for r in ReservationRecord.scan()} == {"booked"} and mail.outbox == []
    assert staff_client.post(url, {"reason": "Studio closed for repairs"}).status_code == 302
    rows = list(ReservationRecord.scan())
    assert {(r.status, r.cancel_reason) for r in rows} == {("cancelled", "Studio closed for repairs")}
    assert len(mail.outbox) == 1 and "Studio closed for repairs" in mail.outbox[0].body
    assert "Sony A7 body #" not in mail.outbox[0].body  # the kind is named, not its unit
    cancelled = [a for a in AuditRecord.scan() if a.action == "reservation.cancelled"]
    assert len(cancelled) == 2 and {a.actor_id for a in cancelled} == {staff.pk}
    page = staff_client.get(f"/staff/baskets/{state.basket_id}/").content.decode()
    assert "Cancel every item" not in page and "Check out every item" not in page  # nothing left to do


def test_members_cannot_cancel_a_basket_as_staff(member_client, member):
    lens = make_item(name="Lens")
    start, end = future_slot(hours=1)
    state = basket_create(user_id=member.pk, item_ids=[lens.item_id], start=start, end=end)
    assert member_client.post(f"/staff/baskets/{state.basket_id}/cancel/", {"reason": "x"}).status_code == 403
    try:
        change.basket_staff_cancel(actor=Actor(user_id=member.pk), basket_id=state.basket_id, reason="x")
    except DomainError as error:
        assert error.code == "forbidden"
    else:
        raise AssertionError("a member cancelled as staff")
    assert {r.status for r in ReservationRecord.scan()} == {"booked"}


def test_the_export_names_the_kind_and_the_basket(staff_client, member):
    kind, _ = make_kind(units=1)
    lens = make_item(name="Lens")
    start, end = future_slot(hours=1)
    state = basket_create(user_id=member.pk, item_ids=[lens.item_id], kind_ids=[kind.kind_id], start=start, end=end)
    day = start.astimezone(clock.site_tz()).date().isoformat()
    r = staff_client.get("/staff/export/", {"date_from": day, "date_to": day})
    rows = list(csv.DictReader(io.StringIO(b"".join(r.streaming_content).decode())))
    got = sorted((row["item_name"], row["kind_id"], row["kind_name"], row["basket_id"]) for row in rows)
    assert got == sorted(
        [("Lens", "", "", state.basket_id), ("Sony A7 body #1", kind.kind_id, "Sony A7 body", state.basket_id)]
    )

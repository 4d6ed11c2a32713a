"""Basket and kit pages: add items to the basket, book them for one window (a form error per line
when refused, nothing written), the basket page, my bookings linking it; the desk checks a whole
basket out and in, books one on a member's behalf, and defines kits."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from reservations import clock
from reservations.baskets import kits
from reservations.baskets.book import basket_create
from reservations.store.models import BasketRecord, ReservationRecord
from tests.factories import as_staff, future_slot, make_item

FMT = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return moment.astimezone(clock.site_tz()).strftime(FMT)


def test_collect_items_and_book_them_together(member_client, member):
    a, b = make_item(name="Camera"), make_item(name="Lens")
    for thing in (a, b):
        assert member_client.post("/basket/add/", {"item_id": thing.item_id}).status_code == 302
    page = member_client.get("/basket/")
    assert "Camera" in page.content.decode() and "Lens" in page.content.decode()
    start, end = future_slot(hours=2)
    r = member_client.post("/basket/", {"start": local(start), "end": local(end)})
    assert r.status_code == 302, r.content.decode()[:2000]
    basket_id = r["Location"].rstrip("/").rsplit("/", 1)[-1]
    detail = member_client.get(r["Location"]).content.decode()
    assert "Camera" in detail and "Lens" in detail and "Prolong every item" in detail
    mine = member_client.get("/bookings/").content.decode()
    assert f"/baskets/{basket_id}/" in mine
    assert len(mail.outbox) == 1  # one email naming every line
    assert "Camera" in mail.outbox[0].body and "Lens" in mail.outbox[0].body
    assert member_client.get("/basket/").content.decode().count("Remove") == 0  # emptied


def test_a_refused_line_gets_its_own_error_and_nothing_is_booked(member_client):
    a = make_item(name="Camera")
    tripod = make_item(name="Tripod", max_duration_minutes=60)
    for thing in (a, tripod):
        member_client.post("/basket/add/", {"item_id": thing.item_id})
    start, end = future_slot(hours=2)
    r = member_client.post("/basket/", {"start": local(start), "end": local(end)})
    assert r.status_code == 409
    html = r.content.decode()
    assert 'class="field-error line-error">Tripod: A booking of this item may last at most 1 hour.' in html
    assert list(ReservationRecord.scan()) == [] and list(BasketRecord.scan()) == []


def test_prolong_and_cancel_on_the_basket_page(member_client, member):
    a, b = make_item(name="Camera"), make_item(name="Lens")
    start, end = future_slot(hours=1)
    state = basket_create(user_id=member.pk, item_ids=[a.item_id, b.item_id], start=start, end=end)
    url = f"/baskets/{state.basket_id}/"
    r = member_client.post(url + "prolong/", {"end": local(end + timedelta(hours=1))})
    assert r.status_code == 302
    assert {r.end for r in ReservationRecord.scan()} == {(end + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert member_client.post(url + "cancel/").status_code == 302
    assert {r.status for r in ReservationRecord.scan()} == {"cancelled"}


def test_someone_elses_basket_page_is_404(client, other_member, member):
    a = make_item(name="Camera")
    start, end = future_slot(hours=1)
    state = basket_create(user_id=member.pk, item_ids=[a.item_id], start=start, end=end)
    client.force_login(other_member)
    assert client.get(f"/baskets/{state.basket_id}/").status_code == 404


def test_book_a_kit_like_an_item(member_client, staff):
    a, b = make_item(name="Camera"), make_item(name="Tripod")
    kit = kits.kit_save(actor=as_staff(staff), name="Shoot kit", item_ids=[a.item_id, b.item_id])
    assert "Shoot kit" in member_client.get("/kits/").content.decode()
    start, end = future_slot(hours=1)
    r = member_client.post(f"/kits/{kit.kit_id}/", {"start": local(start), "end": local(end)})
    assert r.status_code == 302
    assert "Shoot kit" in member_client.get(r["Location"]).content.decode()


def test_the_desk_checks_a_whole_basket_out_and_in(staff_client, member):
    a, b = make_item(name="Camera"), make_item(name="Lens")
    start, end = clock.now() + timedelta(minutes=30), clock.now() + timedelta(hours=2, minutes=30)
    state = basket_create(user_id=member.pk, item_ids=[a.item_id, b.item_id], start=start, end=end,
                          now=clock.now() - timedelta(days=1))  # fmt: skip
    url = f"/staff/baskets/{state.basket_id}/"
    detail = staff_client.get(f"/staff/bookings/{state.lines[0].reservation.reservation_id}/").content.decode()
    assert url in detail  # the booking page links its basket
    assert staff_client.post(url + "check-out/").status_code == 302
    assert {r.status for r in ReservationRecord.scan()} == {"checked_out"}
    assert staff_client.post(url + "check-in/").status_code == 302
    assert {r.status for r in ReservationRecord.scan()} == {"returned"}


def test_members_cannot_use_the_desk_basket_screens(member_client, member):
    a = make_item(name="Camera")
    start, end = future_slot(hours=1)
    state = basket_create(user_id=member.pk, item_ids=[a.item_id], start=start, end=end)
    assert member_client.post(f"/staff/baskets/{state.basket_id}/check-out/").status_code == 403
    assert {r.status for r in ReservationRecord.scan()} == {"booked"}


def test_the_desk_books_a_basket_for_a_member_and_defines_kits(staff_client, member):
    a, b = make_item(name="Camera"), make_item(name="Lens")
    start, end = future_slot(hours=1)
    r = staff_client.post(
        "/staff/baskets/new/",
        {"member": member.email, "items": f"{a.item_id}\n{b.item_id}", "start": local(start), "end": local(end)},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert {x.user_id for x in ReservationRecord.scan()} == {member.pk}
    r = staff_client.post("/staff/kits/", {"name": "Shoot kit", "description": "", "items": a.item_id})
    assert r.status_code == 302
    assert [k.name for k in kits.kit_list()] == ["Shoot kit"]

"""Every staff URL, as anonymous, member, staff and admin: the role is checked on the server."""

from __future__ import annotations

import pytest
from django.test import Client

from reservations.bookings import member as member_bookings
from tests.factories import make_item, make_user

STAFF = "staff"
ADMIN = "admin"


def staff_urls(item_id: str, reservation_id: str, user_id: str) -> list[tuple[str, str, str]]:
    """(method, url, role needed). Every route in reservations/staff/urls.py is here (checked below)."""
    r, i, u = reservation_id, item_id, user_id
    return [
        ("get", "/staff/", STAFF),
        ("get", "/staff/items/", STAFF),
        ("get", "/staff/waitlist/", STAFF),
        ("get", "/staff/categories/", STAFF),
        ("post", "/staff/categories/", STAFF),
        ("get", "/staff/items/new/", STAFF),
        ("post", "/staff/items/new/", STAFF),
        ("get", "/staff/items/import/", STAFF),
        ("post", "/staff/items/import/", STAFF),
        ("get", "/staff/items/import/template.csv", STAFF),
        ("get", "/staff/import/J/", STAFF),
        ("get", f"/staff/items/{i}/", STAFF),
        ("post", f"/staff/items/{i}/", STAFF),
        ("post", f"/staff/items/{i}/retire/", STAFF),
        ("get", f"/staff/items/{i}/label/", STAFF),
        ("get", f"/staff/items/{i}/retire/confirm/", STAFF),
        ("post", f"/staff/items/{i}/retire/confirm/", STAFF),
        ("get", "/staff/bookings/", STAFF),
        ("get", "/staff/bookings/new/", STAFF),
        ("post", "/staff/bookings/new/", STAFF),
        ("get", f"/staff/bookings/{r}/", STAFF),
        ("post", f"/staff/bookings/{r}/check-out/", STAFF),
        ("post", f"/staff/bookings/{r}/check-in/", STAFF),
        ("post", f"/staff/bookings/{r}/cancel/", STAFF),
        ("post", f"/staff/bookings/{r}/approve/", STAFF),
        ("post", f"/staff/bookings/{r}/decline/", STAFF),
        ("post", f"/staff/bookings/{r}/override/", STAFF),
        ("get", "/staff/overdue/", STAFF),
        ("post", f"/staff/overdue/{r}/check-in/", STAFF),
        ("post", f"/staff/overdue/{r}/remind/", STAFF),
        ("get", "/staff/baskets/new/", STAFF),
        ("post", "/staff/baskets/new/", STAFF),
        ("get", "/staff/baskets/B/", STAFF),
        ("post", "/staff/baskets/B/check-out/", STAFF),
        ("post", "/staff/baskets/B/check-in/", STAFF),
        ("post", "/staff/baskets/B/cancel/", STAFF),
        ("get", "/staff/kits/", STAFF),
        ("post", "/staff/kits/", STAFF),
        ("get", "/staff/kits/K/", STAFF),
        ("post", "/staff/kits/K/", STAFF),
        ("get", "/staff/kinds/", STAFF),
        ("post", "/staff/kinds/", STAFF),
        ("get", "/staff/kinds/KD/", STAFF),
        ("post", "/staff/kinds/KD/", STAFF),
        ("post", "/staff/kinds/KD/units/", STAFF),
        ("get", "/staff/kinds/KD/retire/", STAFF),
        ("post", "/staff/kinds/KD/retire/", STAFF),
        ("post", "/staff/kinds/KD/units/UN/remove/", STAFF),
        ("get", f"/staff/kinds/bookings/{r}/swap/", STAFF),
        ("post", f"/staff/kinds/bookings/{r}/swap/", STAFF),
        ("get", "/staff/labels/", STAFF),
        ("get", "/staff/grid/", STAFF),
        ("get", "/staff/export/", STAFF),
        ("get", "/staff/users/", ADMIN),
        ("post", "/staff/users/", ADMIN),
        ("get", f"/staff/users/{u}/", ADMIN),
        ("post", f"/staff/users/{u}/role/", ADMIN),
        ("post", f"/staff/users/{u}/deactivate/", ADMIN),
        ("post", f"/staff/users/{u}/reactivate/", ADMIN),
        ("post", f"/staff/users/{u}/set-password-link/", ADMIN),
        ("post", f"/staff/users/{u}/invite/", ADMIN),
    ]


def test_the_walk_covers_every_staff_route():
    from reservations.staff.urls import urlpatterns

    walked = {url for _, url, _ in staff_urls("I", "R", "U")}
    templates = {
        "/staff/"
        + str(p.pattern)
        .replace("<str:item_id>", "I")
        .replace("<str:reservation_id>", "R")
        .replace("<str:user_id>", "U")
        .replace("<str:job_id>", "J")
        .replace("<str:basket_id>", "B")
        .replace("<str:kit_id>", "K")
        .replace("<str:kind_id>", "KD")
        .replace("<str:unit_id>", "UN")
        for p in urlpatterns
    }
    assert templates <= walked


@pytest.mark.parametrize("who", ["anonymous", "member", "staff", "admin"])
def test_permission_walk(aws, who):
    from tests.factories import future_slot

    item = make_item()
    member = make_user(email="member@example.com")
    start, end = future_slot()
    r = member_bookings.reservation_create(user_id=member.pk, item_id=item.item_id, start=start, end=end)
    target = make_user(email="target@example.com")
    client = Client()
    if who != "anonymous":
        user = member if who == "member" else make_user(email=f"{who}@example.com", role=who)
        client.force_login(user)
    for method, url, needed in staff_urls(item.item_id, r.reservation_id, target.pk):
        response = getattr(client, method)(url)
        allowed = who == "admin" or (who == "staff" and needed == STAFF)
        if who == "anonymous":
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/accounts/sign-in/?next="), (method, url)
        elif not allowed:
            assert response.status_code == 403, (who, method, url)
            assert b"Not allowed" in response.content
        else:
            assert response.status_code not in (302, 403) or (
                response.status_code == 302 and not response["Location"].startswith("/accounts/sign-in/")
            ), (who, method, url, response.status_code)
            assert response.status_code < 500


def test_staff_link_only_for_staff(aws):
    member = make_user(email="member@example.com")
    staff = make_user(email="staff@example.com", role="staff")
    for user, expected in ((member, 0), (staff, 1)):
        client = Client()
        client.force_login(user)
        body = client.get("/bookings/").content.decode()
        assert body.count('href="/staff/"') == expected

"""Every staff, admin and account form through the real pages (hypothesis, strategies.py): never a
5xx, and a refused post (4xx) changes nothing in the store (re-read whole after every example).
The member forms are in tests/web/test_form_properties.py."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reservations.bookings import member as member_bookings
from reservations.store.convert import POLICY_FIELDS
from tests.factories import PASSWORD, future_slot

from .helpers import get_form, page_client, post_form, store_snapshot
from .strategies import DATES, DATETIMES, NUMBERS, TEXT, fields

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def booking(member, item):
    start, end = future_slot(hours=1)
    return member_bookings.reservation_create(user_id=str(member.pk), item_id=item.item_id, start=start, end=end)


def refused_changes_nothing(client, send) -> None:
    before = store_snapshot()
    r = send(client)
    assert r.status_code < 500, r.status_code
    if r.status_code >= 400:
        assert store_snapshot() == before


@FUZZ
@given(
    data=fields(name=TEXT, category=TEXT, location=TEXT, description=TEXT, edit_version=NUMBERS, **dict.fromkeys(POLICY_FIELDS, NUMBERS)),
    edit=st.booleans(),
)  # fmt: skip
def test_item_forms(staff, item, data, edit):
    path = f"/staff/items/{item.item_id}/" if edit else "/staff/items/new/"
    refused_changes_nothing(page_client(staff), lambda c: post_form(c, path, data))


@FUZZ
@given(
    new=fields(member=st.sampled_from(["member@example.com", "nobody@example.com"]), item=TEXT, start=DATETIMES, end=DATETIMES, override_reason=TEXT),
    override=fields(start=DATETIMES, end=DATETIMES, reason=TEXT),
    note=fields(note=TEXT, reason=TEXT),
    action=st.sampled_from(["check-out", "check-in", "cancel"]),
)  # fmt: skip
def test_desk_forms(staff, item, booking, new, override, note, action):
    client, base = page_client(staff), f"/staff/bookings/{booking.reservation_id}"
    new.setdefault("item", item.item_id)
    refused_changes_nothing(client, lambda c: post_form(c, "/staff/bookings/new/", new))
    refused_changes_nothing(client, lambda c: post_form(c, f"{base}/override/", override))
    refused_changes_nothing(client, lambda c: post_form(c, f"{base}/{action}/", note))


@FUZZ
@given(
    desk=fields(date_from=DATES, date_to=DATES, item=TEXT, member=TEXT, state=TEXT, cursor=TEXT),
    grid=fields(day=DATES, span=st.sampled_from(["day", "week"]), item=TEXT, category=TEXT),
    export=fields(date_from=DATES, date_to=DATES),
    items=fields(show=TEXT, category=TEXT),
)
def test_staff_read_forms(staff, item, desk, grid, export, items):
    client = page_client(staff)
    for path, query in (
        ("/staff/bookings/", desk),
        ("/staff/grid/", grid),
        ("/staff/export/", export),
        ("/staff/items/", items),
    ):
        assert get_form(client, path, query).status_code < 500, path


@FUZZ
@given(
    create=fields(email=TEXT, name=TEXT, role=st.sampled_from(["member", "staff", "admin"])),
    change=fields(role=TEXT, reason=TEXT),
    action=st.sampled_from(["role", "deactivate", "reactivate"]),
)
def test_admin_user_forms(admin, member, create, change, action):
    client = page_client(admin)
    refused_changes_nothing(client, lambda c: post_form(c, "/staff/users/", create))
    refused_changes_nothing(client, lambda c: post_form(c, f"/staff/users/{member.pk}/{action}/", change))


@FUZZ
@given(
    sign_in=fields(email=st.sampled_from(["member@example.com"]), password=st.sampled_from([PASSWORD])),
    password=fields(old_password=st.sampled_from([PASSWORD]), new_password1=TEXT, new_password2=TEXT),
    profile=fields(send_reminders=TEXT),
)
def test_account_forms(member, sign_in, password, profile):
    refused_changes_nothing(page_client(member), lambda c: post_form(c, "/accounts/password/", password))
    refused_changes_nothing(page_client(member), lambda c: post_form(c, "/accounts/profile/", profile))
    refused_changes_nothing(
        Client(raise_request_exception=False), lambda c: post_form(c, "/accounts/sign-in/", sign_in)
    )


@FUZZ
@given(
    csv_text=st.one_of(
        TEXT, st.lists(st.lists(TEXT, max_size=6), max_size=4).map(lambda rows: "\n".join(",".join(r) for r in rows))
    )
)
def test_csv_import_confirm(staff, csv_text):
    text = "name,category,location,description\n" + csv_text
    refused_changes_nothing(
        page_client(staff), lambda c: post_form(c, "/staff/items/import/", {"csv_text": text, "filename": "f.csv"})
    )

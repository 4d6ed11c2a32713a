"""The pickers' fields through the real pages (hypothesis): odd dates, starts, lengths and days never
give a 500 and a refused post writes nothing; and a start the item page offers (not disabled),
posted with the item's shortest length, is booked."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reservations.store.models import ItemRecord, ReservationRecord
from tests.factories import make_item
from tests.robustness.helpers import get_form, post_form
from tests.web.test_form_properties import odd_values

HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
numbers = st.one_of(st.integers(-(10**12), 10**12).map(str), st.sampled_from(["", "0", "1", "60", "1e3", "½"]))
dates = st.one_of(st.dates().map(str), st.sampled_from(["2026-12-02", "2027-10-31", "2026-02-30", ""]), odd_values)


def store_state(item_id: str, user_id: str) -> tuple:
    item = ItemRecord.get(item_id, consistent_read=True)
    return int(item.version), sorted(r.reservation_id for r in ReservationRecord.by_user.query(user_id))


@HYPOTHESIS
@given(date=dates, start=odd_values, length=numbers, days=st.one_of(st.none(), numbers), show=st.booleans())
def test_picker_posts_never_500_and_refusals_write_nothing(
    member_client, member, item, date, start, length, days, show
):
    data = {"date": date, "start": start, "length": length}
    if days is not None:
        data["days"] = days
    if show:
        data["show"] = "1"
    before = store_state(item.item_id, str(member.pk))
    r = post_form(member_client, f"/items/{item.item_id}/book/", data)
    assert r.status_code < 500
    if r.status_code != 302 or show:
        assert store_state(item.item_id, str(member.pk)) == before
    assert get_form(member_client, f"/items/{item.item_id}/", data).status_code < 500


SLOTS = [15, 30, 45, 60, 120, 240, 24 * 60]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    slot=st.sampled_from(SLOTS),
    origin=st.integers(0, 24 * 60 - 1),
    notice=st.sampled_from([0, 60, 24 * 60]),
    day_offset=st.integers(0, 4),
    pick=st.integers(0, 1000),
)
def test_an_offered_start_with_the_shortest_length_is_booked(
    member_client, member, slot, origin, notice, day_offset, pick
):
    whole = slot == 24 * 60
    item = make_item(
        name=f"Thing {slot} {origin}", slot_minutes=slot, slot_origin_minutes=0 if whole else origin,
        min_duration_minutes=slot, max_duration_minutes=slot * 2, min_notice_minutes=notice,
        max_ahead_days=14,  # 5-minute slots 60 days ahead would outgrow the item record (schedule_fit)
    )  # fmt: skip
    day = f"2026-12-{1 + day_offset:02d}"
    body = member_client.get(f"/items/{item.item_id}/", {"date": day}).content.decode()
    if whole:
        data = {"date": day, "days": "1"}
        bookable = "Not bookable from" not in body
    else:
        offered = re.findall(r'<option value="([^"]+)"(?![^>]*disabled)[^>]*>', _select(body, "start"))
        if not offered:
            return
        data = {"date": day, "start": offered[pick % len(offered)], "length": str(slot)}
        bookable = True
    r = member_client.post(f"/items/{item.item_id}/book/", data)
    assert (r.status_code == 302) == bookable, (data, r.status_code)


def _select(body: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    return found[1] if found else ""

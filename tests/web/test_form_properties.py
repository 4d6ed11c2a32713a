"""Bad input through the real pages (hypothesis): odd dates, non-existent and ambiguous local times
(DST), time-zone suffixes, years 1 and 9999, huge and empty values, unicode (lone surrogates, posted as
the bytes a broken client sends; control characters). Never a 500; a refused form writes nothing
(the store is re-read after every example). The staff, admin and account forms: tests/robustness/."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.store.models import ItemRecord, ReservationRecord
from tests.factories import future_slot
from tests.robustness.helpers import get_form, post_form
from tests.robustness.strategies import DATETIMES, TEXT

FMT = "%Y-%m-%dT%H:%M"
HYPOTHESIS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _local(moment: datetime) -> str:
    return moment.astimezone(clock.site_tz()).strftime(FMT)


def plausible_times() -> st.SearchStrategy[str]:
    """Well-formed times near now, including the 2026/2027 DST nights in Amsterdam and odd minutes."""
    base = clock.now().astimezone(clock.site_tz()).replace(second=0, microsecond=0, tzinfo=None)
    near = st.integers(-2 * 24 * 60, 70 * 24 * 60).map(lambda m: (base + timedelta(minutes=m)).strftime(FMT))
    dst = st.sampled_from(
        ["2026-03-29T02:30", "2026-10-25T02:30", "2027-03-28T02:00", "2027-10-31T02:59", "2026-10-25T03:00"]
    )
    return st.one_of(near, dst)


odd_values = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.text(min_size=3000, max_size=5000, alphabet="9-:T "),
    st.sampled_from(
        [
            "2026-02-30T10:00",
            "2026-13-01T10:00",
            "0000-01-01T00:00",
            "9999-12-31T23:59",
            "2026-12-01T24:00",
            "2026-12-01T10:00+05:00",
            "2026-12-01T10:00Z",
            "2026-12-01 10:00:00.999999",
            "\u0661\u0660:\u0660\u0660 \u0662\u0660\u0662\u0666-\u0661\u0662-\u0660\u0661",  # Arabic-Indic digits
            "2026-12-01T10:00\x00",
            "\u202e2026-12-01T10:00",
            "NaN",
            "-1",
        ]
    ),
    plausible_times(),
    DATETIMES,
    TEXT,
)


def store_state(item_id: str, user_id: str) -> tuple:
    item = ItemRecord.get(item_id, consistent_read=True)
    rows = sorted((r.reservation_id, r.end, r.status, int(r.version)) for r in ReservationRecord.by_user.query(user_id))
    return int(item.version), rows


@HYPOTHESIS
@given(start=odd_values, end=odd_values, extra=st.dictionaries(st.text(max_size=10), st.text(max_size=50), max_size=3))
@example(start="0001-01-01T00:30", end="0001-01-01T01:30", extra={})  # local, so before year 1 in UTC
@example(start="2199-12-31T22:00", end="2199-12-31T23:00", extra={"note": "\ud800"})
def test_booking_form_never_500_and_refusals_write_nothing(member_client, member, item, start, end, extra):
    before = store_state(item.item_id, str(member.pk))
    r = post_form(member_client, f"/items/{item.item_id}/book/", {**extra, "start": start, "end": end})
    assert r.status_code < 500
    if r.status_code != 302:
        assert r.status_code in (400, 404, 409, 422)
        assert store_state(item.item_id, str(member.pk)) == before


@HYPOTHESIS
@given(new_end=odd_values)
@example(new_end="0001-01-01T00:30")
@example(new_end="9999-12-31T23:59")
def test_prolong_form_never_500_and_refusals_write_nothing(member_client, member, item, new_end):
    start, end = future_slot(days=3, hours=1)
    booking = next(
        (r for r in ReservationRecord.by_user.query(str(member.pk)) if r.status == "booked"),
        None,
    ) or member_bookings.reservation_create(user_id=str(member.pk), item_id=item.item_id, start=start, end=end)
    before = store_state(item.item_id, str(member.pk))
    r = post_form(member_client, f"/bookings/{booking.reservation_id}/prolong/", {"end": new_end})
    assert r.status_code < 500
    if r.status_code != 302:
        assert r.status_code in (400, 404, 409, 422)
        assert store_state(item.item_id, str(member.pk)) == before


@HYPOTHESIS
@given(
    params=st.fixed_dictionaries(
        {}, optional={"start": odd_values, "end": odd_values, "category": TEXT, "free_only": st.text()}
    ),
    cursor=st.one_of(st.just(""), st.text(max_size=200)),
)
def test_read_pages_never_500(member_client, item, params, cursor):
    assert get_form(member_client, "/", params).status_code < 500
    assert get_form(member_client, f"/items/{item.item_id}/", params).status_code < 500
    assert get_form(member_client, "/bookings/", {"show": "past", "cursor": cursor}).status_code < 500


def test_a_valid_booking_through_the_same_path_is_written(member_client, member, item):
    """The property tests above would pass vacuously if nothing ever got through: one that does."""
    start, end = future_slot(hours=1)
    before = store_state(item.item_id, str(member.pk))
    r = member_client.post(f"/items/{item.item_id}/book/", {"start": _local(start), "end": _local(end)})
    assert r.status_code == 302
    assert store_state(item.item_id, str(member.pk)) != before

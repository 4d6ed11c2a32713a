"""Expanding a series: daily or weekly, until a date or n times, in the site's time zone (DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reservations.domain.errors import DomainError
from reservations.series.expand import MOST_OCCURRENCES, Repeat, occurrences

AMS = ZoneInfo("Europe/Amsterdam")


def local(moment: datetime) -> str:
    return moment.astimezone(AMS).strftime("%a %d %H:%M")


def test_the_bound_comes_from_the_100_action_transaction():
    # 2 per occurrence (reservation, audit entry) + item update + member check + series record + a quota
    assert MOST_OCCURRENCES == 48 and 2 * MOST_OCCURRENCES + 4 <= 100


def test_daily_for_n_times():
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    got = occurrences(Repeat(start=start, end=start + timedelta(hours=2), every="daily", count=3), tz=AMS)
    assert [(s, e - s) for s, e in got] == [(start + timedelta(days=k), timedelta(hours=2)) for k in range(3)]


def test_weekly_until_a_date_includes_that_date():
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)  # a Wednesday
    got = occurrences(
        Repeat(start=start, end=start + timedelta(hours=1), every="weekly", until=date(2026, 12, 23)), tz=AMS
    )
    assert [local(s) for s, _ in got] == ["Wed 02 10:00", "Wed 09 10:00", "Wed 16 10:00", "Wed 23 10:00"]


def test_weekly_at_ten_local_stays_ten_across_the_clock_change():
    start = datetime(2027, 3, 17, 9, tzinfo=UTC)  # Wed 10:00 CET; clocks go forward on Sun 28 March
    got = occurrences(Repeat(start=start, end=start + timedelta(hours=1), every="weekly", count=3), tz=AMS)
    assert [local(s) for s, _ in got] == ["Wed 17 10:00", "Wed 24 10:00", "Wed 31 10:00"]
    assert [local(e) for _, e in got] == ["Wed 17 11:00", "Wed 24 11:00", "Wed 31 11:00"]
    assert got[2][0] == datetime(2027, 3, 31, 8, tzinfo=UTC)  # CEST: UTC+2


def test_too_many_occurrences_is_refused_naming_the_bound():
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    with pytest.raises(DomainError) as info:
        occurrences(Repeat(start=start, end=start + timedelta(hours=1), every="daily", count=49), tz=AMS)
    assert info.value.code == "series_too_large" and info.value.status == 422
    assert "at most 48" in info.value.message
    with pytest.raises(DomainError) as info:
        occurrences(Repeat(start=start, end=start + timedelta(hours=1), every="daily", until=date(2027, 6, 1)), tz=AMS)
    assert info.value.code == "series_too_large"


@pytest.mark.parametrize(
    ("every", "count", "until", "code"),
    [("monthly", 2, None, "series_invalid"), ("daily", None, None, "series_invalid"),
     ("daily", 2, date(2026, 12, 9), "series_invalid"), ("daily", None, date(2026, 11, 30), "series_invalid"),
     ("daily", 0, None, "series_invalid")],
)  # fmt: skip
def test_a_bad_repeat_is_refused(every, count, until, code):
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    with pytest.raises(DomainError) as info:
        occurrences(Repeat(start=start, end=start + timedelta(hours=1), every=every, count=count, until=until), tz=AMS)
    assert info.value.code == code and info.value.status == 422

"""Scheduled jobs: what each does, and that running it twice (in a row) changes and sends nothing twice.

Runs overlapping in time are proved against a real server process in tests/concurrency/test_jobs_concurrent.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from reservations import jobs
from reservations.accounts.users import user_set_reminders
from reservations.bookings import desk
from reservations.bookings import member as member_bookings
from reservations.store.models import ItemRecord, ReservationRecord, SessionRecord, ThrottleRecord
from reservations.store.timefmt import to_store
from tests.factories import at, make_item, make_user
from tests.jobs.helpers import END, START, booking, check_out, reread


@pytest.fixture
def checkout_item(aws):
    return make_item(name="Van", requires_checkout=True, no_show_grace_minutes=30)


def recipients(kind_subject: str) -> list[str]:
    return [to for m in mail.outbox if m.subject.startswith(kind_subject) for to in m.to]


# --- reminders ---------------------------------------------------------------------------------


def test_reminder_is_sent_once_within_the_lead_time(member, item, settings):
    settings.REMINDER_LEAD_MINUTES = 60
    r = booking(user=member, item=item, start=START, end=END)
    mail.outbox.clear()

    assert jobs.send_reminders(now=END - timedelta(minutes=61)) == {"sent": 0, "opted_out": 0}  # too early
    assert jobs.send_reminders(now=END - timedelta(minutes=59)) == {"sent": 1, "opted_out": 0}
    assert jobs.send_reminders(now=END - timedelta(minutes=50)) == {"sent": 0, "opted_out": 0}  # in a row
    assert recipients("Reminder") == ["member@example.com"]
    message = mail.outbox[0]
    assert "Until: Tuesday 1 December 2026, 12:00" in message.body  # site time (UTC+1), not 11:00 UTC
    html = message.alternatives[0]
    assert html[1] == "text/html"
    assert "12:00" in html[0]
    assert f"/bookings/{r.reservation_id}/" in message.body
    assert reread(r).reminded_end == r.end


def test_no_reminder_for_ended_cancelled_or_far_bookings(member, item):
    r = booking(user=member, item=item, start=START, end=END)
    later = booking(user=member, item=item, start=at(1, 14), end=at(1, 15))
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=later.reservation_id, now=at(1, 8))
    mail.outbox.clear()
    assert jobs.send_reminders(now=END + timedelta(minutes=1))["sent"] == 0  # ended
    assert jobs.send_reminders(now=at(1, 13, 30))["sent"] == 0  # the cancelled one
    assert reread(r).reminded_end is None
    assert mail.outbox == []


def test_members_who_turned_reminders_off_get_none(member, item):
    booking(user=member, item=item, start=START, end=END)
    user_set_reminders(user_id=member.pk, send_reminders=False)
    mail.outbox.clear()
    assert jobs.send_reminders(now=END - timedelta(minutes=30)) == {"sent": 0, "opted_out": 1}
    assert mail.outbox == []


def test_a_prolonged_booking_gets_a_reminder_for_its_new_end(member, item):
    r = booking(user=member, item=item, start=START, end=END)
    assert jobs.send_reminders(now=END - timedelta(minutes=30))["sent"] == 1
    member_bookings.reservation_prolong(
        user_id=member.pk,
        reservation_id=r.reservation_id,
        new_end=END + timedelta(hours=1),
        now=END - timedelta(minutes=20),
    )
    mail.outbox.clear()
    assert jobs.send_reminders(now=END - timedelta(minutes=10))["sent"] == 0  # the new end is 70 min away
    assert jobs.send_reminders(now=END + timedelta(minutes=30))["sent"] == 1
    assert jobs.send_reminders(now=END + timedelta(minutes=31))["sent"] == 0
    assert recipients("Reminder") == ["member@example.com"]


def test_a_claim_makes_a_racing_prolong_re_read_instead_of_overwriting_it(member, item):
    """The claim bumps the version: a prolong that read before it retries, and keeps the claim."""
    r = booking(user=member, item=item, start=START, end=END)
    stale = reread(r)
    jobs.send_reminders(now=END - timedelta(minutes=30))
    # the prolong's first attempt carries the version read before the claim: it loses, re-reads, wins
    member_bookings.reservation_prolong(
        user_id=member.pk,
        reservation_id=stale.reservation_id,
        new_end=END + timedelta(hours=1),
        now=END - timedelta(minutes=20),
    )
    after = reread(r)
    assert after.end == to_store(END + timedelta(hours=1))
    assert after.reminded_end == r.end  # the claim survived the prolong's write


# --- overdue -----------------------------------------------------------------------------------


def test_overdue_notice_once_for_checked_out_bookings_past_their_end(member, item):
    r = booking(user=member, item=item, start=START, end=END)
    # Another item: one still out (overdue) keeps its item from being handed out again (still_out).
    on_time = booking(user=member, item=make_item(name="Other"), start=at(1, 12), end=at(1, 13))
    check_out(r)
    check_out(on_time)
    mail.outbox.clear()

    assert jobs.mark_overdue(now=END - timedelta(minutes=1)) == {"notified": 0}
    assert jobs.mark_overdue(now=END + timedelta(minutes=5)) == {"notified": 1}
    assert jobs.mark_overdue(now=END + timedelta(minutes=20)) == {"notified": 0}
    assert recipients("Overdue") == ["member@example.com"]
    assert reread(r).overdue_notified_at == to_store(END + timedelta(minutes=5))
    assert reread(on_time).overdue_notified_at is None


def test_a_booked_but_never_checked_out_booking_is_not_overdue(member, item):
    booking(user=member, item=item, start=START, end=END)
    mail.outbox.clear()
    assert jobs.mark_overdue(now=END + timedelta(hours=1)) == {"notified": 0}


# --- no-shows ----------------------------------------------------------------------------------


def test_a_no_show_is_released_once_after_the_grace_period(member, checkout_item):
    r = booking(user=member, item=checkout_item, start=START, end=END)
    mail.outbox.clear()

    assert jobs.release_no_shows(now=START + timedelta(minutes=29)) == {"released": 0}
    assert jobs.release_no_shows(now=START + timedelta(minutes=30)) == {"released": 1}
    released = reread(r)
    assert (released.status, released.cancel_reason) == ("cancelled", "no_show")
    item = ItemRecord.get(checkout_item.item_id, consistent_read=True)
    assert item.schedule == []
    version = int(item.version)

    assert jobs.release_no_shows(now=START + timedelta(minutes=45)) == {"released": 0}
    assert int(ItemRecord.get(checkout_item.item_id, consistent_read=True).version) == version
    assert int(reread(r).version) == int(released.version)
    assert recipients("Released") == ["member@example.com"]


def test_the_released_time_can_be_booked_again(member, other_member, checkout_item):
    booking(user=member, item=checkout_item, start=START, end=END)
    jobs.release_no_shows(now=START + timedelta(minutes=30))
    member_bookings.reservation_create(
        user_id=other_member.pk, item_id=checkout_item.item_id, start=at(1, 10), end=END, now=at(1, 9, 31)
    )


def test_checked_out_or_no_checkout_policy_is_never_released(member, item, checkout_item):
    free_item = booking(user=member, item=item, start=START, end=END)  # policy: no check-out needed
    picked_up = booking(user=member, item=checkout_item, start=START, end=END)
    check_out(picked_up)
    assert jobs.release_no_shows(now=START + timedelta(hours=1)) == {"released": 0}
    assert reread(free_item).status == "booked"
    assert reread(picked_up).status == "checked_out"


def test_release_refuses_a_booking_checked_out_after_the_query(member, checkout_item, monkeypatch):
    """The job's read is stale by the time it writes: the transaction re-reads and leaves it alone."""
    r = booking(user=member, item=checkout_item, start=START, end=END)
    original = desk.reservation_release_no_show

    def checked_out_first(**kwargs):
        check_out(r)
        return original(**kwargs)

    monkeypatch.setattr(desk, "reservation_release_no_show", checked_out_first)
    assert jobs.release_no_shows(now=START + timedelta(minutes=40)) == {"released": 0}
    assert reread(r).status == "checked_out"


# --- purge -------------------------------------------------------------------------------------


def test_purge_deletes_only_expired_rows(aws):
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    SessionRecord(session_key="old", data="{}", expires_at=now - timedelta(seconds=1)).save()
    SessionRecord(session_key="live", data="{}", expires_at=now + timedelta(hours=1)).save()
    ThrottleRecord(key="signin:address:1", failures=3, expires_at=now - timedelta(minutes=5)).save()
    assert jobs.purge_expired(now=now) == {"sessions": 1, "throttles": 1}
    assert [s.session_key for s in SessionRecord.scan()] == ["live"]
    assert jobs.purge_expired(now=now) == {"sessions": 0, "throttles": 0}


# --- commands ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(jobs.JOBS))
def test_each_job_is_a_management_command(aws, name, capsys):
    call_command(name)
    out = capsys.readouterr().out
    assert out.startswith("{")


def test_reminder_for_every_member_of_many(aws, item):
    users = [make_user(email=f"m{i}@example.com") for i in range(3)]
    for i, user in enumerate(users):
        booking(user=user, item=item, start=at(1, 9 + i), end=at(1, 10 + i))
    mail.outbox.clear()
    assert jobs.send_reminders(now=at(1, 11, 30))["sent"] == 1  # only the one ending at 12:00 UTC is due
    assert recipients("Reminder") == ["m2@example.com"]
    assert ReservationRecord.count() == 3

"""Emails on booking, prolong and cancel: sent once, after the commit, from the services; a failing
email never fails the booking; times in the site's time zone. And the profile page's reminder choice."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from reservations import notifications
from reservations.bookings import member as member_bookings
from reservations.domain.errors import DomainError
from reservations.store.models import ReservationRecord, UserRecord
from tests.factories import at, future_slot


def book(member, item):
    start, end = at(1, 9), at(1, 11)
    return member_bookings.reservation_create(
        user_id=member.pk, item_id=item.item_id, start=start, end=end, now=start - timedelta(hours=1)
    )


def test_booking_prolong_and_cancel_each_email_the_member_once(member, item):
    r = book(member, item)
    member_bookings.reservation_prolong(
        user_id=member.pk, reservation_id=r.reservation_id, new_end=at(1, 12), now=at(1, 8, 30)
    )
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id, now=at(1, 8, 45))
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Booked: Projector", ["member@example.com"]),
        ("Prolonged: Projector", ["member@example.com"]),
        ("Cancelled: Projector", ["member@example.com"]),
    ]
    booked, prolonged, _ = mail.outbox
    # 09:00-11:00 UTC is 10:00-12:00 in Amsterdam in December
    assert "From:  Tuesday 1 December 2026, 10:00" in booked.body
    assert "Until: Tuesday 1 December 2026, 12:00" in booked.body
    assert "Until: Tuesday 1 December 2026, 13:00" in prolonged.body
    assert "Europe/Amsterdam" in booked.body
    [(html, mimetype)] = booked.alternatives
    assert mimetype == "text/html"
    assert '<th scope="row"' in html and "10:00" in html


def test_ending_early_sends_a_returned_email(member, item):
    r = book(member, item)
    member_bookings.reservation_cancel(user_id=member.pk, reservation_id=r.reservation_id, now=at(1, 10))
    assert [m.subject for m in mail.outbox] == ["Booked: Projector", "Returned: Projector"]


def test_a_refused_booking_sends_nothing(member, item):
    book(member, item)
    mail.outbox.clear()
    with pytest.raises(DomainError):
        book(member, item)
    assert mail.outbox == []


def test_email_bodies_escape_names_in_html_only(member, aws):
    from tests.factories import make_item

    item = make_item(name="Saw <b>&</b> drill")
    book(member, item)
    [message] = mail.outbox
    assert "Saw <b>&</b> drill" in message.body
    assert "Saw &lt;b&gt;&amp;&lt;/b&gt; drill" in message.alternatives[0][0]


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SES is down")


def test_a_failing_email_does_not_fail_or_undo_the_booking(member, item, settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_notifications.BrokenBackend"
    with caplog.at_level(logging.ERROR, logger="reservations.notifications"):
        r = book(member, item)
    assert ReservationRecord.get(r.reservation_id, consistent_read=True).status == "booked"
    assert "Email booked for" in caplog.text and "failed" in caplog.text
    assert "SES is down" in caplog.text


def test_links_in_emails_use_the_site_url(member, item, settings):
    settings.SITE_URL = "https://book.example.org/"
    r = book(member, item)
    assert f"https://book.example.org/bookings/{r.reservation_id}/" in mail.outbox[0].body


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown email kind"):
        notifications.render("party", None, name="x")  # type: ignore[arg-type]


def test_booking_through_the_page_emails_once(member_client, item):
    from reservations import clock

    start, end = future_slot()
    tz = clock.site_tz()
    fmt = "%Y-%m-%dT%H:%M"
    r = member_client.post(
        f"/items/{item.item_id}/book/",
        {"start": start.astimezone(tz).strftime(fmt), "end": end.astimezone(tz).strftime(fmt)},
    )
    assert r.status_code == 302
    assert [m.subject for m in mail.outbox] == ["Booked: Projector"]


# --- the profile page ---------------------------------------------------------------------------


def test_profile_page_has_a_labelled_reminder_checkbox_on_by_default(member_client):
    r = member_client.get("/accounts/profile/")
    assert r.status_code == 200
    body = r.content.decode()
    assert re.search(r'<input type="checkbox" name="send_reminders"[^>]* id="id_send_reminders" checked>', body)
    assert '<label for="id_send_reminders">Send me reminders</label>' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'href="/accounts/profile/" aria-current="page"' in body  # linked from the nav


def test_nav_links_to_the_profile(member_client):
    assert 'href="/accounts/profile/"' in member_client.get("/bookings/").content.decode()


def test_turning_reminders_off_and_on_is_stored(member_client, member):
    r = member_client.post("/accounts/profile/", {})  # an unticked checkbox sends nothing
    assert r.status_code == 302
    assert UserRecord.get(member.pk).send_reminders is False
    page = member_client.get("/accounts/profile/").content.decode()
    assert not re.search(r'id="id_send_reminders"[^>]* checked', page)
    member_client.post("/accounts/profile/", {"send_reminders": "on"})
    assert UserRecord.get(member.pk).send_reminders is True


def test_profile_needs_sign_in_and_csrf(member, client):
    assert client.get("/accounts/profile/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post("/accounts/profile/", {}).status_code == 403
    assert UserRecord.get(member.pk).send_reminders is None  # unchanged: still the default (on)


def test_in_aws_emails_go_through_amazon_ses(member, item, settings):
    """The production backend (django-ses) against moto's SES: the sender identity must be verified."""
    import boto3
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    settings.EMAIL_BACKEND = "django_ses.SESBackend"
    settings.DEFAULT_FROM_EMAIL = "Reservations <bookings@example.org>"
    boto3.client("ses", region_name="eu-west-1").verify_email_identity(EmailAddress="bookings@example.org")
    book(member, item)
    backend = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"]
    [raw] = backend.sent_messages  # one message (moto counts it once per listed destination)
    assert "Subject: Booked: Projector" in raw.raw_data
    assert "Content-Type: text/html" in raw.raw_data
    assert set(raw.destinations) == {"member@example.com"}


def test_an_unverified_sender_is_logged_and_the_booking_stands(member, item, settings, caplog):
    settings.EMAIL_BACKEND = "django_ses.SESBackend"
    settings.DEFAULT_FROM_EMAIL = "nobody@unverified.example"
    r = book(member, item)
    assert ReservationRecord.get(r.reservation_id, consistent_read=True).status == "booked"
    assert "Email booked for" in caplog.text

"""Bookings as iCalendar (RFC 5545) for "Add to calendar": one booking's .ics file, and the member's
feed of current and upcoming bookings that calendar apps subscribe to (accounts/calendar_feed.py).

Built with the icalendar library, which costs about 70 ms to import: only the two calendar views
import this module, inside the view function, so the Lambda's cold start and every other request
never load it (tests/web/test_calendar.py checks it in a fresh interpreter).

Each booking is one VEVENT: UID "<reservation id>@<the site's host>" (stable: re-importing or the
next fetch of the feed updates the event instead of adding one), times in UTC, SUMMARY the item's
name, LOCATION its location, URL the booking's page on the site (settings.SITE_URL, as in emails),
SEQUENCE the booking's version (bumped by every change) and DTSTAMP its last change, so the same
booking always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings

from reservations.domain import lifecycle
from reservations.notifications import booking_url
from reservations.store.models import ItemRecord, ReservationRecord
from reservations.store.timefmt import from_store, to_store

PRODID = "-//Reservations//My bookings//EN"
FEED_NAME = "My bookings (Reservations)"
FEED_REFRESH = timedelta(hours=1)  # how often calendar apps are asked to fetch the feed again
FEED_LIMIT = 500  # bookings in one feed: one Query page (a member has far fewer)


@dataclass(frozen=True)
class Entry:
    reservation: ReservationRecord
    location: str


def uid_of(reservation_id: str) -> str:
    return f"{reservation_id}@{urlsplit(settings.SITE_URL).hostname or 'reservations'}"


def event(entry: Entry) -> icalendar.Event:
    r = entry.reservation
    url = booking_url(r.reservation_id)
    ev = icalendar.Event()
    ev.add("uid", uid_of(r.reservation_id))
    ev.add("dtstamp", from_store(r.updated_at))
    ev.add("created", from_store(r.created_at))
    ev.add("last-modified", from_store(r.updated_at))
    ev.add("sequence", int(r.version or 0))
    ev.add("dtstart", from_store(r.start))
    ev.add("dtend", from_store(r.end))
    ev.add("summary", r.shown_name)
    if entry.location:
        ev.add("location", entry.location)
    ev.add("url", url)
    ev.add("description", f"Your booking of {r.shown_name} (reference {r.reservation_id}).\nSee or change it: {url}")
    ev.add("status", "CANCELLED" if r.status == "cancelled" else "CONFIRMED")
    ev.add("transp", "OPAQUE")
    return ev


def calendar_bytes(entries: Iterable[Entry], *, feed: bool = False) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if feed:
        cal.add("name", FEED_NAME)
        cal.add("x-wr-calname", FEED_NAME)
        cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", FEED_REFRESH)
    for entry in entries:
        cal.add_component(event(entry))
    return cal.to_ical()


def feed_entries(*, user_id: str, now: datetime) -> list[Entry]:
    """The member's bookings that have not ended and are not cancelled or returned, by start: one
    Query of the by_user index (end > now), then their items' locations in one BatchGetItem."""
    rows = list(
        ReservationRecord.by_user.query(
            user_id,
            ReservationRecord.end > to_store(now),
            filter_condition=ReservationRecord.status.is_in(*lifecycle.ACTIVE_STATUSES),
            limit=FEED_LIMIT,
            page_size=FEED_LIMIT,
        )
    )
    item_ids = sorted({r.item_id for r in rows})
    items = ItemRecord.batch_get(item_ids, attributes_to_get=["item_id", "location"]) if item_ids else []
    locations = {item.item_id: item.location or "" for item in items}
    rows.sort(key=lambda r: (r.start, r.end))
    return [Entry(reservation=r, location=locations.get(r.item_id, "")) for r in rows]

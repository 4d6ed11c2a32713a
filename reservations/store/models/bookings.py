"""Reservations (bookings) and the indexes members, the desk and the jobs read them by."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from .base import BaseMeta, BaseModel, table_name


class ByUserIndex(GlobalSecondaryIndex["ReservationRecord"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    end = UnicodeAttribute(range_key=True)


class ByItemIndex(GlobalSecondaryIndex["ReservationRecord"]):
    class Meta:
        index_name = "by_item"
        projection = AllProjection()

    item_id = UnicodeAttribute(hash_key=True)
    start = UnicodeAttribute(range_key=True)


class ByStatusEndIndex(GlobalSecondaryIndex["ReservationRecord"]):
    class Meta:
        index_name = "by_status_end"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    end = UnicodeAttribute(range_key=True)


class ByMonthIndex(GlobalSecondaryIndex["ReservationRecord"]):
    class Meta:
        index_name = "by_month"
        projection = AllProjection()

    start_month = UnicodeAttribute(hash_key=True)
    start = UnicodeAttribute(range_key=True)


class ReservationRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("reservations")

    reservation_id = UnicodeAttribute(hash_key=True)
    item_id = UnicodeAttribute()
    item_name = UnicodeAttribute()  # copied so "my bookings" needs no item reads
    # A booking of a kind (models/kinds.py): the member's pages name the kind, and the unit
    # (item_name) only once staff have checked it out or swapped it.
    kind_id = UnicodeAttribute(null=True)
    kind_name = UnicodeAttribute(null=True)
    unit_shown = BooleanAttribute(null=True)  # staff swapped the unit in (store/swap.py): the member sees it
    user_id = UnicodeAttribute()
    start = UnicodeAttribute()
    end = UnicodeAttribute()
    original_end = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | held | booked | checked_out | returned | cancelled
    prolong_count = NumberAttribute(default=0)
    version = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    cancelled_at = UnicodeAttribute(null=True)
    start_month = UnicodeAttribute(null=True)  # "YYYY-MM" of start (UTC), for by_month
    created_by = UnicodeAttribute(null=True)  # the staff member who booked on someone's behalf
    cancel_reason = UnicodeAttribute(null=True)  # given by staff (the member sees it), or "no_show"
    checked_out_at = UnicodeAttribute(null=True)
    returned_at = UnicodeAttribute(null=True)
    # Claims of the scheduled jobs, set with a conditional update before an email is sent, so
    # no email goes out twice. reminded_end: the end the reminder was about (a prolonged
    # booking gets a new reminder); overdue_notified_at: when the overdue notice was claimed.
    reminded_end = UnicodeAttribute(null=True)
    overdue_notified_at = UnicodeAttribute(null=True)
    hold_expires_at = UnicodeAttribute(null=True)  # a "held" booking (waitlist/holds.py) lapses then
    # The request (an API Idempotency-Key, hashed with its caller and body) that made the latest
    # change: a retry of that same request answers the booking as it is instead of changing it
    # again (bookings/change.py), even after the idempotency record expired or was lost.
    last_request = UnicodeAttribute(null=True)
    basket_id = UnicodeAttribute(null=True)  # booked with others in one basket (reservations/baskets/)
    series_id = UnicodeAttribute(null=True)  # one occurrence of a repeating series (reservations/series/)

    @property
    def shown_name(self) -> str:
        """What the member's pages and emails call it: a kind booking names its kind until staff
        have handed out (or swapped in) a unit; then, and for every other booking, the item."""
        if self.kind_id and not self.checked_out_at and not self.unit_shown:
            return str(self.kind_name or self.item_name)
        return str(self.item_name)

    by_user = ByUserIndex()
    by_item = ByItemIndex()
    by_status_end = ByStatusEndIndex()
    by_month = ByMonthIndex()


def month_of(start: str) -> str:
    return start[:7]

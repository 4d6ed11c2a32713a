"""Repeating bookings in the API: preview a daily or weekly series of one item (no write), book the
occurrences that are free (all or nothing, one transaction), read a series, cancel its future
occurrences. A series whose chosen occurrences stopped being free answers 409 `series_changed`
(nothing written): preview again and book again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from reservations import clock
from reservations.domain.errors import POLICY_RULES
from reservations.series import book, cancel
from reservations.series.expand import EVERY, MOST_OCCURRENCES, Repeat
from reservations.series.preview import Preview, SeriesState, read_own_series, series_preview

from .forms import DateField, IdField, OffsetDateTimeField, StrictIntegerField, WindowForm
from .http import Call, Endpoint, Reply, route
from .serialize import RESERVATION
from .shapes import BOOLEAN, DATETIME, INTEGER, STRING, Field, Shape, attr, enum, many, nullable, of

SERIES_ERRORS = ("series_invalid", "series_too_large", "series_changed", "series_empty", "series_not_an_occurrence",
                 "member_unknown", "member_limit", "race_lost", "not_found", "end_before_start")  # fmt: skip


class StartsField(forms.Field):
    """The starts of the occurrences the member chose (those free in the preview)."""

    schema = {"type": "array", "items": {"type": "string", "format": "date-time"}, "maxItems": MOST_OCCURRENCES}

    def to_python(self, value: Any) -> list[Any] | None:
        if value in (None, ""):
            return None
        if not isinstance(value, list) or len(value) > MOST_OCCURRENCES:
            raise forms.ValidationError(f"Send a list of at most {MOST_OCCURRENCES} start times.")
        return [OffsetDateTimeField().clean(v) for v in value]


class RepeatForm(WindowForm):
    item_id = IdField()
    start = OffsetDateTimeField(help_text="The first occurrence.")
    every = forms.ChoiceField(choices=[(k, k) for k in EVERY])
    until = DateField(required=False, help_text="The last day (site-local, inclusive); or `count`.")
    count = StrictIntegerField(required=False, min_value=1, max_value=MOST_OCCURRENCES, help_text="How many times.")
    field_order = ["item_id", "start", "end", "every", "until", "count"]


class SeriesCreateForm(RepeatForm):
    starts = StartsField(required=False, help_text="The occurrences to book (their starts); absent: every free one.")


def repeat_of(d: dict[str, Any]) -> Repeat:
    return Repeat(start=d["start"], end=d["end"], every=d["every"], until=d.get("until"), count=d.get("count"))


OCCURRENCE = Shape(
    "SeriesOccurrence",
    {
        "start": attr("start", DATETIME),
        "end": attr("end", DATETIME),
        "free": Field(BOOLEAN, lambda o: o.free),
        "reason": Field(
            nullable(STRING), lambda o: o.refusal or None, "Why not: an error code, as in problem `reason`."
        ),
        "detail": Field(nullable(STRING), lambda o: o.message or None),
    },
)
PREVIEW = Shape(
    "SeriesPreview",
    {
        "item_id": Field(STRING, lambda p: p.item.item_id),
        "free_count": Field(INTEGER, lambda p: len(p.free)),
        "occurrences": many(OCCURRENCE, lambda p: p.occurrences),
    },
    nested=(OCCURRENCE,),
)
SERIES = Shape(
    "Series",
    {
        "id": Field(STRING, lambda s: s.series_id),
        "item_id": Field(STRING, lambda s: s.record.item_id),
        "every": Field(enum(list(EVERY)), lambda s: s.record.every),
        "occurrences": many(RESERVATION, lambda s: s.reservations, "One booking per occurrence booked."),
    },
    nested=(RESERVATION,),
)
CANCELLED = Shape(
    "SeriesCancelled",
    {
        "series": of(SERIES, lambda o: o.state),
        "cancelled": Field({"type": "array", "items": STRING}, lambda o: [r.reservation_id for r in o.cancelled]),
        "left_alone": Field(
            {"type": "array", "items": {"type": "object"}},
            lambda o: [{"id": r.reservation_id, "detail": why} for r, why in o.left],
            "Occurrences already started or handed out: end them from their own booking.",
        ),
    },
    nested=(SERIES,),
)


def _preview_reply(preview: Preview) -> Reply:
    return Reply(200, PREVIEW.dump(preview))


def preview(call: Call) -> Reply:
    d = call.data
    return _preview_reply(series_preview(item_id=d["item_id"], repeat=repeat_of(d), now=clock.now()))


def create_series(call: Call) -> Reply:
    d = call.data
    state = book.series_create(
        user_id=call.user_id,
        item_id=d["item_id"],
        repeat=repeat_of(d),
        starts=d["starts"],
        request_key=call.request_key,
    )
    return _series_reply(state, 201)


def _series_reply(state: SeriesState, status: int = 200) -> Reply:
    location = reverse("api:series", kwargs={"series_id": state.series_id})
    return Reply(status, SERIES.dump(state), {"Location": location} if status == 201 else {})


def get_series(call: Call, series_id: str) -> Reply:
    return _series_reply(read_own_series(series_id=series_id, user_id=call.user_id))


def cancel_future(call: Call, series_id: str) -> Reply:
    return Reply(200, CANCELLED.dump(cancel.series_cancel_future(user_id=call.user_id, series_id=series_id)))


series_preview_route = route(
    POST=Endpoint(preview, "Every occurrence of a daily or weekly series: free, or why not (writes nothing)",
                  "series", body=RepeatForm, returns=PREVIEW, errors=("series_invalid", "series_too_large", "not_found"),
                  idempotent=False),
)  # fmt: skip
series_list = route(
    POST=Endpoint(create_series, f"Book the free occurrences of a series, all or nothing (at most {MOST_OCCURRENCES})",
                  "series", body=SeriesCreateForm, status=201, returns=SERIES, headers=("Location",),
                  errors=(*SERIES_ERRORS, *POLICY_RULES)),
)  # fmt: skip
series_detail = route(
    GET=Endpoint(get_series, "One of my series, with every occurrence booked", "series", returns=SERIES,
                 errors=("not_found",)),
)  # fmt: skip
series_cancel = route(
    POST=Endpoint(cancel_future, "Cancel every future occurrence (started ones are left alone)", "series",
                  returns=CANCELLED, errors=("not_found", "race_lost")),
)  # fmt: skip

"""Staff API for the categories' limits per member (catalogue/category_limits.py): list every
category with its limits, and set one category's. The role is checked per route."""

from __future__ import annotations

from django import forms

from reservations.catalogue.category_limits import CategoryLimits, categories_with_limits, category_limits_set
from reservations.domain.policy import LIMITS

from .forms import StrictIntegerField
from .http import Call, Endpoint, Reply, route
from .shapes import INTEGER, STRING, ArrayShape, Field, Shape

CATEGORY_LIMITS = Shape(
    "CategoryLimits",
    {
        "name": Field(STRING, lambda c: c.name, "The category, as first spelled (any case addresses it)."),
        "max_active": Field(
            INTEGER, lambda c: c.limits.max_active,
            "At most this many active bookings per member across the category's items and units (0: no limit).",
        ),
        "max_hours_week": Field(
            INTEGER, lambda c: c.limits.max_hours_week,
            "At most this many booked hours a week (weeks start on Monday at 00:00, site time) per member "
            "across the category's items and units (0: no limit).",
        ),
    },
    "A category's limits per member, checked in every member's booking transaction.",
)  # fmt: skip
CATEGORY_LIST = ArrayShape("CategoryLimitsList", CATEGORY_LIMITS, "Every category, by name (case-folded).")


class LimitsForm(forms.Form):
    max_active = StrictIntegerField(
        min_value=0, max_value=LIMITS["member_max_active"], help_text="Active bookings per member; 0: no limit."
    )
    max_hours_week = StrictIntegerField(
        min_value=0, max_value=LIMITS["member_max_hours_week"], help_text="Hours a week per member; 0: no limit."
    )


def list_categories(call: Call) -> Reply:
    return Reply(200, CATEGORY_LIST.dump(categories_with_limits()))


def set_limits(call: Call, name: str) -> Reply:
    d = call.data
    saved: CategoryLimits = category_limits_set(
        actor_id=call.user_id, name=name, max_active=d["max_active"], max_hours_week=d["max_hours_week"]
    )
    return Reply(200, CATEGORY_LIMITS.dump(saved))


categories = route(
    GET=Endpoint(list_categories, "Every category with its limits per member", "staff", returns=CATEGORY_LIST),
    role="staff",
)  # fmt: skip
category_limits = route(
    POST=Endpoint(set_limits, "Set a category's limits per member (0: no limit); bookings on every process "
                  "go by them at once", "staff", body=LimitsForm, returns=CATEGORY_LIMITS, errors=("not_found",)),
    role="staff",
)  # fmt: skip

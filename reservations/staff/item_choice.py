"""Book on behalf: which item. Never a list of every item: the item comes by its id (one GetItem)
or is found by the start of its name, one bounded page of matches (catalogue/listing.py) with a
"More matches" link, each a plain link that chooses it (no JavaScript)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from reservations.catalogue import categories, selectors
from reservations.domain.errors import DomainError
from reservations.store.ids import is_id

from .list_forms import ItemFindForm, category_select

VIEW = "staff.book_for"


def without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    return query.urlencode()


def context(request: HttpRequest, *, chosen: str) -> dict[str, Any]:
    """The chosen item (active: only those can be booked), or the finder and its page of matches.
    DomainError("invalid_cursor") for a "More matches" cursor that is not this list's."""
    found: dict[str, Any] = {"find": ItemFindForm(request.GET), "chosen_item": None, "chosen_problem": ""}
    if chosen:
        try:
            found["chosen_item"] = selectors.item_get(chosen) if is_id(chosen) else None
        except DomainError as error:
            if error.code != "not_found":
                raise
        if found["chosen_item"] is None:
            found["chosen_problem"] = "No such item, or it is retired: find it by name."
        else:
            return found
    find = found["find"]
    if find.is_valid() and find.cleaned_data["item_q"]:
        listing = selectors.staff_items(
            prefix=find.cleaned_data["item_q"],
            category=find.cleaned_data["category"],
            cursor=request.GET.get("cursor", ""),
            owner=str(request.user.pk),
            view=VIEW,
        )
        found["listing"] = listing
        category_select(find, listing.categories)
        found["first_page"] = without_cursor(request) if request.GET.get("cursor") else ""
        if listing.next_cursor:
            query = request.GET.copy()
            query["cursor"] = listing.next_cursor
            found["more"] = query.urlencode()
    else:  # the categories to narrow the search by: kept in the process, or one small Query
        category_select(find, categories.listed().names)
    return found

"""Staff filter items by category through the catalogue index's key (`<category>#<name>#<id>`): a
category that contains "#" must not leak into another one's list."""

from __future__ import annotations

from reservations.catalogue.selectors import items_for_staff
from tests.factories import make_item


def test_a_category_filter_lists_exactly_that_category(aws, staff_client):
    make_item(name="A7", category="Cameras")
    make_item(name="FX3", category="Cameras#Pro")
    make_item(name="Tripod", category="Cameras #2")
    assert [i.name for i in items_for_staff(category="Cameras")] == ["A7"]
    assert [i.name for i in items_for_staff(category="cameras#pro")] == ["FX3"]
    page = staff_client.get("/staff/items/", {"category": "Cameras"}).content.decode()
    assert "A7" in page and "FX3" not in page

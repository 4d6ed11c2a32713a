"""Names and categories at their longest in 4-byte characters: 200 of them take 800 bytes each, and
DynamoDB refuses a sort key over 1,024 bytes. The index keys hold at most 400 bytes of each
(store.models.items.key_part), so the item is created, listed, found by its category and by a prefix
of its name, including a prefix longer than the part of the name the key holds."""

from __future__ import annotations

from reservations.catalogue.listing import normalised
from reservations.domain import limits
from reservations.store.models import ItemRecord
from tests.factories import make_item

CLEF = "\U0001d11e"  # 𝄞: four bytes in UTF-8


def test_the_longest_names_in_four_byte_characters_make_a_valid_key_and_are_found(aws, member_client):
    name, category = CLEF * limits.NAME, CLEF * limits.CATEGORY
    item = make_item(name=name, category=category)
    stored = ItemRecord.get(item.item_id, consistent_read=True)
    assert len(stored.sort_key.encode()) <= 1024
    for q in (CLEF * 3, name):  # a short prefix, and the whole name (longer than the key holds)
        r = member_client.get("/api/v1/items", {"category": category, "q": q})
        assert r.status_code == 200, r.content[:300]
        assert [i["id"] for i in r.json()["items"]] == [item.item_id]


def test_a_cut_never_splits_a_character():
    assert normalised("a" * 399 + CLEF) == "a" * 399  # the 4-byte character does not fit: left out whole

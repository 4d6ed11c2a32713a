"""An item's long descriptive text, apart from the record that holds its schedule.

Why a table of its own: DynamoDB bills a write by the size of the whole item written (one write
unit per KB, twice in a transaction), an update included. Every booking rewrites the item record
that holds the schedule and its `version` (store/schedule.py), so any text kept on that record is
paid for again by every booking, prolongation, cancellation and desk action. The description
(up to 2,000 characters, 8 KB of UTF-8 at worst) lives here instead, keyed by the item's id, and a
booking's write units are the same whatever the description (tests/bookings/test_write_units.py).

Why not the items table with a sort key: the items table is keyed by item_id alone, and DynamoDB
cannot add a sort key to an existing table; a second table keyed the same way needs no migration
of the item records, and one BatchGetItem reads both (the item page, the API's item, staff's
edit form: catalogue/details.py), so pages cost no more requests than with one GetItem.

Written with its item by the catalogue services only (create, edit, CSV import), in the same
TransactWriteItems as the item and its audit entry: all or nothing. Location stays on the item
record: it is short (200 characters), shown in every listing and read by the calendar feed.

Items written before this table existed keep their description on the item record (the
`description` attribute of ItemRecord) until `manage.py backfill_descriptions` or their next edit moves
it here; reads fall back to it until then.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from .base import BaseMeta, BaseModel, table_name


class ItemDetailsRecord(BaseModel):
    class Meta(BaseMeta):
        table_name = table_name("items-details")

    item_id = UnicodeAttribute(hash_key=True)
    description = UnicodeAttribute(default="")

"""Baskets (several bookings for one window, made and changed in one transaction) and kits (a named,
fixed basket staff define). See reservations/baskets/."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from .base import BaseMeta, BaseModel, table_name

KITS_PK = "KITS"  # every kit in one small partition of the by_name index (a site has tens of kits)


class BasketLine(MapAttribute):  # type: ignore[type-arg]
    """One line of a basket: the booking it made, of which item (and, for a kind line, of which kind)."""

    reservation_id = UnicodeAttribute(attr_name="r")
    item_id = UnicodeAttribute(attr_name="i")
    item_name = UnicodeAttribute(attr_name="n")
    kind_id = UnicodeAttribute(attr_name="k", null=True)


class BasketRecord(BaseModel):
    """Written once, in the transaction that books the basket (attribute_not_exists): the member,
    the window asked for and the lines. Each line's current state is its reservation's."""

    class Meta(BaseMeta):
        table_name = table_name("baskets")

    basket_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    start = UnicodeAttribute()
    end = UnicodeAttribute()
    lines = ListAttribute(of=BasketLine, default=list)
    kit_id = UnicodeAttribute(null=True)
    kit_name = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)  # staff who booked on the member's behalf


class KitLine(MapAttribute):  # type: ignore[type-arg]
    item_id = UnicodeAttribute(attr_name="i", null=True)
    kind_id = UnicodeAttribute(attr_name="k", null=True)


class KitsByName(GlobalSecondaryIndex["KitRecord"]):
    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    kits_pk = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class KitRecord(BaseModel):
    """A named, fixed basket of items (and kinds) that members book like an item."""

    class Meta(BaseMeta):
        table_name = table_name("kits")

    kit_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    lines = ListAttribute(of=KitLine, default=list)
    active = BooleanAttribute(default=True)
    kits_pk = UnicodeAttribute(default=KITS_PK)
    name_key = UnicodeAttribute()  # "<name, case-folded>#<kit_id>"
    version = NumberAttribute(default=1)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    by_name = KitsByName()

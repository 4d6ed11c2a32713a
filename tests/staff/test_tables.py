"""create_tables adds the indexes this issue introduced to tables that already exist."""

from __future__ import annotations

from moto import mock_aws

from reservations.bookings import member as member_bookings


def test_create_tables_adds_missing_indexes_to_existing_tables():
    from reservations.store.connection import shared_connection
    from reservations.store.models import SessionRecord
    from reservations.store.tables import create_tables

    with mock_aws():
        client = shared_connection().client
        # The sessions table as it was before: no by_user index.
        client.create_table(
            TableName=SessionRecord.Meta.table_name,
            AttributeDefinitions=[{"AttributeName": "session_key", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "session_key", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        created = create_tables()
        assert f"{SessionRecord.Meta.table_name}.by_user" in created
        indexes = client.describe_table(TableName=SessionRecord.Meta.table_name)["Table"]["GlobalSecondaryIndexes"]
        assert [i["IndexName"] for i in indexes] == ["by_user"]
        assert create_tables() == []  # idempotent


def test_backfill_fills_index_attributes_of_old_rows(aws):
    from io import StringIO

    from django.core.management import call_command

    from reservations.store.models import ReservationRecord, UserRecord
    from tests.factories import future_slot, make_item, make_user

    user = make_user(email="old@example.com")
    UserRecord(user_id=user.pk).update(actions=[UserRecord.directory_pk.remove()])
    item = make_item()
    start, end = future_slot()

    r = member_bookings.reservation_create(user_id=user.pk, item_id=item.item_id, start=start, end=end)
    ReservationRecord(reservation_id=r.reservation_id).update(actions=[ReservationRecord.start_month.remove()])
    assert list(UserRecord.directory.query("USER")) == []
    out = StringIO()
    call_command("backfill_indexes", stdout=out)
    assert "Filled 1 user(s) and 1 reservation(s); marked 0 loan(s) out;" in out.getvalue()
    assert [u.email for u in UserRecord.directory.query("USER")] == ["old@example.com"]
    assert [x.reservation_id for x in ReservationRecord.by_month.query(r.start[:7])] == [r.reservation_id]

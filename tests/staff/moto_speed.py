"""Test speed only, for imports of hundreds of items: moto deep-copies a table for every action of
a TransactWriteItems (its rollback copy), so 21 transactions of 98 actions over 2,000 rows take
minutes. This copies each table once per transaction: the same rollback."""

from __future__ import annotations

import copy

import pytest


@pytest.fixture
def moto_copies_a_table_once_per_transaction(monkeypatch):
    import moto.dynamodb.models as moto_models

    class OncePerCall:
        def __init__(self) -> None:
            self.copies: dict[int, tuple[object, object]] = {}

        def deepcopy(self, value):
            if id(value) not in self.copies:
                self.copies[id(value)] = (value, copy.deepcopy(value))
            return self.copies[id(value)][1]

    original = moto_models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        moto_models.copy = OncePerCall()
        try:
            return original(self, transact_items)
        finally:
            moto_models.copy = copy

    monkeypatch.setattr(moto_models.DynamoDBBackend, "transact_write_items", transact_write_items)

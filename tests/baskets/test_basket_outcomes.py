"""A basket transaction whose answer was lost after it committed is answered as done (its first
audit entry is the witness, store/outcome.py); a store outage is "unavailable" (503), nothing written."""

from __future__ import annotations

import pytest
from botocore.exceptions import ReadTimeoutError
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from reservations.baskets.book import basket_create
from reservations.store.models import BasketRecord, ReservationRecord
from tests.api.conftest import Api
from tests.factories import future_slot, make_item


@pytest.fixture
def lost_answer(monkeypatch):
    """The next transaction commits, then fails as if its answer timed out on the way back."""
    original = TransactWrite._commit
    budget = {"n": 0}

    def commit_then_lose_the_answer(self):
        result = original(self)
        if budget["n"] > 0:
            budget["n"] -= 1
            raise TransactWriteError("lost", ReadTimeoutError(endpoint_url="https://dynamodb"))
        return result

    monkeypatch.setattr(TransactWrite, "_commit", commit_then_lose_the_answer)
    return budget


def test_a_basket_whose_answer_was_lost_is_answered_as_booked(member, lost_answer):
    things = [make_item(name=f"Thing {i}") for i in range(3)]
    start, end = future_slot(hours=1)
    lost_answer["n"] = 1
    state = basket_create(user_id=member.pk, item_ids=[t.item_id for t in things], start=start, end=end)
    assert lost_answer["n"] == 0  # the answer was lost, and that was not a refusal
    assert [line.reservation.status for line in state.lines] == ["booked"] * 3
    assert len(list(ReservationRecord.scan())) == 3 and len(list(BasketRecord.scan())) == 1


def test_a_store_outage_is_unavailable_and_writes_nothing(api, faults):
    things = [make_item(name=f"Thing {i}") for i in range(2)]
    start, end = future_slot(hours=1)
    faults.fail("TransactWriteItems", "server_error")
    body = {"item_ids": [t.item_id for t in things], "start": _iso(start), "end": _iso(end)}
    r = api.post("/api/v1/baskets", body)
    faults.heal()
    assert r.status_code == 503 and r.json()["reason"] == "unavailable"
    assert list(ReservationRecord.scan()) == [] and list(BasketRecord.scan()) == []


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def api(member):
    from django.test import Client

    from reservations.accounts.tokens import token_create

    return Api(Client(), token_create(user_id=str(member.pk)).token)

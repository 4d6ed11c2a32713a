"""Staff input that cannot be stored as sent is refused with a form error, never cut short or
dropped; a busy store is "unavailable", never "someone else changed it"."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from reservations.accounts import admin as accounts
from reservations.domain.errors import DomainError
from reservations.store.models import AuditRecord, ItemRecord, UserRecord
from tests.factories import make_user

TOO_LONG = "x" * 501


def entries(entity: str) -> list[str]:
    return [a.action for a in AuditRecord.query(entity, consistent_read=True)]


def test_retiring_with_a_too_long_reason_is_refused_not_silently_dropped(staff_client, item):
    r = staff_client.post(f"/staff/items/{item.item_id}/retire/", {"reason": TOO_LONG})
    assert r.status_code == 422
    assert "at most 500 characters" in r.content.decode()
    assert ItemRecord.get(item.item_id, consistent_read=True).active is True
    assert entries(f"item#{item.item_id}") == ["item.created"]


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_a_too_long_reason_on_a_user_is_refused_not_cut_short(admin_client, action):
    target = make_user(email="target@example.com")
    if action == "reactivate":
        UserRecord(user_id=target.pk).update(actions=[UserRecord.is_active.set(False)])
    before = UserRecord.get(target.pk, consistent_read=True).is_active
    r = admin_client.post(f"/staff/users/{target.pk}/{action}/", {"reason": TOO_LONG})
    assert r.status_code == 422
    assert "at most 500 characters" in r.content.decode()
    assert UserRecord.get(target.pk, consistent_read=True).is_active == before
    assert entries(f"user#{target.pk}") == ["user.created"]


def test_an_admin_change_while_dynamodb_is_busy_is_unavailable_not_a_conflict(admin, admin_client, faults):
    target = make_user(email="target@example.com")
    faults.fail("TransactWriteItems", "transaction_conflict")
    with pytest.raises(Exception) as info:  # the store's own error: the middleware answers 503
        accounts.user_set_role(actor_id=admin.pk, user_id=target.pk, role="staff")
    assert not isinstance(info.value, DomainError)
    page = admin_client.post(f"/staff/users/{target.pk}/role/", {"role": "staff", "confirmed": "yes"})
    assert page.status_code == 503
    assert "Someone else changed this user" not in page.content.decode()
    assert UserRecord.get(target.pk, consistent_read=True).role == "member"


def test_a_policy_number_beyond_its_limit_is_refused_on_the_page_and_in_the_api(staff, staff_client):
    from reservations.accounts.tokens import token_create

    token = token_create(user_id=staff.pk).token
    body = {"name": "Far", "category": "Tools", "policy": {"max_ahead_days": 10**7}}
    api = Client().post(
        "/api/v1/staff/items",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    page = staff_client.post("/staff/items/new/", {"name": "Far", "category": "Tools", "max_ahead_days": 10**7})
    assert api.status_code == page.status_code == 422
    assert json.loads(api.content)["reason"] == "invalid"
    assert list(ItemRecord.scan()) == []

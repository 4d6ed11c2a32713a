"""Staff set the limits per category on /staff/categories/ and through the staff API; bad input is
a form error (page) or a 422 problem (API), writing nothing; members cannot; a member's refused
booking names the category."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from reservations import clock
from reservations.accounts.tokens import token_create
from reservations.catalogue.category_limits import categories_with_limits, category_limits_set
from reservations.store.models import ItemRecord
from tests.api.conftest import Api
from tests.api.helpers import problem_of
from tests.factories import future_slot, make_item
from tests.member_limits.test_services import book


def limits_of(name):
    return {c.name: (c.limits.max_active, c.limits.max_hours_week) for c in categories_with_limits()}.get(name)


@pytest.fixture
def staff_api(staff) -> Api:
    return Api(Client(), token_create(user_id=str(staff.pk), name="tests").token)


@pytest.fixture
def member_api(member) -> Api:
    return Api(Client(), token_create(user_id=str(member.pk), name="tests").token)


def test_the_page_lists_categories_with_their_limits_and_saves_a_form(staff_client):
    make_item(name="Canon", category="Cameras"), make_item(name="Tripod", category="Stands")
    category_limits_set(actor_id="staff", name="Stands", max_active=0, max_hours_week=6)
    page = staff_client.get(reverse("staff:categories"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cameras" in html and "Stands" in html and 'value="6"' in html
    r = staff_client.post(reverse("staff:categories"), {"name": "Cameras", "max_active": "2", "max_hours_week": "10"})
    assert r.status_code == 302
    assert limits_of("Cameras") == (2, 10)
    assert "Saved the limits of Cameras" in staff_client.get(r["Location"]).content.decode()


@pytest.mark.parametrize("bad", [{"max_active": "-1"}, {"max_active": "1.5"}, {"max_hours_week": "x"},
                                 {"max_hours_week": "1000"}])  # fmt: skip
def test_the_page_refuses_bad_numbers_with_a_form_error_writing_nothing(staff_client, bad):
    make_item(name="Canon", category="Cameras")
    r = staff_client.post(
        reverse("staff:categories"), {"name": "Cameras", "max_active": "1", "max_hours_week": "0", **bad}
    )
    assert r.status_code == 422
    assert 'class="errorlist' in r.content.decode() or "error" in r.content.decode()
    assert limits_of("Cameras") == (0, 0)


def test_the_page_is_staff_only_and_an_unknown_category_is_not_found(client, member_client, staff_client, aws):
    make_item(name="Canon", category="Cameras")
    assert client.get(reverse("staff:categories"))["Location"].startswith("/accounts/sign-in/?next=")
    assert member_client.get(reverse("staff:categories")).status_code == 403
    r = member_client.post(reverse("staff:categories"), {"name": "Cameras", "max_active": "1", "max_hours_week": "0"})
    assert r.status_code == 403 and limits_of("Cameras") == (0, 0)
    r = staff_client.post(reverse("staff:categories"), {"name": "Nope", "max_active": "1", "max_hours_week": "0"})
    assert r.status_code == 404


def test_the_api_lists_and_sets_limits(staff_api):
    make_item(name="Canon", category="Cameras")
    r = staff_api.post("/api/v1/staff/categories/cameras/limits", {"max_active": 1, "max_hours_week": 8})
    assert r.status_code == 200, r.content
    assert r.json() == {"name": "Cameras", "max_active": 1, "max_hours_week": 8}
    listed = staff_api.get("/api/v1/staff/categories")
    assert listed.status_code == 200 and listed.json() == [{"name": "Cameras", "max_active": 1, "max_hours_week": 8}]


@pytest.mark.parametrize("body", [{"max_active": -1, "max_hours_week": 0}, {"max_active": 1.5, "max_hours_week": 0},
                                  {"max_active": 1}, {"max_active": 1, "max_hours_week": 169}])  # fmt: skip
def test_the_api_refuses_bad_input_writing_nothing(staff_api, body):
    make_item(name="Canon", category="Cameras")
    r = staff_api.post("/api/v1/staff/categories/Cameras/limits", body)
    assert r.status_code == 422 and problem_of(r)["code"] == "invalid"
    assert limits_of("Cameras") == (0, 0)


def test_the_api_answers_not_found_and_forbidden(staff_api, member_api):
    make_item(name="Canon", category="Cameras")
    r = staff_api.post("/api/v1/staff/categories/Nope/limits", {"max_active": 1, "max_hours_week": 0})
    assert r.status_code == 404 and problem_of(r)["reason"] == "not_found"
    assert member_api.get("/api/v1/staff/categories").status_code == 403
    r = member_api.post("/api/v1/staff/categories/Cameras/limits", {"max_active": 1, "max_hours_week": 0})
    assert r.status_code == 403 and limits_of("Cameras") == (0, 0)


def test_the_openapi_document_has_the_routes(staff_api):
    doc = staff_api.get("/api/v1/openapi.json").json()
    assert "get" in doc["paths"]["/api/v1/staff/categories"]
    post = doc["paths"]["/api/v1/staff/categories/{name}/limits"]["post"]
    assert "404" in post["responses"] and "422" in post["responses"]


def test_a_members_refusal_on_the_item_page_names_the_category(member_client, member):
    a, b = make_item(name="Canon", category="Cameras"), make_item(name="Nikon", category="Cameras")
    category_limits_set(actor_id="staff", name="Cameras", max_active=1, max_hours_week=0)
    start, end = future_slot()
    book(a, member, start, end)
    local = start.astimezone(clock.site_tz())
    window = {"start": local.strftime("%Y-%m-%dT%H:%M"), "end": (local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")}
    r = member_client.post(reverse("web:book", args=[b.item_id]), window)
    assert r.status_code == 409
    assert "at most 1 active booking of the category Cameras at once" in r.content.decode()
    assert int(ItemRecord.get(b.item_id, consistent_read=True).version) == 0


def test_setting_a_categorys_limits_is_in_the_audit_trail(aws):
    from reservations.audit.present import ACTIONS
    from reservations.catalogue.category_limits import category_limits_set
    from reservations.store.models import AuditRecord

    make_item(name="Audited lamp", category="Lighting")
    category_limits_set(actor_id="staff-1", name="Lighting", max_active=2, max_hours_week=0)
    (entry,) = [e for e in AuditRecord.scan() if e.action == "category.limits_set"]
    assert entry.entity == "category#lighting" and entry.actor_id == "staff-1"
    assert '"max_active": 2' in entry.after and '"max_active": 0' in entry.before
    assert ACTIONS[entry.action] == "Category limits per member set"

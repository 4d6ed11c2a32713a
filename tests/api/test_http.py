"""HTTP odds and ends of the API: unknown paths and methods, CORS, the documents, deactivation."""

from __future__ import annotations

from django.test import Client

from reservations.store.models import ApiTokenRecord

from .helpers import problem_of


def test_unknown_paths_and_methods_answer_json(api):
    for path in ("/api/v1/nope", "/api/v2/items", "/api/", "/api/v1/items/"):
        r = api.get(path)
        assert r.status_code == 404 and problem_of(r)["code"] == "not_found"
    r = api.client.put("/api/v1/items", headers=api._headers(None))
    assert r.status_code == 405 and problem_of(r)["code"] == "method_not_allowed"
    assert r["Allow"] == "GET"


def test_cors_only_for_listed_origins(api, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    r = api.get("/api/v1/items", headers={"Origin": "https://app.example.org"})
    assert r["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "ETag" in r["Access-Control-Expose-Headers"]
    r = api.get("/api/v1/items", headers={"Origin": "https://evil.example"})
    assert not r.has_header("Access-Control-Allow-Origin")
    pre = Client().options(
        "/api/v1/reservations",
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, idempotency-key",
        },
    )
    assert pre.status_code == 200
    assert "idempotency-key" in pre["Access-Control-Allow-Headers"]


def test_no_cors_by_default(api):
    r = api.get("/api/v1/items", headers={"Origin": "https://app.example.org"})
    assert not r.has_header("Access-Control-Allow-Origin")


def test_openapi_document_is_valid_and_the_docs_page_is_linked(member_client, aws):
    from openapi_spec_validator import validate

    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    validate(r.json())
    assert "/api/v1/reservations/{reservation_id}/prolong" in r.json()["paths"]
    page = member_client.get("/")
    assert 'href="/api/docs"' in page.content.decode()
    docs = Client().get("/api/docs")
    assert docs.status_code == 200 and "POST /api/v1/reservations" in docs.content.decode()


def test_deactivation_revokes_api_tokens_at_once(api, member, aws):
    from reservations.accounts.admin import user_deactivate
    from tests.factories import make_user

    admin = make_user(email="admin@example.com", role="admin")
    assert api.get("/api/v1/reservations").status_code == 200
    user_deactivate(actor_id=admin.pk, user_id=member.pk, reason="left")
    assert api.get("/api/v1/reservations").status_code == 401
    assert list(ApiTokenRecord.by_user.query(member.pk)) == []

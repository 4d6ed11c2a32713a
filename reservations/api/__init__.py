"""The JSON API under /api/v1/: thin routes over the same services and selectors as the pages.

Plain Django views, not django-ninja or DRF: measured here, django-ninja adds about 100 ms to
every cold start (mostly pydantic) and DRF about 17 ms, against a handler budget of 1.2x a bare
Django app. Input is parsed with Django forms (per-field errors for free), output is plain
dicts, and the OpenAPI document (openapi.py) is checked against the real responses by
schemathesis in the test suite, so the hand-written parts cannot drift unnoticed.
"""

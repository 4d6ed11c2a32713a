"""The JSON API under /api/v1/: thin routes over the same services and selectors as the pages.

Plain Django views, not django-ninja or DRF: measured here, django-ninja adds about 100 ms to
every cold start (mostly pydantic) and DRF about 17 ms, against a handler budget of 1.2x a bare
Django app. Input is parsed with Django forms (per-field errors for free), output is built by
shapes (shapes.py), and the OpenAPI document is generated from those same forms, shapes and
the error table (openapi.py); schemathesis checks the live routes against it in the test suite.
"""

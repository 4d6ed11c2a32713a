"""What every page (member or staff) does with a refusal: show it on the form, answer its status."""

from __future__ import annotations

from django import forms
from django.http import Http404

from reservations.domain.errors import DomainError


def refuse(form: forms.Form, error: DomainError) -> int:
    """Put the refusal on its form (on its field, if the form has it) and return the page's status,
    from the one table. "not found" is the 404 page instead."""
    if error.code == "not_found":
        raise Http404(error.message)
    field = error.spec.field if error.spec.field in form.fields else None
    for name, problems in error.fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else field, problem)
    if not error.fields:
        form.add_error(field, error.message)
    return error.status

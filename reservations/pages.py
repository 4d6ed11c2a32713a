"""What every page (member or staff) does with a refusal: show it on the form, answer its status;
or, for a button whose page redirects, say it in a message on the page it goes back to."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest

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


def flash_refusal(request: HttpRequest, error: DomainError) -> None:
    """The refusal as a message on the next page (the caller redirects). "not found" is the 404 page."""
    if error.code == "not_found":
        raise Http404(error.message) from error
    messages.error(request, error.message)

"""Where keyboard focus lands on a page, without JavaScript.

After a failed submit the error summary (templates/_form_errors.html) takes focus with `autofocus`;
the HTML standard allows one autofocus per page, so a field that asks for it on a fresh form
(the sign-in form's email) gives it up while errors show: `{{ field|without_autofocus }}`.
"""

from __future__ import annotations

import copy

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def without_autofocus(field: BoundField) -> BoundField:
    """The same bound field (value, errors, id) whose widget has no autofocus."""
    plain = copy.deepcopy(field.field)
    plain.widget.attrs.pop("autofocus", None)
    return BoundField(field.form, plain, field.name)

"""Django forms → JSON Schema, for the OpenAPI document: the forms that parse a request are the
ones that describe it (openapi.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from .forms import NestedFormField

# Django's CharField refuses NUL anywhere and strips white space (str.isspace(): which includes
# \x1c-\x1f and \x85, unlike ECMA-262's \s) before checking that a required value is not blank.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^(?![\s\x1c-\x1f\x85]*$)[^\x00]*$"


def form_schema(form_class: type[forms.Form], schemas: dict[str, Any]) -> dict[str, Any]:
    fields = dict(form_class.base_fields)
    order = [name for name in form_class.field_order or [] if name in fields]  # as the form orders them
    fields = {**{name: fields[name] for name in order}, **fields}
    out: dict[str, Any] = {
        "type": "object",
        "properties": {name: {**field_schema(f, schemas), **about(f)} for name, f in fields.items()},
        "required": [name for name, f in fields.items() if f.required],
        "additionalProperties": False,  # http.route refuses unknown fields
    }
    if form_class.__doc__:
        out["description"] = form_class.__doc__.strip()
    return out


def field_schema(f: forms.Field, schemas: dict[str, Any]) -> dict[str, Any]:
    if isinstance(f, NestedFormField):
        name = f.form_class.__name__
        schemas[name] = form_schema(f.form_class, schemas)
        return {"$ref": f"#/components/schemas/{name}"}
    own = getattr(f, "schema", None)
    if isinstance(own, dict):
        return dict(own)
    # Django's own field classes subclass each other (DecimalField and FloatField are IntegerFields,
    # JSONField, URLField and UUIDField are CharFields, MultipleChoiceField a ChoiceField): only the
    # ones described below are, or the document would say "integer" of a field taking 1.5.
    django_class = next(c for c in type(f).__mro__ if c.__module__.startswith("django.forms"))
    if django_class not in DESCRIBED_FIELDS:
        raise TypeError(f"no schema for {type(f).__name__}: describe the new field type here")
    if isinstance(f, forms.EmailField):
        return _text({"type": "string", "format": "email"}, f)
    if isinstance(f, forms.ChoiceField):
        return {"type": "string", "enum": [str(value) for value, _ in f.choices if value != ""]}
    if isinstance(f, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(f, forms.IntegerField):
        schema: dict[str, Any] = {"type": "integer"}
        if f.min_value is not None:
            schema["minimum"] = f.min_value
        if f.max_value is not None:
            schema["maximum"] = f.max_value
        return schema
    if isinstance(f, forms.CharField):
        return _text({"type": "string"}, f)
    raise TypeError(f"no schema for {type(f).__name__}: describe the new field type here")


DESCRIBED_FIELDS = (forms.EmailField, forms.ChoiceField, forms.DateField, forms.IntegerField, forms.CharField)


def _text(schema: dict[str, Any], f: forms.CharField) -> dict[str, Any]:
    if f.max_length is not None:
        schema["maxLength"] = f.max_length
    # No NUL character (Django refuses it); a required value that Django strips (most) also needs
    # a character that is not white space, as a blank one is then refused.
    schema["pattern"] = NOT_BLANK if f.required and f.strip else NO_NUL
    if f.required:
        schema["minLength"] = 1
    return schema


def about(f: forms.Field) -> dict[str, str]:
    return {"description": str(f.help_text)} if f.help_text else {}

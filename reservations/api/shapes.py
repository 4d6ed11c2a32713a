"""Response shapes: each one both turns a record into JSON and describes itself in the OpenAPI
document, so what the API sends and what the document says cannot drift apart.

Why not a library: pydantic (django-ninja) costs about 100 ms of cold start and DRF's
serializers about 17 ms (README: "JSON API"); a shape here is a name, a dict of fields and a
getter per field, which is all the API needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Getter = Callable[[Any], Any]

STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
DATETIME: dict[str, Any] = {"type": "string", "format": "date-time"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


@dataclass(frozen=True)
class Field:
    schema: dict[str, Any]
    get: Getter
    description: str = ""


@dataclass(frozen=True)
class Shape:
    """A named JSON object: `dump(obj)` builds it, `schema()` describes it."""

    name: str
    fields: dict[str, Field]
    description: str = ""
    nested: tuple[Shape, ...] = field(default=())

    def dump(self, obj: Any) -> dict[str, Any]:
        return {name: f.get(obj) for name, f in self.fields.items()}

    def schema(self) -> dict[str, Any]:
        properties = {}
        for name, f in self.fields.items():
            properties[name] = {**f.schema, "description": f.description} if f.description else f.schema
        out: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "required": list(self.fields),
            "additionalProperties": False,
        }
        if self.description:
            out["description"] = self.description
        return out

    @property
    def ref(self) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{self.name}"}

    def all(self) -> list[Shape | ArrayShape]:
        """This shape and every shape it refers to (for components.schemas)."""
        out: list[Shape | ArrayShape] = [self]
        for inner in self.nested:
            out += [s for s in inner.all() if s not in out]
        return out


@dataclass(frozen=True)
class ArrayShape:
    """A named JSON array of one shape."""

    name: str
    item: Shape
    description: str = ""

    def dump(self, objs: Any) -> list[dict[str, Any]]:
        return [self.item.dump(obj) for obj in objs]

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.ref}
        if self.description:
            out["description"] = self.description
        return out

    @property
    def ref(self) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{self.name}"}

    def all(self) -> list[Shape | ArrayShape]:
        return [self, *self.item.all()]


def of(shape: Shape, get: Getter, description: str = "") -> Field:
    return Field(shape.ref, lambda obj: shape.dump(get(obj)), description)


def many(shape: Shape, get: Getter, description: str = "") -> Field:
    return Field({"type": "array", "items": shape.ref}, lambda obj: [shape.dump(x) for x in get(obj)], description)


def through(get_inner: Getter, f: Field) -> Field:
    """The field `f` of the object `get_inner(obj)` (a row's item, an overdue row's booking)."""
    return Field(f.schema, lambda obj: f.get(get_inner(obj)), f.description)


def getter(name: str) -> Getter:
    return lambda obj: getattr(obj, name)


def attr(name: str, schema: dict[str, Any], description: str = "", *, default: Any = None) -> Field:
    def get(obj: Any) -> Any:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        return default if value is None else value

    return Field(schema, get, description)


def json_default(value: Any) -> Any:
    """Datetimes as ISO 8601 with a Z (json.dumps(default=...))."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")

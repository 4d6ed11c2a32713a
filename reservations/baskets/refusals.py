"""A basket's refusal names every line that cannot be done and why ("Tripod: A booking of this item
may last at most 4 hours."): pages show one form error per line, the API lists them as
`lines: [{line, item_id, reason, detail}]` (problem+json)."""

from __future__ import annotations

from dataclasses import dataclass

from reservations.domain.errors import DomainError


@dataclass(frozen=True)
class LineRefusal:
    line: int  # 1-based, in the basket's order
    item_id: str
    name: str
    error: DomainError

    @property
    def text(self) -> str:
        return f"{self.name}: {self.error.message}"

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "item_id": self.item_id, "reason": self.error.code, "detail": self.text}


def refused(refusals: list[LineRefusal]) -> DomainError:
    """One error for the whole basket: nothing was written."""
    fields = {f"line_{r.line}": [r.text] for r in refusals}
    return DomainError(
        "basket_refused",
        fields=fields,
        summary="; ".join(r.text for r in refusals),
        lines=[r.as_dict() for r in refusals],
    )


def line_refusals(error: DomainError) -> list[dict[str, object]]:
    """The per-line refusals a basket_refused error carries (empty for any other error)."""
    lines = error.params.get("lines") if error.code == "basket_refused" else None
    return list(lines) if isinstance(lines, list) else []

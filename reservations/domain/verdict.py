"""One action's answer: allowed, or the refusal code (a DomainError code) with its parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import DomainError


@dataclass(frozen=True)
class Verdict:
    refusal: str = ""  # a DomainError code; empty when allowed
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return not self.refusal

    @property
    def message(self) -> str:
        return DomainError(self.refusal, **self.params).message if self.refusal else ""

    def check(self) -> None:
        if self.refusal:
            raise DomainError(self.refusal, **self.params)


OK = Verdict()

"""A loaded form: the definition plus its parsed rules, ready for the engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from visit_forms.expressions import Node
from visit_forms.schema import Constraint, Definition, FollowupRule, Question

# Questions that hold no answer of their own.
WITHOUT_ANSWER = frozenset({"note"})


@dataclass(frozen=True, slots=True)
class CompiledQuestion:
    spec: Question
    section: str
    group: str | None  # the repeat group it sits in, if any
    category: str | None
    relevant: tuple[Node, ...]  # section's condition and the question's own; all must hold
    required: bool | Node
    constraints: tuple[tuple[Constraint, Node], ...]
    computed: Node | None
    default: Node | None
    option_codes: tuple[str, ...] = ()
    consent_pairs: tuple[str, ...] = ()  # "category/kind"

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def type(self) -> str:
        return self.spec.type


@dataclass(frozen=True, slots=True)
class Form:
    definition: Definition
    sha256: str
    questions: dict[str, CompiledQuestion]
    # Top-level questions (a repeat group is one) in an order where each comes after
    # everything its relevance and computed value read; inner questions per group likewise.
    order: tuple[str, ...]
    inner_order: dict[str, tuple[str, ...]]
    followups: tuple[tuple[FollowupRule, Node], ...] = field(default=())

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def version(self) -> int:
        return self.definition.version

    def top_level(self) -> list[CompiledQuestion]:
        return [question for question in self.questions.values() if question.group is None]

    def inner(self, group: str) -> list[CompiledQuestion]:
        return [question for question in self.questions.values() if question.group == group]

"""The engine: validate answers against a form, clean them, and suggest follow-ups.

The meaning, which the TypeScript twin follows:
- A question is relevant when its section's and its own `relevant` hold (and, inside a repeat
  group, the group's). An irrelevant question is neither required nor checked nor kept.
- A computed question's value is the server's calculation, coerced to its type (integers and
  money rounded half away from zero, decimals to their `decimals`, default 2). A client may send
  it; a different value is the error `computed_mismatch`.
- Blank means absent, null, whitespace-only text or an empty list; `required` then fails.
- A constraint is checked only when the question has a value, and fails only when its rule
  gives false. Errors come in form order, one per problem, each with a path like
  `members[1].birth_year` and a stable code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from visit_forms import answers as reading
from visit_forms.compiled import CompiledQuestion, Form
from visit_forms.expressions import Number, Record, Scope, Time, Value, evaluate, holds
from visit_forms.expressions import numbers as num
from visit_forms.expressions.evaluator import equal
from visit_forms.messages import message_for
from visit_forms.schema import Text

DEFAULT_MAX_ITEMS = 50


@dataclass(frozen=True, slots=True)
class FieldError:
    path: str
    code: str
    message: Text
    rule: str | None = None  # the constraint's code, for code "constraint"


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    recipient_kind: str
    need: Text
    categories: tuple[str, ...]


@dataclass(slots=True)
class Outcome:
    errors: list[FieldError]
    # Only relevant, non-blank answers, computed values filled in: what a visit keeps.
    answers: dict[str, Any]
    values: dict[str, Value]


@dataclass(slots=True)
class _Check:
    question: CompiledQuestion
    path: str
    raw: Any
    value: Value
    item: dict[str, Value]


@dataclass(slots=True)
class _Run:
    form: Form
    today: dt.date
    values: dict[str, Value] = field(default_factory=dict)
    cleaned: dict[str, Any] = field(default_factory=dict)
    checks: list[_Check] = field(default_factory=list)
    errors: list[tuple[tuple[int, ...], FieldError]] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)

    def error(self, path: str, code: str, **detail: Any) -> None:
        self.add(FieldError(path, code, message_for(code, detail)))

    def add(self, error: FieldError) -> None:
        self.errors.append((self.sort_key(error.path), error))

    def sort_key(self, path: str) -> tuple[int, ...]:
        """Form order: question, then item index, then the question inside the item; a code the
        form does not know sorts first; one field's errors keep the order they were found."""
        head, _, inner = path.partition(".")
        code, _, index = head.partition("[")
        return (
            self.position.get(code, -1),
            _item_index(index),
            self.position.get(inner, -1) if inner else -1,
            len(self.errors),
        )

    def scope(self, item: dict[str, Value] | None = None, current: Value = None) -> Scope:
        return Scope(lookup=self.values.get, today=self.today, current=current, item=item or {})


def _item_index(text: str) -> int:
    """The item index in an error path; -1 when there is none, as for an unknown key like
    `x[abc]` a client sent (which must give an error, not a crash)."""
    try:
        return int(text.rstrip("]")) if text else -1
    except ValueError:
        return -1


def evaluate_form(form: Form, answers: Any, *, today: dt.date) -> Outcome:
    run = _Run(form, today)
    run.position = {code: i for i, code in enumerate(form.questions)}
    if not isinstance(answers, dict):
        run.error("", "wrong_type")
        return Outcome([error for _, error in run.errors], {}, {})
    for code in answers:
        question = form.questions.get(code)
        if question is None or question.group is not None:
            run.error(code, "unknown_question")
    for code in form.order:
        question = form.questions[code]
        if question.type == "repeat":
            _group(run, question, answers.get(code))
        else:
            value, wire = _answer(run, question, code, answers.get(code), {})
            run.values[code] = value
            if wire is not None:
                run.cleaned[code] = wire
    for check in run.checks:
        _check(run, check)
    run.errors.sort(key=lambda pair: pair[0])
    ordered = {code: run.cleaned[code] for code in form.questions if code in run.cleaned}
    return Outcome([error for _, error in run.errors], ordered, run.values)


def validate(form: Form, answers: Any, *, today: dt.date) -> list[FieldError]:
    return evaluate_form(form, answers, today=today).errors


def suggest_followups(form: Form, answers: Any, *, today: dt.date) -> list[Suggestion]:
    """Suggestions from the form's rules, read on the cleaned answers (irrelevant ones gone)."""
    return suggestions_for(form, evaluate_form(form, answers, today=today), today=today)


def suggestions_for(form: Form, outcome: Outcome, *, today: dt.date) -> list[Suggestion]:
    """The same, for answers already evaluated (a server receiving a visit evaluates once)."""
    scope = Scope(lookup=outcome.values.get, today=today)
    return [
        Suggestion(rule.code, rule.recipient_kind, rule.need, tuple(rule.categories))
        for rule, when in form.followups
        if holds(when, scope)
    ]


def defaults(form: Form, *, today: dt.date, group: str | None = None) -> dict[str, Any]:
    """Starting answers of a new draft (or a new item of `group`)."""
    found: dict[str, Any] = {}
    scope = Scope(lookup=lambda name: None, today=today)
    for question in form.questions.values():
        if question.group == group and question.default is not None:
            value = _coerce(question, evaluate(question.default, scope))
            if value is not None:
                found[question.code] = to_wire(value, question.type)
    return found


def _relevant(run: _Run, question: CompiledQuestion, item: dict[str, Value]) -> bool:
    scope = run.scope(item)
    return all(holds(node, scope) for node in question.relevant)


def _answer(
    run: _Run, question: CompiledQuestion, path: str, raw: Any, item: dict[str, Value]
) -> tuple[Value, Any]:
    """Value and cleaned wire answer of one (non-repeat) question; queues its checks."""
    if not _relevant(run, question, item):
        return None, None
    if question.type == "note":
        if raw is not None:
            run.error(path, "read_only")
        return None, None
    if question.computed is not None:
        value = _coerce(question, evaluate(question.computed, run.scope(item)))
        if not reading.is_blank(question, raw):
            given = reading.read(question, raw)
            if isinstance(given, reading.Problem) or not equal(given, value):
                run.error(path, "computed_mismatch")
        run.checks.append(_Check(question, path, raw, value, item))
        return value, (to_wire(value, question.type) if value is not None else None)
    if reading.is_blank(question, raw):
        run.checks.append(_Check(question, path, None, None, item))
        return None, None
    value_or_problem = reading.read(question, raw)
    if isinstance(value_or_problem, reading.Problem):
        run.error(path, value_or_problem.code, **value_or_problem.detail)
        return None, None
    run.checks.append(_Check(question, path, raw, value_or_problem, item))
    return value_or_problem, raw


def _group(run: _Run, group: CompiledQuestion, raw: Any) -> None:
    code = group.code
    run.values[code] = None
    if not _relevant(run, group, {}):
        return
    blank = reading.is_blank(group, raw)
    items_raw: list[Any] = [] if blank else raw
    if not blank and not isinstance(raw, list):
        run.error(code, "wrong_type")
        return
    limit = group.spec.max_items or DEFAULT_MAX_ITEMS
    if len(items_raw) > limit:
        run.error(code, "too_many_items", max_items=limit)
        return
    records: list[Record] = []
    cleaned_items: list[dict[str, Any]] = []
    inner_codes = {question.code for question in run.form.inner(code)}
    for index, item_raw in enumerate(items_raw):
        base = f"{code}[{index}]"
        if not isinstance(item_raw, dict):
            run.error(base, "wrong_type")
            continue
        for key in item_raw:
            if key not in inner_codes:
                run.error(f"{base}.{key}", "unknown_question")
        item: dict[str, Value] = {}
        cleaned: dict[str, Any] = {}
        for inner_code in run.form.inner_order[code]:
            inner = run.form.questions[inner_code]
            value, wire = _answer(
                run, inner, f"{base}.{inner_code}", item_raw.get(inner_code), item
            )
            item[inner_code] = value
            if wire is not None:
                cleaned[inner_code] = wire
        records.append(Record(tuple(sorted(item.items()))))
        cleaned_items.append({c: cleaned[c] for c in run.form.inner_order[code] if c in cleaned})
    group_value: Value = tuple(records)
    run.values[code] = group_value
    if cleaned_items:
        run.cleaned[code] = cleaned_items
    run.checks.append(
        _Check(group, code, None if blank else raw, group_value if records else None, {})
    )


def _check(run: _Run, check: _Check) -> None:
    question = check.question
    scope = run.scope(check.item, current=check.value)
    required = question.required
    required_now = required is True or (not isinstance(required, bool) and holds(required, scope))
    if check.value is None:
        if required_now:
            run.error(check.path, "required")
        return
    incomplete = question.type == "consent" and not reading.consent_decided(question, check.raw)
    if incomplete and required_now:
        run.error(check.path, "incomplete")
    spec = question.spec
    if isinstance(check.value, tuple) and question.type in ("select_many", "photo", "repeat"):
        if spec.min_items is not None and len(check.value) < spec.min_items:
            run.error(check.path, "too_few_items", min_items=spec.min_items)
        if (
            question.type != "repeat"
            and spec.max_items is not None
            and len(check.value) > spec.max_items
        ):
            run.error(check.path, "too_many_items", max_items=spec.max_items)
    for constraint, rule in question.constraints:
        if evaluate(rule, scope) is False:
            run.add(FieldError(check.path, "constraint", constraint.message, constraint.code))


def _coerce(question: CompiledQuestion, value: Value) -> Value:
    """A computed or default value in the question's type; anything that does not fit is null."""
    kind = question.type
    if kind in ("integer", "money", "zrm", "decimal"):
        if not isinstance(value, Number):
            return None
        digits = (
            (question.spec.decimals if question.spec.decimals is not None else 2)
            if kind == "decimal"
            else 0
        )
        rounded = num.round_to(value, digits)
        if abs(rounded.units) >= reading.INTEGER_LIMIT * num.SCALE:
            return None
        if kind == "zrm" and not 1 <= rounded.to_int() <= 5:
            return None
        return rounded
    if kind in ("text", "long_text"):
        return value if isinstance(value, str) and value.strip() else None
    if kind == "yes_no":
        return value if isinstance(value, bool) else None
    if kind == "date":
        return value if isinstance(value, dt.date) else None
    if kind == "time":
        return value if isinstance(value, Time) else None
    if kind == "select_one":
        return value if isinstance(value, str) and value in question.option_codes else None
    if kind == "select_many":
        if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            chosen = set(value)
            if chosen <= set(question.option_codes):
                return tuple(code for code in question.option_codes if code in chosen)
        return None
    return None


def to_wire(value: Value, kind: str = "") -> Any:
    """The JSON answer form of a computed or default value (decimals as text, never floats)."""
    if isinstance(value, Number):
        return str(value) if kind == "decimal" else value.to_int()
    if isinstance(value, dt.date | Time):
        return str(value)
    if isinstance(value, tuple):
        return [to_wire(item) for item in value]
    return value

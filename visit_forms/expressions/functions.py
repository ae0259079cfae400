"""What each function of the expression language computes; total, like the evaluator.

Aggregates (`sum`, `min`, `max`) take numbers, lists of numbers, or null, and skip nulls, so
`sum($rent_arrears, $energy_debt)` is a total of what has been answered. `count` counts the
non-null items of a list (a repeat group, a multiple choice). `length` counts characters
(Unicode code points). Dates outside the years 1 to 9999 are null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from visit_forms.expressions import numbers
from visit_forms.expressions.numbers import Number
from visit_forms.expressions.patterns import full_match
from visit_forms.expressions.values import Time, Value, parse_date

_HUNDRED = Number(100 * numbers.SCALE)


def _flatten(args: tuple[Value, ...]) -> Iterator[Value]:
    for arg in args:
        if isinstance(arg, tuple):
            yield from arg
        else:
            yield arg


def _numbers(args: tuple[Value, ...]) -> list[Number] | None:
    """The numbers among args (nulls skipped); None when anything else is there."""
    found: list[Number] = []
    for value in _flatten(args):
        if value is None:
            continue
        if not isinstance(value, Number):
            return None
        found.append(value)
    return found


def _sum(args: tuple[Value, ...], today: dt.date) -> Value:
    found = _numbers(args)
    if found is None:
        return None
    return Number.of(sum(number.units for number in found))


def _extreme(pick: Callable[[list[int]], int]) -> Callable[[tuple[Value, ...], dt.date], Value]:
    def compute(args: tuple[Value, ...], today: dt.date) -> Value:
        found = _numbers(args)
        if not found:
            return None
        return Number(pick([number.units for number in found]))

    return compute


def _count(args: tuple[Value, ...], today: dt.date) -> Value:
    (value,) = args
    if value is None:
        return Number(0)
    if not isinstance(value, tuple):
        return None
    return Number.integer(sum(1 for item in value if item is not None))


def _if(args: tuple[Value, ...], today: dt.date) -> Value:
    condition, then, otherwise = args
    return then if condition is True else otherwise


def _coalesce(args: tuple[Value, ...], today: dt.date) -> Value:
    return next((arg for arg in args if arg is not None), None)


def _round(args: tuple[Value, ...], today: dt.date) -> Value:
    value, digits = args
    if not isinstance(value, Number) or not isinstance(digits, Number):
        return None
    return numbers.round_to(value, digits.to_int())


def _abs(args: tuple[Value, ...], today: dt.date) -> Value:
    (value,) = args
    return Number(abs(value.units)) if isinstance(value, Number) else None


def _eur(args: tuple[Value, ...], today: dt.date) -> Value:
    (value,) = args
    return numbers.multiply(value, _HUNDRED) if isinstance(value, Number) else None


def _selected(args: tuple[Value, ...], today: dt.date) -> Value:
    from visit_forms.expressions.evaluator import equal

    choices, code = args
    if choices is None:
        return False
    if not isinstance(choices, tuple) or code is None:
        return None
    return any(equal(choice, code) for choice in choices)


def _length(args: tuple[Value, ...], today: dt.date) -> Value:
    (value,) = args
    if value is None:
        return Number(0)
    return Number.integer(len(value)) if isinstance(value, str) else None


def _matches(args: tuple[Value, ...], today: dt.date) -> Value:
    value, pattern = args
    if not isinstance(value, str) or not isinstance(pattern, str):
        return None
    return full_match(pattern, value)


def _text(value: Value) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Number | str | dt.date | Time):
        return str(value)
    return None


def _concat(args: tuple[Value, ...], today: dt.date) -> Value:
    parts = [_text(arg) for arg in args]
    if any(part is None for part in parts):
        return None
    return "".join(part for part in parts if part is not None)


def _today(args: tuple[Value, ...], today: dt.date) -> Value:
    return today


def _date(args: tuple[Value, ...], today: dt.date) -> Value:
    (value,) = args
    if isinstance(value, dt.date):
        return value
    return parse_date(value) if isinstance(value, str) else None


def _year(args: tuple[Value, ...], today: dt.date) -> Value:
    (value,) = args
    return Number.integer(value.year) if isinstance(value, dt.date) else None


def _days_between(args: tuple[Value, ...], today: dt.date) -> Value:
    start, end = args
    if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
        return None
    return Number.integer((end - start).days)


def _add_days(args: tuple[Value, ...], today: dt.date) -> Value:
    start, days = args
    if not (isinstance(start, dt.date) and isinstance(days, Number) and days.is_integer()):
        return None
    ordinal = start.toordinal() + days.to_int()
    if not (1 <= ordinal <= dt.date.max.toordinal()):
        return None
    return dt.date.fromordinal(ordinal)


CALLS: dict[str, Callable[[tuple[Value, ...], dt.date], Value]] = {
    "if": _if,
    "coalesce": _coalesce,
    "sum": _sum,
    "count": _count,
    "min": _extreme(min),
    "max": _extreme(max),
    "round": _round,
    "abs": _abs,
    "eur": _eur,
    "selected": _selected,
    "length": _length,
    "matches": _matches,
    "concat": _concat,
    "today": _today,
    "date": _date,
    "year": _year,
    "days_between": _days_between,
    "add_days": _add_days,
}

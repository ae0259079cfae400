"""Evaluate a syntax tree against answers. Total: any input gives a value, never an exception.

The rules, which the TypeScript twin follows to the letter:
- A missing answer is null. An operation on values of the wrong type gives null, and so does
  arithmetic with null, a division by zero, or a number out of range.
- `and`, `or`, `not` use three-valued logic: `false and null` is false, `true and null` is null.
  Operands that are not booleans count as null.
- `=` and `!=` always answer: null equals only null, values of different types are unequal,
  numbers compare by value, lists item by item. Repeat-group items are never equal.
- `<` `<=` `>` `>=` compare two numbers, two dates or two times; anything else gives null.
- `x in list` is true when an item equals x; null when x or the list is null.
- A rule holds only when its expression gives true: for relevance and `required`, null means no;
  a constraint fails only when it gives false.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from visit_forms.expressions import numbers
from visit_forms.expressions.ast import (
    Binary,
    Call,
    Current,
    ListOf,
    Literal,
    Negate,
    Node,
    Not,
    Ref,
)
from visit_forms.expressions.functions import CALLS
from visit_forms.expressions.values import Record, Time, Value


@dataclass(frozen=True, slots=True)
class Scope:
    """What `$name`, `$group.name`, `.` and `today()` mean while evaluating."""

    lookup: Callable[[str], Value]
    today: dt.date
    current: Value = None
    item: dict[str, Value] = field(default_factory=dict)  # the repeat item being evaluated

    def resolve(self, name: str) -> Value:
        if name in self.item:
            return self.item[name]
        return self.lookup(name)


def evaluate(node: Node, scope: Scope) -> Value:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Current):
        return scope.current
    if isinstance(node, Ref):
        value = scope.resolve(node.name)
        return value if node.field is None else _project(value, node.field)
    if isinstance(node, ListOf):
        return tuple(evaluate(item, scope) for item in node.items)
    if isinstance(node, Negate):
        operand = evaluate(node.operand, scope)
        return numbers.negate(operand) if isinstance(operand, numbers.Number) else None
    if isinstance(node, Not):
        operand = evaluate(node.operand, scope)
        return (not operand) if isinstance(operand, bool) else None
    if isinstance(node, Call):
        return CALLS[node.name](tuple(evaluate(arg, scope) for arg in node.args), scope.today)
    return _binary(node, scope)


def holds(node: Node, scope: Scope) -> bool:
    return evaluate(node, scope) is True


def _project(value: Value, code: str) -> Value:
    if not isinstance(value, tuple):
        return None
    return tuple(item.get(code) if isinstance(item, Record) else None for item in value)


def _binary(node: Binary, scope: Scope) -> Value:
    left = evaluate(node.left, scope)
    right = evaluate(node.right, scope)
    op = node.op
    if op in ("and", "or"):
        return _logic(op, left, right)
    if op == "=":
        return equal(left, right)
    if op == "!=":
        return not equal(left, right)
    if op == "in":
        if left is None or not isinstance(right, tuple):
            return None
        return any(equal(left, item) for item in right)
    if op in ("<", "<=", ">", ">="):
        return _order(op, left, right)
    if not (isinstance(left, numbers.Number) and isinstance(right, numbers.Number)):
        return None
    arithmetic = {
        "+": numbers.add,
        "-": numbers.subtract,
        "*": numbers.multiply,
        "/": numbers.divide,
    }
    return arithmetic[op](left, right)


def _logic(op: str, left: Value, right: Value) -> bool | None:
    a = left if isinstance(left, bool) else None
    b = right if isinstance(right, bool) else None
    if op == "and":
        if a is False or b is False:
            return False
        return True if a is True and b is True else None
    if a is True or b is True:
        return True
    return False if a is False and b is False else None


def equal(left: Value, right: Value) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, Record) or isinstance(right, Record):
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, tuple) and isinstance(right, tuple):
        return len(left) == len(right) and all(
            equal(a, b) for a, b in zip(left, right, strict=True)
        )
    return type(left) is type(right) and left == right


def _order(op: str, left: Value, right: Value) -> bool | None:
    comparable = (
        (isinstance(left, numbers.Number) and isinstance(right, numbers.Number))
        or (isinstance(left, dt.date) and isinstance(right, dt.date))
        or (isinstance(left, Time) and isinstance(right, Time))
    )
    if not comparable:
        return None
    a = left.units if isinstance(left, numbers.Number) else left
    b = right.units if isinstance(right, numbers.Number) else right
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]

"""The syntax tree of an expression: small frozen nodes, compared by value in round-trip tests."""

from __future__ import annotations

from dataclasses import dataclass

from visit_forms.expressions.numbers import Number

# Binding strength, loosest first; the parser and the printer share it.
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "add": 5, "multiply": 6, "negate": 7}
ATOM = 8
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=", "in")
ADDITIVE = ("+", "-")
MULTIPLICATIVE = ("*", "/")


@dataclass(frozen=True, slots=True)
class Literal:
    """null, true/false, a non-negative number, or a string (negatives are Negate nodes)."""

    value: bool | Number | str | None


@dataclass(frozen=True, slots=True)
class Current:
    """`.`: the value of the question the rule belongs to."""


@dataclass(frozen=True, slots=True)
class Ref:
    """`$name`, or `$group.name`: one answer, or a repeat group's answers to one question."""

    name: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class ListOf:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Literal | Current | Ref | ListOf | Negate | Not | Binary | Call


def precedence(node: Node) -> int:
    if isinstance(node, Binary):
        if node.op in ("or", "and"):
            return PRECEDENCE[node.op]
        if node.op in COMPARISONS:
            return PRECEDENCE["compare"]
        return PRECEDENCE["add"] if node.op in ADDITIVE else PRECEDENCE["multiply"]
    if isinstance(node, Not):
        return PRECEDENCE["not"]
    if isinstance(node, Negate):
        return PRECEDENCE["negate"]
    return ATOM


def references(node: Node) -> set[tuple[str, str | None]]:
    """Every `$name` / `$group.name` the expression reads."""
    found: set[tuple[str, str | None]] = set()
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Ref):
            found.add((current.name, current.field))
        elif isinstance(current, ListOf | Call):
            stack.extend(current.items if isinstance(current, ListOf) else current.args)
        elif isinstance(current, Negate | Not):
            stack.append(current.operand)
        elif isinstance(current, Binary):
            stack.extend((current.left, current.right))
    return found


def uses_current(node: Node) -> bool:
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Current):
            return True
        if isinstance(current, ListOf):
            stack.extend(current.items)
        elif isinstance(current, Call):
            stack.extend(current.args)
        elif isinstance(current, Negate | Not):
            stack.append(current.operand)
        elif isinstance(current, Binary):
            stack.extend((current.left, current.right))
    return False

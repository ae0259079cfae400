"""Print a syntax tree in the one canonical notation: parse(to_text(tree)) == tree.

Parentheses appear only where precedence needs them; operators have single spaces around them.
The canonical text is what the JSON export and the shared test vectors carry.
"""

from __future__ import annotations

from visit_forms.expressions.ast import (
    COMPARISONS,
    PRECEDENCE,
    Call,
    Current,
    ListOf,
    Literal,
    Negate,
    Node,
    Not,
    Ref,
    precedence,
)
from visit_forms.expressions.numbers import Number


def to_text(node: Node) -> str:
    if isinstance(node, Literal):
        return _literal(node.value)
    if isinstance(node, Current):
        return "."
    if isinstance(node, Ref):
        return f"${node.name}" + (f".{node.field}" if node.field else "")
    if isinstance(node, ListOf):
        return "[" + ", ".join(to_text(item) for item in node.items) + "]"
    if isinstance(node, Call):
        return node.name + "(" + ", ".join(to_text(arg) for arg in node.args) + ")"
    if isinstance(node, Negate):
        return "-" + _wrapped(node.operand, PRECEDENCE["negate"])
    if isinstance(node, Not):
        return "not " + _wrapped(node.operand, PRECEDENCE["not"])
    own = precedence(node)
    # Left-associative: a left operand of equal strength needs no parentheses, a right one does.
    # Comparisons do not chain, so neither side may be a bare comparison.
    left_minimum = own + 1 if node.op in COMPARISONS else own
    return f"{_wrapped(node.left, left_minimum)} {node.op} {_wrapped(node.right, own + 1)}"


def _wrapped(node: Node, minimum: int) -> str:
    text = to_text(node)
    return text if precedence(node) >= minimum else f"({text})"


def _literal(value: bool | Number | str | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Number):
        return str(value)
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

"""The expression language of the forms: parse, print and evaluate, the same in Python and TS."""

from visit_forms.expressions.ast import Node, references, uses_current
from visit_forms.expressions.errors import ExpressionError
from visit_forms.expressions.evaluator import Scope, evaluate, holds
from visit_forms.expressions.numbers import Number
from visit_forms.expressions.parser import parse
from visit_forms.expressions.printer import to_text
from visit_forms.expressions.values import Record, Time, Value, decode, encode

__all__ = [
    "ExpressionError",
    "Node",
    "Number",
    "Record",
    "Scope",
    "Time",
    "Value",
    "decode",
    "encode",
    "evaluate",
    "holds",
    "parse",
    "references",
    "to_text",
    "uses_current",
]

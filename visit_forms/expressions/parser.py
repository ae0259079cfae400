"""Tokenizer and recursive-descent parser: text in, syntax tree out, never `eval`.

Grammar, loosest binding first:
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | compare
    compare  := add (("=" | "!=" | "<" | "<=" | ">" | ">=" | "in") add)?    (does not chain)
    add      := multiply (("+" | "-") multiply)*
    multiply := negate (("*" | "/") negate)*
    negate   := "-" negate | atom
    atom     := number | 'string' | true | false | null | "." | $name | $group.name
              | name "(" [or ("," or)*] ")" | "[" [or ("," or)*] "]" | "(" or ")"
Numbers have at most six fraction digits and no sign (a minus is the negate operator).
Strings use single quotes; inside them only \\' and \\\\ are escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from visit_forms.expressions.ast import (
    ADDITIVE,
    COMPARISONS,
    MULTIPLICATIVE,
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
from visit_forms.expressions.errors import ExpressionError
from visit_forms.expressions.numbers import Number
from visit_forms.expressions.patterns import check_pattern
from visit_forms.expressions.signatures import FUNCTIONS

MAX_LENGTH = 2000
MAX_DEPTH = 40
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?)
  | (?P<ref>\$[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?)
  | (?P<name>[a-z][a-z0-9_]*)
  | (?P<string>')
  | (?P<op><=|>=|!=|[=<>+\-*/(),\[\].])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number, ref, name, string, op, end
    text: str
    position: int
    value: str = ""


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        match = _TOKEN.match(source, i)
        if match is None or match.lastgroup is None:
            raise ExpressionError("unexpected_character", f"unexpected {source[i]!r}", i)
        kind = match.lastgroup
        if kind == "string":
            value, end = _read_string(source, i)
            tokens.append(Token("string", source[i:end], i, value))
            i = end
            continue
        if kind != "space":
            tokens.append(Token(kind, match.group(), i))
        i = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


def _read_string(source: str, start: int) -> tuple[str, int]:
    chars: list[str] = []
    i = start + 1
    while i < len(source):
        char = source[i]
        if char == "'":
            return "".join(chars), i + 1
        if char == "\\":
            following = source[i + 1 : i + 2]
            if following not in ("'", "\\"):
                raise ExpressionError("bad_escape", "only \\' and \\\\ are escapes", i)
            chars.append(following)
            i += 2
            continue
        if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:  # C0/C1 controls, in both languages
            raise ExpressionError("unexpected_character", "control character in string", i)
        chars.append(char)
        i += 1
    raise ExpressionError("unterminated_string", "string is not closed", start)


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, *texts: str) -> bool:
        token = self.token
        return token.kind in ("op", "name") and token.text in texts

    def expect(self, text: str) -> Token:
        if not self.at(text):
            raise self.unexpected(f"expected {text!r}")
        return self.advance()

    def unexpected(self, wanted: str) -> ExpressionError:
        token = self.token
        if token.kind == "end":
            return ExpressionError(
                "unexpected_end", f"{wanted}, but the expression ends", token.position
            )
        return ExpressionError(
            "unexpected_token", f"{wanted}, found {token.text!r}", token.position
        )

    def descend(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                "too_deep", "expression is nested too deeply", self.token.position
            )

    # Grammar -------------------------------------------------------------------------------------
    def parse_or(self) -> Node:
        self.descend()
        node = self.parse_and()
        while self.at("or"):
            self.advance()
            node = Binary("or", node, self.parse_and())
        self.depth -= 1
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.at("and"):
            self.advance()
            node = Binary("and", node, self.parse_not())
        return node

    def parse_not(self) -> Node:
        if self.at("not"):
            self.advance()
            self.descend()
            node = Not(self.parse_not())
            self.depth -= 1
            return node
        return self.parse_compare()

    def parse_compare(self) -> Node:
        node = self.parse_add()
        if self.at(*COMPARISONS):
            op = self.advance().text
            node = Binary(op, node, self.parse_add())
            if self.at(*COMPARISONS):
                raise self.unexpected("comparisons do not chain; use 'and'")
        return node

    def parse_add(self) -> Node:
        node = self.parse_multiply()
        while self.at(*ADDITIVE):
            op = self.advance().text
            node = Binary(op, node, self.parse_multiply())
        return node

    def parse_multiply(self) -> Node:
        node = self.parse_negate()
        while self.at(*MULTIPLICATIVE):
            op = self.advance().text
            node = Binary(op, node, self.parse_negate())
        return node

    def parse_negate(self) -> Node:
        if self.at("-"):
            self.advance()
            self.descend()
            node = Negate(self.parse_negate())
            self.depth -= 1
            return node
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.advance()
            number = Number.parse(token.text)
            if number is None:
                raise ExpressionError(
                    "bad_number", "numbers have at most 6 decimals and 15 digits", token.position
                )
            return Literal(number)
        if token.kind == "string":
            self.advance()
            return Literal(token.value)
        if token.kind == "ref":
            self.advance()
            name, _, field = token.text[1:].partition(".")
            if name in KEYWORDS or field in KEYWORDS:
                raise ExpressionError("unexpected_token", "a keyword is not a name", token.position)
            return Ref(name, field or None)
        if token.kind == "name":
            return self.parse_name()
        if self.at("."):
            self.advance()
            return Current()
        if self.at("("):
            self.advance()
            node = self.parse_or()
            self.expect(")")
            return node
        if self.at("["):
            self.advance()
            return ListOf(self.parse_arguments("]"))
        raise self.unexpected("expected a value")

    def parse_name(self) -> Node:
        token = self.advance()
        constants: dict[str, bool | None] = {"true": True, "false": False, "null": None}
        if token.text in constants:
            return Literal(constants[token.text])
        if token.text in KEYWORDS:
            self.index -= 1
            raise self.unexpected("expected a value")
        signature = FUNCTIONS.get(token.text)
        if signature is None:
            raise ExpressionError(
                "unknown_function", f"there is no function {token.text!r}", token.position
            )
        self.expect("(")
        args = self.parse_arguments(")")
        too_many = signature.max_args is not None and len(args) > signature.max_args
        if len(args) < signature.min_args or too_many:
            raise ExpressionError(
                "wrong_arity", f"{token.text}() takes {_arity(token.text)}", token.position
            )
        for position, kind in signature.literal_args:
            _check_literal(token, args[position], kind)
        return Call(token.text, tuple(args))

    def parse_arguments(self, closing: str) -> tuple[Node, ...]:
        args: list[Node] = []
        if not self.at(closing):
            args.append(self.parse_or())
            while self.at(","):
                self.advance()
                args.append(self.parse_or())
        self.expect(closing)
        return tuple(args)


def _arity(name: str) -> str:
    signature = FUNCTIONS[name]
    if signature.max_args is None:
        return f"at least {signature.min_args} argument(s)"
    if signature.min_args == signature.max_args:
        return f"{signature.min_args} argument(s)"
    return f"{signature.min_args} to {signature.max_args} arguments"


def _check_literal(call: Token, node: Node, kind: str) -> None:
    if kind == "digits":
        value = node.value if isinstance(node, Literal) else None
        if not (isinstance(value, Number) and value.is_integer() and 0 <= value.to_int() <= 6):
            raise ExpressionError(
                "bad_argument", f"{call.text}() needs a whole number 0 to 6", call.position
            )
    elif kind == "pattern":
        if not (isinstance(node, Literal) and isinstance(node.value, str)):
            raise ExpressionError(
                "bad_argument", f"{call.text}() needs a pattern in quotes", call.position
            )
        problem = check_pattern(node.value)
        if problem:
            raise ExpressionError("bad_pattern", problem, call.position)


def parse(source: str) -> Node:
    """Parse an expression or raise ExpressionError with a stable code and position."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError("too_long", f"expressions are at most {MAX_LENGTH} characters", 0)
    parser = _Parser(source)
    node = parser.parse_or()
    if parser.token.kind != "end":
        raise parser.unexpected("expected an operator or the end")
    return node

"""Build the shared vectors that the TypeScript engine must reproduce exactly.

- forms.json: the hand-written cases in cases/*.yaml, with each definition as the API exports it.
- expressions.json: a generated corpus of expressions (and broken ones) with the Python engine's
  canonical text and result, or its error code.

Usage: .venv/bin/python -m tests.vectors.build
The vector tests fail when a committed file differs from what this builds, so they never go stale.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import yaml

from api.covenant.loader import load_covenant
from api.forms.catalogue import covenant_codes
from visit_forms import compile_definition, export_definition
from visit_forms.expressions import (
    ExpressionError,
    Number,
    Record,
    Scope,
    Value,
    encode,
    evaluate,
    parse,
    to_text,
)

HERE = Path(__file__).parent
FORMS_FILE = HERE / "forms.json"
EXPRESSIONS_FILE = HERE / "expressions.json"
TODAY = dt.date(2026, 11, 24)
CORPUS_SIZE = 1200
SEED = 20261124


def build_forms() -> dict[str, Any]:
    codes = covenant_codes(load_covenant())
    suites = []
    for path in sorted((HERE / "cases").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        form = compile_definition(data["definition"], codes, source=str(path))
        suites.append({"name": path.stem, "form": export_definition(form), "cases": data["cases"]})
    return {"format": 1, "suites": suites}


def _n(text: str) -> Number:
    number = Number.parse(text)
    assert number is not None, text
    return number


VARIABLES: dict[str, Value] = {
    "small": _n("7"),
    "negative": _n("-3.5"),
    "huge": _n("999999999999999"),
    "rent": _n("72550"),
    "zero": _n("0"),
    "third": _n("0.333333"),
    "name": "Zoë",
    "postcode": "1234 AB",
    "empty": "",
    "yes": True,
    "no": False,
    "signal_date": dt.date(2026, 9, 15),
    "leap_day": dt.date(2024, 2, 29),
    "reasons": ("job_loss", "illness"),
    "amounts": (_n("125000"), None, _n("30000")),
    "debts": (
        Record((("amount", _n("125000")), ("creditor", "Energie BV"))),
        Record((("amount", None), ("creditor", "Zorgverzekeraar"))),
        Record((("amount", _n("30000")), ("creditor", None))),
    ),
    "missing": None,
}
CURRENT: Value = _n("42")

NUMBER_LITERALS = [
    "0",
    "1",
    "2",
    "3",
    "7",
    "12",
    "100",
    "0.5",
    "2.5",
    "1.005",
    "0.000001",
    "1000000000",
    "999999999999999",
    "0.333333",
    "52",
]
TEXT_LITERALS = ["''", "'a'", "'Zoë'", "'1234 AB'", "'job_loss'", "'illness'", "'it\\'s'", "'\\\\'"]
DATE_LITERALS = [
    "'2026-01-31'",
    "'2024-02-29'",
    "'2023-02-29'",
    "'0001-01-01'",
    "'9999-12-31'",
    "'2026-13-01'",
    "'26-1-1'",
]
PATTERNS = [
    "'[1-9][0-9]{3} ?[A-Z]{2}'",
    "'[a-zA-Z]+'",
    "'Zo(e|ë)'",
    "'job_(loss|gain)'",
    "'[^ ]*'",
    "'a|b|'",
]
BROKEN = [
    "",
    " ",
    "1 +",
    "+ 1",
    "(1",
    "1)",
    "[1, 2",
    "1 2",
    "1 < 2 < 3",
    "1 = = 2",
    "'open",
    "'\\n'",
    "1.2345678",
    "01",
    "1.",
    ".5",
    "$",
    "$1a",
    "$A",
    "$a.b.c",
    "$and",
    "summ(1)",
    "sum()",
    "today(1)",
    "if(1, 2)",
    "round(1, 7)",
    "round(1, $small)",
    "round(1, 1.5)",
    "matches('a', $p)",
    "matches('a', '\\\\d')",
    "matches('a', 'a.b')",
    "matches('a', '(a+)+')",
    "matches('a', '^a$')",
    "matches('a', '[a-')",
    "matches('a', 'é')",
    "1 # 2",
    "1 ≠ 2",
    "not",
    "not not",
    "-",
    "[,]",
    "f(1)",
    "true()",
    "null.x",
    "1 in",
    "1 and or 2",
    "(" * 41 + "1" + ")" * 41,
    "-" * 41 + "1",
    "1" + " + 1" * 700,
]


class _Generator:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def pick(self, options: list[str]) -> str:
        return self.random.choice(options)

    def any(self, depth: int) -> str:
        return getattr(self, self.pick(["number", "boolean", "text", "date", "list"]))(depth)

    def wrap(self, text: str) -> str:
        return f"({text})" if self.random.random() < 0.8 else text

    def number(self, depth: int) -> str:
        if depth <= 0 or self.random.random() < 0.25:
            return self.pick(
                [
                    *NUMBER_LITERALS,
                    "$small",
                    "$negative",
                    "$huge",
                    "$rent",
                    "$zero",
                    "$third",
                    "$missing",
                    ".",
                ]
            )
        if self.random.random() < 0.08:
            return self.any(depth - 1)
        d = depth - 1
        choice = self.random.randrange(16)
        if choice < 5:
            op = self.pick(["+", "-", "*", "/"])
            return f"{self.wrap(self.number(d))} {op} {self.wrap(self.number(d))}"
        options = [
            lambda: f"-{self.wrap(self.number(d))}",
            lambda: (
                f"sum({self.number(d)}, {self.pick(['$amounts', '$debts.amount', self.number(d)])})"
            ),
            lambda: f"{self.pick(['min', 'max'])}({self.number(d)}, {self.number(d)})",
            lambda: f"round({self.number(d)}, {self.random.randrange(7)})",
            lambda: f"abs({self.number(d)})",
            lambda: f"eur({self.number(d)})",
            lambda: f"count({self.list(d)})",
            lambda: f"length({self.text(d)})",
            lambda: f"days_between({self.date(d)}, {self.date(d)})",
            lambda: f"year({self.date(d)})",
            lambda: f"if({self.boolean(d)}, {self.number(d)}, {self.number(d)})",
        ]
        return self.random.choice(options)()

    def boolean(self, depth: int) -> str:
        if depth <= 0 or self.random.random() < 0.2:
            return self.pick(["true", "false", "null", "$yes", "$no", "$missing"])
        if self.random.random() < 0.08:
            return self.any(depth - 1)
        d = depth - 1
        options = [
            lambda: (
                f"{self.number(d)} {self.pick(['<', '<=', '>', '>=', '=', '!='])} {self.number(d)}"
            ),
            lambda: f"{self.date(d)} {self.pick(['<', '>=', '=', '!='])} {self.date(d)}",
            lambda: f"{self.any(d)} {self.pick(['=', '!='])} {self.any(d)}",
            lambda: f"{self.any(d)} in {self.list(d)}",
            lambda: f"not {self.wrap(self.boolean(d))}",
            lambda: self.logic(d),
            lambda: f"selected({self.list(d)}, {self.text(d)})",
            lambda: f"matches({self.text(d)}, {self.pick(PATTERNS)})",
        ]
        return self.random.choice(options)()

    def logic(self, d: int) -> str:
        left = self.wrap(self.boolean(d))
        op = self.pick(["and", "or"])
        return f"{left} {op} {self.wrap(self.boolean(d))}"

    def text(self, depth: int) -> str:
        if depth <= 0 or self.random.random() < 0.4:
            return self.pick([*TEXT_LITERALS, "$name", "$postcode", "$empty", "$missing"])
        d = depth - 1
        options = [
            lambda: f"concat({self.any(d)}, {self.text(d)})",
            lambda: f"if({self.boolean(d)}, {self.text(d)}, {self.text(d)})",
            lambda: f"coalesce({self.text(d)}, {self.text(d)})",
        ]
        return self.random.choice(options)()

    def date(self, depth: int) -> str:
        if depth <= 0 or self.random.random() < 0.4:
            return self.pick(
                ["today()", "$signal_date", "$leap_day", "$missing"]
                + [f"date({literal})" for literal in DATE_LITERALS]
            )
        return f"add_days({self.date(depth - 1)}, {self.number(depth - 1)})"

    def list(self, depth: int) -> str:
        if depth <= 0 or self.random.random() < 0.5:
            return self.pick(
                [
                    "$reasons",
                    "$amounts",
                    "$debts",
                    "$debts.amount",
                    "$debts.creditor",
                    "$missing",
                    "[]",
                ]
            )
        size = self.random.randrange(4)
        return "[" + ", ".join(self.any(depth - 1) for _ in range(size)) + "]"

    def mutate(self, source: str) -> str:
        if not source:
            return source
        i = self.random.randrange(len(source))
        action = self.random.randrange(3)
        if action == 0:
            return source[:i] + source[i + 1 :]
        if action == 1:
            return source[:i] + self.pick(list("()[],.$'=<+-* 0a")) + source[i:]
        return source[:i] + source[i + 1 : i + 2] + source[i] + source[i + 2 :]


def _case(source: str) -> dict[str, Any]:
    try:
        tree = parse(source)
    except ExpressionError as error:
        return {"expression": source, "error": error.code}
    scope = Scope(lookup=VARIABLES.get, today=TODAY, current=CURRENT)
    return {
        "expression": source,
        "canonical": to_text(tree),
        "result": encode(evaluate(tree, scope)),
    }


def build_expressions() -> dict[str, Any]:
    generator = _Generator(SEED)
    sources: list[str] = []
    seen: set[str] = set()
    while len(sources) < CORPUS_SIZE:
        kind = generator.pick(["number", "number", "boolean", "boolean", "text", "date", "list"])
        source = getattr(generator, kind)(generator.random.randrange(1, 5))
        if source not in seen:
            seen.add(source)
            sources.append(source)
    mutated = [generator.mutate(source) for source in sources[:200]]
    cases = [_case(source) for source in [*sources, *BROKEN, *mutated]]
    return {
        "format": 1,
        "today": TODAY.isoformat(),
        "variables": {name: encode(value) for name, value in VARIABLES.items()},
        "current": encode(CURRENT),
        "cases": cases,
    }


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main() -> None:
    FORMS_FILE.write_text(dump(build_forms()), encoding="utf-8")
    EXPRESSIONS_FILE.write_text(dump(build_expressions()), encoding="utf-8")
    print(f"wrote {FORMS_FILE.name} and {EXPRESSIONS_FILE.name}")


if __name__ == "__main__":
    main()

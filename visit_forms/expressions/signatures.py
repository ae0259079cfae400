"""The functions of the expression language and how many arguments each takes.

The parser checks names and arity, so a definition with `summ(...)` fails when it loads, not
while a worker types. Some arguments must be literals because they change what a function means
(a rounding precision, a pattern): those are checked at parse time too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Signature:
    min_args: int
    max_args: int | None  # None: any number
    # position -> what literal it must be: "digits" (integer 0..6) or "pattern"
    literal_args: tuple[tuple[int, str], ...] = ()


FUNCTIONS: dict[str, Signature] = {
    "if": Signature(3, 3),
    "coalesce": Signature(1, None),
    "sum": Signature(1, None),
    "count": Signature(1, 1),
    "min": Signature(1, None),
    "max": Signature(1, None),
    "round": Signature(2, 2, ((1, "digits"),)),
    "abs": Signature(1, 1),
    "eur": Signature(1, 1),
    "selected": Signature(2, 2),
    "length": Signature(1, 1),
    "matches": Signature(2, 2, ((1, "pattern"),)),
    "concat": Signature(1, None),
    "today": Signature(0, 0),
    "date": Signature(1, 1),
    "year": Signature(1, 1),
    "days_between": Signature(2, 2),
    "add_days": Signature(2, 2),
}

"""The one number type of the expression language: fixed-point decimals with six digits.

Why not floats: money and scores must give exactly the same result on the server (Python) and on
the tablet (TypeScript, BigInt). A number is held as an integer count of millionths, so addition
and subtraction are exact, and multiplication and division round once, half away from zero, to
six digits. Values must stay below 10^15 in magnitude; a result outside that range is no value
(null). Money is integer cents: an amount of EUR 12.50 is the number 1250.
"""

from __future__ import annotations

import re

SCALE_DIGITS = 6
SCALE = 10**SCALE_DIGITS
LIMIT = 10**15 * SCALE  # exclusive bound on |units|

_LITERAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]{1,6})?")


class Number:
    """An immutable decimal number; `units` is the value times 10^6."""

    __slots__ = ("units",)

    def __init__(self, units: int) -> None:
        self.units = units

    @staticmethod
    def of(units: int) -> Number | None:
        """A number from units, or None when outside the supported range."""
        return Number(units) if -LIMIT < units < LIMIT else None

    @staticmethod
    def integer(value: int) -> Number | None:
        return Number.of(value * SCALE)

    @staticmethod
    def parse(text: str) -> Number | None:
        """Parse the canonical decimal notation: `-12`, `0.5`, `3.141593`; no exponent."""
        if not _LITERAL.fullmatch(text):
            return None
        negative = text.startswith("-")
        whole, _, fraction = text.lstrip("-").partition(".")
        units = int(whole) * SCALE + int(fraction.ljust(SCALE_DIGITS, "0") or "0")
        return Number.of(-units if negative else units)

    def is_integer(self) -> bool:
        return self.units % SCALE == 0

    def to_int(self) -> int:
        """The integer value; only for numbers where is_integer() holds."""
        return _div_round(self.units, SCALE)

    def decimals(self) -> int:
        """How many fraction digits the canonical notation needs."""
        return len(format_units(self.units).partition(".")[2])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Number) and other.units == self.units

    def __hash__(self) -> int:
        return hash(self.units)

    def __repr__(self) -> str:
        return f"Number({format_units(self.units)})"

    def __str__(self) -> str:
        return format_units(self.units)


def format_units(units: int) -> str:
    """Canonical notation: no trailing zeros, no `-0`, no exponent."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), SCALE)
    digits = str(fraction).rjust(SCALE_DIGITS, "0").rstrip("0")
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


def _div_round(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in exact integer arithmetic."""
    negative = (numerator < 0) != (denominator < 0)
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if remainder * 2 >= abs(denominator):
        quotient += 1
    return -quotient if negative else quotient


def add(a: Number, b: Number) -> Number | None:
    return Number.of(a.units + b.units)


def subtract(a: Number, b: Number) -> Number | None:
    return Number.of(a.units - b.units)


def multiply(a: Number, b: Number) -> Number | None:
    return Number.of(_div_round(a.units * b.units, SCALE))


def divide(a: Number, b: Number) -> Number | None:
    if b.units == 0:
        return None
    return Number.of(_div_round(a.units * SCALE, b.units))


def round_to(a: Number, digits: int) -> Number:
    """Round half away from zero to `digits` (0 to 6) fraction digits."""
    step = 10 ** (SCALE_DIGITS - digits)
    return Number(_div_round(a.units, step) * step)


def negate(a: Number) -> Number:
    return Number(-a.units)

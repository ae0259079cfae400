"""The values an expression works with, and their tagged JSON form for the shared vectors.

null (None), true/false, Number, text (str), a date, a time of day, a list (tuple), and a repeat
group's item (Record). Dates are whole days of the proleptic Gregorian calendar, years 1 to 9999;
times are minutes of the day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from visit_forms.expressions.numbers import Number


@dataclass(frozen=True, slots=True, order=True)
class Time:
    minutes: int

    def __str__(self) -> str:
        return f"{self.minutes // 60:02d}:{self.minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class Record:
    """One item of a repeat group: its answers by question code."""

    fields: tuple[tuple[str, Value], ...]

    def get(self, code: str) -> Value:
        return dict(self.fields).get(code)


Value = None | bool | Number | str | dt.date | Time | tuple["Value", ...] | Record

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def parse_date(text: str) -> dt.date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_time(text: str) -> Time | None:
    if not _TIME.fullmatch(text):
        return None
    return Time(int(text[:2]) * 60 + int(text[3:]))


def type_name(value: Value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Number):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, Time):
        return "time"
    if isinstance(value, tuple):
        return "list"
    return "record"


def encode(value: Value) -> dict[str, Any]:
    """Tagged JSON, unambiguous in both languages: numbers travel as canonical text."""
    kind = type_name(value)
    if value is None:
        return {"type": kind}
    if isinstance(value, bool):
        return {"type": kind, "value": value}
    if isinstance(value, tuple):
        return {"type": kind, "value": [encode(item) for item in value]}
    if isinstance(value, Record):
        return {"type": kind, "value": {code: encode(item) for code, item in value.fields}}
    return {"type": kind, "value": str(value)}


def decode(data: dict[str, Any]) -> Value:
    kind: str = data["type"]
    raw: Any = data.get("value")
    if kind != "null" and raw is None:
        raise ValueError(f"a {kind} needs a value")
    decoded: Value
    if kind == "null":
        decoded = None
    elif kind == "boolean":
        decoded = bool(raw)
    elif kind == "number":
        decoded = Number.parse(raw)
    elif kind == "text":
        decoded = str(raw)
    elif kind == "date":
        decoded = parse_date(raw)
    elif kind == "time":
        decoded = parse_time(raw)
    elif kind == "list":
        decoded = tuple(decode(item) for item in raw)
    elif kind == "record":
        decoded = Record(tuple((code, decode(item)) for code, item in sorted(raw.items())))
    else:
        raise ValueError(f"unknown value type {kind!r}")
    if decoded is None and kind != "null":
        raise ValueError(f"not a valid {kind}: {raw!r}")
    return decoded

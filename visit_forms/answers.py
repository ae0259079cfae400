"""Read one raw JSON answer as the value its question type holds, or say why it cannot be.

The wire forms: text as strings; integer and money (cents) as JSON integers; decimal as a string
in decimal notation (or an integer), never a float; date `YYYY-MM-DD`; time `HH:MM`; yes/no as
true/false; select_one a code, select_many a list of codes; zrm an integer 1 to 5; signature
{attachment, name, signed_at}; photo a list of {attachment, caption?}; consent
{category: {kind: "given" | "refused"}}; repeat a list of answer mappings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from visit_forms.compiled import CompiledQuestion
from visit_forms.expressions import Number, Value
from visit_forms.expressions.values import parse_date, parse_time

TEXT_MAX = {"text": 200, "long_text": 4000}
INTEGER_LIMIT = 10**15  # exclusive; far inside what a JavaScript number holds exactly
ATTACHMENT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}\.(png|jpg)")
TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,12})?")


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    # Extra facts for the message, e.g. the limit that was passed.
    detail: dict[str, Any]


def problem(code: str, **detail: Any) -> Problem:
    return Problem(code, detail)


def is_blank(question: CompiledQuestion, raw: Any) -> bool:
    """Unanswered: absent, null, empty text, or an empty list/grid."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, list | dict) and question.type != "signature":
        return len(raw) == 0
    return False


def read(question: CompiledQuestion, raw: Any) -> Value | Problem:
    """The expression value of a non-blank raw answer (repeat groups are read by the engine)."""
    reader = _READERS[question.type]
    return reader(question, raw)


def _is_int(raw: Any) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


def _text(question: CompiledQuestion, raw: Any) -> Value | Problem:
    if not isinstance(raw, str):
        return problem("wrong_type", expected="text")
    limit = question.spec.max_length or TEXT_MAX[question.type]
    if len(raw) > limit:
        return problem("too_long", max_length=limit)
    return raw


def _integer(question: CompiledQuestion, raw: Any) -> Value | Problem:
    if not _is_int(raw):
        return problem("wrong_type", expected="integer")
    if not -INTEGER_LIMIT < raw < INTEGER_LIMIT:
        return problem("out_of_range")
    return Number.integer(raw)


def _decimal(question: CompiledQuestion, raw: Any) -> Value | Problem:
    if _is_int(raw):
        return _integer(question, raw)
    if not isinstance(raw, str) or not _DECIMAL.fullmatch(raw):
        return problem("wrong_type", expected="decimal")
    whole, _, fraction = raw.partition(".")
    allowed = 2 if question.spec.decimals is None else question.spec.decimals
    if len(fraction.rstrip("0")) > allowed:
        return problem("too_many_decimals", decimals=allowed)
    number = Number.parse(whole + ("." + fraction[:6] if fraction.rstrip("0") else ""))
    return number if number is not None else problem("out_of_range")


def _date(question: CompiledQuestion, raw: Any) -> Value | Problem:
    value = parse_date(raw) if isinstance(raw, str) else None
    return value if value is not None else problem("wrong_type", expected="date")


def _time(question: CompiledQuestion, raw: Any) -> Value | Problem:
    value = parse_time(raw) if isinstance(raw, str) else None
    return value if value is not None else problem("wrong_type", expected="time")


def _yes_no(question: CompiledQuestion, raw: Any) -> Value | Problem:
    return raw if isinstance(raw, bool) else problem("wrong_type", expected="yes_no")


def _select_one(question: CompiledQuestion, raw: Any) -> Value | Problem:
    if not isinstance(raw, str):
        return problem("wrong_type", expected="option")
    return raw if raw in question.option_codes else problem("not_an_option", value=raw)


def _select_many(question: CompiledQuestion, raw: Any) -> Value | Problem:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return problem("wrong_type", expected="options")
    unknown = [item for item in raw if item not in question.option_codes]
    if unknown:
        return problem("not_an_option", value=unknown[0])
    if len(set(raw)) != len(raw):
        return problem("duplicate")
    # Held in the form's option order, so equal choices are equal values everywhere.
    return tuple(code for code in question.option_codes if code in raw)


def _zrm(question: CompiledQuestion, raw: Any) -> Value | Problem:
    if not _is_int(raw):
        return problem("wrong_type", expected="zrm_score")
    return Number.integer(raw) if 1 <= raw <= 5 else problem("out_of_range", min=1, max=5)


def _signature(question: CompiledQuestion, raw: Any) -> Value | Problem:
    if not isinstance(raw, dict) or set(raw) != {"attachment", "name", "signed_at"}:
        return problem("wrong_type", expected="signature")
    attachment, name, signed_at = raw["attachment"], raw["name"], raw["signed_at"]
    if not isinstance(attachment, str) or not ATTACHMENT_NAME.fullmatch(attachment):
        return problem("bad_attachment_name")
    if not attachment.endswith(".png"):
        return problem("wrong_type", expected="signature")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        return problem("signer_name_missing")
    if not isinstance(signed_at, str) or not TIMESTAMP.fullmatch(signed_at):
        return problem("wrong_type", expected="timestamp")
    return attachment


def _photo(question: CompiledQuestion, raw: Any) -> Value | Problem:
    if not isinstance(raw, list):
        return problem("wrong_type", expected="photos")
    names: list[str] = []
    for item in raw:
        if not isinstance(item, dict) or not set(item) <= {"attachment", "caption"}:
            return problem("wrong_type", expected="photos")
        attachment, caption = item.get("attachment"), item.get("caption", "")
        if not isinstance(attachment, str) or not ATTACHMENT_NAME.fullmatch(attachment):
            return problem("bad_attachment_name")
        if not isinstance(caption, str) or len(caption) > 200:
            return problem("too_long", max_length=200)
        names.append(attachment)
    if len(set(names)) != len(names):
        return problem("duplicate")
    return tuple(names)


def _consent(question: CompiledQuestion, raw: Any) -> Value | Problem:
    if not isinstance(raw, dict):
        return problem("wrong_type", expected="consent")
    given: list[str] = []
    for category, decisions in raw.items():
        if not isinstance(decisions, dict):
            return problem("wrong_type", expected="consent")
        for kind, decision in decisions.items():
            pair = f"{category}/{kind}"
            if pair not in question.consent_pairs:
                return problem("not_an_option", value=pair)
            if decision not in ("given", "refused"):
                return problem("wrong_type", expected="given_or_refused")
            if decision == "given":
                given.append(pair)
    # In the form's order, like select_many.
    return tuple(pair for pair in question.consent_pairs if pair in given)


def consent_decided(question: CompiledQuestion, raw: Any) -> bool:
    """Every pair of the grid has a decision (what `required` means for consent)."""
    decided = {
        f"{category}/{kind}"
        for category, decisions in raw.items()
        if isinstance(decisions, dict)
        for kind in decisions
    }
    return set(question.consent_pairs) <= decided


_READERS = {
    "text": _text,
    "long_text": _text,
    "integer": _integer,
    "money": _integer,
    "decimal": _decimal,
    "date": _date,
    "time": _time,
    "yes_no": _yes_no,
    "select_one": _select_one,
    "select_many": _select_many,
    "zrm": _zrm,
    "signature": _signature,
    "photo": _photo,
    "consent": _consent,
}

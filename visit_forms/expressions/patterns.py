"""The pattern subset `matches()` accepts, so that a pattern means the same in Python and JS.

Python's `re` and JavaScript's RegExp disagree on `\\d`, `\\w`, `\\s`, `\\b` and `.` with
non-ASCII text, and on many extensions. A pattern here may use only: literal characters,
escaped punctuation, character classes with ranges (`[0-9A-Z]`, `[^ ]`), groups, alternation and
the quantifiers `? * + {n} {n,} {n,m}`. It always matches the whole value. A quantified group may
not contain another quantifier, which rules out the catastrophic backtracking of `(a+)+`.
"""

from __future__ import annotations

import re

# What JavaScript's `u` flag allows to be escaped; inside a class also `-`.
_SYNTAX = set("\\^$.|?*+()[]{}/")
_CLASS_SYNTAX = _SYNTAX | {"-"}
_QUANTIFIER = re.compile(r"[?*+]|\{[0-9]{1,3}(,[0-9]{0,3})?\}")
MAX_LENGTH = 200


def check_pattern(pattern: str) -> str | None:
    """None when the pattern is in the subset, else the reason it is not."""
    if len(pattern) > MAX_LENGTH:
        return "pattern is too long"
    # Each open group remembers whether it holds a quantifier.
    groups: list[bool] = []
    previous_quantifiable = False
    last_was_group_holding_quantifier = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        quantifier = _QUANTIFIER.match(pattern, i)
        if quantifier:
            if not previous_quantifiable:
                return f"quantifier {quantifier.group()!r} has nothing to repeat"
            if last_was_group_holding_quantifier:
                return "a repeated group may not contain a quantifier"
            if groups:
                groups[-1] = True
            previous_quantifiable = False
            last_was_group_holding_quantifier = False
            i = quantifier.end()
            continue
        last_was_group_holding_quantifier = False
        if char == "\\":
            if i + 1 >= len(pattern) or pattern[i + 1] not in _SYNTAX:
                return "only syntax characters may be escaped (no \\d, \\w, \\s or \\b)"
            i += 2
            previous_quantifiable = True
        elif char == "[":
            end = _class_end(pattern, i)
            if end is None:
                return "character class is not closed or not valid"
            i = end
            previous_quantifiable = True
        elif char == "(":
            if pattern.startswith("(?", i):
                return "group extensions (?...) are not allowed"
            groups.append(False)
            i += 1
            previous_quantifiable = False
        elif char == ")":
            if not groups:
                return "unbalanced parenthesis"
            last_was_group_holding_quantifier = groups.pop()
            if last_was_group_holding_quantifier and groups:
                groups[-1] = True
            i += 1
            previous_quantifiable = True
        elif char == "|":
            i += 1
            previous_quantifiable = False
        elif char in "^$.{}]":
            return f"{char!r} must be escaped (patterns always match the whole value)"
        elif not char.isprintable() or ord(char) > 0x7E:
            return "only printable ASCII characters are allowed"
        else:
            i += 1
            previous_quantifiable = True
    if groups:
        return "unbalanced parenthesis"
    try:
        re.compile(pattern)
    except re.error as error:
        return str(error)
    return None


def _class_end(pattern: str, start: int) -> int | None:
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    members = 0
    while i < len(pattern) and pattern[i] != "]":
        char = pattern[i]
        if char == "\\":
            if i + 1 >= len(pattern) or pattern[i + 1] not in _CLASS_SYNTAX:
                return None
            i += 2
        elif char == "[" or not char.isprintable() or ord(char) > 0x7E:
            return None
        else:
            i += 1
        members += 1
    if i >= len(pattern) or members == 0:
        return None
    return i + 1


def full_match(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None

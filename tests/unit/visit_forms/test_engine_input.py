"""Answers from a client are untrusted: odd keys are reported as errors, never a crash."""

from __future__ import annotations

import datetime as dt

import pytest

from api.forms.catalogue import get_registry
from tests.helpers import example_answers
from visit_forms.engine import evaluate_form

TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize("key", ["x[abc]", "x[]", "debts[1_0", "debts[-]"])
def test_an_unknown_key_that_looks_like_an_item_path_is_an_unknown_question(key: str) -> None:
    form = get_registry().get("keukentafelgesprek", 1)
    assert form is not None
    answers = {**example_answers("keukentafelgesprek"), key: "?"}
    outcome = evaluate_form(form, answers, today=TODAY)
    assert [(e.path, e.code) for e in outcome.errors] == [(key, "unknown_question")]

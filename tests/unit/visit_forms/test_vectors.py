"""The shared vectors: the Python engine gives exactly the verdicts written in them, and the
committed JSON the TypeScript twin reads is what the sources build today."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import yaml

from api.covenant.loader import load_covenant
from api.forms.catalogue import covenant_codes
from tests.vectors import build
from visit_forms import compile_definition, defaults, evaluate_form, suggest_followups
from visit_forms.expressions import ExpressionError, Scope, decode, encode, evaluate, parse, to_text

CASE_FILES = sorted((build.HERE / "cases").glob("*.yaml"))
CORPUS = json.loads(build.EXPRESSIONS_FILE.read_text(encoding="utf-8"))


def _cases() -> list[Any]:
    found = []
    for path in CASE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            found.append(pytest.param(data["definition"], case, id=f"{path.stem}: {case['name']}"))
    return found


def _verdict(error: Any) -> dict[str, str]:
    verdict = {"path": error.path, "code": error.code}
    if error.rule:
        verdict["rule"] = error.rule
    return verdict


@pytest.mark.parametrize(("definition", "case"), _cases())
def test_hand_written_case(definition: dict[str, Any], case: dict[str, Any]) -> None:
    form = compile_definition(definition, covenant_codes(load_covenant()))
    today = dt.date.fromisoformat(case["today"])
    outcome = evaluate_form(form, case["answers"], today=today)
    assert [_verdict(error) for error in outcome.errors] == case["errors"]
    if "kept" in case:
        assert outcome.answers == case["kept"]
    if "defaults" in case:
        assert defaults(form, today=today) == case["defaults"]
    if "suggestions" in case:
        suggested = suggest_followups(form, case["answers"], today=today)
        assert [suggestion.code for suggestion in suggested] == case["suggestions"]


def test_the_hand_written_cases_cover_every_question_type_and_rule() -> None:
    texts = "\n".join(path.read_text(encoding="utf-8") for path in CASE_FILES)
    for kind in ["text", "long_text", "integer", "decimal", "money", "date", "time", "yes_no",
                 "select_one", "select_many", "zrm", "signature", "photo", "repeat", "consent",
                 "note"]:  # fmt: skip
        assert f"type: {kind}" in texts, kind
    for rule in ["required:", "relevant:", "constraints:", "computed:", "default:", "followups:"]:
        assert rule in texts, rule
    assert texts.count("- name:") >= 30


def test_committed_form_vectors_are_up_to_date() -> None:
    committed = json.loads(build.FORMS_FILE.read_text(encoding="utf-8"))
    assert committed == build.build_forms(), "run: .venv/bin/python -m tests.vectors.build"


def test_committed_expression_corpus_is_up_to_date() -> None:
    assert build.build_expressions() == CORPUS, "run: .venv/bin/python -m tests.vectors.build"


def test_the_corpus_has_over_a_thousand_expressions_of_every_result_type() -> None:
    results = [case["result"]["type"] for case in CORPUS["cases"] if "result" in case]
    assert len(results) >= 1000
    assert set(results) >= {"null", "boolean", "number", "text", "date", "list"}
    assert sum(1 for case in CORPUS["cases"] if "error" in case) >= 50


def test_every_corpus_case_means_what_it_says() -> None:
    """Independent of the builder: parse, print and evaluate each expression afresh."""
    variables = {name: decode(value) for name, value in CORPUS["variables"].items()}
    scope = Scope(
        lookup=variables.get,
        today=dt.date.fromisoformat(CORPUS["today"]),
        current=decode(CORPUS["current"]),
    )
    for case in CORPUS["cases"]:
        source = case["expression"]
        if "error" in case:
            with pytest.raises(ExpressionError) as caught:
                parse(source)
            assert caught.value.code == case["error"], source
            continue
        tree = parse(source)
        assert to_text(tree) == case["canonical"], source
        assert parse(case["canonical"]) == tree, source
        assert encode(evaluate(tree, scope)) == case["result"], source

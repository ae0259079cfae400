"""A definition that is wrong fails at load, naming the file and the path of the mistake."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from api.covenant.loader import load_covenant
from api.forms.catalogue import covenant_codes
from visit_forms import FormLoadError, compile_definition, load_published
from visit_forms.loader import canonical_json

CODES = covenant_codes(load_covenant())


def q(code: str, kind: str = "text", **settings: Any) -> dict[str, Any]:
    return {"code": code, "type": kind, "label": {"nl": code, "en": code}, **settings}


def form(*questions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "key": "probe",
        "version": 1,
        "title": {"nl": "Proef", "en": "Probe"},
        "sections": [
            {"code": "main", "title": {"nl": "Hoofd", "en": "Main"}, "questions": list(questions)}
        ],
        **extra,
    }


def load_error(definition: dict[str, Any]) -> FormLoadError:
    with pytest.raises(FormLoadError) as caught:
        compile_definition(definition, CODES, source="probe.yaml")
    return caught.value


def test_a_good_definition_loads() -> None:
    loaded = compile_definition(
        form(q("a", "integer"), q("b", "integer", computed="$a * 2")), CODES
    )
    assert loaded.order == ("a", "b")


@pytest.mark.parametrize(
    ("definition", "path", "fragment"),
    [
        (form(q("a", "colour")), "sections[0].questions[0].type", "Invalid enum value 'colour'"),
        (form(q("a"), wrong=1), "", "unknown field"),
        (form(q("a", relevant="$b =")), "sections[0].questions[0].relevant", "unexpected_end"),
        (
            form(q("a", relevant="$nobody = 1")),
            "sections[0].questions[0].relevant",
            "$nobody is not a question",
        ),
        (form(q("a"), q("a")), "sections[0].questions[1].code", "duplicate question code 'a'"),
        (
            form(q("g", "repeat", questions=[q("a")]), q("a")),
            "sections[0].questions[1].code",
            "duplicate question code 'a'",
        ),
        (
            form(q("a", "integer", computed="$b"), q("b", "integer", computed="$a")),
            "sections[0].questions[0]",
            "cycle",
        ),
        (
            form(q("a", "integer", computed="$a + 1")),
            "sections[0].questions[0].computed",
            "depends on itself",
        ),
        (
            form(q("g", "repeat", questions=[q("x", "integer")]), q("y", "integer", computed="$x")),
            "sections[0].questions[1].computed",
            "read $g.x",
        ),
        (form(q("a", "select_one")), "sections[0].questions[0].options", "needs options"),
        (
            form(q("a", "text", options=[{"code": "x", "label": {"nl": "x", "en": "x"}}])),
            "sections[0].questions[0].options",
            "has no options",
        ),
        (
            form(q("a", "zrm", domain="geluk")),
            "sections[0].questions[0].domain",
            "not a ZRM domain",
        ),
        (
            form(q("a", "zrm", domain="financien"), q("b", "zrm", domain="financien")),
            "sections[0].questions[1].domain",
            "scored twice",
        ),
        (
            form(q("a", category="gossip")),
            "sections[0].questions[0].category",
            "no information category 'gossip'",
        ),
        (
            form(
                q("a", "consent", consent={"categories": ["debts"], "recipient_kinds": ["bakery"]})
            ),
            "sections[0].questions[0].consent.recipient_kinds[0]",
            "no organisation kind 'bakery'",
        ),
        (
            form(
                q(
                    "a",
                    "consent",
                    consent={
                        "categories": ["police_matters"],
                        "recipient_kinds": ["housing_corporation"],
                    },
                )
            ),
            "sections[0].questions[0].consent",
            "never shares",
        ),
        (
            form(
                q("a", "integer"),
                followups=[
                    {
                        "code": "f",
                        "when": "$a > 1",
                        "recipient_kind": "police",
                        "need": {"nl": "x", "en": "x"},
                        "categories": ["mental_health_notes"],
                    }
                ],
            ),
            "followups[0].categories[0]",
            "never shares 'mental_health_notes' with 'police'",
        ),
        (form(q("a", "signature")), "sections[0].questions[0].signer", "resident or worker"),
        (
            form(q("a", "yes_no", fills="signal.colour")),
            "sections[0].questions[0].fills",
            "not a case fact",
        ),
        (
            form(q("a", "text", fills="signal.arrears_cents")),
            "sections[0].questions[0].fills",
            "needs a money question",
        ),
        (
            form(q("a", "yes_no", fills="wgs.asked_nicely")),
            "sections[0].questions[0].fills",
            "no legal-duty condition",
        ),
        (
            form(q("a", "date", default="$b"), q("b", "date")),
            "sections[0].questions[0].default",
            "may not read answers",
        ),
        (form(q("a", "note", required=True)), "sections[0].questions[0]", "no rules"),
        (
            form(q("a", "note"), q("b", relevant="$a = 1")),
            "sections[0].questions[1].relevant",
            "is a note",
        ),
        (
            form(
                q(
                    "a",
                    constraints=[
                        {
                            "code": "c",
                            "rule": "matches(., '\\\\d')",
                            "message": {"nl": "x", "en": "x"},
                        }
                    ],
                )
            ),
            "sections[0].questions[0].constraints[0].rule",
            "bad_pattern",
        ),
    ],
)
def test_a_wrong_definition_fails_with_file_and_path(
    definition: dict[str, Any], path: str, fragment: str
) -> None:
    error = load_error(definition)
    assert str(error).startswith("probe.yaml: ")
    assert error.path == path
    assert fragment in error.message


def _published_copy(tmp_path: Path) -> Path:
    from visit_forms.registry import FORMS_DIR

    target = tmp_path / "forms"
    for source in FORMS_DIR.rglob("*"):
        if source.is_file():
            destination = target / source.relative_to(FORMS_DIR)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(source.read_bytes())
    return target


def test_the_published_forms_load() -> None:
    registry = load_published(CODES)
    keys = {form.key for form in registry.all()}
    assert keys == {
        "signaal_huurachterstand",
        "keukentafelgesprek",
        "vervolgbezoek",
        "casusoverleg",
    }


def test_a_published_version_that_changed_fails_to_load(tmp_path: Path) -> None:
    directory = _published_copy(tmp_path)
    path = directory / "casusoverleg" / "v1.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('en: "Case meeting"', 'en: "Meeting"', 1),
        encoding="utf-8",
    )
    with pytest.raises(FormLoadError, match="a published version changed"):
        load_published(CODES, directory)


def test_a_published_version_may_not_disappear(tmp_path: Path) -> None:
    directory = _published_copy(tmp_path)
    (directory / "casusoverleg" / "v1.yaml").unlink()
    with pytest.raises(FormLoadError, match="published versions are missing"):
        load_published(CODES, directory)


def test_a_new_version_must_be_published_before_it_loads(tmp_path: Path) -> None:
    directory = _published_copy(tmp_path)
    text = (directory / "casusoverleg" / "v1.yaml").read_text(encoding="utf-8")
    (directory / "casusoverleg" / "v2.yaml").write_text(
        text.replace("version: 1", "version: 2"), encoding="utf-8"
    )
    with pytest.raises(FormLoadError, match="not published"):
        load_published(CODES, directory)
    lock = json.loads((directory / "published.json").read_text(encoding="utf-8"))
    import hashlib

    import yaml

    data = yaml.safe_load(text.replace("version: 1", "version: 2"))
    lock["casusoverleg/2"] = hashlib.sha256(canonical_json(data)).hexdigest()
    (directory / "published.json").write_text(json.dumps(lock), encoding="utf-8")
    assert load_published(CODES, directory).latest("casusoverleg").version == 2  # type: ignore[union-attr]


def test_a_definitions_hash_ignores_layout_but_not_content() -> None:
    base = form(q("a"))
    reordered = json.loads(json.dumps(base, sort_keys=True))
    changed = copy.deepcopy(base)
    changed["title"]["nl"] = "Anders"
    first = compile_definition(base, CODES).sha256
    assert compile_definition(reordered, CODES).sha256 == first
    assert compile_definition(changed, CODES).sha256 != first

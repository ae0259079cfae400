"""The covenant file is the single source of codes; anything that names an unknown one fails."""

import pytest

from api.covenant.loader import COVENANT_FILE, Basis, CovenantError, load_covenant, parse_covenant


def covenant_text(replace: str = "", by: str = "") -> str:
    text = COVENANT_FILE.read_text()
    if replace:
        assert replace in text
        text = text.replace(replace, by)
    return text


def test_the_shipped_covenant_knows_the_network_organisation_kinds():
    covenant = load_covenant()
    assert set(covenant.organisation_kinds) == {
        "housing_corporation",
        "municipality",
        "ggd",
        "social_work",
        "debt_counselling",
        "police",
        "other",
    }
    assert {
        "contact_details",
        "arrears_amount",
        "zrm_scores",
        "debts",
        "mental_health_notes",
        "police_matters",
        "free_text_notes",
    } <= set(covenant.information_categories)


def test_the_wgs_signal_is_a_legal_duty_only_towards_the_municipality():
    covenant = load_covenant()
    assert covenant.basis("arrears_amount", "municipality") is Basis.LEGAL_DUTY
    assert covenant.basis("arrears_amount", "ggd") is Basis.CONSENT
    assert covenant.basis("contact_details", "police") is Basis.CONSENT


def test_health_notes_never_reach_the_landlord_or_the_police():
    covenant = load_covenant()
    for kind in ("housing_corporation", "police"):
        assert covenant.basis("mental_health_notes", kind) is Basis.NEVER


def test_asking_for_an_unknown_code_fails():
    with pytest.raises(CovenantError):
        load_covenant().basis("horoscope", "ggd")
    with pytest.raises(CovenantError):
        load_covenant().basis("debts", "bakery")


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ("    police_matters: {housing", "    police_mattters: {housing", "police_mattters"),
        ("{municipality: legal_duty}", "{gemeente: legal_duty}", "gemeente"),
        (
            "categories: [contact_details, arrears_amount]",
            "categories: [contact_details, debts]",
            "debts",
        ),
        ("    case_meeting: 14", "    tea_meeting: 14", "tea_meeting"),
        ("  default: consent", "  default: maybe", "maybe"),
        ("version: 1", "version: 1\nsurprise: true", "surprise"),
    ],
    ids=[
        "unknown-category",
        "unknown-kind",
        "legal-duty-without-rule",
        "unknown-step",
        "unknown-basis",
        "unknown-field",
    ],
)
def test_a_covenant_that_names_something_unknown_fails_to_load(replace, by, message):
    with pytest.raises(CovenantError, match=message):
        parse_covenant(covenant_text(replace, by))

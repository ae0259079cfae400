"""The expression language as a form author and a tablet rely on it."""

from __future__ import annotations

import datetime as dt

import pytest

from visit_forms.expressions import (
    ExpressionError,
    Number,
    Record,
    Scope,
    Value,
    evaluate,
    parse,
    to_text,
)

TODAY = dt.date(2026, 11, 24)


def run(source: str, **answers: Value) -> Value:
    return evaluate(parse(source), Scope(lookup=answers.get, today=TODAY))


def n(text: str) -> Number:
    number = Number.parse(text)
    assert number is not None
    return number


def test_multiplication_binds_tighter_than_addition() -> None:
    assert run("1 + 2 * 3") == n("7")
    assert run("(1 + 2) * 3") == n("9")


def test_subtraction_is_left_associative() -> None:
    assert run("10 - 3 - 2") == n("5")


def test_division_rounds_half_away_from_zero_to_six_digits() -> None:
    assert run("2 / 3") == n("0.666667")
    assert run("-2 / 3") == n("-0.666667")
    assert run("1 / 8000000") == n("0.000000")  # 0.000000125 rounds down
    assert run("3 / 2000000") == n("0.000002")  # 0.0000015 rounds up, away from zero


def test_round_is_half_away_from_zero_not_bankers() -> None:
    assert run("round(2.5, 0)") == n("3")
    assert run("round(-2.5, 0)") == n("-3")
    assert run("round(2.675, 2)") == n("2.68")  # exact decimals: no binary-float surprise


def test_money_is_integer_cents_and_eur_converts() -> None:
    assert run("eur(12.5)") == n("1250")
    assert run("$rent * 3", rent=n("72550")) == n("217650")


def test_decimal_sums_are_exact() -> None:
    assert run("0.1 + 0.2 = 0.3") is True


def test_null_answers_make_arithmetic_null_but_sum_skips_them() -> None:
    assert run("$a + 1") is None
    assert run("sum($a, 5, $b)", b=n("2")) == n("7")


def test_division_by_zero_and_overflow_are_null() -> None:
    assert run("1 / 0") is None
    assert run("999999999999999 * 10") is None


def test_three_valued_logic() -> None:
    assert run("false and $missing") is False
    assert run("true and $missing") is None
    assert run("true or $missing") is True
    assert run("not $missing") is None


def test_equality_is_total_and_typed() -> None:
    assert run("$missing = null") is True
    assert run("1 = '1'") is False
    assert run("[1, 2] = [1, 2.0]") is True
    assert run("1 < 'a'") is None


def test_in_and_selected_read_multiple_choice_answers() -> None:
    reasons = ("job_loss", "illness")
    assert run("'illness' in $reasons", reasons=reasons) is True
    assert run("selected($reasons, 'divorce')", reasons=reasons) is False
    assert run("selected($none, 'divorce')") is False


def test_repeat_groups_project_to_lists() -> None:
    debts = (
        Record((("amount", n("125000")),)),
        Record((("amount", None),)),
        Record((("amount", n("30000")),)),
    )
    assert run("sum($debts.amount)", debts=debts) == n("155000")
    assert run("count($debts)", debts=debts) == n("3")
    assert run("count($debts.amount)", debts=debts) == n("2")
    assert run("max($debts.amount)", debts=debts) == n("125000")


def test_dates() -> None:
    assert run("days_between(date('2026-11-01'), today())") == n("23")
    assert run("add_days(date('2026-02-27'), 2)") == dt.date(2026, 3, 1)
    assert run("year(today()) - 1980") == n("46")
    assert run("date('2026-02-30')") is None
    assert run("add_days(date('9999-12-31'), 1)") is None


def test_text_functions() -> None:
    assert run("length('Zoë')") == n("3")
    assert run("matches('1234 AB', '[1-9][0-9]{3} ?[A-Z]{2}')") is True
    assert run("matches('0234AB', '[1-9][0-9]{3} ?[A-Z]{2}')") is False
    assert run("concat('€', 12.5, ' ', true)") == "€12.5 true"


def test_current_value_dot_is_the_questions_own_answer() -> None:
    scope = Scope(lookup=lambda name: n("1000") if name == "income" else None, today=TODAY)
    node = parse(". <= $income")
    assert evaluate(node, Scope(scope.lookup, TODAY, current=n("900"))) is True
    assert evaluate(node, Scope(scope.lookup, TODAY, current=n("1100"))) is False


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("1 +", "unexpected_end"),
        ("(1 + 2", "unexpected_end"),
        ("1 2", "unexpected_token"),
        ("1 < 2 < 3", "unexpected_token"),
        ("'open", "unterminated_string"),
        ("'bad \\n escape'", "bad_escape"),
        ("1.1234567", "bad_number"),
        ("007", "bad_number"),
        ("summ(1)", "unknown_function"),
        ("today(1)", "wrong_arity"),
        ("round(1.5, $digits)", "bad_argument"),
        ("round(1.5, 7)", "bad_argument"),
        ("matches($x, $pattern)", "bad_argument"),
        ("matches($x, '\\d+')", "bad_escape"),
        ("matches($x, '\\\\d+')", "bad_pattern"),
        ("matches($x, '(a+)+')", "bad_pattern"),
        ("matches($x, 'a.b')", "bad_pattern"),
        ("$x # 1", "unexpected_character"),
        ("__import__('os')", "unexpected_character"),
        ("(" * 60 + "1" + ")" * 60, "too_deep"),
        ("1" + " + 1" * 600, "too_long"),
        ("$and", "unexpected_token"),
    ],
)
def test_bad_expressions_fail_with_a_stable_code(source: str, code: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "source",
    [
        "not $a = 1 and ($b or $c)",
        "-(1 + 2) * -3",
        "(not $a) = $b",
        "$x - (1 - 2)",
        "if($a > 3, 'x', concat('it''s', 'y'))".replace("''", "\\'"),
        "[1, [2, 3], null] = []",
        "sum($debts.amount) / count($debts) >= eur(100)",
    ],
)
def test_canonical_text_parses_back_to_the_same_tree(source: str) -> None:
    tree = parse(source)
    assert parse(to_text(tree)) == tree
    assert to_text(parse(to_text(tree))) == to_text(tree)

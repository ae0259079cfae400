"""Properties of the expression language over generated input (hypothesis)."""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from visit_forms.expressions import (
    ExpressionError,
    Number,
    Record,
    Scope,
    Value,
    decode,
    encode,
    evaluate,
    parse,
    to_text,
)
from visit_forms.expressions import ast as x
from visit_forms.expressions.signatures import FUNCTIONS

NAMES = ["a", "b", "debts", "reasons", "when"]

numbers = st.integers(min_value=0, max_value=10**13).map(lambda units: Number(units))
literals = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=8),
).map(x.Literal)
refs = st.builds(x.Ref, st.sampled_from(NAMES), st.sampled_from([None, "amount"]))
leaves = st.one_of(literals, refs, st.just(x.Current()))


def _calls(children: st.SearchStrategy[x.Node]) -> st.SearchStrategy[x.Node]:
    plain = [name for name, sig in FUNCTIONS.items() if not sig.literal_args]

    def build(name: str) -> st.SearchStrategy[x.Node]:
        sig = FUNCTIONS[name]
        high = sig.max_args if sig.max_args is not None else sig.min_args + 2
        args = st.lists(children, min_size=sig.min_args, max_size=high)
        return args.map(lambda items: x.Call(name, tuple(items)))

    return st.sampled_from(plain).flatmap(build)


trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(
            x.Binary,
            st.sampled_from(["or", "and", *x.COMPARISONS, *x.ADDITIVE, *x.MULTIPLICATIVE]),
            children,
            children,
        ),
        st.builds(x.Not, children),
        st.builds(x.Negate, children),
        st.builds(lambda items: x.ListOf(tuple(items)), st.lists(children, max_size=3)),
        _calls(children),
    ),
    max_leaves=12,
)

values: st.SearchStrategy[Value] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20).map(Number),
    st.text(max_size=6),
    st.dates(),
    st.lists(st.sampled_from(["job_loss", "illness", "divorce"]), max_size=3).map(tuple),
    st.lists(
        st.builds(
            lambda amount: Record((("amount", amount),)),
            st.one_of(st.none(), st.integers(-(10**9), 10**9).map(Number)),
        ),
        max_size=3,
    ).map(tuple),
)


def _depth(node: x.Node) -> int:
    if isinstance(node, x.Binary):
        return 1 + max(_depth(node.left), _depth(node.right))
    if isinstance(node, x.Not | x.Negate):
        return 1 + _depth(node.operand)
    if isinstance(node, x.ListOf | x.Call):
        items = node.items if isinstance(node, x.ListOf) else node.args
        return 1 + max((_depth(item) for item in items), default=0)
    return 1


@settings(max_examples=400)
@given(trees)
def test_printing_then_parsing_gives_the_same_tree(tree: x.Node) -> None:
    text = to_text(tree)
    try:
        parsed = parse(text)
    except ExpressionError as error:
        # The only refusal allowed for a generated tree is its size.
        assert error.code in ("too_deep", "too_long")
        return
    assert parsed == tree
    assert to_text(parsed) == text


@settings(max_examples=600)
@given(
    st.text(
        alphabet=st.sampled_from(list("$.()[]'\\,=<>!+-*/ 0123456789abnotrduilc_")), max_size=40
    )
)
def test_no_input_crashes_the_parser(source: str) -> None:
    try:
        parse(source)
    except ExpressionError as error:
        assert error.code and 0 <= error.position <= len(source)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_no_unicode_input_crashes_the_parser(source: str) -> None:
    with contextlib.suppress(ExpressionError):
        parse(source)


@settings(max_examples=400)
@given(trees, st.fixed_dictionaries({name: values for name in NAMES}), values)
def test_evaluating_any_tree_on_any_answers_never_raises(
    tree: x.Node, answers: dict[str, Value], current: Value
) -> None:
    scope = Scope(lookup=answers.get, today=dt.date(2026, 11, 24), current=current)
    result = evaluate(tree, scope)
    # Every result has a tagged JSON form the TypeScript twin can compare with.
    assert decode(encode(result)) == result

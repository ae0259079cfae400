"""Every table has a retention decision: a new table (or a new reference to a case) fails here
until someone decides what happens to its rows once a case's period is over."""

from __future__ import annotations

from piccolo.columns import ForeignKey

from api.retention.anonymise import REMOVALS
from api.retention.decisions import DECISIONS, Rule
from tests.integration.retention.flows import registry_tables


def test_every_table_of_the_app_registry_has_a_decision_and_no_decision_is_stale():
    names = {table._meta.tablename for table in registry_tables()}
    assert names - set(DECISIONS) == set(), "decide in api/retention/decisions.py"
    assert set(DECISIONS) - names == set(), "a decision for a table that is gone"


def test_every_table_that_refers_to_a_case_is_removed_with_it():
    tables = {table._meta.tablename: table for table in registry_tables()}

    def refers_to_a_case(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name == "household_case":
            return True
        for column in tables[name]._meta.foreign_key_columns:
            target = column._foreign_key_meta.resolved_references._meta.tablename
            if target not in seen and refers_to_a_case(target, seen | {name}):
                return True
        return False

    for name in tables:
        if refers_to_a_case(name):
            assert DECISIONS[name].rule is Rule.REMOVED, name


def test_every_removed_table_has_its_delete_and_kept_fields_exist():
    removed = {name for name, decision in DECISIONS.items() if decision.rule is Rule.REMOVED}
    assert set(REMOVALS) == removed
    tables = {table._meta.tablename: table for table in registry_tables()}
    for name, decision in DECISIONS.items():
        columns = {column._meta.name for column in tables[name]._meta.columns}
        assert set(decision.kept) <= columns, name
        assert decision.why, name


def test_removals_run_children_before_what_they_refer_to():
    """The deletes follow the foreign keys: a row goes before the row it names."""
    tables = {table._meta.tablename: table for table in registry_tables()}
    order = list(REMOVALS)
    for name in order:
        for column in tables[name]._meta.foreign_key_columns:
            assert isinstance(column, ForeignKey)
            target = column._foreign_key_meta.resolved_references._meta.tablename
            if target in REMOVALS:
                assert order.index(name) < order.index(target), (name, target)

"""Load form definitions and refuse, loudly and with the file and path, any that is wrong.

Checks beyond the schema: every expression parses; every `$reference` names a question that
exists and can be read from where it is used; relevance and computed values have no cycles;
codes are unique; each type has exactly the settings it needs; covenant codes exist and a
consent question or follow-up never names a category the covenant never shares with that kind.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import yaml

from visit_forms.compiled import WITHOUT_ANSWER, CompiledQuestion, Form
from visit_forms.expressions import ExpressionError, Node, parse, references, uses_current
from visit_forms.facts import CASE_FACTS, WGS_FACT_TYPE, WGS_PREFIX
from visit_forms.schema import Definition, Question, Section
from visit_forms.zrm import DOMAINS


@dataclass(frozen=True, slots=True)
class CovenantCodes:
    """What the covenant defines, handed in by the API so that this library stays pure."""

    organisation_kinds: frozenset[str]
    information_categories: frozenset[str]
    never_shared: frozenset[tuple[str, str]]  # (category, receiving kind)
    legal_duty_conditions: frozenset[str]


class FormLoadError(ValueError):
    def __init__(self, source: str, path: str, message: str) -> None:
        super().__init__(f"{source}: {path}: {message}" if path else f"{source}: {message}")
        self.source = source
        self.path = path
        self.message = message


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def read_file(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FormLoadError(str(path), "", f"not valid YAML: {error}") from error


def load_file(path: Path, codes: CovenantCodes) -> Form:
    return compile_definition(read_file(path), codes, source=str(path))


def compile_definition(data: Any, codes: CovenantCodes, *, source: str = "<definition>") -> Form:
    try:
        definition = msgspec.convert(data, Definition)
    except msgspec.ValidationError as error:
        path, _, message = _split_msgspec_error(str(error))
        raise FormLoadError(source, path, message) from error
    return _Compiler(definition, codes, source).compile(
        hashlib.sha256(canonical_json(data)).hexdigest()
    )


def _split_msgspec_error(text: str) -> tuple[str, str, str]:
    message, marker, path = text.rpartition(" - at `$")
    if not marker:
        return "", "", text
    return path.rstrip("`").lstrip("."), "", message


class _Compiler:
    def __init__(self, definition: Definition, codes: CovenantCodes, source: str) -> None:
        self.definition = definition
        self.codes = codes
        self.source = source
        self.questions: dict[str, CompiledQuestion] = {}
        self.paths: dict[str, str] = {}
        # code -> codes its relevance/computed value read (ordering dependencies)
        self.reads: dict[str, set[str]] = {}
        self.zrm_domains: dict[str, str] = {}

    def fail(self, path: str, message: str) -> FormLoadError:
        return FormLoadError(self.source, path, message)

    def compile(self, sha256: str) -> Form:
        for s_index, section in enumerate(self.definition.sections):
            self._check_codes(section, f"sections[{s_index}]")
        for s_index, section in enumerate(self.definition.sections):
            self._section(section, f"sections[{s_index}]")
        followups = []
        seen: set[str] = set()
        for f_index, rule in enumerate(self.definition.followups):
            path = f"followups[{f_index}]"
            if rule.code in seen:
                raise self.fail(f"{path}.code", f"duplicate follow-up code {rule.code!r}")
            seen.add(rule.code)
            self._require_kind(rule.recipient_kind, f"{path}.recipient_kind")
            if not rule.categories:
                raise self.fail(f"{path}.categories", "name at least one information category")
            for c_index, category in enumerate(rule.categories):
                self._require_category(category, f"{path}.categories[{c_index}]")
                if (category, rule.recipient_kind) in self.codes.never_shared:
                    raise self.fail(
                        f"{path}.categories[{c_index}]",
                        f"the covenant never shares {category!r} with {rule.recipient_kind!r}",
                    )
            followups.append((rule, self._expression(rule.when, f"{path}.when", group=None)))
        order = self._order([q.code for q in self.questions.values() if q.group is None])
        inner_order = {
            q.code: self._order([i.code for i in self.questions.values() if i.group == q.code])
            for q in self.questions.values()
            if q.type == "repeat"
        }
        return Form(
            definition=self.definition,
            sha256=sha256,
            questions=self.questions,
            order=order,
            inner_order=inner_order,
            followups=tuple(followups),
        )

    # Codes -----------------------------------------------------------------------------------
    def _check_codes(self, section: Section, path: str) -> None:
        sections = [s.code for s in self.definition.sections]
        if sections.count(section.code) > 1:
            raise self.fail(f"{path}.code", f"duplicate section code {section.code!r}")
        if not section.questions:
            raise self.fail(f"{path}.questions", "a section needs at least one question")
        for q_index, question in enumerate(section.questions):
            self._register(question, f"{path}.questions[{q_index}]", nested=False)

    def _register(self, question: Question, path: str, *, nested: bool) -> None:
        if question.code in self.paths:
            raise self.fail(
                f"{path}.code",
                f"duplicate question code {question.code!r} (also at {self.paths[question.code]})",
            )
        self.paths[question.code] = path
        if question.type == "repeat":
            if nested:
                raise self.fail(f"{path}.type", "a repeat group cannot sit inside another")
            if not question.questions:
                raise self.fail(f"{path}.questions", "a repeat group needs questions")
            for i, inner in enumerate(question.questions):
                self._register(inner, f"{path}.questions[{i}]", nested=True)
        elif question.questions:
            raise self.fail(f"{path}.questions", "only a repeat group has questions")

    # Sections and questions ------------------------------------------------------------------
    def _section(self, section: Section, path: str) -> None:
        relevant = (
            (self._expression(section.relevant, f"{path}.relevant", group=None),)
            if section.relevant
            else ()
        )
        if section.category is not None:
            self._require_category(section.category, f"{path}.category")
        for q_index, question in enumerate(section.questions):
            self._question(question, f"{path}.questions[{q_index}]", section, relevant, group=None)

    def _question(
        self,
        question: Question,
        path: str,
        section: Section,
        inherited: tuple[Node, ...],
        group: str | None,
    ) -> None:
        self._check_settings(question, path)
        category = question.category or section.category
        if category is not None:
            self._require_category(category, f"{path}.category")
        own = (
            (self._expression(question.relevant, f"{path}.relevant", group),)
            if question.relevant
            else ()
        )
        computed = (
            self._expression(question.computed, f"{path}.computed", group)
            if question.computed
            else None
        )
        required: bool | Node = (
            self._expression(question.required, f"{path}.required", group)
            if isinstance(question.required, str)
            else question.required
        )
        constraints = tuple(
            (constraint, self._expression(constraint.rule, f"{path}.constraints[{i}].rule", group))
            for i, constraint in enumerate(question.constraints)
        )
        default = None
        if question.default is not None:
            default = self._expression(question.default, f"{path}.default", group)
            if references(default) or uses_current(default):
                raise self.fail(f"{path}.default", "a default may not read answers")
        relevant = inherited + own
        reads: set[str] = set()
        for node in inherited:
            reads |= self._dependencies(node, path, group, question.code)
        own_rules = [(node, "relevant") for node in own]
        own_rules += [(computed, "computed")] if computed is not None else []
        for node, where in own_rules:
            reads |= self._dependencies(node, f"{path}.{where}", group, question.code)
        self.reads[question.code] = reads
        self.questions[question.code] = CompiledQuestion(
            spec=question,
            section=section.code,
            group=group,
            category=category,
            relevant=relevant,
            required=required,
            constraints=constraints,
            computed=computed,
            default=default,
            option_codes=tuple(option.code for option in question.options),
            consent_pairs=self._consent_pairs(question, path),
        )
        if question.type == "repeat":
            for i, inner in enumerate(question.questions):
                # An inner question is relevant only while its group is.
                self._question(inner, f"{path}.questions[{i}]", section, relevant, question.code)
            for inner in question.questions:
                # The group is ready once everything its items read from outside is.
                outside = {code for code in self.reads[inner.code] if self._group_of(code) is None}
                self.reads[question.code] |= outside

    def _group_of(self, code: str) -> str | None:
        question = self.questions.get(code)
        if question is not None:
            return question.group
        # Registered but not yet compiled: find it through the definition paths.
        return self._declared_group(code)

    def _declared_group(self, code: str) -> str | None:
        for section in self.definition.sections:
            for question in section.questions:
                if question.code == code:
                    return None
                if any(inner.code == code for inner in question.questions):
                    return question.code
        return None

    def _expression(self, text: str, path: str, group: str | None) -> Node:
        try:
            node = parse(text)
        except ExpressionError as error:
            raise self.fail(path, f"{error} in {text!r} [{error.code}]") from error
        self._dependencies(node, path, group, None)
        return node

    def _dependencies(
        self, node: Node, path: str, group: str | None, reader: str | None
    ) -> set[str]:
        """Check every reference can be read from here; return the codes ordering depends on."""
        found: set[str] = set()
        for name, field in sorted(references(node), key=lambda ref: (ref[0], ref[1] or "")):
            where = f"{path}: ${name}" + (f".{field}" if field else "")
            if name not in self.paths:
                raise self.fail(path, f"${name} is not a question of this form")
            target = self._find(name)
            if target.type in WITHOUT_ANSWER:
                raise self.fail(path, f"${name} is a note and has no value")
            target_group = self._declared_group(name)
            if field is not None:
                if target.type != "repeat":
                    raise self.fail(
                        path, f"${name} is not a repeat group, so .{field} means nothing"
                    )
                if not any(inner.code == field for inner in target.questions):
                    raise self.fail(path, f"{where}: {field!r} is not a question of ${name}")
                if group == name:
                    raise self.fail(path, f"{where}: inside ${name} read ${field} directly")
                found.add(name)
            elif target_group is not None and target_group != group:
                raise self.fail(
                    path,
                    f"${name} sits in repeat group ${target_group}; read ${target_group}.{name}",
                )
            elif target.type == "repeat" and group == name:
                raise self.fail(path, f"${name} cannot be read inside its own items")
            else:
                found.add(name)
        if reader is not None and reader in found:
            raise self.fail(path, f"${reader} depends on itself")
        return found

    def _find(self, code: str) -> Question:
        for section in self.definition.sections:
            for question in section.questions:
                if question.code == code:
                    return question
                for inner in question.questions:
                    if inner.code == code:
                        return inner
        raise KeyError(code)

    def _order(self, codes: list[str]) -> tuple[str, ...]:
        """Kahn's algorithm, ties broken by form order, so the order is the same everywhere."""
        position = {code: i for i, code in enumerate(codes)}
        members = set(codes)
        waiting = {code: {d for d in self.reads[code] if d in members} for code in codes}
        ready = [position[code] for code, deps in waiting.items() if not deps]
        heapq.heapify(ready)
        ordered: list[str] = []
        while ready:
            code = codes[heapq.heappop(ready)]
            ordered.append(code)
            for other, deps in waiting.items():
                if code in deps:
                    deps.discard(code)
                    if not deps:
                        heapq.heappush(ready, position[other])
        if len(ordered) != len(codes):
            stuck = sorted(set(codes) - set(ordered), key=position.__getitem__)
            raise self.fail(
                self.paths[stuck[0]],
                "relevance or computed values form a cycle through " + ", ".join(stuck),
            )
        return tuple(ordered)

    # Settings per type -----------------------------------------------------------------------
    def _check_settings(self, question: Question, path: str) -> None:
        kind = question.type
        allowed = {
            "options": kind in ("select_one", "select_many"),
            "decimals": kind == "decimal",
            "max_length": kind in ("text", "long_text"),
            "min_items": kind in ("repeat", "photo", "select_many"),
            "max_items": kind in ("repeat", "photo", "select_many"),
            "domain": kind == "zrm",
            "consent": kind == "consent",
            "signer": kind == "signature",
        }
        for setting, fits in allowed.items():
            value = getattr(question, setting)
            if not fits and value not in (None, []):
                raise self.fail(f"{path}.{setting}", f"a {kind} question has no {setting}")
        if kind in ("select_one", "select_many"):
            if not question.options:
                raise self.fail(f"{path}.options", f"a {kind} question needs options")
            codes = [option.code for option in question.options]
            duplicates = sorted({code for code in codes if codes.count(code) > 1})
            if duplicates:
                raise self.fail(f"{path}.options", f"duplicate option code {duplicates[0]!r}")
        if kind == "zrm":
            self._check_zrm(question, path)
        if kind == "consent" and question.consent is None:
            raise self.fail(f"{path}.consent", "a consent question needs its categories and kinds")
        if kind == "signature" and question.signer is None:
            raise self.fail(f"{path}.signer", "say who signs: resident or worker")
        if kind == "note" and (question.required or question.computed or question.constraints):
            raise self.fail(path, "a note holds no answer, so it has no rules")
        if (
            question.min_items is not None
            and question.max_items is not None
            and question.min_items > question.max_items
        ):
            raise self.fail(f"{path}.min_items", "min_items is above max_items")
        if question.computed and kind in ("signature", "photo", "repeat", "consent", "note"):
            raise self.fail(f"{path}.computed", f"a {kind} question cannot be computed")
        if question.fills is not None:
            self._check_fills(question, path)

    def _check_zrm(self, question: Question, path: str) -> None:
        if question.domain not in DOMAINS:
            raise self.fail(
                f"{path}.domain", f"{question.domain!r} is not a ZRM domain ({', '.join(DOMAINS)})"
            )
        if question.domain in self.zrm_domains:
            raise self.fail(
                f"{path}.domain",
                f"ZRM domain {question.domain!r} is scored twice "
                f"(also by ${self.zrm_domains[question.domain]})",
            )
        self.zrm_domains[question.domain] = question.code

    def _check_fills(self, question: Question, path: str) -> None:
        fact = question.fills or ""
        if fact.startswith(WGS_PREFIX):
            condition = fact.removeprefix(WGS_PREFIX)
            if condition not in self.codes.legal_duty_conditions:
                raise self.fail(
                    f"{path}.fills", f"the covenant has no legal-duty condition {condition!r}"
                )
            needed = WGS_FACT_TYPE
        elif fact in CASE_FACTS:
            needed = CASE_FACTS[fact]
        else:
            raise self.fail(f"{path}.fills", f"{fact!r} is not a case fact a form can fill")
        if question.type != needed:
            raise self.fail(f"{path}.fills", f"{fact} needs a {needed} question")

    def _consent_pairs(self, question: Question, path: str) -> tuple[str, ...]:
        grid = question.consent
        if grid is None:
            return ()
        if not grid.categories or not grid.recipient_kinds:
            raise self.fail(f"{path}.consent", "name at least one category and one kind")
        for i, category in enumerate(grid.categories):
            self._require_category(category, f"{path}.consent.categories[{i}]")
        for i, kind in enumerate(grid.recipient_kinds):
            self._require_kind(kind, f"{path}.consent.recipient_kinds[{i}]")
        pairs = []
        for category in grid.categories:
            for kind in grid.recipient_kinds:
                if (category, kind) not in self.codes.never_shared:
                    pairs.append(f"{category}/{kind}")
        if not pairs:
            raise self.fail(f"{path}.consent", "the covenant never shares any of these pairs")
        return tuple(pairs)

    def _require_category(self, code: str, path: str) -> None:
        if code not in self.codes.information_categories:
            raise self.fail(path, f"the covenant has no information category {code!r}")

    def _require_kind(self, code: str, path: str) -> None:
        if code not in self.codes.organisation_kinds:
            raise self.fail(path, f"the covenant has no organisation kind {code!r}")


def load_all(paths: Iterable[Path], codes: CovenantCodes) -> list[Form]:
    return [load_file(path, codes) for path in paths]

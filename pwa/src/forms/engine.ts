/**
 * The engine: validate answers against a form, clean them, and suggest follow-ups; the twin of
 * visit_forms/engine.py, which the server runs on every visit it receives. Same answers, same
 * day: same errors in the same order, same cleaned answers, same suggestions.
 *
 * - A question is relevant when its section's and its own `relevant` hold (and, inside a repeat
 *   group, the group's). An irrelevant question is neither required nor checked nor kept.
 * - A computed question's value is the engine's calculation, coerced to its type (integers and
 *   money rounded half away from zero, decimals to their `decimals`, default 2). An answer that
 *   differs is the error `computed_mismatch`.
 * - Blank means absent, null, whitespace-only text or an empty list; `required` then fails.
 * - A constraint is checked only when the question has a value, and fails only when its rule
 *   gives false. Errors come in form order, one per problem, each with a path like
 *   `members[1].birth_year` and a stable code.
 *
 * Beyond Python's Outcome, evaluateForm reports per question (by path) whether it is relevant
 * and required right now, so a screen can show, hide and mark questions while the worker types.
 */

import {
  Problem,
  consentDecided,
  INTEGER_LIMIT,
  isBlank,
  isObject,
  own,
  readAnswer,
} from './answers';
import { compileForm, type CompiledForm, type CompiledQuestion } from './compiled';
import { DateValue, TimeValue, parseDate } from './dates';
import { equal } from './equality';
import { evaluate, holds, type Scope } from './evaluator';
import { messageFor, type EngineErrorCode, type MessageDetail } from './messages';
import { Num, SCALE, roundTo } from './numbers';
import { pythonInt, pythonStrip } from './text';
import type { ExportedForm, LocalizedText, QuestionType } from './types';
import { RecordValue, isList, type Value } from './values';

export const DEFAULT_MAX_ITEMS = 50;

export interface FieldError {
  /** `code`, `group[index]`, `group[index].code`, or `` for answers that are no mapping. */
  readonly path: string;
  readonly code: EngineErrorCode | 'constraint';
  /** The engine's message, or the constraint's own from the definition. */
  readonly message: LocalizedText;
  /** The constraint's code, for code `constraint` only. */
  readonly rule?: string;
}

export interface Suggestion {
  readonly code: string;
  readonly recipient_kind: string;
  readonly need: LocalizedText;
  readonly categories: readonly string[];
}

export interface Outcome {
  readonly errors: readonly FieldError[];
  /** Only relevant, non-blank answers, computed values filled in: what a visit keeps. */
  readonly answers: Record<string, unknown>;
  /** Each top-level question's value (a repeat group's is a list of records). */
  readonly values: ReadonlyMap<string, Value>;
  /**
   * Per question path (`code`, or `group[index].code` for each item there is): relevant now?
   * A path that is absent was not reached: inside an irrelevant group, or an item that is no
   * mapping. Notes are here too (show or hide them).
   */
  readonly relevant: Readonly<Record<string, boolean>>;
  /** Per path in `relevant`: required now? False for irrelevant questions and notes. */
  readonly required: Readonly<Record<string, boolean>>;
  /** Per section code: whether its own `relevant` holds (true without one). */
  readonly sections: Readonly<Record<string, boolean>>;
}

export interface EvaluateOptions {
  /** The day of the visit, `YYYY-MM-DD`: what `today()` gives. */
  readonly today: string;
}

interface Check {
  readonly question: CompiledQuestion;
  readonly path: string;
  readonly raw: unknown;
  readonly value: Value;
  readonly item: ReadonlyMap<string, Value>;
}

const NO_ITEM: ReadonlyMap<string, Value> = new Map();

/**
 * A map by path without a prototype: a screen may look up any path, and `constructor` is a
 * valid question code that every ordinary object would answer with a function.
 */
function byPath<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function dayOf(today: string): DateValue {
  const day = parseDate(today);
  if (day === null) {
    throw new Error(`today must be a date as YYYY-MM-DD, not ${JSON.stringify(today)}`);
  }
  return day;
}

class Run {
  readonly values = new Map<string, Value>();
  readonly cleaned = new Map<string, unknown>();
  readonly checks: Check[] = [];
  /** Relevant questions whose answer could not be read: Python checks nothing more for them;
   * only their `required` state is worked out here, for the screen. */
  readonly unread: Omit<Check, 'raw' | 'value'>[] = [];
  readonly errors: { key: number[]; error: FieldError }[] = [];
  readonly relevant = byPath<boolean>();
  readonly required = byPath<boolean>();
  readonly form: CompiledForm;
  readonly today: DateValue;

  constructor(form: CompiledForm, today: DateValue) {
    this.form = form;
    this.today = today;
  }

  error(path: string, code: EngineErrorCode, detail: MessageDetail = {}): void {
    this.add({ path, code, message: messageFor(code, detail) });
  }

  add(error: FieldError): void {
    this.errors.push({ key: this.sortKey(error.path), error });
  }

  /**
   * Form order: question, then item index, then the question inside the item; a code the form
   * does not know sorts first; one field's errors keep the order they were found. Parsed as
   * Python's `str.partition` and `int()` do. Where `int()` raises (an unknown answer key such
   * as `x[abc]`, which makes the Python engine fail outright) the index counts as -1.
   */
  sortKey(path: string): number[] {
    const position = (code: string) => this.form.position.get(code) ?? -1;
    const dot = path.indexOf('.');
    const head = dot < 0 ? path : path.slice(0, dot);
    const inner = dot < 0 ? '' : path.slice(dot + 1);
    const bracket = head.indexOf('[');
    const code = bracket < 0 ? head : head.slice(0, bracket);
    const index = bracket < 0 ? '' : head.slice(bracket + 1);
    return [
      position(code),
      index ? (pythonInt(index.replace(/\]+$/, '')) ?? -1) : -1,
      inner ? position(inner) : -1,
      this.errors.length,
    ];
  }

  scope(item: ReadonlyMap<string, Value> = NO_ITEM, current: Value = null): Scope {
    return { lookup: (name) => this.values.get(name) ?? null, today: this.today, current, item };
  }

  sortedErrors(): FieldError[] {
    return [...this.errors].sort((a, b) => compareKeys(a.key, b.key)).map(({ error }) => error);
  }
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return 0;
}

/** Evaluate answers against a form: errors, cleaned answers, values, and what to show. */
export function evaluateForm(
  form: ExportedForm,
  answers: unknown,
  options: EvaluateOptions,
): Outcome {
  const compiled = compileForm(form);
  const run = new Run(compiled, dayOf(options.today));
  if (!isObject(answers)) {
    run.error('', 'wrong_type');
    return {
      errors: run.sortedErrors(),
      answers: {},
      values: new Map(),
      relevant: byPath<boolean>(),
      required: byPath<boolean>(),
      sections: byPath<boolean>(),
    };
  }
  // JavaScript lists integer-like keys ("12") first, Python keeps the order they came in; only
  // unknown keys can look like that, and only their errors' order can differ.
  for (const code of Object.keys(answers)) {
    const question = compiled.questions.get(code);
    if (question === undefined || question.group !== null) run.error(code, 'unknown_question');
  }
  for (const code of compiled.order) {
    const question = compiled.questions.get(code)!;
    if (question.type === 'repeat') {
      group(run, question, own(answers, code));
    } else {
      const [value, wire] = answer(run, question, code, own(answers, code), NO_ITEM);
      run.values.set(code, value);
      if (wire !== null) run.cleaned.set(code, wire);
    }
  }
  for (const check of run.checks) checkOne(run, check);
  for (const unread of run.unread) {
    run.required[unread.path] = requiredNow(unread.question, run.scope(unread.item));
  }
  const kept: Record<string, unknown> = {};
  for (const code of compiled.questions.keys()) {
    if (run.cleaned.has(code)) kept[code] = run.cleaned.get(code);
  }
  const sections = byPath<boolean>();
  for (const section of compiled.sections) {
    sections[section.code] = section.relevant === null || holds(section.relevant, run.scope());
  }
  return {
    errors: run.sortedErrors(),
    answers: kept,
    values: run.values,
    relevant: run.relevant,
    required: run.required,
    sections,
  };
}

/** Only the errors. */
export function validate(
  form: ExportedForm,
  answers: unknown,
  options: EvaluateOptions,
): FieldError[] {
  return [...evaluateForm(form, answers, options).errors];
}

/**
 * The follow-ups the form's rules suggest for answers already evaluated, as Python's
 * `suggestions_for`: read on the cleaned values, so irrelevant answers suggest nothing.
 */
export function suggestFollowups(
  form: ExportedForm,
  outcome: Outcome,
  today: string,
): Suggestion[] {
  const compiled = compileForm(form);
  const scope: Scope = { lookup: (name) => outcome.values.get(name) ?? null, today: dayOf(today) };
  return compiled.followups
    .filter(([, when]) => holds(when, scope))
    .map(([rule]) => ({
      code: rule.code,
      recipient_kind: rule.recipient_kind,
      need: rule.need,
      categories: [...rule.categories],
    }));
}

export interface DefaultsOptions extends EvaluateOptions {
  /** A repeat group's code: the defaults of a new item of it; else those of a new draft. */
  readonly group?: string | null;
}

/** Starting answers of a new draft (or of a new item of `options.group`), as wire answers. */
export function defaults(form: ExportedForm, options: DefaultsOptions): Record<string, unknown> {
  const compiled = compileForm(form);
  const group = options.group ?? null;
  const scope: Scope = { lookup: () => null, today: dayOf(options.today) };
  const found: Record<string, unknown> = {};
  for (const question of compiled.questions.values()) {
    if (question.group === group && question.default !== null) {
      const value = coerce(question, evaluate(question.default, scope));
      if (value !== null) found[question.code] = toWire(value, question.type);
    }
  }
  return found;
}

function isRelevant(
  run: Run,
  question: CompiledQuestion,
  item: ReadonlyMap<string, Value>,
): boolean {
  const scope = run.scope(item);
  return question.relevant.every((node) => holds(node, scope));
}

function requiredNow(question: CompiledQuestion, scope: Scope): boolean {
  const required = question.required;
  return required === true || (typeof required !== 'boolean' && holds(required, scope));
}

/** Value and cleaned wire answer (null: none kept) of one non-repeat question; queues checks. */
function answer(
  run: Run,
  question: CompiledQuestion,
  path: string,
  raw: unknown,
  item: ReadonlyMap<string, Value>,
): [Value, unknown] {
  const relevant = isRelevant(run, question, item);
  run.relevant[path] = relevant;
  run.required[path] = false;
  if (!relevant) return [null, null];
  if (question.type === 'note') {
    if (raw !== null) run.error(path, 'read_only');
    return [null, null];
  }
  if (question.computed !== null) {
    const value = coerce(question, evaluate(question.computed, run.scope(item)));
    if (!isBlank(question, raw)) {
      const given = readAnswer(question, raw);
      if (given instanceof Problem || !equal(given, value)) run.error(path, 'computed_mismatch');
    }
    run.checks.push({ question, path, raw, value, item });
    return [value, value !== null ? toWire(value, question.type) : null];
  }
  if (isBlank(question, raw)) {
    run.checks.push({ question, path, raw: null, value: null, item });
    return [null, null];
  }
  const value = readAnswer(question, raw);
  if (value instanceof Problem) {
    run.error(path, value.code, value.detail);
    run.unread.push({ question, path, item });
    return [null, null];
  }
  run.checks.push({ question, path, raw, value, item });
  return [value, raw];
}

function group(run: Run, question: CompiledQuestion, raw: unknown): void {
  const code = question.code;
  run.values.set(code, null);
  const relevant = isRelevant(run, question, NO_ITEM);
  run.relevant[code] = relevant;
  run.required[code] = false;
  if (!relevant) return;
  const blank = isBlank(question, raw);
  if (!blank && !Array.isArray(raw)) {
    run.error(code, 'wrong_type');
    run.unread.push({ question, path: code, item: NO_ITEM });
    return;
  }
  const itemsRaw: readonly unknown[] = blank ? [] : (raw as unknown[]);
  // `||` as Python's `or` (max_items is at least 1, so only an absent one falls back).
  const limit = question.spec.max_items || DEFAULT_MAX_ITEMS;
  if (itemsRaw.length > limit) {
    run.error(code, 'too_many_items', { max_items: limit });
    run.unread.push({ question, path: code, item: NO_ITEM });
    return;
  }
  const innerOrder = run.form.innerOrder.get(code) ?? [];
  const innerCodes = new Set<string>();
  for (const inner of run.form.questions.values()) {
    if (inner.group === code) innerCodes.add(inner.code);
  }
  const records: RecordValue[] = [];
  const cleanedItems: Record<string, unknown>[] = [];
  itemsRaw.forEach((itemRaw, index) => {
    const base = `${code}[${index}]`;
    if (!isObject(itemRaw)) {
      run.error(base, 'wrong_type');
      return;
    }
    for (const key of Object.keys(itemRaw)) {
      if (!innerCodes.has(key)) run.error(`${base}.${key}`, 'unknown_question');
    }
    // Filled in evaluation order; the checks, run after all items, see it complete (as Python).
    const item = new Map<string, Value>();
    const cleaned = new Map<string, unknown>();
    for (const innerCode of innerOrder) {
      const inner = run.form.questions.get(innerCode)!;
      const innerRaw = own(itemRaw, innerCode);
      const [value, wire] = answer(run, inner, `${base}.${innerCode}`, innerRaw, item);
      item.set(innerCode, value);
      if (wire !== null) cleaned.set(innerCode, wire);
    }
    records.push(new RecordValue(item));
    const keptItem: Record<string, unknown> = {};
    for (const innerCode of innerOrder) {
      if (cleaned.has(innerCode)) keptItem[innerCode] = cleaned.get(innerCode);
    }
    cleanedItems.push(keptItem);
  });
  run.values.set(code, records);
  if (cleanedItems.length > 0) run.cleaned.set(code, cleanedItems);
  run.checks.push({
    question,
    path: code,
    raw: blank ? null : raw,
    value: records.length > 0 ? records : null,
    item: NO_ITEM,
  });
}

function checkOne(run: Run, check: Check): void {
  const { question, path, value } = check;
  const scope = run.scope(check.item, value);
  const required = requiredNow(question, scope);
  run.required[path] = required;
  if (value === null) {
    if (required) run.error(path, 'required');
    return;
  }
  const incomplete = question.type === 'consent' && !consentDecided(question, check.raw);
  if (incomplete && required) run.error(path, 'incomplete');
  const spec = question.spec;
  if (isList(value) && ['select_many', 'photo', 'repeat'].includes(question.type)) {
    if (spec.min_items !== undefined && value.length < spec.min_items) {
      run.error(path, 'too_few_items', { min_items: spec.min_items });
    }
    const max = question.type !== 'repeat' ? spec.max_items : undefined;
    if (max !== undefined && value.length > max) {
      run.error(path, 'too_many_items', { max_items: max });
    }
  }
  for (const [constraint, rule] of question.constraints) {
    if (evaluate(rule, scope) === false) {
      run.add({ path, code: 'constraint', message: constraint.message, rule: constraint.code });
    }
  }
}

/** A computed or default value in the question's type; anything that does not fit is null. */
export function coerce(question: CompiledQuestion, value: Value): Value {
  switch (question.type) {
    case 'integer':
    case 'money':
    case 'zrm':
    case 'decimal': {
      if (!(value instanceof Num)) return null;
      const digits = question.type === 'decimal' ? (question.spec.decimals ?? 2) : 0;
      const rounded = roundTo(value, digits);
      const magnitude = rounded.units < 0n ? -rounded.units : rounded.units;
      if (magnitude >= BigInt(INTEGER_LIMIT) * SCALE) return null;
      if (question.type === 'zrm' && !(rounded.toInt() >= 1n && rounded.toInt() <= 5n)) return null;
      return rounded;
    }
    case 'text':
    case 'long_text':
      return typeof value === 'string' && pythonStrip(value) ? value : null;
    case 'yes_no':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return value instanceof DateValue ? value : null;
    case 'time':
      return value instanceof TimeValue ? value : null;
    case 'select_one':
      return typeof value === 'string' && question.optionCodes.includes(value) ? value : null;
    case 'select_many': {
      if (isList(value) && value.every((item) => typeof item === 'string')) {
        const chosen = new Set(value as readonly string[]);
        if ([...chosen].every((code) => question.optionCodes.includes(code))) {
          return question.optionCodes.filter((code) => chosen.has(code));
        }
      }
      return null;
    }
    default:
      return null;
  }
}

/** The JSON answer form of a computed or default value (decimals as text, never floats). */
export function toWire(value: Value, kind: QuestionType | '' = ''): unknown {
  if (value instanceof Num) return kind === 'decimal' ? value.toString() : Number(value.toInt());
  if (value instanceof DateValue || value instanceof TimeValue) return value.toString();
  if (isList(value)) return value.map((item) => toWire(item));
  return value;
}

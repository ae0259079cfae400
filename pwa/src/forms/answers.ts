/**
 * Read one raw JSON answer as the value its question type holds, or say why it cannot be: the
 * twin of visit_forms/answers.py.
 *
 * Wire forms: text as strings; integer and money (cents) as JSON integers; decimal as a string
 * in decimal notation (or an integer), never a float; date `YYYY-MM-DD`; time `HH:MM`; yes/no
 * as true/false; select_one a code, select_many a list of codes; zrm an integer 1 to 5;
 * signature {attachment, name, signed_at}; photo a list of {attachment, caption?}; consent
 * {category: {kind: "given" | "refused"}}; repeat a list of answer mappings.
 *
 * Where JSON reads differently: Python keeps `12.0` a float (the wrong type for an integer),
 * JavaScript's JSON.parse makes it the integer 12, so the tablet accepts what the server
 * refuses. Nothing on the tablet writes such floats; the server stays the judge.
 */

import type { CompiledQuestion } from './compiled';
import { parseDate, parseTime } from './dates';
import type { MessageDetail } from './messages';
import { Num } from './numbers';
import { codePointLength, pythonStrip } from './text';
import type { Value } from './values';

export const TEXT_MAX = { text: 200, long_text: 4000 } as const;
/** Exclusive; far inside what a JavaScript number holds exactly (2^53 is about 9 * 10^15). */
export const INTEGER_LIMIT = 10 ** 15;
// Anchored `^…$` (no `m` flag) as Python's fullmatch; `[0-9]`, `[a-z]` are ASCII in both.
const ATTACHMENT_NAME = /^[a-z0-9][a-z0-9_-]{0,79}\.(png|jpg)$/;
const TIMESTAMP = new RegExp(
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?' +
    '(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$',
);
const DECIMAL = /^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,12})?$/;

/** Why a raw answer cannot be read: a stable error code and facts for the message. */
export class Problem {
  readonly code: 'wrong_type' | 'too_long' | 'out_of_range' | 'too_many_decimals' | 'not_an_option'
    | 'duplicate' | 'bad_attachment_name' | 'signer_name_missing';
  readonly detail: MessageDetail;

  constructor(code: Problem['code'], detail: MessageDetail = {}) {
    this.code = code;
    this.detail = detail;
  }
}

/** A JSON object (Python's dict). */
export type JsonObject = { readonly [key: string]: unknown };

export function isObject(raw: unknown): raw is JsonObject {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/**
 * `mapping.get(key)`: an own property only (a question may be called `constructor`, which every
 * JavaScript object inherits), and undefined read as null.
 */
export function own(mapping: JsonObject, key: string): unknown {
  return Object.hasOwn(mapping, key) ? (mapping[key] ?? null) : null;
}

function isInt(raw: unknown): raw is number {
  // Python: an int that is not a bool. JavaScript has no separate int; see the module comment.
  return typeof raw === 'number' && Number.isInteger(raw);
}

/** Unanswered: absent, null, blank text (Python's whitespace), or an empty list or mapping. */
export function isBlank(question: CompiledQuestion, raw: unknown): boolean {
  if (raw === null || raw === undefined) return true;
  if (typeof raw === 'string') return pythonStrip(raw) === '';
  if (question.type !== 'signature') {
    if (Array.isArray(raw)) return raw.length === 0;
    if (isObject(raw)) return Object.keys(raw).length === 0;
  }
  return false;
}

/** The expression value of a non-blank raw answer (repeat groups are read by the engine). */
export function readAnswer(question: CompiledQuestion, raw: unknown): Value | Problem {
  switch (question.type) {
    case 'text':
    case 'long_text':
      return readText(question, raw);
    case 'integer':
    case 'money':
      return readInteger(raw);
    case 'decimal':
      return readDecimal(question, raw);
    case 'date': {
      const value = typeof raw === 'string' ? parseDate(raw) : null;
      return value ?? new Problem('wrong_type', { expected: 'date' });
    }
    case 'time': {
      const value = typeof raw === 'string' ? parseTime(raw) : null;
      return value ?? new Problem('wrong_type', { expected: 'time' });
    }
    case 'yes_no':
      return typeof raw === 'boolean' ? raw : new Problem('wrong_type', { expected: 'yes_no' });
    case 'select_one':
      if (typeof raw !== 'string') return new Problem('wrong_type', { expected: 'option' });
      if (!question.optionCodes.includes(raw)) return new Problem('not_an_option', { value: raw });
      return raw;
    case 'select_many':
      return readSelectMany(question, raw);
    case 'zrm':
      if (!isInt(raw)) return new Problem('wrong_type', { expected: 'zrm_score' });
      if (!(raw >= 1 && raw <= 5)) return new Problem('out_of_range', { min: 1, max: 5 });
      return Num.integer(raw);
    case 'signature':
      return readSignature(raw);
    case 'photo':
      return readPhotos(raw);
    case 'consent':
      return readConsent(question, raw);
    case 'repeat':
    case 'note':
      // As in Python, which has no reader for them: the engine never asks.
      throw new Error(`a ${question.type} question has no answer of its own`);
  }
}

function readText(question: CompiledQuestion, raw: unknown): Value | Problem {
  if (typeof raw !== 'string') return new Problem('wrong_type', { expected: 'text' });
  const limit = question.spec.max_length || TEXT_MAX[question.type as keyof typeof TEXT_MAX];
  // Code points, as Python's len(): an emoji is one character, not two.
  if (codePointLength(raw) > limit) return new Problem('too_long', { max_length: limit });
  return raw;
}

function readInteger(raw: unknown): Value | Problem {
  if (!isInt(raw)) return new Problem('wrong_type', { expected: 'integer' });
  if (!(-INTEGER_LIMIT < raw && raw < INTEGER_LIMIT)) return new Problem('out_of_range');
  return Num.integer(raw);
}

function readDecimal(question: CompiledQuestion, raw: unknown): Value | Problem {
  if (isInt(raw)) return readInteger(raw);
  if (typeof raw !== 'string' || !DECIMAL.test(raw)) {
    return new Problem('wrong_type', { expected: 'decimal' });
  }
  const dot = raw.indexOf('.');
  const whole = dot < 0 ? raw : raw.slice(0, dot);
  const fraction = dot < 0 ? '' : raw.slice(dot + 1);
  const significant = fraction.replace(/0+$/, '');
  const allowed = question.spec.decimals ?? 2;
  if (significant.length > allowed) return new Problem('too_many_decimals', { decimals: allowed });
  const number = Num.parse(whole + (significant ? '.' + fraction.slice(0, 6) : ''));
  return number ?? new Problem('out_of_range');
}

function readSelectMany(question: CompiledQuestion, raw: unknown): Value | Problem {
  if (!Array.isArray(raw) || !raw.every((item) => typeof item === 'string')) {
    return new Problem('wrong_type', { expected: 'options' });
  }
  const chosen = raw as string[];
  const unknown = chosen.find((item) => !question.optionCodes.includes(item));
  if (unknown !== undefined) return new Problem('not_an_option', { value: unknown });
  if (new Set(chosen).size !== chosen.length) return new Problem('duplicate');
  // Held in the form's option order, so equal choices are equal values everywhere.
  return question.optionCodes.filter((code) => chosen.includes(code));
}

function hasExactly(mapping: JsonObject, keys: readonly string[]): boolean {
  const present = Object.keys(mapping);
  return present.length === keys.length && keys.every((key) => Object.hasOwn(mapping, key));
}

function readSignature(raw: unknown): Value | Problem {
  if (!isObject(raw) || !hasExactly(raw, ['attachment', 'name', 'signed_at'])) {
    return new Problem('wrong_type', { expected: 'signature' });
  }
  const attachment = raw['attachment'];
  const name = raw['name'];
  const signedAt = raw['signed_at'];
  if (typeof attachment !== 'string' || !ATTACHMENT_NAME.test(attachment)) {
    return new Problem('bad_attachment_name');
  }
  if (!attachment.endsWith('.png')) return new Problem('wrong_type', { expected: 'signature' });
  if (typeof name !== 'string' || !pythonStrip(name) || codePointLength(name) > 200) {
    return new Problem('signer_name_missing');
  }
  if (typeof signedAt !== 'string' || !TIMESTAMP.test(signedAt)) {
    return new Problem('wrong_type', { expected: 'timestamp' });
  }
  return attachment;
}

function readPhotos(raw: unknown): Value | Problem {
  if (!Array.isArray(raw)) return new Problem('wrong_type', { expected: 'photos' });
  const names: string[] = [];
  for (const item of raw as unknown[]) {
    const known = (key: string) => key === 'attachment' || key === 'caption';
    if (!isObject(item) || !Object.keys(item).every(known)) {
      return new Problem('wrong_type', { expected: 'photos' });
    }
    const attachment = own(item, 'attachment');
    const caption = item['caption'] === undefined ? '' : item['caption'];
    if (typeof attachment !== 'string' || !ATTACHMENT_NAME.test(attachment)) {
      return new Problem('bad_attachment_name');
    }
    if (typeof caption !== 'string' || codePointLength(caption) > 200) {
      return new Problem('too_long', { max_length: 200 });
    }
    names.push(attachment);
  }
  if (new Set(names).size !== names.length) return new Problem('duplicate');
  return names;
}

function readConsent(question: CompiledQuestion, raw: unknown): Value | Problem {
  if (!isObject(raw)) return new Problem('wrong_type', { expected: 'consent' });
  const given: string[] = [];
  for (const [category, decisions] of Object.entries(raw)) {
    if (!isObject(decisions)) return new Problem('wrong_type', { expected: 'consent' });
    for (const [kind, decision] of Object.entries(decisions)) {
      const pair = `${category}/${kind}`;
      if (!question.consentPairs.includes(pair)) {
        return new Problem('not_an_option', { value: pair });
      }
      if (decision !== 'given' && decision !== 'refused') {
        return new Problem('wrong_type', { expected: 'given_or_refused' });
      }
      if (decision === 'given') given.push(pair);
    }
  }
  // In the form's order, like select_many.
  return question.consentPairs.filter((pair) => given.includes(pair));
}

/** Every pair of the grid has a decision (what `required` means for consent). */
export function consentDecided(question: CompiledQuestion, raw: unknown): boolean {
  if (!isObject(raw)) return false;
  const decided = new Set<string>();
  for (const [category, decisions] of Object.entries(raw)) {
    if (!isObject(decisions)) continue;
    for (const kind of Object.keys(decisions)) decided.add(`${category}/${kind}`);
  }
  return question.consentPairs.every((pair) => decided.has(pair));
}

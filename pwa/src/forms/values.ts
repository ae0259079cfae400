/**
 * The values an expression works with, and their tagged JSON form for the shared vectors: the
 * twin of visit_forms/expressions/values.py.
 *
 * null, true/false, Num, text (string), a date, a time of day, a list (a frozen array), and a
 * repeat group's item (RecordValue). Python's tuples are arrays here; nothing mutates them.
 */

import { DateValue, TimeValue, parseDate, parseTime } from './dates';
import { Num } from './numbers';
import { compareCodePoints } from './text';

export type Value =
  | null
  | boolean
  | Num
  | string
  | DateValue
  | TimeValue
  | readonly Value[]
  | RecordValue;

/** One item of a repeat group: its answers by question code, sorted by code (as Python). */
export class RecordValue {
  readonly fields: readonly (readonly [string, Value])[];
  private readonly byCode: ReadonlyMap<string, Value>;

  constructor(fields: Iterable<readonly [string, Value]>) {
    this.fields = [...fields].sort(([a], [b]) => compareCodePoints(a, b));
    this.byCode = new Map(this.fields);
  }

  /** The answer to one question of the item; null when the item has no such question. */
  get(code: string): Value {
    return this.byCode.get(code) ?? null;
  }
}

export type TypeName = 'null' | 'boolean' | 'number' | 'text' | 'date' | 'time' | 'list' | 'record';

export function isList(value: Value): value is readonly Value[] {
  return Array.isArray(value);
}

export function typeName(value: Value): TypeName {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Num) return 'number';
  if (typeof value === 'string') return 'text';
  if (value instanceof DateValue) return 'date';
  if (value instanceof TimeValue) return 'time';
  if (isList(value)) return 'list';
  return 'record';
}

/** The tagged JSON of a value, as Python's `encode`: numbers travel as canonical text. */
export type Encoded =
  | { type: 'null' }
  | { type: 'boolean'; value: boolean }
  | { type: 'number' | 'text' | 'date' | 'time'; value: string }
  | { type: 'list'; value: Encoded[] }
  | { type: 'record'; value: { [code: string]: Encoded } };

export function encode(value: Value): Encoded {
  if (value === null) return { type: 'null' };
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (isList(value)) return { type: 'list', value: value.map(encode) };
  if (value instanceof RecordValue) {
    const fields: { [code: string]: Encoded } = {};
    for (const [code, item] of value.fields) fields[code] = encode(item);
    return { type: 'record', value: fields };
  }
  const kind = typeName(value) as 'number' | 'text' | 'date' | 'time';
  return { type: kind, value: String(value) };
}

/** Read tagged JSON back; throws on anything malformed, as Python's `decode` raises. */
export function decode(data: unknown): Value {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error('a tagged value is an object');
  }
  const tagged = data as { type?: unknown; value?: unknown };
  const kind = tagged.type;
  const raw = tagged.value ?? null;
  if (kind !== 'null' && raw === null) throw new Error(`a ${String(kind)} needs a value`);
  let decoded: Value;
  if (kind === 'null') decoded = null;
  else if (kind === 'boolean') decoded = Boolean(raw);
  else if (kind === 'number') decoded = typeof raw === 'string' ? Num.parse(raw) : null;
  else if (kind === 'text') decoded = String(raw);
  else if (kind === 'date') decoded = typeof raw === 'string' ? parseDate(raw) : null;
  else if (kind === 'time') decoded = typeof raw === 'string' ? parseTime(raw) : null;
  else if (kind === 'list') {
    if (!Array.isArray(raw)) throw new Error('a list holds an array');
    decoded = raw.map(decode);
  } else if (kind === 'record') {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('a record holds an object');
    decoded = new RecordValue(
      Object.entries(raw as Record<string, unknown>).map(([code, item]) => [code, decode(item)]),
    );
  } else throw new Error(`unknown value type ${String(kind)}`);
  if (decoded === null && kind !== 'null') throw new Error(`not a valid ${String(kind)}`);
  return decoded;
}

/**
 * What each function of the expression language computes, the twin of functions.py; total,
 * like the evaluator: a wrong argument gives null, never an exception.
 *
 * Aggregates (`sum`, `min`, `max`) take numbers, lists of numbers, or null, and skip nulls.
 * `count` counts the non-null items of a list. `length` counts code points, as Python's `len`
 * (not UTF-16 units, as JavaScript's `.length`). Dates outside the years 1 to 9999 are null.
 */

import { DateValue, MAX_ORDINAL, TimeValue, parseDate } from './dates';
import { equal } from './equality';
import { Num, SCALE, multiply, roundTo } from './numbers';
import { fullMatch } from './patterns';
import type { FunctionName } from './signatures';
import { codePointLength } from './text';
import { isList, type Value } from './values';

type Args = readonly Value[];
type Implementation = (args: Args, today: DateValue) => Value;

const HUNDRED = new Num(100n * SCALE);

/** The arguments with lists opened one level, as Python's `_flatten`. */
function* flatten(args: Args): Generator<Value> {
  for (const arg of args) {
    if (isList(arg)) yield* arg;
    else yield arg;
  }
}

/** The numbers among args (nulls skipped); null when anything else is there. */
function numbers(args: Args): Num[] | null {
  const found: Num[] = [];
  for (const value of flatten(args)) {
    if (value === null) continue;
    if (!(value instanceof Num)) return null;
    found.push(value);
  }
  return found;
}

function extreme(pick: (a: bigint, b: bigint) => bigint): Implementation {
  return (args) => {
    const found = numbers(args);
    if (found === null || found.length === 0) return null;
    return new Num(found.map((number) => number.units).reduce(pick));
  };
}

/** Python's `str(value)` for concat; null for what has no text (a list, a record). */
function text(value: Value): string | null {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (
    value instanceof Num ||
    typeof value === 'string' ||
    value instanceof DateValue ||
    value instanceof TimeValue
  ) {
    return value.toString();
  }
  return null;
}

export const CALLS: Record<FunctionName, Implementation> = {
  // Every argument is evaluated before the call, as in Python: `if` does not short-circuit,
  // which is harmless because evaluation has no effects and never fails.
  if: ([condition, then, otherwise]) => (condition === true ? then : otherwise),
  coalesce: (args) => args.find((arg) => arg !== null) ?? null,
  sum: (args) => {
    const found = numbers(args);
    if (found === null) return null;
    return Num.of(found.reduce((total, number) => total + number.units, 0n));
  },
  count: ([value]) => {
    if (value === null) return new Num(0n);
    if (!isList(value)) return null;
    return Num.integer(value.filter((item) => item !== null).length);
  },
  min: extreme((a, b) => (b < a ? b : a)),
  max: extreme((a, b) => (b > a ? b : a)),
  round: ([value, digits]) => {
    if (!(value instanceof Num) || !(digits instanceof Num)) return null;
    return roundTo(value, Number(digits.toInt()));
  },
  abs: ([value]) => {
    if (!(value instanceof Num)) return null;
    return value.units < 0n ? new Num(-value.units) : value;
  },
  eur: ([value]) => (value instanceof Num ? multiply(value, HUNDRED) : null),
  selected: ([choices, code]) => {
    if (choices === null) return false;
    if (!isList(choices) || code === null) return null;
    return choices.some((choice) => equal(choice, code));
  },
  length: ([value]) => {
    if (value === null) return new Num(0n);
    return typeof value === 'string' ? Num.integer(codePointLength(value)) : null;
  },
  matches: ([value, pattern]) => {
    if (typeof value !== 'string' || typeof pattern !== 'string') return null;
    return fullMatch(pattern, value);
  },
  concat: (args) => {
    const parts = args.map(text);
    return parts.some((part) => part === null) ? null : parts.join('');
  },
  today: (_args, today) => today,
  date: ([value]) => {
    if (value instanceof DateValue) return value;
    return typeof value === 'string' ? parseDate(value) : null;
  },
  year: ([value]) => (value instanceof DateValue ? Num.integer(value.year) : null),
  days_between: ([start, end]) => {
    if (!(start instanceof DateValue && end instanceof DateValue)) return null;
    return Num.integer(end.ordinal - start.ordinal);
  },
  add_days: ([start, days]) => {
    if (!(start instanceof DateValue && days instanceof Num && days.isInteger())) return null;
    // In BigInt: `days` may be up to 10^15, beyond what adding JavaScript numbers keeps exact.
    const ordinal = BigInt(start.ordinal) + days.toInt();
    if (ordinal < 1n || ordinal > BigInt(MAX_ORDINAL)) return null;
    return DateValue.fromOrdinal(Number(ordinal));
  },
};

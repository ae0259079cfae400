/**
 * `=` and the orderings of the expression language, as evaluator.py's `equal` and `_order`.
 * Its own module because both the evaluator and `selected()` need equality.
 */

import { DateValue, TimeValue } from './dates';
import { Num } from './numbers';
import { RecordValue, isList, type Value } from './values';

/**
 * Always an answer: null equals only null, values of different types are unequal, numbers
 * compare by value, lists item by item; repeat-group items (records) are never equal, not even
 * to themselves.
 */
export function equal(left: Value, right: Value): boolean {
  if (left === null || right === null) return left === null && right === null;
  if (left instanceof RecordValue || right instanceof RecordValue) return false;
  if (typeof left === 'boolean' || typeof right === 'boolean') return left === right;
  if (isList(left) && isList(right)) {
    return left.length === right.length && left.every((item, i) => equal(item, right[i]!));
  }
  if (left instanceof Num && right instanceof Num) return left.units === right.units;
  if (typeof left === 'string' && typeof right === 'string') return left === right;
  if (left instanceof DateValue && right instanceof DateValue) {
    return left.ordinal === right.ordinal;
  }
  if (left instanceof TimeValue && right instanceof TimeValue) {
    return left.minutes === right.minutes;
  }
  return false;
}

/** `<` `<=` `>` `>=` on two numbers, two dates or two times; null for anything else. */
export function order(op: '<' | '<=' | '>' | '>=', left: Value, right: Value): boolean | null {
  let a: bigint | number;
  let b: bigint | number;
  if (left instanceof Num && right instanceof Num) {
    [a, b] = [left.units, right.units];
  } else if (left instanceof DateValue && right instanceof DateValue) {
    [a, b] = [left.ordinal, right.ordinal];
  } else if (left instanceof TimeValue && right instanceof TimeValue) {
    [a, b] = [left.minutes, right.minutes];
  } else {
    return null;
  }
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/**
 * Evaluate a syntax tree against answers, the twin of evaluator.py. Total: any input gives a
 * value, never an exception.
 *
 * - A missing answer is null. An operation on values of the wrong type gives null, and so does
 *   arithmetic with null, a division by zero, or a number out of range.
 * - `and`, `or`, `not` use three-valued logic: `false and null` is false, `true and null` is
 *   null. Operands that are not booleans count as null.
 * - `=` and `!=` always answer (see equality.ts). `x in list` is true when an item equals x;
 *   null when x or the list is null.
 * - A rule holds only when its expression gives true: for relevance and `required`, null means
 *   no; a constraint fails only when it gives false.
 */

import type { Binary, Node } from './ast';
import type { DateValue } from './dates';
import { equal, order } from './equality';
import { CALLS } from './functions';
import { Num, add, divide, multiply, negate, subtract } from './numbers';
import { RecordValue, isList, type Value } from './values';

/** What `$name`, `$group.name`, `.` and `today()` mean while evaluating. */
export interface Scope {
  /** The value of a top-level answer; null when there is none. */
  readonly lookup: (name: string) => Value;
  readonly today: DateValue;
  /** `.`: the value of the question the rule belongs to. */
  readonly current?: Value;
  /** The repeat item being evaluated: its answers are read before the top level's. */
  readonly item?: ReadonlyMap<string, Value>;
}

function resolve(scope: Scope, name: string): Value {
  const item = scope.item;
  if (item !== undefined && item.has(name)) return item.get(name)!;
  return scope.lookup(name);
}

export function evaluate(node: Node, scope: Scope): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'current':
      return scope.current ?? null;
    case 'ref': {
      const value = resolve(scope, node.name);
      return node.field === null ? value : project(value, node.field);
    }
    case 'list':
      return node.items.map((item) => evaluate(item, scope));
    case 'negate': {
      const operand = evaluate(node.operand, scope);
      return operand instanceof Num ? negate(operand) : null;
    }
    case 'not': {
      const operand = evaluate(node.operand, scope);
      return typeof operand === 'boolean' ? !operand : null;
    }
    case 'call':
      return CALLS[node.name](
        node.args.map((arg) => evaluate(arg, scope)),
        scope.today,
      );
    case 'binary':
      return binary(node, scope);
  }
}

/** A rule holds only when it gives true; null and anything else mean no. */
export function holds(node: Node, scope: Scope): boolean {
  return evaluate(node, scope) === true;
}

/** `$group.code`: each item's answer to one question (null for what is not an item). */
function project(value: Value, code: string): Value {
  if (!isList(value)) return null;
  return value.map((item) => (item instanceof RecordValue ? item.get(code) : null));
}

function binary(node: Binary, scope: Scope): Value {
  const left = evaluate(node.left, scope);
  const right = evaluate(node.right, scope);
  switch (node.op) {
    case 'and':
    case 'or':
      return logic(node.op, left, right);
    case '=':
      return equal(left, right);
    case '!=':
      return !equal(left, right);
    case 'in':
      if (left === null || !isList(right)) return null;
      return right.some((item) => equal(left, item));
    case '<':
    case '<=':
    case '>':
    case '>=':
      return order(node.op, left, right);
    case '+':
    case '-':
    case '*':
    case '/':
      return arithmetic(node.op, left, right);
  }
}

function arithmetic(op: '+' | '-' | '*' | '/', left: Value, right: Value): Value {
  if (!(left instanceof Num && right instanceof Num)) return null;
  const operation = { '+': add, '-': subtract, '*': multiply, '/': divide }[op];
  return operation(left, right);
}

function logic(op: 'and' | 'or', left: Value, right: Value): boolean | null {
  const a = typeof left === 'boolean' ? left : null;
  const b = typeof right === 'boolean' ? right : null;
  if (op === 'and') {
    if (a === false || b === false) return false;
    return a === true && b === true ? true : null;
  }
  if (a === true || b === true) return true;
  return a === false && b === false ? false : null;
}

/**
 * The syntax tree of an expression, the twin of visit_forms/expressions/ast.py: plain frozen
 * objects, so two trees compare by value (`parse(toText(tree))` equals `tree`).
 */

import type { Num } from './numbers';
import type { FunctionName } from './signatures';

/** Binding strength, loosest first; the parser and the printer share it. */
export const PRECEDENCE = {
  or: 1,
  and: 2,
  not: 3,
  compare: 4,
  add: 5,
  multiply: 6,
  negate: 7,
} as const;
export const ATOM = 8;
export const COMPARISONS = ['=', '!=', '<', '<=', '>', '>=', 'in'] as const;
export const ADDITIVE = ['+', '-'] as const;
export const MULTIPLICATIVE = ['*', '/'] as const;

export type Comparison = (typeof COMPARISONS)[number];
export type BinaryOp =
  | 'or'
  | 'and'
  | Comparison
  | (typeof ADDITIVE)[number]
  | (typeof MULTIPLICATIVE)[number];

/** null, true/false, a non-negative number, or a string (negatives are Negate nodes). */
export interface Literal {
  readonly kind: 'literal';
  readonly value: null | boolean | Num | string;
}

/** `.`: the value of the question the rule belongs to. */
export interface Current {
  readonly kind: 'current';
}

/** `$name`, or `$group.name`: one answer, or a repeat group's answers to one question. */
export interface Ref {
  readonly kind: 'ref';
  readonly name: string;
  readonly field: string | null;
}

export interface ListOf {
  readonly kind: 'list';
  readonly items: readonly Node[];
}

export interface Negate {
  readonly kind: 'negate';
  readonly operand: Node;
}

export interface Not {
  readonly kind: 'not';
  readonly operand: Node;
}

export interface Binary {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Node;
  readonly right: Node;
}

export interface Call {
  readonly kind: 'call';
  readonly name: FunctionName;
  readonly args: readonly Node[];
}

export type Node = Literal | Current | Ref | ListOf | Negate | Not | Binary | Call;

export function isComparison(op: string): op is Comparison {
  return (COMPARISONS as readonly string[]).includes(op);
}

export function precedence(node: Node): number {
  switch (node.kind) {
    case 'binary':
      if (node.op === 'or' || node.op === 'and') return PRECEDENCE[node.op];
      if (isComparison(node.op)) return PRECEDENCE.compare;
      return node.op === '+' || node.op === '-' ? PRECEDENCE.add : PRECEDENCE.multiply;
    case 'not':
      return PRECEDENCE.not;
    case 'negate':
      return PRECEDENCE.negate;
    default:
      return ATOM;
  }
}

function children(node: Node): readonly Node[] {
  switch (node.kind) {
    case 'list':
      return node.items;
    case 'call':
      return node.args;
    case 'negate':
    case 'not':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    default:
      return [];
  }
}

/** Every `$name` / `$group.name` the expression reads, as `name` or `name.field`. */
export function references(node: Node): Set<string> {
  const found = new Set<string>();
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.kind === 'ref') {
      found.add(current.field === null ? current.name : `${current.name}.${current.field}`);
    }
    stack.push(...children(current));
  }
  return found;
}

/** Whether the expression reads `.`. */
export function usesCurrent(node: Node): boolean {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.kind === 'current') return true;
    stack.push(...children(current));
  }
  return false;
}

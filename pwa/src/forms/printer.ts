/**
 * Print a syntax tree in the one canonical notation, the twin of printer.py:
 * `parseExpression(toText(tree))` equals `tree`.
 *
 * Parentheses appear only where precedence needs them; operators have single spaces around
 * them. The canonical text is what the JSON export and the shared test vectors carry.
 */

import { PRECEDENCE, isComparison, precedence, type Literal, type Node } from './ast';
import { Num } from './numbers';

export function toText(node: Node): string {
  switch (node.kind) {
    case 'literal':
      return literalText(node.value);
    case 'current':
      return '.';
    case 'ref':
      return `$${node.name}` + (node.field !== null ? `.${node.field}` : '');
    case 'list':
      return '[' + node.items.map(toText).join(', ') + ']';
    case 'call':
      return node.name + '(' + node.args.map(toText).join(', ') + ')';
    case 'negate':
      return '-' + wrapped(node.operand, PRECEDENCE.negate);
    case 'not':
      return 'not ' + wrapped(node.operand, PRECEDENCE.not);
    case 'binary': {
      const own = precedence(node);
      // Left-associative: a left operand of equal strength needs no parentheses, a right one
      // does. Comparisons do not chain, so neither side may be a bare comparison.
      const leftMinimum = isComparison(node.op) ? own + 1 : own;
      return `${wrapped(node.left, leftMinimum)} ${node.op} ${wrapped(node.right, own + 1)}`;
    }
  }
}

function wrapped(node: Node, minimum: number): string {
  const text = toText(node);
  return precedence(node) >= minimum ? text : `(${text})`;
}

function literalText(value: Literal['value']): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Num) return value.toString();
  return "'" + value.replaceAll('\\', '\\\\').replaceAll("'", "\\'") + "'";
}

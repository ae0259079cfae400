/**
 * The functions of the expression language and how many arguments each takes, as
 * visit_forms/expressions/signatures.py. Some arguments must be literals because they change
 * what a function means (a rounding precision, a pattern); the parser checks those.
 */

export interface Signature {
  readonly minArgs: number;
  /** null: any number. */
  readonly maxArgs: number | null;
  /** position -> the literal it must be: "digits" (a whole number 0..6) or "pattern". */
  readonly literalArgs: readonly (readonly [number, 'digits' | 'pattern'])[];
}

function signature(
  minArgs: number,
  maxArgs: number | null,
  literalArgs: Signature['literalArgs'] = [],
): Signature {
  return { minArgs, maxArgs, literalArgs };
}

export const FUNCTIONS = {
  if: signature(3, 3),
  coalesce: signature(1, null),
  sum: signature(1, null),
  count: signature(1, 1),
  min: signature(1, null),
  max: signature(1, null),
  round: signature(2, 2, [[1, 'digits']]),
  abs: signature(1, 1),
  eur: signature(1, 1),
  selected: signature(2, 2),
  length: signature(1, 1),
  matches: signature(2, 2, [[1, 'pattern']]),
  concat: signature(1, null),
  today: signature(0, 0),
  date: signature(1, 1),
  year: signature(1, 1),
  days_between: signature(2, 2),
  add_days: signature(2, 2),
} as const satisfies Record<string, Signature>;

export type FunctionName = keyof typeof FUNCTIONS;

export function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

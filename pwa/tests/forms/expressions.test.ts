/**
 * The shared expression corpus (tests/vectors/expressions.json, built by tests/vectors/build.py):
 * every expression parses to the Python engine's canonical text and evaluates to its result, or
 * fails with its error code. Mirrors test_every_corpus_case_means_what_it_says in
 * tests/unit/visit_forms/test_vectors.py.
 */
import { describe, expect, it } from 'vitest';
import corpusJson from '../../../tests/vectors/expressions.json';
import {
  ExpressionError,
  decode,
  encode,
  evaluate,
  parseDate,
  parseExpression,
  toText,
  type Scope,
  type Value,
} from '../../src/forms';

interface Case {
  expression: string;
  canonical?: string;
  result?: unknown;
  error?: string;
}

interface Corpus {
  format: number;
  today: string;
  variables: Record<string, unknown>;
  current: unknown;
  cases: Case[];
}

const corpus = corpusJson as unknown as Corpus;
const variables = new Map<string, Value>(
  Object.entries(corpus.variables).map(([name, value]) => [name, decode(value)]),
);
const scope: Scope = {
  lookup: (name) => variables.get(name) ?? null,
  today: parseDate(corpus.today)!,
  current: decode(corpus.current),
};

function errorCode(source: string): string | null {
  try {
    parseExpression(source);
    return null;
  } catch (error) {
    if (error instanceof ExpressionError) return error.code;
    throw error;
  }
}

const named = corpus.cases.map((testCase, index) => ({
  ...testCase,
  title: `#${index}: ${testCase.expression.length > 80 ? testCase.expression.slice(0, 77) + '...' : testCase.expression}`,
}));

describe('the shared expression corpus', () => {
  it('is the corpus the Python side checks', () => {
    expect(corpus.format).toBe(1);
    expect(corpus.cases.length).toBeGreaterThan(1000);
  });

  it.for(named.filter((testCase) => testCase.error !== undefined))(
    'refuses $title',
    (testCase) => {
      expect(errorCode(testCase.expression)).toBe(testCase.error);
    },
  );

  it.for(named.filter((testCase) => testCase.error === undefined))(
    'reads $title',
    (testCase) => {
      const tree = parseExpression(testCase.expression);
      expect(toText(tree)).toBe(testCase.canonical);
      expect(parseExpression(testCase.canonical!)).toEqual(tree);
      expect(encode(evaluate(tree, scope))).toEqual(testCase.result);
    },
  );
});

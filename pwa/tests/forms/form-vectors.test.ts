/**
 * The shared form vectors (tests/vectors/forms.json, built from tests/vectors/cases/*.yaml):
 * each suite's form as the API exports it, and cases whose errors, kept answers, defaults and
 * suggestions the Python engine gives. Mirrors test_hand_written_case in
 * tests/unit/visit_forms/test_vectors.py.
 */
import { describe, expect, it } from 'vitest';
import formsJson from '../../../tests/vectors/forms.json';
import {
  defaults,
  evaluateForm,
  suggestFollowups,
  type ExportedForm,
  type FieldError,
} from '../../src/forms';

interface Verdict {
  path: string;
  code: string;
  rule?: string;
}

interface Case {
  name: string;
  today: string;
  answers: unknown;
  errors: Verdict[];
  kept?: Record<string, unknown>;
  defaults?: Record<string, unknown>;
  suggestions?: string[];
}

interface Suite {
  name: string;
  form: ExportedForm;
  cases: Case[];
}

const { suites } = formsJson as unknown as { format: number; suites: Suite[] };

function verdict(error: FieldError): Verdict {
  return error.rule ? { path: error.path, code: error.code, rule: error.rule } : { path: error.path, code: error.code };
}

describe.each(suites.map((suite) => [suite.name, suite] as const))('form vectors: %s', (_name, suite) => {
  it.for(suite.cases)('$name', (testCase) => {
    const options = { today: testCase.today };
    const outcome = evaluateForm(suite.form, testCase.answers, options);
    expect(outcome.errors.map(verdict)).toEqual(testCase.errors);
    if (testCase.kept !== undefined) expect(outcome.answers).toEqual(testCase.kept);
    if (testCase.defaults !== undefined) expect(defaults(suite.form, options)).toEqual(testCase.defaults);
    if (testCase.suggestions !== undefined) {
      const suggested = suggestFollowups(suite.form, outcome, testCase.today);
      expect(suggested.map((suggestion) => suggestion.code)).toEqual(testCase.suggestions);
    }
  });
});

it('covers every suite and case of the vectors', () => {
  expect(suites.map((suite) => suite.name)).toEqual([
    'computed',
    'constraints',
    'followups',
    'relevance',
    'repeat',
    'types',
  ]);
  expect(suites.reduce((total, suite) => total + suite.cases.length, 0)).toBeGreaterThanOrEqual(30);
});

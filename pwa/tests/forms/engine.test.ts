/**
 * What the vectors do not pin down: the live state a screen needs (relevant, required, section
 * relevance), messages in both languages, the compile cache, and answers no tablet would send.
 */
import { describe, expect, it } from 'vitest';
import formsJson from '../../../tests/vectors/forms.json';
import {
  FormCompileError,
  Num,
  compileForm,
  evaluateForm,
  messageFor,
  suggestFollowups,
  type ExportedForm,
  type QuestionDefinition,
} from '../../src/forms';

const suites = (formsJson as unknown as { suites: { name: string; form: ExportedForm }[] }).suites;
const formOf = (name: string): ExportedForm => suites.find((suite) => suite.name === name)!.form;
const today = { today: '2026-11-24' };

let forms = 0;
/** A small form of one section; a fresh sha256 each, as each is another form version. */
function form(questions: QuestionDefinition[], extra: Partial<ExportedForm> = {}): ExportedForm {
  forms += 1;
  const codes = questions.flatMap((question) => [question, ...(question.questions ?? [])]);
  return {
    format: 1,
    key: 'unit',
    version: forms,
    sha256: `unit-${forms}`,
    definition: {
      key: 'unit',
      version: forms,
      title: { nl: 'Test', en: 'Test' },
      sections: [{ code: 'main', title: { nl: 'Hoofd', en: 'Main' }, questions }],
    },
    evaluation_order: questions.map((question) => question.code),
    inner_evaluation_order: Object.fromEntries(
      questions
        .filter((question) => question.type === 'repeat')
        .map((question) => [question.code, (question.questions ?? []).map((inner) => inner.code)]),
    ),
    consent_pairs: {},
    categories: Object.fromEntries(codes.map((question) => [question.code, 'general'])),
    zrm: { domains: {}, levels: {} },
    ...extra,
  };
}

const label = { nl: 'Vraag', en: 'Question' };

describe('relevance and required, live', () => {
  const relevance = formOf('relevance');

  it('says which questions show and which are required while answers come in', () => {
    const outcome = evaluateForm(relevance, { has_job: true }, today);
    expect(outcome.relevant).toMatchObject({
      has_job: true,
      employer: true,
      hours_per_week: true,
      benefit_kind: false,
      share_with_ggd: false,
      children: false,
    });
    expect(outcome.required).toMatchObject({
      has_job: true,
      employer: true,
      hours_per_week: false,
      benefit_kind: false,
    });
    expect(outcome.sections).toEqual({ work: true, benefits: false });

    const typed = evaluateForm(relevance, { has_job: true, employer: 'Bakkerij' }, today);
    expect(typed.required['hours_per_week']).toBe(true);
  });

  it('gives each repeat item its own state, by path', () => {
    const outcome = evaluateForm(
      relevance,
      { has_job: false, benefit_kind: 'unemployment', children: [{ child_age: 2 }, { child_age: 7 }] },
      today,
    );
    expect(outcome.sections).toEqual({ work: true, benefits: true });
    expect(outcome.relevant['children[0].school']).toBe(false);
    expect(outcome.relevant['children[1].school']).toBe(true);
    expect(outcome.required['children[1].school']).toBe(true);
    expect(outcome.required['children[0].school']).toBe(false);
    expect(outcome.errors.map((error) => error.path)).toEqual(['children[1].school']);
  });

  it('still knows whether a question with an unreadable answer is required', () => {
    const outcome = evaluateForm(relevance, { has_job: 'ja' }, today);
    expect(outcome.errors.map((error) => [error.path, error.code])).toEqual([['has_job', 'wrong_type']]);
    expect(outcome.required['has_job']).toBe(true);
    expect(outcome.relevant['employer']).toBe(false);
  });
});

describe('outcome', () => {
  it('carries messages in Dutch and English, with their details filled in', () => {
    const outcome = evaluateForm(formOf('types'), { name: 'Elf tekens!' }, today);
    expect(outcome.errors[0]).toEqual({
      path: 'name',
      code: 'too_long',
      message: { nl: 'Maximaal 10 tekens.', en: 'At most 10 characters.' },
    });
    expect(messageFor('too_many_items', {})).toEqual({ nl: 'Maximaal {max_items}.', en: 'At most {max_items}.' });
  });

  it('gives constraint errors their rule and the form’s own message', () => {
    const outcome = evaluateForm(formOf('relevance'), { has_job: true, employer: 'X', hours_per_week: 90 }, today);
    expect(outcome.errors).toEqual([
      {
        path: 'hours_per_week',
        code: 'constraint',
        rule: 'week_hours',
        message: { nl: 'Hoogstens 80 uur.', en: 'At most 80 hours.' },
      },
    ]);
  });

  it('exposes computed values as numbers and as wire answers', () => {
    const outcome = evaluateForm(formOf('computed'), { income: 100000, rent: 50000 }, today);
    expect(outcome.values.get('rent_share')).toEqual(new Num(50_000_000n));
    expect(outcome.answers).toMatchObject({ balance: 50000, rent_share: '50' });
  });

  it('refuses answers that are no mapping with one error', () => {
    const outcome = evaluateForm(formOf('types'), ['x'], today);
    expect(outcome.errors.map((error) => [error.path, error.code])).toEqual([['', 'wrong_type']]);
    expect(outcome.answers).toEqual({});
  });

  it('reads only own answers: a question may be called like an Object method', () => {
    const tricky = form([{ code: 'constructor', type: 'text', label, required: true }]);
    const outcome = evaluateForm(tricky, {}, today);
    expect(outcome.errors.map((error) => [error.path, error.code])).toEqual([
      ['constructor', 'required'],
    ]);
    const other = evaluateForm(formOf('types'), {}, today);
    expect(other.relevant['constructor']).toBeUndefined();
  });

  it('counts items against min_items and max_items', () => {
    const photos = form([{ code: 'photos', type: 'photo', label, min_items: 2, max_items: 3 }]);
    const one = evaluateForm(photos, { photos: [{ attachment: 'a.jpg' }] }, today);
    expect(one.errors.map((error) => [error.code, error.message.en])).toEqual([['too_few_items', 'Give at least 2.']]);
  });

  it('suggests follow-ups from the evaluated answers', () => {
    const followups = formOf('followups');
    const outcome = evaluateForm(followups, {}, today);
    expect(suggestFollowups(followups, outcome, today.today)).toEqual([]);
  });
});

describe('compiling', () => {
  it('parses each form version once', () => {
    const exported = formOf('types');
    expect(compileForm(exported)).toBe(compileForm(structuredClone(exported)));
  });

  it('names the rule that does not parse', () => {
    const broken = form([{ code: 'a', type: 'integer', label, relevant: '$a +' }]);
    expect(() => compileForm(broken)).toThrow(FormCompileError);
    expect(() => compileForm(broken)).toThrow(/sections\[0\]\.questions\[0\]\.relevant/);
  });
});

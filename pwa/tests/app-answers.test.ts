/** How the form screens read what a worker types and write it into a draft's answers. */
import { describe, expect, it } from 'vitest';
import {
  addItem,
  formatEuros,
  getAnswer,
  parseEuros,
  removeItem,
  setAnswer,
} from '../src/app/form/answers';

describe('euros as a worker types them', () => {
  it.each([
    ['85', 8500],
    ['1.234,56', 123456],
    ['1234.5', 123450],
    ['€ 12,05', 1205],
    ['-3,10', -310],
    ['0,5', 50],
  ])('reads %s as %i cents', (text, cents) => {
    expect(parseEuros(text)).toBe(cents);
  });

  it.each(['', 'twaalf', '1,234,5', '12,345', '1.2.3'])('refuses %s', (text) => {
    expect(parseEuros(text)).toBeNull();
  });

  it('writes cents back the way they are typed', () => {
    expect(formatEuros(123456)).toBe('1234,56');
    expect(formatEuros(-5)).toBe('-0,05');
    expect(parseEuros(formatEuros(987654))).toBe(987654);
  });
});

describe('answers inside repeat groups', () => {
  it('sets, reads and removes an answer of an item without touching the others', () => {
    let answers = addItem({}, 'debts', { creditor: 'A' });
    answers = addItem(answers, 'debts', { creditor: 'B' });
    const before = answers;
    answers = setAnswer(answers, ['debts', 1, 'amount_cents'], 5000);
    expect(getAnswer(answers, ['debts', 1, 'amount_cents'])).toBe(5000);
    expect(getAnswer(before, ['debts', 1, 'amount_cents'])).toBeUndefined();
    answers = setAnswer(answers, ['debts', 1, 'amount_cents'], undefined);
    expect(answers.debts).toEqual([{ creditor: 'A' }, { creditor: 'B' }]);
    expect(removeItem(answers, 'debts', 0).debts).toEqual([{ creditor: 'B' }]);
  });

  it('removes a cleared top-level answer instead of storing an empty one', () => {
    const answers = setAnswer({ housing_notes: 'x', other: 1 }, ['housing_notes'], undefined);
    expect(answers).toEqual({ other: 1 });
  });
});

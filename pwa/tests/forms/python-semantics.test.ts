/** Where JavaScript and Python read text and dates differently, the engine follows Python. */
import { describe, expect, it } from 'vitest';
import { DateValue, MAX_ORDINAL, parseDate, parseTime } from '../../src/forms/dates';
import { parseExpression } from '../../src/forms/parser';
import { ExpressionError } from '../../src/forms/errors';
import { codePointLength, compareCodePoints, pythonInt, pythonStrip } from '../../src/forms/text';

describe('text', () => {
  it('counts code points, as len()', () => {
    expect('😀'.length).toBe(2);
    expect(codePointLength('😀')).toBe(1);
    expect(codePointLength('Zoë😀\ud800')).toBe(5);
  });

  it("strips Python's whitespace, not trim()'s", () => {
    expect(pythonStrip('\u0085\u001c a \u3000')).toBe('a');
    expect(pythonStrip('\ufeffa')).toBe('\ufeffa');
    expect('\ufeffa'.trim()).toBe('a');
  });

  it('orders by code point', () => {
    expect('\uffff' < '😀').toBe(false); // UTF-16: 0xFFFF > 0xD83D
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
  });

  it('reads int() as Python', () => {
    expect(pythonInt(' 12 ')).toBe(12);
    expect(pythonInt('1_0')).toBe(10);
    expect(pythonInt('-3')).toBe(-3);
    expect(pythonInt('1__0')).toBeNull();
    expect(pythonInt('')).toBeNull();
    expect(pythonInt('abc')).toBeNull();
  });

  it('counts expression length and error positions in code points', () => {
    const emoji = `'${'😀'.repeat(1998)}'`;
    expect(emoji.length).toBe(3998);
    expect(() => parseExpression(emoji)).not.toThrow();
    try {
      parseExpression("'😀' #");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError);
      expect((error as ExpressionError).position).toBe(4);
    }
  });
});

describe('dates', () => {
  it.each([
    ['0001-01-01', 1],
    ['0004-02-29', 1155],
    ['0100-03-01', 36219],
    ['1900-03-01', 693655],
    ['2000-02-29', 730179],
    ['2026-11-24', 739944],
    ['9999-12-31', 3652059],
  ])("%s has Python's ordinal %s", (text, ordinal) => {
    const date = parseDate(text)!;
    expect(date.ordinal).toBe(ordinal);
    expect(DateValue.fromOrdinal(ordinal)!.toString()).toBe(text);
  });

  it('round-trips every day from year 1 to 9999', () => {
    for (let ordinal = 1; ordinal <= MAX_ORDINAL; ordinal++) {
      const date = DateValue.fromOrdinal(ordinal)!;
      if (DateValue.of(date.year, date.month, date.day)?.ordinal !== ordinal) {
        throw new Error(`ordinal ${ordinal} gives ${date.toString()}`);
      }
    }
    expect(DateValue.fromOrdinal(0)).toBeNull();
    expect(DateValue.fromOrdinal(MAX_ORDINAL + 1)).toBeNull();
  });

  it('refuses what Date would bend', () => {
    expect(parseDate('2026-02-30')).toBeNull();
    expect(parseDate('1900-02-29')).toBeNull();
    expect(parseDate('0000-01-01')).toBeNull();
    expect(parseDate('2026-1-01')).toBeNull();
    expect(parseDate('2026-01-01\n')).toBeNull();
    expect(parseDate('0099-01-01')!.toString()).toBe('0099-01-01');
    expect(parseTime('24:00')).toBeNull();
    expect(parseTime('09:05')!.toString()).toBe('09:05');
  });
});

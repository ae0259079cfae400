/**
 * The fixed-point numbers in BigInt: rounding half away from zero, range and notation exactly
 * as visit_forms/expressions/numbers.py (where JavaScript's own numbers and Math.round differ).
 */
import { describe, expect, it } from 'vitest';
import { LIMIT, Num, add, divRound, divide, formatUnits, multiply, negate, roundTo } from '../../src/forms/numbers';

const n = (text: string): Num => {
  const number = Num.parse(text);
  if (number === null) throw new Error(`not a number: ${text}`);
  return number;
};
const text = (number: Num | null): string | null => (number === null ? null : number.toString());

describe('divRound', () => {
  it.each([
    [5n, 10n, 1n],
    [-5n, 10n, -1n],
    [5n, -10n, -1n],
    [-5n, -10n, 1n],
    [15n, 10n, 2n],
    [-15n, 10n, -2n],
    [14n, 10n, 1n],
    [-14n, 10n, -1n],
    [16n, 10n, 2n],
    [-16n, 10n, -2n],
    [0n, 7n, 0n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [-2n, 3n, -1n],
  ])('%s / %s rounds half away from zero to %s', (numerator, denominator, expected) => {
    expect(divRound(numerator, denominator)).toBe(expected);
  });

  it('is exact far beyond 2^53, where a JavaScript number would not be', () => {
    const big = 10n ** 30n + 5n;
    expect(divRound(big, 10n)).toBe(10n ** 29n + 1n);
    expect(divRound(-big, 10n)).toBe(-(10n ** 29n) - 1n);
  });
});

describe('multiply and divide round once, half away from zero, to six digits', () => {
  it.each([
    ['0.000001', '0.5', '0.000001'],
    ['-0.000001', '0.5', '-0.000001'],
    ['0.000001', '0.499999', '0'],
    ['1.5', '1.5', '2.25'],
    ['0.333333', '3', '0.999999'],
    ['999999999999999.999999', '1', '999999999999999.999999'],
  ])('%s * %s = %s', (a, b, product) => {
    expect(text(multiply(n(a), n(b)))).toBe(product);
  });

  it.each([
    ['1', '3', '0.333333'],
    ['2', '3', '0.666667'],
    ['-2', '3', '-0.666667'],
    ['0.000005', '10', '0.000001'],
    ['-0.000005', '10', '-0.000001'],
    ['0.000004', '10', '0'],
  ])('%s / %s = %s', (a, b, quotient) => {
    expect(text(divide(n(a), n(b)))).toBe(quotient);
  });

  it('gives null for a division by zero and for results beyond 10^15', () => {
    expect(divide(n('1'), n('0'))).toBeNull();
    expect(multiply(n('999999999999999.999999'), n('1.000001'))).toBeNull();
    expect(add(n('999999999999999'), n('1'))).toBeNull();
    expect(text(add(n('999999999999999'), n('0.999999')))).toBe('999999999999999.999999');
  });

  it('adds exactly where floats do not', () => {
    expect(text(add(n('0.1'), n('0.2')))).toBe('0.3');
  });
});

describe('roundTo', () => {
  it.each([
    ['2.5', 0, '3'],
    ['-2.5', 0, '-3'],
    ['2.499999', 0, '2'],
    ['1.005', 2, '1.01'],
    ['-1.005', 2, '-1.01'],
    ['1.004999', 2, '1'],
    ['0.000001', 5, '0'],
    ['0.000005', 5, '0.00001'],
    ['123.456789', 6, '123.456789'],
  ])('round(%s, %s) = %s', (value, digits, rounded) => {
    expect(roundTo(n(value), digits).toString()).toBe(rounded);
  });

  it('rounds where Math.round does not: half away from zero, also below zero', () => {
    expect(Math.round(-2.5)).toBe(-2); // JavaScript rounds half up
    expect(roundTo(n('-2.5'), 0).toString()).toBe('-3');
  });

  it('does not check the range, as Python: the next operation makes it null', () => {
    const rounded = roundTo(n('999999999999999.5'), 0);
    expect(rounded.units).toBe(LIMIT);
    expect(add(rounded, n('0'))).toBeNull();
  });
});

describe('notation', () => {
  it('parses the canonical notation only', () => {
    expect(text(Num.parse('-0'))).toBe('0');
    expect(text(Num.parse('1.500000'))).toBe('1.5');
    expect(Num.parse('01')).toBeNull();
    expect(Num.parse('1.')).toBeNull();
    expect(Num.parse('.5')).toBeNull();
    expect(Num.parse('1e3')).toBeNull();
    expect(Num.parse('1.2345678')).toBeNull();
    expect(Num.parse('1000000000000000')).toBeNull();
    expect(text(Num.parse('-999999999999999.999999'))).toBe('-999999999999999.999999');
  });

  it('prints without trailing zeros, exponent or -0', () => {
    expect(formatUnits(-1n)).toBe('-0.000001');
    expect(formatUnits(1_500_000n)).toBe('1.5');
    expect(negate(n('0')).toString()).toBe('0');
    expect(n('12.340').decimals()).toBe(2);
    expect(n('12').decimals()).toBe(0);
  });

  it('turns to whole numbers half away from zero', () => {
    expect(n('2.5').toInt()).toBe(3n);
    expect(n('-2.5').toInt()).toBe(-3n);
    expect(n('-2.4').toInt()).toBe(-2n);
    expect(n('7').isInteger()).toBe(true);
    expect(n('-7.000001').isInteger()).toBe(false);
  });
});

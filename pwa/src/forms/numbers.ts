/**
 * The one number type of the expression language: fixed-point decimals with six digits, the
 * twin of visit_forms/expressions/numbers.py.
 *
 * Why not JavaScript numbers: money and scores must give exactly the same result on the server
 * (Python int) and here, so a number is held as a BigInt count of millionths. Addition and
 * subtraction are exact; multiplication and division round once, half away from zero, to six
 * digits. BigInt's `/` truncates toward zero and Python's `//` floors, so every division below
 * works on magnitudes and puts the sign back afterwards, as Python's `_div_round` does.
 * Values must stay below 10^15 in magnitude; a result outside that range is no value (null).
 */

export const SCALE_DIGITS = 6;
export const SCALE = 1_000_000n;
/** Exclusive bound on |units|: 10^15 whole units. */
export const LIMIT = 10n ** 15n * SCALE;

const LITERAL = /^-?(0|[1-9][0-9]*)(\.[0-9]{1,6})?$/;

/** An immutable decimal number; `units` is the value times 10^6. */
export class Num {
  readonly units: bigint;

  constructor(units: bigint) {
    this.units = units;
  }

  /** A number from units, or null when outside the supported range. */
  static of(units: bigint): Num | null {
    return -LIMIT < units && units < LIMIT ? new Num(units) : null;
  }

  static integer(value: bigint | number): Num | null {
    return Num.of(BigInt(value) * SCALE);
  }

  /** Parse the canonical decimal notation: `-12`, `0.5`, `3.141593`; no exponent. */
  static parse(text: string): Num | null {
    if (!LITERAL.test(text)) return null;
    const negative = text.startsWith('-');
    const unsigned = negative ? text.slice(1) : text;
    const dot = unsigned.indexOf('.');
    const whole = dot < 0 ? unsigned : unsigned.slice(0, dot);
    const fraction = dot < 0 ? '' : unsigned.slice(dot + 1);
    const units = BigInt(whole) * SCALE + BigInt(fraction.padEnd(SCALE_DIGITS, '0'));
    return Num.of(negative ? -units : units);
  }

  isInteger(): boolean {
    return this.units % SCALE === 0n;
  }

  /** The value rounded half away from zero to a whole number (exact when isInteger()). */
  toInt(): bigint {
    return divRound(this.units, SCALE);
  }

  /** How many fraction digits the canonical notation needs. */
  decimals(): number {
    const text = formatUnits(this.units);
    const dot = text.indexOf('.');
    return dot < 0 ? 0 : text.length - dot - 1;
  }

  equals(other: Num): boolean {
    return this.units === other.units;
  }

  toString(): string {
    return formatUnits(this.units);
  }
}

/** Canonical notation: no trailing zeros, no `-0`, no exponent. */
export function formatUnits(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const magnitude = units < 0n ? -units : units;
  const whole = magnitude / SCALE;
  const digits = (magnitude % SCALE).toString().padStart(SCALE_DIGITS, '0').replace(/0+$/, '');
  return digits ? `${sign}${whole}.${digits}` : `${sign}${whole}`;
}

/** numerator / denominator rounded half away from zero, in exact integer arithmetic. */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const top = numerator < 0n ? -numerator : numerator;
  const bottom = denominator < 0n ? -denominator : denominator;
  // On non-negative operands BigInt's truncating `/` and `%` equal Python's divmod.
  let quotient = top / bottom;
  const remainder = top % bottom;
  if (remainder * 2n >= bottom) quotient += 1n;
  return negative ? -quotient : quotient;
}

export function add(a: Num, b: Num): Num | null {
  return Num.of(a.units + b.units);
}

export function subtract(a: Num, b: Num): Num | null {
  return Num.of(a.units - b.units);
}

export function multiply(a: Num, b: Num): Num | null {
  return Num.of(divRound(a.units * b.units, SCALE));
}

export function divide(a: Num, b: Num): Num | null {
  if (b.units === 0n) return null;
  return Num.of(divRound(a.units * SCALE, b.units));
}

/**
 * Round half away from zero to `digits` (0 to 6) fraction digits. Like Python's round_to this
 * does not check the range: round(999999999999999.5, 0) is 10^15, one past the limit, and only
 * the next operation turns it into null. Kept so both sides agree; see the README.
 */
export function roundTo(a: Num, digits: number): Num {
  const step = 10n ** BigInt(SCALE_DIGITS - digits);
  return new Num(divRound(a.units, step) * step);
}

export function negate(a: Num): Num {
  return new Num(-a.units);
}

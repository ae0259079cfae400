/**
 * Dates and times of day as the expression language holds them: the twin of Python's
 * `datetime.date` (proleptic Gregorian, years 1 to 9999) and of values.py's `Time`.
 *
 * Why not JavaScript's Date: it carries a time zone and a time of day, reads two-digit years as
 * 19xx and accepts 2026-02-30 as March 2nd. A date here is its proleptic ordinal, the day
 * number Python's `date.toordinal()` gives (0001-01-01 is 1), so adding days and subtracting
 * dates is integer arithmetic, exactly as in Python. The conversions are ported from CPython's
 * datetime.py (`_ymd2ord`, `_ord2ymd`).
 */

const DAYS_IN_MONTH = [-1, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_BEFORE_MONTH: number[] = [-1];
{
  let before = 0;
  for (const days of DAYS_IN_MONTH.slice(1)) {
    DAYS_BEFORE_MONTH.push(before);
    before += days;
  }
}

const DAYS_IN_400_YEARS = 146_097;
const DAYS_IN_100_YEARS = 36_524;
const DAYS_IN_4_YEARS = 1_461;

/** `date.max.toordinal()`: 9999-12-31. */
export const MAX_ORDINAL = 3_652_059;

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysBeforeYear(year: number): number {
  const y = year - 1;
  return y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400);
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month]!;
}

/** A calendar day; `ordinal` as Python's `date.toordinal()`. */
export class DateValue {
  readonly ordinal: number;
  readonly year: number;
  readonly month: number;
  readonly day: number;

  private constructor(ordinal: number, year: number, month: number, day: number) {
    this.ordinal = ordinal;
    this.year = year;
    this.month = month;
    this.day = day;
  }

  /** The date, or null when it does not exist (Python raises ValueError there). */
  static of(year: number, month: number, day: number): DateValue | null {
    if (year < 1 || year > 9999 || month < 1 || month > 12) return null;
    if (day < 1 || day > daysInMonth(year, month)) return null;
    const before = DAYS_BEFORE_MONTH[month]! + (month > 2 && isLeap(year) ? 1 : 0);
    return new DateValue(daysBeforeYear(year) + before + day, year, month, day);
  }

  /** `date.fromordinal(n)`, or null outside 0001-01-01 .. 9999-12-31. */
  static fromOrdinal(ordinal: number): DateValue | null {
    if (!Number.isInteger(ordinal) || ordinal < 1 || ordinal > MAX_ORDINAL) return null;
    let n = ordinal - 1;
    const n400 = Math.floor(n / DAYS_IN_400_YEARS);
    n %= DAYS_IN_400_YEARS;
    let year = n400 * 400 + 1;
    const n100 = Math.floor(n / DAYS_IN_100_YEARS);
    n %= DAYS_IN_100_YEARS;
    const n4 = Math.floor(n / DAYS_IN_4_YEARS);
    n %= DAYS_IN_4_YEARS;
    const n1 = Math.floor(n / 365);
    n %= 365;
    year += n100 * 100 + n4 * 4 + n1;
    if (n1 === 4 || n100 === 4) return new DateValue(ordinal, year - 1, 12, 31);
    const leap = n1 === 3 && (n4 !== 24 || n100 === 3);
    let month = (n + 50) >> 5;
    let preceding = DAYS_BEFORE_MONTH[month]! + (month > 2 && leap ? 1 : 0);
    if (preceding > n) {
      month -= 1;
      preceding -= month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!;
    }
    return new DateValue(ordinal, year, month, n - preceding + 1);
  }

  /** ISO notation as Python's `str(date)`: `0001-01-05`, always four year digits. */
  toString(): string {
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }
}

/** A time of day in whole minutes, as values.py's `Time`. */
export class TimeValue {
  readonly minutes: number;

  constructor(minutes: number) {
    this.minutes = minutes;
  }

  toString(): string {
    const pad = (value: number) => String(value).padStart(2, '0');
    return `${pad(Math.floor(this.minutes / 60))}:${pad(this.minutes % 60)}`;
  }
}

// `^…$` without the `m` flag: `$` matches only at the very end, like Python's fullmatch.
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** `YYYY-MM-DD` of a day that exists, as values.py's parse_date; else null. */
export function parseDate(text: string): DateValue | null {
  if (!DATE.test(text)) return null;
  return DateValue.of(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8)));
}

/** `HH:MM` on the 24-hour clock, as values.py's parse_time; else null. */
export function parseTime(text: string): TimeValue | null {
  if (!TIME.test(text)) return null;
  return new TimeValue(Number(text.slice(0, 2)) * 60 + Number(text.slice(3)));
}

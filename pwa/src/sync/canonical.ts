/**
 * Canonical JSON: byte for byte what the server's
 * `json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` makes of the
 * same data. The device sends this text as the body, so the server hashes exactly what the
 * device hashed, and a resend is recognised as "the same body".
 *
 * Where JavaScript and Python differ, Python wins:
 * - keys sort by Unicode code point (JavaScript's default sort compares UTF-16 units, which
 *   orders characters beyond U+FFFF before U+E000..U+FFFF);
 * - a non-integer number uses Python's float repr (1e-05, not 0.00001 or 1e-5).
 * Strings are escaped alike by both (JSON.stringify escapes only `"`, `\` and control
 * characters, like ensure_ascii=False), except lone surrogates, which Python cannot encode
 * to UTF-8 at all; those are refused here rather than sent.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function canonicalJson(value: unknown): string {
  const out = write(value);
  if (out === undefined) throw new TypeError('canonicalJson: nothing to encode');
  return out;
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  // toJSON first, as JSON.stringify does (a Date becomes its ISO string).
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return write((value as { toJSON: () => unknown }).toJSON());
  }
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return number(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError('canonicalJson: lone surrogate');
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined; // dropped from objects, like JSON.stringify does
    case 'object':
      if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
      return object(value as Record<string, unknown>);
  }
  return undefined;
}

function object(value: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(value).sort(byCodePoint)) {
    const item = write(value[key]);
    if (item !== undefined) parts.push(`${write(key)}:${item}`);
  }
  return `{${parts.join(',')}}`;
}

/** Python compares str by code point. */
export function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * The server parses the number JSON.stringify wrote: without `.` or `e` it becomes a Python int
 * (same digits), otherwise a float, which Python writes back with repr(): the same shortest
 * digits, but in exponent form below 1e-4 and from 1e16, with at least two exponent digits.
 */
function number(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError('canonicalJson: NaN and Infinity are not JSON');
  const text = JSON.stringify(value);
  if (!/[.e]/.test(text)) return text;
  const [mantissa, exp] = value.toExponential().split('e');
  const exponent = Number(exp);
  if (exponent >= -4 && exponent < 16) return text;
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
}

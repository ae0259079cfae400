/**
 * Python's string semantics, where JavaScript's differ. The server counts, strips and sorts
 * text the Python way; so must the tablet, or a form passes here and fails there.
 *
 * - Length: Python counts code points, JavaScript's `.length` counts UTF-16 units ('😀' is 1
 *   in Python, 2 in JavaScript).
 * - Whitespace: Python's `str.strip()` removes the characters `str.isspace()` accepts, which
 *   include U+001C..U+001F and U+0085 but not U+FEFF; JavaScript's `trim()` is the other way
 *   round.
 * - Order: Python compares strings by code point, JavaScript's `<` by UTF-16 unit (they differ
 *   once a character above U+FFFF meets one in U+E000..U+FFFF).
 */

/** The characters Python's `str.isspace()` accepts (Python 3.11, Unicode 14); all in the BMP. */
const PYTHON_SPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001,
  0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000,
]);

export function isPythonSpace(char: string): boolean {
  return char.length === 1 && PYTHON_SPACE.has(char.charCodeAt(0));
}

/** `text.strip()` as Python does it. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PYTHON_SPACE.has(text.charCodeAt(start))) start++;
  while (end > start && PYTHON_SPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** The code points of a text, one string each (a lone surrogate counts as one, as in Python). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** `len(text)` as Python counts it: code points. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Python's `a < b` for strings: by code point. Negative, zero or positive. */
export function compareCodePoints(a: string, b: string): number {
  const left = codePoints(a);
  const right = codePoints(b);
  const shared = Math.min(left.length, right.length);
  for (let i = 0; i < shared; i++) {
    const difference = (left[i]!.codePointAt(0) ?? 0) - (right[i]!.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/**
 * `int(text)` as Python reads it (surrounding whitespace, a sign, `_` between digits), or null
 * where Python raises ValueError. Only ASCII digits: Python also reads other Unicode decimal
 * digits (`int('١')` is 1), which no path this engine makes contains.
 */
export function pythonInt(text: string): number | null {
  const match = /^([+-]?)([0-9](?:_?[0-9])*)$/.exec(pythonStrip(text));
  if (match === null) return null;
  const value = Number(match[2]!.replaceAll('_', ''));
  return match[1] === '-' ? -value : value;
}

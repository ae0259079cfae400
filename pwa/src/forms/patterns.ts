/**
 * The pattern subset `matches()` accepts, the twin of visit_forms/expressions/patterns.py.
 *
 * Python's `re` and JavaScript's RegExp disagree on `\d`, `\w`, `\s`, `\b` and `.` with
 * non-ASCII text, and on many extensions. A pattern may use only: printable ASCII literals,
 * escaped punctuation, character classes with ranges (`[0-9A-Z]`, `[^ ]`), groups, alternation
 * and the quantifiers `? * + {n} {n,} {n,m}`; it always matches the whole value; a quantified
 * group may not hold another quantifier (no catastrophic backtracking). Inside that subset the
 * two engines agree, given the `u` flag (so `[^ ]` matches one code point, as in Python, not
 * one UTF-16 unit) and `^(?:…)$` for Python's `fullmatch`.
 */

import { codePointLength } from './text';

/** What JavaScript's `u` flag allows to be escaped; inside a class also `-`. */
const SYNTAX = new Set('\\^$.|?*+()[]{}/');
const CLASS_SYNTAX = new Set([...SYNTAX, '-']);
const QUANTIFIER = /[?*+]|\{[0-9]{1,3}(,[0-9]{0,3})?\}/y;
export const MAX_PATTERN_LENGTH = 200;

/** Printable ASCII, as Python's `char.isprintable() and ord(char) <= 0x7E`. */
function printableAscii(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0x20 && code <= 0x7e;
}

/**
 * null when the pattern is in the subset, else the reason it is not. The scan walks UTF-16
 * units where Python walks code points; that is the same walk, because it stops at the first
 * unit outside printable ASCII. Only the length is counted in code points, as in Python.
 */
export function checkPattern(pattern: string): string | null {
  if (codePointLength(pattern) > MAX_PATTERN_LENGTH) return 'pattern is too long';
  // Each open group remembers whether it holds a quantifier.
  const groups: boolean[] = [];
  let previousQuantifiable = false;
  let lastWasGroupHoldingQuantifier = false;
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    QUANTIFIER.lastIndex = i;
    const quantifier = QUANTIFIER.exec(pattern);
    if (quantifier !== null) {
      if (!previousQuantifiable) return `quantifier '${quantifier[0]}' has nothing to repeat`;
      if (lastWasGroupHoldingQuantifier) return 'a repeated group may not contain a quantifier';
      if (groups.length > 0) groups[groups.length - 1] = true;
      previousQuantifiable = false;
      lastWasGroupHoldingQuantifier = false;
      i += quantifier[0].length;
      continue;
    }
    lastWasGroupHoldingQuantifier = false;
    if (char === '\\') {
      if (i + 1 >= pattern.length || !SYNTAX.has(pattern[i + 1]!)) {
        return 'only syntax characters may be escaped (no \\d, \\w, \\s or \\b)';
      }
      i += 2;
      previousQuantifiable = true;
    } else if (char === '[') {
      const end = classEnd(pattern, i);
      if (end === null) return 'character class is not closed or not valid';
      i = end;
      previousQuantifiable = true;
    } else if (char === '(') {
      if (pattern.startsWith('(?', i)) return 'group extensions (?...) are not allowed';
      groups.push(false);
      i += 1;
      previousQuantifiable = false;
    } else if (char === ')') {
      if (groups.length === 0) return 'unbalanced parenthesis';
      lastWasGroupHoldingQuantifier = groups.pop()!;
      if (lastWasGroupHoldingQuantifier && groups.length > 0) groups[groups.length - 1] = true;
      i += 1;
      previousQuantifiable = true;
    } else if (char === '|') {
      i += 1;
      previousQuantifiable = false;
    } else if ('^$.{}]'.includes(char)) {
      return `'${char}' must be escaped (patterns always match the whole value)`;
    } else if (!printableAscii(char)) {
      return 'only printable ASCII characters are allowed';
    } else {
      i += 1;
      previousQuantifiable = true;
    }
  }
  if (groups.length > 0) return 'unbalanced parenthesis';
  // Python compiles the pattern last (`re.compile`) to catch what the scan lets through, such
  // as `[z-a]` or `a{3,2}`; compiling it here as it will run catches the same.
  try {
    wholeMatch(pattern);
  } catch (error) {
    return error instanceof Error ? error.message : 'not a valid pattern';
  }
  return null;
}

function classEnd(pattern: string, start: number): number | null {
  let i = start + 1;
  if (pattern.startsWith('^', i)) i += 1;
  let members = 0;
  while (i < pattern.length && pattern[i] !== ']') {
    const char = pattern[i]!;
    if (char === '\\') {
      if (i + 1 >= pattern.length || !CLASS_SYNTAX.has(pattern[i + 1]!)) return null;
      i += 2;
    } else if (char === '[' || !printableAscii(char)) {
      return null;
    } else {
      i += 1;
    }
    members += 1;
  }
  if (i >= pattern.length || members === 0) return null;
  return i + 1;
}

/** Python's fullmatch in JavaScript: anchored at both ends (`$` without `m` is the very end). */
function wholeMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

// A form holds a handful of patterns and evaluation runs on every keystroke: compile each once.
const compiled = new Map<string, RegExp>();

/** Python's `re.fullmatch(pattern, value) is not None`, for a pattern checkPattern accepted. */
export function fullMatch(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = wholeMatch(pattern);
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}

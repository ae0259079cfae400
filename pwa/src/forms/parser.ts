/**
 * Tokenizer and recursive-descent parser, the twin of visit_forms/expressions/parser.py: text
 * in, syntax tree out, never `eval`. The same texts parse, to the same trees, and the same
 * texts fail, with the same error code at the same position.
 *
 * Grammar, loosest binding first:
 *     or       := and ("or" and)*
 *     and      := not ("and" not)*
 *     not      := "not" not | compare
 *     compare  := add (("=" | "!=" | "<" | "<=" | ">" | ">=" | "in") add)?   (does not chain)
 *     add      := multiply (("+" | "-") multiply)*
 *     multiply := negate (("*" | "/") negate)*
 *     negate   := "-" negate | atom
 *     atom     := number | 'string' | true | false | null | "." | $name | $group.name
 *               | name "(" [or ("," or)*] ")" | "[" [or ("," or)*] "]" | "(" or ")"
 *
 * The source is read as code points, as Python indexes a str: lengths and error positions
 * count a character above U+FFFF once, where JavaScript's string indices would count it twice.
 */

import {
  ADDITIVE,
  COMPARISONS,
  MULTIPLICATIVE,
  type BinaryOp,
  type Literal,
  type Node,
} from './ast';
import { ExpressionError } from './errors';
import { Num } from './numbers';
import { checkPattern } from './patterns';
import { FUNCTIONS, isFunctionName, type Signature } from './signatures';
import { codePoints } from './text';

export const MAX_LENGTH = 2000;
export const MAX_DEPTH = 40;
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null']);

type TokenKind = 'number' | 'ref' | 'name' | 'string' | 'op' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** In code points. */
  readonly position: number;
  /** A string literal's content, escapes resolved. */
  readonly value: string;
}

// Python's `re` reads these ASCII-only ranges the same way; spelled out to walk code points.
const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';
const isLower = (char: string | undefined) => char !== undefined && char >= 'a' && char <= 'z';
const isNameChar = (char: string | undefined) => isLower(char) || isDigit(char) || char === '_';
const SPACE = new Set([' ', '\t', '\r', '\n']);
const SINGLE_OPS = new Set('=<>+-*/(),[].');
const DOUBLE_OPS = new Set(['<=', '>=', '!=']);

/** Python's `repr()` of one character, for messages only. */
function repr(char: string): string {
  return char === "'" ? `"'"` : `'${char.replace(/\\/g, '\\\\')}'`;
}

/** The whole token list first, as Python does: a bad character anywhere beats a parse error. */
export function tokenize(source: readonly string[]): Token[] {
  const tokens: Token[] = [];
  const length = source.length;
  const text = (start: number, end: number) => source.slice(start, end).join('');
  let i = 0;
  while (i < length) {
    const char = source[i]!;
    // The alternatives in the order of Python's token regex: the first that matches wins.
    if (SPACE.has(char)) {
      while (i < length && SPACE.has(source[i]!)) i++;
      continue;
    }
    if (isDigit(char)) {
      let end = i;
      while (isDigit(source[end])) end++;
      if (source[end] === '.' && isDigit(source[end + 1])) {
        end++;
        while (isDigit(source[end])) end++;
      }
      tokens.push({ kind: 'number', text: text(i, end), position: i, value: '' });
      i = end;
      continue;
    }
    if (char === '$' && isLower(source[i + 1])) {
      let end = i + 2;
      while (isNameChar(source[end])) end++;
      if (source[end] === '.' && isLower(source[end + 1])) {
        end += 2;
        while (isNameChar(source[end])) end++;
      }
      tokens.push({ kind: 'ref', text: text(i, end), position: i, value: '' });
      i = end;
      continue;
    }
    if (isLower(char)) {
      let end = i + 1;
      while (isNameChar(source[end])) end++;
      tokens.push({ kind: 'name', text: text(i, end), position: i, value: '' });
      i = end;
      continue;
    }
    if (char === "'") {
      const [value, end] = readString(source, i);
      tokens.push({ kind: 'string', text: text(i, end), position: i, value });
      i = end;
      continue;
    }
    const pair = char + (source[i + 1] ?? '');
    if (DOUBLE_OPS.has(pair)) {
      tokens.push({ kind: 'op', text: pair, position: i, value: '' });
      i += 2;
      continue;
    }
    if (SINGLE_OPS.has(char)) {
      tokens.push({ kind: 'op', text: char, position: i, value: '' });
      i += 1;
      continue;
    }
    throw new ExpressionError('unexpected_character', `unexpected ${repr(char)}`, i);
  }
  tokens.push({ kind: 'end', text: '', position: length, value: '' });
  return tokens;
}

function readString(source: readonly string[], start: number): [string, number] {
  const chars: string[] = [];
  let i = start + 1;
  while (i < source.length) {
    const char = source[i]!;
    if (char === "'") return [chars.join(''), i + 1];
    if (char === '\\') {
      const following = source[i + 1];
      if (following !== "'" && following !== '\\') {
        throw new ExpressionError('bad_escape', "only \\' and \\\\ are escapes", i);
      }
      chars.push(following);
      i += 2;
      continue;
    }
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      // C0/C1 controls, refused in both languages.
      throw new ExpressionError('unexpected_character', 'control character in string', i);
    }
    chars.push(char);
    i += 1;
  }
  throw new ExpressionError('unterminated_string', 'string is not closed', start);
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(source: readonly string[]) {
    this.tokens = tokenize(source);
  }

  get token(): Token {
    return this.tokens[this.index]!;
  }

  private advance(): Token {
    const token = this.tokens[this.index]!;
    this.index += 1;
    return token;
  }

  private at(...texts: readonly string[]): boolean {
    const token = this.token;
    return (token.kind === 'op' || token.kind === 'name') && texts.includes(token.text);
  }

  private expect(text: string): Token {
    if (!this.at(text)) throw this.unexpected(`expected '${text}'`);
    return this.advance();
  }

  unexpected(wanted: string): ExpressionError {
    const token = this.token;
    if (token.kind === 'end') {
      return new ExpressionError(
        'unexpected_end',
        `${wanted}, but the expression ends`,
        token.position,
      );
    }
    const found = `${wanted}, found '${token.text}'`;
    return new ExpressionError('unexpected_token', found, token.position);
  }

  private descend(): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) {
      throw new ExpressionError('too_deep', 'expression is nested too deeply', this.token.position);
    }
  }

  // Grammar ---------------------------------------------------------------------------------
  parseOr(): Node {
    this.descend();
    let node = this.parseAnd();
    while (this.at('or')) {
      this.advance();
      node = binary('or', node, this.parseAnd());
    }
    this.depth -= 1;
    return node;
  }

  private parseAnd(): Node {
    let node = this.parseNot();
    while (this.at('and')) {
      this.advance();
      node = binary('and', node, this.parseNot());
    }
    return node;
  }

  private parseNot(): Node {
    if (this.at('not')) {
      this.advance();
      this.descend();
      const node: Node = { kind: 'not', operand: this.parseNot() };
      this.depth -= 1;
      return node;
    }
    return this.parseCompare();
  }

  private parseCompare(): Node {
    let node = this.parseAdd();
    if (this.at(...COMPARISONS)) {
      const op = this.advance().text as BinaryOp;
      node = binary(op, node, this.parseAdd());
      if (this.at(...COMPARISONS)) throw this.unexpected("comparisons do not chain; use 'and'");
    }
    return node;
  }

  private parseAdd(): Node {
    let node = this.parseMultiply();
    while (this.at(...ADDITIVE)) {
      const op = this.advance().text as BinaryOp;
      node = binary(op, node, this.parseMultiply());
    }
    return node;
  }

  private parseMultiply(): Node {
    let node = this.parseNegate();
    while (this.at(...MULTIPLICATIVE)) {
      const op = this.advance().text as BinaryOp;
      node = binary(op, node, this.parseNegate());
    }
    return node;
  }

  private parseNegate(): Node {
    if (this.at('-')) {
      this.advance();
      this.descend();
      const node: Node = { kind: 'negate', operand: this.parseNegate() };
      this.depth -= 1;
      return node;
    }
    return this.parseAtom();
  }

  private parseAtom(): Node {
    const token = this.token;
    if (token.kind === 'number') {
      this.advance();
      const number = Num.parse(token.text);
      if (number === null) {
        throw new ExpressionError(
          'bad_number',
          'numbers have at most 6 decimals and 15 digits',
          token.position,
        );
      }
      return literal(number);
    }
    if (token.kind === 'string') {
      this.advance();
      return literal(token.value);
    }
    if (token.kind === 'ref') {
      this.advance();
      const [name, field = ''] = token.text.slice(1).split('.', 2) as [string, string?];
      if (KEYWORDS.has(name) || KEYWORDS.has(field)) {
        throw new ExpressionError('unexpected_token', 'a keyword is not a name', token.position);
      }
      return { kind: 'ref', name, field: field === '' ? null : field };
    }
    if (token.kind === 'name') return this.parseName();
    if (this.at('.')) {
      this.advance();
      return { kind: 'current' };
    }
    if (this.at('(')) {
      this.advance();
      const node = this.parseOr();
      this.expect(')');
      return node;
    }
    if (this.at('[')) {
      this.advance();
      return { kind: 'list', items: this.parseArguments(']') };
    }
    throw this.unexpected('expected a value');
  }

  private parseName(): Node {
    const token = this.advance();
    if (token.text === 'true') return literal(true);
    if (token.text === 'false') return literal(false);
    if (token.text === 'null') return literal(null);
    if (KEYWORDS.has(token.text)) {
      this.index -= 1;
      throw this.unexpected('expected a value');
    }
    const name = token.text;
    if (!isFunctionName(name)) {
      const reason = `there is no function '${name}'`;
      throw new ExpressionError('unknown_function', reason, token.position);
    }
    const signature: Signature = FUNCTIONS[name];
    this.expect('(');
    const args = this.parseArguments(')');
    const tooMany = signature.maxArgs !== null && args.length > signature.maxArgs;
    if (args.length < signature.minArgs || tooMany) {
      const reason = `${name}() takes ${arity(signature)}`;
      throw new ExpressionError('wrong_arity', reason, token.position);
    }
    for (const [position, kind] of signature.literalArgs) {
      checkLiteral(token, args[position]!, kind);
    }
    return { kind: 'call', name, args };
  }

  private parseArguments(closing: string): Node[] {
    const args: Node[] = [];
    if (!this.at(closing)) {
      args.push(this.parseOr());
      while (this.at(',')) {
        this.advance();
        args.push(this.parseOr());
      }
    }
    this.expect(closing);
    return args;
  }
}

function literal(value: Literal['value']): Literal {
  return { kind: 'literal', value };
}

function binary(op: BinaryOp, left: Node, right: Node): Node {
  return { kind: 'binary', op, left, right };
}

function arity(signature: Signature): string {
  if (signature.maxArgs === null) return `at least ${signature.minArgs} argument(s)`;
  if (signature.minArgs === signature.maxArgs) return `${signature.minArgs} argument(s)`;
  return `${signature.minArgs} to ${signature.maxArgs} arguments`;
}

function checkLiteral(call: Token, node: Node, kind: 'digits' | 'pattern'): void {
  if (kind === 'digits') {
    const value = node.kind === 'literal' ? node.value : null;
    const fits =
      value instanceof Num && value.isInteger() && value.toInt() >= 0n && value.toInt() <= 6n;
    if (!fits) {
      throw new ExpressionError(
        'bad_argument',
        `${call.text}() needs a whole number 0 to 6`,
        call.position,
      );
    }
    return;
  }
  if (!(node.kind === 'literal' && typeof node.value === 'string')) {
    throw new ExpressionError(
      'bad_argument',
      `${call.text}() needs a pattern in quotes`,
      call.position,
    );
  }
  const problem = checkPattern(node.value);
  if (problem !== null) throw new ExpressionError('bad_pattern', problem, call.position);
}

/** Parse an expression or throw ExpressionError with a stable code and position. */
export function parseExpression(source: string): Node {
  const chars = codePoints(source);
  if (chars.length > MAX_LENGTH) {
    throw new ExpressionError('too_long', `expressions are at most ${MAX_LENGTH} characters`, 0);
  }
  const parser = new Parser(chars);
  const node = parser.parseOr();
  if (parser.token.kind !== 'end') throw parser.unexpected('expected an operator or the end');
  return node;
}

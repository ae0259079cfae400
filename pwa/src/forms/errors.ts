/** Why an expression does not parse, with a stable code and the character position. */

export type ExpressionErrorCode =
  | 'too_long'
  | 'unexpected_character'
  | 'bad_escape'
  | 'unterminated_string'
  | 'unexpected_end'
  | 'unexpected_token'
  | 'too_deep'
  | 'bad_number'
  | 'unknown_function'
  | 'wrong_arity'
  | 'bad_argument'
  | 'bad_pattern';

export class ExpressionError extends Error {
  readonly code: ExpressionErrorCode;
  /** The reason without the position, as Python's `error.message`. */
  readonly reason: string;
  /** 0-based, in code points (Python's string index), not UTF-16 units. */
  readonly position: number;

  constructor(code: ExpressionErrorCode, reason: string, position: number) {
    super(`${reason} (at character ${position + 1})`);
    this.name = 'ExpressionError';
    this.code = code;
    this.reason = reason;
    this.position = position;
  }
}

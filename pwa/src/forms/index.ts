/**
 * The form engine of the tablet: the TypeScript twin of the Python package `visit_forms`, held
 * to the same shared vectors (tests/vectors/). See README.md in this folder.
 */

// Forms
export {
  DEFAULT_MAX_ITEMS,
  defaults,
  evaluateForm,
  suggestFollowups,
  toWire,
  validate,
  type DefaultsOptions,
  type EvaluateOptions,
  type FieldError,
  type Outcome,
  type Suggestion,
} from './engine';
export {
  compileForm,
  FormCompileError,
  type CompiledForm,
  type CompiledQuestion,
} from './compiled';
export { MESSAGES, messageFor, type EngineErrorCode } from './messages';
export type {
  ConsentGridDefinition,
  ConstraintDefinition,
  ExportedForm,
  FollowupRuleDefinition,
  FormDefinition,
  LocalizedText,
  OptionDefinition,
  QuestionDefinition,
  QuestionType,
  SectionDefinition,
} from './types';

// Expressions
export { references, usesCurrent, type Node } from './ast';
export { DateValue, TimeValue, parseDate, parseTime } from './dates';
export { ExpressionError, type ExpressionErrorCode } from './errors';
export { evaluate, holds, type Scope } from './evaluator';
export { Num } from './numbers';
export { parseExpression } from './parser';
export { toText } from './printer';
export { RecordValue, decode, encode, typeName, type Encoded, type Value } from './values';

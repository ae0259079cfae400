/**
 * A form ready for the engine: the exported definition plus its parsed rules, the twin of
 * visit_forms/compiled.py. The server's loader has already checked everything (references,
 * cycles, settings, the covenant); the tablet only parses, once per form version.
 */

import type { Node } from './ast';
import { ExpressionError } from './errors';
import { parseExpression } from './parser';
import type {
  ConstraintDefinition,
  ExportedForm,
  FollowupRuleDefinition,
  QuestionDefinition,
  QuestionType,
  SectionDefinition,
} from './types';

export interface CompiledQuestion {
  readonly spec: QuestionDefinition;
  readonly code: string;
  readonly type: QuestionType;
  readonly section: string;
  /** The repeat group it sits in, if any. */
  readonly group: string | null;
  readonly category: string | null;
  /** The section's condition, the group's and the question's own; all must hold. */
  readonly relevant: readonly Node[];
  readonly required: boolean | Node;
  readonly constraints: readonly (readonly [ConstraintDefinition, Node])[];
  readonly computed: Node | null;
  readonly default: Node | null;
  readonly optionCodes: readonly string[];
  /** "category/kind", in the form's order. */
  readonly consentPairs: readonly string[];
}

export interface CompiledSection {
  readonly code: string;
  readonly relevant: Node | null;
}

export interface CompiledForm {
  readonly exported: ExportedForm;
  /** Every question, inner ones too, in form order: a group, then its questions. */
  readonly questions: ReadonlyMap<string, CompiledQuestion>;
  /** A question's place in `questions`: errors are sorted by it. */
  readonly position: ReadonlyMap<string, number>;
  readonly order: readonly string[];
  readonly innerOrder: ReadonlyMap<string, readonly string[]>;
  readonly followups: readonly (readonly [FollowupRuleDefinition, Node])[];
  readonly sections: readonly CompiledSection[];
}

/** An exported form whose rule does not parse: the server would never publish it. */
export class FormCompileError extends Error {
  readonly path: string;
  readonly expressionError: ExpressionError;

  constructor(form: ExportedForm, path: string, cause: ExpressionError) {
    super(`${form.key} v${form.version}: ${path}: ${cause.message} [${cause.code}]`);
    this.name = 'FormCompileError';
    this.path = path;
    this.expressionError = cause;
  }
}

// Evaluation runs on every keystroke; a form version never changes, so parse it once.
const cache = new Map<string, CompiledForm>();

/** The compiled form, from the cache when this version (by its sha256) was compiled before. */
export function compileForm(form: ExportedForm): CompiledForm {
  const key = `${form.key}/${form.version}/${form.sha256}`;
  let compiled = cache.get(key);
  if (compiled === undefined) {
    compiled = compile(form);
    cache.set(key, compiled);
  }
  return compiled;
}

function compile(form: ExportedForm): CompiledForm {
  const parse = (text: string, path: string): Node => {
    try {
      return parseExpression(text);
    } catch (error) {
      if (error instanceof ExpressionError) throw new FormCompileError(form, path, error);
      throw error;
    }
  };
  const questions = new Map<string, CompiledQuestion>();
  const sections: CompiledSection[] = [];

  const add = (
    spec: QuestionDefinition,
    path: string,
    section: SectionDefinition,
    inherited: readonly Node[],
    group: string | null,
  ): void => {
    const own = spec.relevant !== undefined ? [parse(spec.relevant, `${path}.relevant`)] : [];
    const relevant = [...inherited, ...own];
    const required = spec.required ?? false;
    questions.set(spec.code, {
      spec,
      code: spec.code,
      type: spec.type,
      section: section.code,
      group,
      category: form.categories[spec.code] ?? spec.category ?? section.category ?? null,
      relevant,
      required: typeof required === 'string' ? parse(required, `${path}.required`) : required,
      constraints: (spec.constraints ?? []).map((constraint, i) => {
        const rule = parse(constraint.rule, `${path}.constraints[${i}].rule`);
        return [constraint, rule] as const;
      }),
      computed: spec.computed !== undefined ? parse(spec.computed, `${path}.computed`) : null,
      default: spec.default !== undefined ? parse(spec.default, `${path}.default`) : null,
      optionCodes: (spec.options ?? []).map((option) => option.code),
      consentPairs: form.consent_pairs[spec.code] ?? [],
    });
    if (spec.type === 'repeat') {
      // An inner question is relevant only while its group is.
      (spec.questions ?? []).forEach((inner, i) =>
        add(inner, `${path}.questions[${i}]`, section, relevant, spec.code),
      );
    }
  };

  form.definition.sections.forEach((section, s) => {
    const path = `sections[${s}]`;
    const relevant =
      section.relevant !== undefined ? parse(section.relevant, `${path}.relevant`) : null;
    sections.push({ code: section.code, relevant });
    section.questions.forEach((question, q) =>
      add(question, `${path}.questions[${q}]`, section, relevant ? [relevant] : [], null),
    );
  });

  const followups = (form.definition.followups ?? []).map(
    (rule, i) => [rule, parse(rule.when, `followups[${i}].when`)] as const,
  );
  return {
    exported: form,
    questions,
    position: new Map([...questions.keys()].map((code, i) => [code, i])),
    order: form.evaluation_order,
    innerOrder: new Map(Object.entries(form.inner_evaluation_order)),
    followups,
    sections,
  };
}

/**
 * The JSON a tablet receives for one form from `GET /api/forms/{key}/{version}`, as
 * visit_forms/export.py writes it: the definition as written (schema.py, fields left at their
 * default omitted) plus what the server's loader derived from the covenant and the dependency
 * graph, so this engine needs neither.
 */

/** A text in both languages of the app; Dutch first. */
export interface LocalizedText {
  nl: string;
  en: string;
}

export type QuestionType =
  | 'text'
  | 'long_text'
  | 'integer'
  | 'decimal'
  | 'money'
  | 'date'
  | 'time'
  | 'yes_no'
  | 'select_one'
  | 'select_many'
  | 'zrm'
  | 'signature'
  | 'photo'
  | 'repeat'
  | 'consent'
  | 'note';

export interface OptionDefinition {
  code: string;
  label: LocalizedText;
}

export interface ConstraintDefinition {
  code: string;
  /** An expression; fails only when it gives false. */
  rule: string;
  message: LocalizedText;
}

export interface ConsentGridDefinition {
  categories: string[];
  recipient_kinds: string[];
}

export interface QuestionDefinition {
  code: string;
  type: QuestionType;
  label: LocalizedText;
  hint?: LocalizedText;
  /** true, or an expression; absent means false. */
  required?: boolean | string;
  relevant?: string;
  constraints?: ConstraintDefinition[];
  computed?: string;
  /** Evaluated when a draft (or a new repeat item) starts; reads no answers. */
  default?: string;
  options?: OptionDefinition[];
  decimals?: number;
  max_length?: number;
  min_items?: number;
  max_items?: number;
  domain?: string;
  consent?: ConsentGridDefinition;
  signer?: 'resident' | 'worker';
  category?: string;
  /** The case fact this answer fills when the server receives the visit (facts.py). */
  fills?: string;
  /** A repeat group's questions. */
  questions?: QuestionDefinition[];
}

export interface SectionDefinition {
  code: string;
  title: LocalizedText;
  questions: QuestionDefinition[];
  relevant?: string;
  category?: string;
}

export interface FollowupRuleDefinition {
  code: string;
  when: string;
  recipient_kind: string;
  need: LocalizedText;
  categories: string[];
}

export interface FormDefinition {
  key: string;
  version: number;
  title: LocalizedText;
  sections: SectionDefinition[];
  description?: LocalizedText;
  followups?: FollowupRuleDefinition[];
}

export interface ExportedForm {
  format: 1;
  key: string;
  version: number;
  /** Of the definition as published; names the form version, so compiled forms cache by it. */
  sha256: string;
  definition: FormDefinition;
  /** Top-level question codes (a repeat group is one), each after everything it reads. */
  evaluation_order: string[];
  /** Per repeat group, its questions in the same kind of order. */
  inner_evaluation_order: Record<string, string[]>;
  /** Per consent question, its "category/kind" pairs (none the covenant never shares). */
  consent_pairs: Record<string, string[]>;
  /** Per question, its information category (its own, else its section's). */
  categories: Record<string, string>;
  zrm: {
    domains: Record<string, LocalizedText>;
    levels: Record<string, LocalizedText>;
  };
}

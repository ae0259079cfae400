/** What every question of an open draft reads: the answers, the engine's verdict, the files. */
import type { ExportedForm, FieldError, QuestionDefinition } from '../../forms';
import type { AttachmentContentType } from '../../db';
import type { Answers, AnswerPath } from './answers';

export interface FormContext {
  form: ExportedForm;
  answers: Answers;
  set: (path: AnswerPath, value: unknown) => void;
  relevant: (path: string) => boolean;
  required: (path: string) => boolean;
  /** The engine's errors for a path, once the worker has touched it or tried to finish. */
  errorsFor: (path: string) => FieldError[];
  /** The wire value of a computed question, as the engine computed it. */
  computed: (path: string) => unknown;
  files: Map<string, Blob>;
  putFile: (name: string, blob: Blob, type: AttachmentContentType) => Promise<void>;
  removeFile: (name: string) => Promise<void>;
}

/** What a question backed by files (signature, photo) receives from its question. */
export interface FileFieldProps {
  id: string;
  question: QuestionDefinition;
  value: unknown;
  context: FormContext;
  set: (value: unknown) => void;
  describedBy?: string;
}

/** One question of a form, rendered by its type, with its label, hint, required mark and errors. */
import type { QuestionDefinition } from '../../forms';
import { label as text, t } from '../i18n';
import { formatEuros, getAnswer, inputId, parseEuros, pathText, type AnswerPath } from './answers';
import type { FormContext } from './context';
import { ConsentGrid } from './ConsentGrid';
import { PhotoField } from './PhotoField';
import { SignatureField } from './SignatureField';
import { useState } from 'preact/hooks';

interface Props {
  question: QuestionDefinition;
  path: AnswerPath;
  context: FormContext;
}

export function Question({ question, path, context }: Props) {
  const key = pathText(path);
  if (!context.relevant(key)) return null;
  const id = inputId(path);
  const errors = context.errorsFor(key);
  const errorId = errors.length ? `${id}-error` : undefined;
  const hintId = question.hint ? `${id}-hint` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const required = context.required(key);
  const m = t.value.visit;
  const heading = (
    <>
      {text(question.label)}
      {required && <span class="required"> ({m.required})</span>}
      {question.computed && <span class="hint"> ({m.computed})</span>}
    </>
  );
  const after = (
    <>
      {question.hint && (
        <p class="hint" id={hintId}>
          {text(question.hint)}
        </p>
      )}
      {errors.length > 0 && (
        <p class="error" id={errorId} data-testid={`error-${key}`}>
          {errors.map((error) => text(error.message)).join(' ')}
        </p>
      )}
    </>
  );
  const value = getAnswer(context.answers, path);
  const set = (next: unknown) => context.set(path, next);
  const invalid = errors.length > 0 ? true : undefined;

  if (question.type === 'note') {
    return (
      <div class="question note-question" data-question={key}>
        <p>{text(question.label)}</p>
        {question.hint && <p class="hint">{text(question.hint)}</p>}
      </div>
    );
  }

  if (question.computed) {
    const computed = context.computed(key);
    return (
      <div class="question" data-question={key}>
        <p class="label" id={`${id}-label`}>
          {heading}
        </p>
        <output aria-labelledby={`${id}-label`} data-testid={`computed-${key}`}>
          {display(question, computed)}
        </output>
        {after}
      </div>
    );
  }

  const choice = (type: 'radio' | 'checkbox', options: { code: string; label: string }[], chosen: (code: string) => boolean, pick: (code: string, on: boolean) => void) => (
    <fieldset class="question choices-field" data-question={key} aria-describedby={describedBy} aria-invalid={invalid}>
      <legend>{heading}</legend>
      <div class="options">
        {options.map((option) => (
          <label key={option.code} class="option">
            <input
              type={type}
              name={id}
              value={option.code}
              checked={chosen(option.code)}
              onChange={(event) => pick(option.code, event.currentTarget.checked)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {after}
    </fieldset>
  );

  switch (question.type) {
    case 'yes_no':
      return choice(
        'radio',
        [
          { code: 'yes', label: m.yes },
          { code: 'no', label: m.no },
        ],
        (code) => value === (code === 'yes'),
        (code) => set(code === 'yes'),
      );
    case 'select_one':
      return choice(
        'radio',
        (question.options ?? []).map((option) => ({ code: option.code, label: text(option.label) })),
        (code) => value === code,
        (code) => set(code),
      );
    case 'select_many': {
      const picked = Array.isArray(value) ? (value as string[]) : [];
      const order = (question.options ?? []).map((option) => option.code);
      return choice(
        'checkbox',
        (question.options ?? []).map((option) => ({ code: option.code, label: text(option.label) })),
        (code) => picked.includes(code),
        (code, on) => {
          const next = order.filter((c) => (c === code ? on : picked.includes(c)));
          set(next.length ? next : undefined);
        },
      );
    }
    case 'zrm': {
      const levels = context.form.zrm.levels;
      return choice(
        'radio',
        ['1', '2', '3', '4', '5'].map((level) => ({ code: level, label: `${level}. ${text(levels[level])}` })),
        (code) => value === Number(code),
        (code) => set(Number(code)),
      );
    }
    case 'consent':
      return (
        <fieldset class="question" data-question={key} aria-describedby={describedBy}>
          <legend>{heading}</legend>
          <ConsentGrid id={id} pairs={context.form.consent_pairs[question.code] ?? []} value={value} onChange={set} />
          {after}
        </fieldset>
      );
    case 'signature':
      return (
        <div class="question" data-question={key}>
          <p class="label">{heading}</p>
          <SignatureField id={id} question={question} value={value} context={context} set={set} describedBy={describedBy} />
          {after}
        </div>
      );
    case 'photo':
      return (
        <div class="question" data-question={key}>
          <p class="label">{heading}</p>
          <PhotoField id={id} question={question} value={value} context={context} set={set} />
          {after}
        </div>
      );
    case 'long_text':
      return (
        <div class="question" data-question={key}>
          <label for={id}>{heading}</label>
          <textarea
            id={id}
            rows={4}
            maxLength={question.max_length}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            value={typeof value === 'string' ? value : ''}
            onInput={(event) => set(event.currentTarget.value || undefined)}
          />
          {after}
        </div>
      );
    case 'money':
      return (
        <div class="question" data-question={key}>
          <label for={id}>{heading}</label>
          <MoneyInput id={id} value={value} describedBy={describedBy} invalid={invalid} set={set} />
          {after}
        </div>
      );
    default: {
      const kind = inputKind(question);
      return (
        <div class="question" data-question={key}>
          <label for={id}>{heading}</label>
          <input
            id={id}
            // Preact types each input type apart; the value is one of text, date, time.
            type={kind.type as 'text'}
            inputMode={kind.inputMode}
            maxLength={question.max_length}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            value={value === undefined || value === null ? '' : String(value)}
            onInput={(event) => set(kind.read(event.currentTarget.value))}
          />
          {after}
        </div>
      );
    }
  }
}

function MoneyInput(props: { id: string; value: unknown; describedBy?: string; invalid?: boolean; set: (value: unknown) => void }) {
  const [typed, setTyped] = useState(() =>
    typeof props.value === 'number' ? formatEuros(props.value) : typeof props.value === 'string' ? props.value : '',
  );
  return (
    <span class="money">
      <span aria-hidden="true">€</span>
      <input
        id={props.id}
        inputMode="decimal"
        aria-describedby={props.describedBy}
        aria-invalid={props.invalid}
        value={typed}
        onInput={(event) => {
          const text = event.currentTarget.value;
          setTyped(text);
          // Unreadable text is kept as typed: the engine reports it, nothing is silently lost.
          props.set(text.trim() === '' ? undefined : (parseEuros(text) ?? text));
        }}
      />
    </span>
  );
}

interface InputKind {
  type: 'text' | 'date' | 'time';
  inputMode?: 'numeric' | 'decimal' | 'text';
  read: (text: string) => unknown;
}

function inputKind(question: QuestionDefinition): InputKind {
  const blankOr = (read: (text: string) => unknown) => (text: string) => (text.trim() === '' ? undefined : read(text.trim()));
  switch (question.type) {
    case 'integer':
      return { type: 'text', inputMode: 'numeric', read: blankOr((text) => (/^-?\d{1,15}$/.test(text) ? Number(text) : text)) };
    case 'decimal':
      return { type: 'text', inputMode: 'decimal', read: blankOr((text) => text.replace(',', '.')) };
    case 'date':
      return { type: 'date', read: blankOr((text) => text) };
    case 'time':
      return { type: 'time', read: blankOr((text) => text.slice(0, 5)) };
    default:
      return { type: 'text', read: (text) => (text === '' ? undefined : text) };
  }
}

function display(question: QuestionDefinition, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (question.type === 'money' && typeof value === 'number') return `€ ${formatEuros(value)}`;
  return String(value);
}

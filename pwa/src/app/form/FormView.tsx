/** A whole form: its sections in order, each with its questions; repeat groups as item lists. */
import type { QuestionDefinition } from '../../forms';
import { label, t } from '../i18n';
import { addItem, removeItem, type Answers } from './answers';
import type { FormContext } from './context';
import { Question } from './Question';

interface Props {
  context: FormContext;
  newItem: (group: string) => Answers;
}

export function FormView({ context, newItem }: Props) {
  return (
    <>
      {context.form.definition.sections.map((section) => {
        const shown = section.questions.filter((question) => context.relevant(question.code));
        if (!shown.length) return null;
        return (
          <section key={section.code} class="form-section" aria-labelledby={`s-${section.code}`}>
            <h2 id={`s-${section.code}`}>{label(section.title)}</h2>
            {shown.map((question) =>
              question.type === 'repeat' ? (
                <Repeat key={question.code} group={question} context={context} newItem={newItem} />
              ) : (
                <Question key={question.code} question={question} path={[question.code]} context={context} />
              ),
            )}
          </section>
        );
      })}
    </>
  );
}

function Repeat({ group, context, newItem }: { group: QuestionDefinition; context: FormContext; newItem: (group: string) => Answers }) {
  const m = t.value.visit;
  const items = Array.isArray(context.answers[group.code]) ? (context.answers[group.code] as Answers[]) : [];
  const errors = context.errorsFor(group.code);
  const max = group.max_items ?? 50;
  const replace = (answers: Answers) => context.set([group.code], answers[group.code]);
  return (
    <fieldset class="question repeat" data-question={group.code}>
      <legend>
        {label(group.label)}
        {context.required(group.code) && <span class="required"> ({m.required})</span>}
      </legend>
      {group.hint && <p class="hint">{label(group.hint)}</p>}
      {items.map((_, index) => (
        <div class="item" key={index} role="group" aria-label={`${label(group.label)}: ${m.item(index + 1)}`}>
          <p class="item-title">{m.item(index + 1)}</p>
          {(group.questions ?? []).map((question) => (
            <Question key={question.code} question={question} path={[group.code, index, question.code]} context={context} />
          ))}
          {context.errorsFor(`${group.code}[${index}]`).map((error) => (
            <p class="error" key={error.code}>
              {label(error.message)}
            </p>
          ))}
          <button type="button" class="secondary" onClick={() => replace(removeItem(context.answers, group.code, index))}>
            {m.removeItem} ({m.item(index + 1)})
          </button>
        </div>
      ))}
      {items.length < max && (
        <button type="button" class="secondary" onClick={() => replace(addItem(context.answers, group.code, newItem(group.code)))}>
          + {m.addItem}: {label(group.label)}
        </button>
      )}
      {errors.length > 0 && (
        <p class="error" data-testid={`error-${group.code}`}>
          {errors.map((error) => label(error.message)).join(' ')}
        </p>
      )}
    </fieldset>
  );
}

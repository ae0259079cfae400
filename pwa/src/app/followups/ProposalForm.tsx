/**
 * One proposed follow-up: a suggestion of the server's to confirm (adjusted if need be) or skip,
 * or one the worker adds. Confirming queues it with an id made here; it goes out like a visit.
 */
import { useRef, useState } from 'preact/hooks';
import type { OrganisationRef, VisitRow, VisitSuggestion } from '../../db';
import { lang, t } from '../i18n';
import { defaultDue, proposalProblem, recipientsOfKind, type Proposal } from './model';
import { propose, skip } from './store';

/** The server's limit (FollowupWrite.need). */
const NEED_MAX = 500;

interface Props {
  visit: VisitRow;
  /** null: a follow-up the worker adds beside the suggestions. */
  suggestion: VisitSuggestion | null;
  /** Unique on the page, for the fields' ids. */
  idPrefix: string;
  recipients: OrganisationRef[];
  /** Confirmed or skipped: what happened, for the screen to say. */
  onDone: (said: string) => void;
  /** An added one the worker does not want after all. */
  onRemove?: () => void;
}

export function ProposalForm({ visit, suggestion, idPrefix, recipients, onDone, onRemove }: Props) {
  const m = t.value.suggestions;
  const kinds = t.value.kinds;
  const categoryNames = t.value.categories;
  const options = suggestion ? recipientsOfKind(recipients, suggestion.recipient_kind) : recipients;
  const [proposal, setProposal] = useState<Proposal>(() => ({
    recipient_organisation_id: options.length === 1 ? options[0].id : '',
    // The need travels to another organisation of the (Dutch) network: Dutch, whatever the
    // language of this screen; the English meaning is shown beside it.
    need: suggestion?.need_nl ?? '',
    due_on: defaultDue(visit.body.visited_on),
    categories: suggestion?.categories ?? [],
  }));
  const [problem, setProblem] = useState<ReturnType<typeof proposalProblem>>(null);
  const [busy, setBusy] = useState(false);
  const fields = {
    recipient: useRef<HTMLSelectElement>(null),
    need: useRef<HTMLTextAreaElement>(null),
    due: useRef<HTMLInputElement>(null),
  };
  const id = (name: string) => `${idPrefix}-${name}`;
  const set = (patch: Partial<Proposal>) => setProposal((current) => ({ ...current, ...patch }));
  // A recipient chosen before the list arrived (or a single one) may come later: fill it in.
  const recipientId =
    proposal.recipient_organisation_id || (options.length === 1 ? options[0].id : '');

  async function confirm() {
    const ready = { ...proposal, recipient_organisation_id: recipientId };
    const found = proposalProblem(ready);
    setProblem(found);
    if (found) {
      fields[found].current?.focus();
      return;
    }
    setBusy(true);
    await propose(visit, ready, suggestion?.code ?? null);
    const name = recipients.find((org) => org.id === ready.recipient_organisation_id)?.name ?? '';
    onDone(m.confirmed(name));
  }

  async function skipIt() {
    if (!suggestion) return;
    setBusy(true);
    await skip(visit, suggestion.code);
    onDone(m.skipped);
  }

  const error = (name: 'recipient' | 'need' | 'due') =>
    problem === name ? (
      <p class="error" id={id(`${name}-error`)}>
        {m.problems[name]}
      </p>
    ) : null;
  const described = (name: 'recipient' | 'need' | 'due', hint?: string) =>
    [problem === name ? id(`${name}-error`) : '', hint ?? ''].filter(Boolean).join(' ') || undefined;

  return (
    <fieldset class="stack proposal" data-testid="suggestion" data-code={suggestion?.code ?? ''}>
      <legend>
        {suggestion ? m.proposal(kinds[suggestion.recipient_kind] ?? suggestion.recipient_kind) : m.extra}
      </legend>
      <div>
        {options.length === 0 ? (
          <>
            <p class="label">
              <strong>{m.recipient}</strong>
            </p>
            <p class="hint">{m.noRecipients}</p>
          </>
        ) : (
          <>
            <label for={id('recipient')}>{m.recipient}</label>
            {error('recipient')}
            <select
              id={id('recipient')}
              ref={fields.recipient}
              value={recipientId}
              aria-invalid={problem === 'recipient' ? 'true' : undefined}
              aria-describedby={described('recipient')}
              onChange={(event) => set({ recipient_organisation_id: event.currentTarget.value })}
            >
              <option value="">{m.chooseRecipient}</option>
              {options.map((org) => (
                <option key={org.id} value={org.id}>
                  {suggestion ? org.name : `${org.name} (${kinds[org.kind] ?? org.kind})`}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      <div>
        <label for={id('need')}>{m.need}</label>
        {suggestion && lang.value === 'en' && (
          <p class="hint" id={id('need-hint')}>
            {m.needMeaning(suggestion.need_en)}
          </p>
        )}
        {error('need')}
        <textarea
          id={id('need')}
          ref={fields.need}
          rows={2}
          maxLength={NEED_MAX}
          value={proposal.need}
          aria-invalid={problem === 'need' ? 'true' : undefined}
          aria-describedby={described('need', suggestion && lang.value === 'en' ? id('need-hint') : undefined)}
          onInput={(event) => set({ need: event.currentTarget.value })}
        />
      </div>
      <div>
        <label for={id('due')}>{m.due}</label>
        {error('due')}
        <input
          id={id('due')}
          ref={fields.due}
          type="date"
          value={proposal.due_on}
          aria-invalid={problem === 'due' ? 'true' : undefined}
          aria-describedby={described('due')}
          onInput={(event) => set({ due_on: event.currentTarget.value })}
        />
      </div>
      {suggestion ? (
        <p>
          <strong>{m.categories}:</strong>{' '}
          {proposal.categories.map((code) => categoryNames[code] ?? code).join(', ') || m.noCategories}
          <span class="hint"> {m.categoriesHint}</span>
        </p>
      ) : (
        <fieldset>
          <legend>{m.categories}</legend>
          <p class="hint">{m.categoriesHint}</p>
          {Object.entries(categoryNames).map(([code, name]) => (
            <label key={code} class="check">
              <input
                type="checkbox"
                checked={proposal.categories.includes(code)}
                onChange={(event) =>
                  set({
                    categories: event.currentTarget.checked
                      ? [...proposal.categories, code]
                      : proposal.categories.filter((other) => other !== code),
                  })
                }
              />
              {name}
            </label>
          ))}
        </fieldset>
      )}
      <div class="decide-buttons">
        <button
          type="button"
          disabled={busy || options.length === 0}
          data-testid="suggestion-confirm"
          onClick={() => void confirm()}
        >
          {m.confirm}
        </button>
        {suggestion ? (
          <button type="button" class="secondary" disabled={busy} data-testid="suggestion-skip" onClick={() => void skipIt()}>
            {m.skip}
          </button>
        ) : (
          <button type="button" class="secondary" disabled={busy} onClick={onRemove}>
            {m.removeExtra}
          </button>
        )}
      </div>
    </fieldset>
  );
}

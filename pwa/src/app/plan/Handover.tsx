/**
 * Handing the case director role to someone else: choose the person, optionally say why, and
 * send. Online only and never queued: a handover that waited in the outbox would leave two
 * people each thinking the other directs.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OrganisationRef } from '../../db';
import { t } from '../i18n';
import type { HandoverResult } from './api';
import { personLabel, type PlanPerson } from './model';

/** The server's limit (DirectorHandover.note): typing stops there instead of a refusal. */
const NOTE_MAX = 2000;

interface Props {
  /** May I hand over now; false keeps only the last result on screen. */
  allowed: boolean;
  candidates: PlanPerson[];
  organisations: OrganisationRef[];
  myId: string | null;
  outcome: HandoverResult | null;
  onSubmit: (userId: string, note: string) => Promise<void>;
}

export function Handover({ allowed, candidates, organisations, myId, outcome, onSubmit }: Props) {
  const m = t.value.plan.handover;
  const [person, setPerson] = useState('');
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const select = useRef<HTMLSelectElement>(null);
  const result = useRef<HTMLParagraphElement>(null);

  // After a handover the form may be gone (I no longer direct): the confirmation takes focus.
  useEffect(() => {
    if (outcome?.ok) result.current?.focus();
  }, [outcome]);

  async function send() {
    // Checked here so nothing is sent without a choice; the server's invalid_body is the backstop.
    if (!person) {
      setMissing(true);
      select.current?.focus();
      return;
    }
    setMissing(false);
    setBusy(true);
    await onSubmit(person, note);
    setBusy(false);
  }

  // A new outcome that succeeded: the choice is spent (that person directs now).
  useEffect(() => {
    if (!outcome?.ok) return;
    setPerson('');
    setNote('');
  }, [outcome]);

  const described = [missing && 'handover-person-error', candidates.length === 0 && 'handover-none']
    .filter(Boolean)
    .join(' ');
  return (
    <section class="boxed" aria-labelledby="handover-title" data-testid="handover">
      <h3 id="handover-title">{m.title}</h3>
      {outcome && (
        <p
          class={outcome.ok ? 'notice' : 'error'}
          role={outcome.ok ? 'status' : 'alert'}
          tabIndex={-1}
          ref={result}
          data-testid="handover-result"
          data-outcome={outcome.ok ? 'ok' : outcome.problem}
          data-code={outcome.ok ? undefined : (outcome.code ?? undefined)}
        >
          {outcome.ok ? m.done(outcome.director) : `${m.failed} ${m.problems[outcome.problem]}`}
        </p>
      )}
      {allowed && (
        <form
          class="stack"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          <p class="hint">{m.intro}</p>
          <div>
            <label for="handover-person">{m.person}</label>
            {candidates.length === 0 && (
              <p class="hint" id="handover-none">
                {m.noCandidates}
              </p>
            )}
            {missing && (
              <p class="error" id="handover-person-error">
                {m.chooseFirst}
              </p>
            )}
            <select
              id="handover-person"
              ref={select}
              value={person}
              aria-invalid={missing ? 'true' : undefined}
              aria-describedby={described || undefined}
              data-testid="handover-person"
              onChange={(event) => {
                setPerson(event.currentTarget.value);
                if (event.currentTarget.value) setMissing(false);
              }}
            >
              <option value="">{m.choose}</option>
              {candidates.map((candidate) => {
                const label = personLabel(candidate, organisations);
                return (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.id === myId ? m.me(label) : label}
                  </option>
                );
              })}
            </select>
          </div>
          <div>
            <label for="handover-note">{m.note}</label>
            <p class="hint" id="handover-note-hint">
              {m.noteHint}
            </p>
            <textarea
              id="handover-note"
              rows={3}
              maxLength={NOTE_MAX}
              value={note}
              aria-describedby="handover-note-hint"
              onInput={(event) => setNote(event.currentTarget.value)}
            />
          </div>
          <p class="hint" id="handover-afterwards">
            {m.afterwards}
          </p>
          <div>
            <button
              type="submit"
              disabled={busy || candidates.length === 0}
              aria-describedby="handover-afterwards"
              data-testid="handover-submit"
            >
              {busy ? m.busy : m.submit}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

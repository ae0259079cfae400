/**
 * "Vervolgacties voorstellen" on My visits: for each finished visit whose receipt carries
 * suggestions the worker has not decided on yet, a row per suggestion to confirm or skip, and
 * room to add one more. Once every suggestion is decided the visit leaves this list.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OrganisationRef, VisitRow } from '../../db';
import { syncStatus } from '../services';
import { formatDate, t } from '../i18n';
import { undecided } from './model';
import { ProposalForm } from './ProposalForm';
import { loadRecipients } from './store';

interface Props {
  visits: VisitRow[];
  address: (caseId: string) => string;
}

export function Suggestions({ visits, address }: Props) {
  const m = t.value.suggestions;
  const online = syncStatus.value?.online !== false;
  // Rows the worker added, per visit (keys only: each form keeps its own fields).
  const [extras, setExtras] = useState<Record<string, string[]>>({});
  const [said, setSaid] = useState<string | null>(null);
  const [recipients, setRecipients] = useState<OrganisationRef[] | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = visits.filter((visit) => undecided(visit).length > 0 || (extras[visit.id]?.length ?? 0) > 0);
  const wanted = shown.length > 0;

  useEffect(() => {
    if (!wanted) return;
    let alive = true;
    void loadRecipients(online).then((list) => alive && setRecipients(list));
    return () => {
      alive = false;
    };
  }, [wanted, online]);

  if (!wanted && !said) return null;

  function done(text: string) {
    setSaid(text);
    // The row just decided is gone: focus goes to the section, whose status says what happened.
    heading.current?.focus();
  }

  function addExtra(visitId: string) {
    setExtras((current) => ({ ...current, [visitId]: [...(current[visitId] ?? []), crypto.randomUUID()] }));
  }

  function dropExtra(visitId: string, key: string) {
    setExtras((current) => ({ ...current, [visitId]: (current[visitId] ?? []).filter((other) => other !== key) }));
  }

  return (
    <section aria-labelledby="suggestions-title">
      <h2 id="suggestions-title" tabIndex={-1} ref={heading}>
        {m.title}
      </h2>
      <p role="status" class={said ? 'notice' : 'visually-hidden'} data-testid="suggestions-status">
        {said ?? ''}
      </p>
      {wanted && <p class="hint">{m.intro}</p>}
      {shown.map((visit) => (
        <div key={visit.id} class="boxed stack" data-testid="suggestions" data-visit-id={visit.id}>
          <h3>
            {address(visit.case_id)} · {formatDate(visit.body.visited_on)}
          </h3>
          {recipients === null ? (
            <p role="status">{t.value.followups.loading}</p>
          ) : (
            <>
              {undecided(visit).map((suggestion) => (
                <ProposalForm
                  key={suggestion.code}
                  visit={visit}
                  suggestion={suggestion}
                  idPrefix={`s-${visit.id}-${suggestion.code}`}
                  recipients={recipients}
                  onDone={done}
                />
              ))}
              {(extras[visit.id] ?? []).map((key) => (
                <ProposalForm
                  key={key}
                  visit={visit}
                  suggestion={null}
                  idPrefix={`x-${key}`}
                  recipients={recipients}
                  onDone={(text) => {
                    dropExtra(visit.id, key);
                    done(text);
                  }}
                  onRemove={() => dropExtra(visit.id, key)}
                />
              ))}
            </>
          )}
          <p>
            <button type="button" class="secondary" data-testid="suggestion-add" onClick={() => addExtra(visit.id)}>
              {m.addOne}
            </button>
          </p>
        </div>
      ))}
    </section>
  );
}

/** My visits: drafts still open, and finished visits with their sync and review state. */
import { useLocation } from 'preact-iso';
import { db } from '../services';
import { useLive } from '../live';
import { formatDate, formatDateTime, label, t } from '../i18n';
import { startCorrection } from '../visits';
import { addressLine } from '../cases';
import { Suggestions } from '../followups/Suggestions';
import type { VisitRow } from '../../db';

export function MyVisits() {
  const m = t.value;
  const { route } = useLocation();
  const drafts = useLive(() => db.drafts.orderBy('updated_at').reverse().toArray(), []);
  const visits = useLive(() => db.visits.toArray(), []);
  const cases = useLive(() => db.cases.toArray(), []);
  const forms = useLive(() => db.forms.toArray(), []);
  if (!drafts || !visits) return null;
  const address = new Map((cases ?? []).map((row) => [row.id, row.address ? `${row.address.street} ${row.address.house_number}` : addressLine(row)]));
  const formTitle = (key: string) => (forms ?? []).find((form) => form.key === key)?.title ?? null;
  const sorted = [...visits].sort((a, b) => (a.finalized_at < b.finalized_at ? 1 : -1));

  async function correct(visit: VisitRow) {
    const draft = await startCorrection(visit);
    route(`/bezoek/${draft.id}`);
  }

  return (
    <>
      <h1>{m.visits.title}</h1>
      {drafts.length > 0 && (
        <section aria-labelledby="drafts">
          <h2 id="drafts">{m.visits.drafts}</h2>
          <ul class="cards">
            {drafts.map((draft) => (
              <li key={draft.id}>
                <a class="card" href={`/bezoek/${draft.id}`}>
                  <strong>{address.get(draft.case_id) ?? draft.case_id}</strong>
                  <span>{formLabel(formTitle(draft.form_key), draft.form_key)}</span>
                  <span>{formatDateTime(draft.updated_at)}</span>
                  {draft.replaces && <span class="tag">{m.visit.correctionOf}</span>}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <Suggestions visits={sorted} address={(caseId) => address.get(caseId) ?? caseId} />
      <section aria-labelledby="finished">
        <h2 id="finished">{m.visits.finalized}</h2>
        {sorted.length === 0 && <p>{m.visits.empty}</p>}
        <ul class="cards">
          {sorted.map((visit) => {
            const state = visit.status === 'sent' && visit.server_state ? visit.server_state : visit.status;
            // Under a returned visit above all (what to correct), and with an approval too.
            const comment = visit.review_comment?.trim() ? visit.review_comment : null;
            return (
              <li key={visit.id} class="card" data-testid="visit-card" data-id={visit.id} data-state={state}>
                <strong>{address.get(visit.case_id) ?? visit.case_id}</strong>
                <span>
                  {formLabel(formTitle(visit.body.form_key), visit.body.form_key)} ·{' '}
                  {formatDate(visit.body.visited_on)}
                </span>
                <span class={`tag state-${state}`} data-testid="visit-state">
                  {m.visits.state[state] ?? state}
                </span>
                {visit.problem && visit.status === 'set_aside' && (
                  <span class="error">
                    {m.syncPage.reason}: {visit.problem.detail} ({visit.problem.code})
                  </span>
                )}
                {comment && (
                  <p class="note comment" data-testid="review-comment">
                    <strong>{m.visits.reviewComment}:</strong> {comment}
                  </p>
                )}
                <ProposedSummary visit={visit} />
                {(state === 'returned' || state === 'set_aside') && (
                  <button type="button" class="secondary" onClick={() => void correct(visit)}>
                    {m.visits.correct}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}

/** Once the suggestions are decided: how many follow-ups this visit led to. */
function ProposedSummary({ visit }: { visit: VisitRow }) {
  const m = t.value.suggestions;
  const choices = Object.values(visit.followup_choices ?? {});
  if (choices.length === 0) return null;
  const confirmed = choices.filter((choice) => choice.decision === 'confirmed').length;
  return (
    <p class="note" data-testid="suggestions-summary" data-confirmed={confirmed}>
      {m.summary(confirmed)} {confirmed > 0 && <a href="/vervolg">{m.open}</a>}
    </p>
  );
}

function formLabel(title: { nl: string; en: string } | null, key: string): string {
  return title ? label(title) : key;
}

/** One case: the household, where it stands, its plan, its timeline, and starting a visit. */
import { useLocation } from 'preact-iso';
import { db } from '../services';
import { useLive } from '../live';
import { formatCents, formatDate, formatDateTime, label, t } from '../i18n';
import { addressLine, signalOf, type CaseMember, type PersonRef, type TimelineEntry } from '../cases';
import { startDraft } from '../visits';
import { PlanSection } from '../plan/PlanSection';

export function CaseView({ id }: { id: string }) {
  const m = t.value;
  const { route } = useLocation();
  const row = useLive(() => db.cases.get(id).then((found) => found ?? null), [id]);
  const forms = useLive(
    () => db.forms.filter((form) => form.latest && form.definition !== null).toArray(),
    [],
  );
  const drafts = useLive(() => db.drafts.where('case_id').equals(id).toArray(), [id]);
  const visits = useLive(() => db.visits.where('case_id').equals(id).toArray(), [id]);
  if (row === undefined) return null;
  if (row === null) {
    return (
      <>
        <p>{m.caseView.notFound}</p>
        <a href="/zaken">{m.caseView.back}</a>
      </>
    );
  }
  const signal = signalOf(row);
  const members = (row.members as CaseMember[] | undefined) ?? [];
  const timeline = [...((row.timeline as TimelineEntry[] | undefined) ?? [])].reverse();
  const director = row.director as PersonRef | null;
  const assigned = (row.assigned as PersonRef[] | undefined) ?? [];

  async function start(key: string, version: number) {
    const draft = await startDraft(id, key, version);
    route(`/bezoek/${draft.id}`);
  }

  return (
    <>
      <p>
        <a href="/zaken">← {m.caseView.back}</a>
      </p>
      <h1>{addressLine(row)}</h1>
      <dl class="facts">
        <dt>{m.caseView.step}</dt>
        <dd>{m.steps[row.process_step] ?? row.process_step}</dd>
        <dt>{m.caseView.arrearsLabel}</dt>
        <dd>{signal.arrears_cents == null
                            ? m.cases.arrearsWithheld
                            : m.cases.arrears(formatCents(signal.arrears_cents), signal.arrears_months ?? 0)}</dd>
        <dt>{m.caseView.director}</dt>
        <dd>{director ? director.display_name : m.caseView.noDirector}</dd>
        <dt>{m.caseView.assigned}</dt>
        <dd>{assigned.map((person) => person.display_name).join(', ')}</dd>
      </dl>

      <section aria-labelledby="visit-start">
        <h2 id="visit-start">{m.caseView.startVisit}</h2>
        {(drafts ?? []).map((draft) => (
          <p key={draft.id}>
            <a class="button" href={`/bezoek/${draft.id}`}>
              {m.caseView.continueDraft} ({formatDateTime(draft.updated_at)})
            </a>
          </p>
        ))}
        {forms && forms.length === 0 && <p>{m.caseView.formsMissing}</p>}
        <ul class="choices">
          {(forms ?? [])
            .filter((form) => form.key !== 'signaal_huurachterstand')
            .map((form) => (
              <li key={`${form.key}/${form.version}`}>
                <button type="button" onClick={() => void start(form.key, form.version)}>
                  {label(form.title)}
                </button>
              </li>
            ))}
        </ul>
      </section>

      <section aria-labelledby="household">
        <h2 id="household">{m.caseView.household}</h2>
        <ul>
          {members.map((member) => (
            <li key={member.member_id}>
              {member.name} ({m.caseView.relation[member.relation] ?? member.relation}
              {member.birth_year ? `, ${member.birth_year}` : ''})
            </li>
          ))}
        </ul>
      </section>

      <PlanSection key={row.id} row={row} />

      {visits && visits.length > 0 && (
        <section aria-labelledby="case-visits">
          <h2 id="case-visits">{m.caseView.visits}</h2>
          <ul>
            {visits.map((visit) => (
              <li key={visit.id}>
                {formatDate(visit.body.visited_on)} · {visit.body.form_key} ·{' '}
                {m.visits.state[visit.server_state ?? visit.status]}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="timeline">
        <h2 id="timeline">{m.caseView.timeline}</h2>
        {timeline.length === 0 ? (
          <p>{m.caseView.noTimeline}</p>
        ) : (
          <ol class="timeline">
            {timeline.map((entry) => (
              <li key={entry.id}>
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>{' '}
                <span>{entry.kind.replace(/_/g, ' ')}</span>
                {entry.actor && <span> · {entry.actor.display_name}</span>}
                {entry.organisation && <span> ({entry.organisation.name})</span>}
                {entry.note && <p class="note">{entry.note}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

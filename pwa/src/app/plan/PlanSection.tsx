/**
 * The case screen's plan: fetched from the server each time the case opens (it holds the
 * follow-ups of every organisation, which this device does not keep), with the director
 * handover for whoever may make it. Offline it says so instead of showing something stale.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CaseRow, OrganisationRef } from '../../db';
import { t } from '../i18n';
import { session } from '../session';
import { syncStatus } from '../services';
import { fetchPlan, handOver, type HandoverResult, type PlanResult } from './api';
import { handoverCandidates, mayHandOver, type PlanPerson } from './model';
import { PlanBody } from './PlanBody';
import { Handover } from './Handover';

/** Keyed by the case id where it is used: another case starts from nothing. */
export function PlanSection({ row }: { row: CaseRow }) {
  const m = t.value.plan;
  const offline = syncStatus.value?.online === false;
  const [result, setResult] = useState<PlanResult | null>(null);
  const [reload, setReload] = useState(0);
  const [outcome, setOutcome] = useState<HandoverResult | null>(null);

  // A reload keeps the plan on screen until the new one is in, so nothing jumps or loses focus.
  useEffect(() => {
    if (offline) return;
    let alive = true;
    void fetchPlan(row.id).then((next) => alive && setResult(next));
    return () => {
      alive = false;
    };
  }, [row.id, offline, reload]);

  const user = session.value?.user ?? null;
  const me = user && {
    id: user.id,
    display_name: user.display_name,
    organisation_id: user.organisation.id,
    roles: user.roles,
  };
  const plan = result?.kind === 'ok' ? result.plan : null;
  // The plan is the fresher word on who directs; the case row (last sync) until it is in.
  const rowDirector = (row.director as PlanPerson | null | undefined) ?? null;
  const director = plan ? plan.director : rowDirector;
  // The directing organisation is the case's own field; the row has it for the row's director.
  const rowDirecting = (row.director_organisation as OrganisationRef | null | undefined)?.id ?? null;
  const directing = director && director.id === rowDirector?.id ? rowDirecting : (director?.organisation_id ?? null);
  const allowed = !offline && plan !== null && mayHandOver(me, director, directing);
  const assigned = (row.assigned as PlanPerson[] | undefined) ?? [];
  const candidates = handoverCandidates(assigned, me, director?.id ?? null);
  const organisations = [
    ...((row.participants as OrganisationRef[] | undefined) ?? []),
    ...(user ? [user.organisation] : []),
  ];

  async function submit(userId: string, note: string) {
    const answer = await handOver(row.id, userId, note);
    const chosen = candidates.find((person) => person.id === userId);
    setOutcome(answer.ok && !answer.director ? { ok: true, director: chosen?.display_name ?? '' } : answer);
    // Refused or not: the plan may have moved on (another handover meanwhile), so ask again.
    if (answer.ok || answer.problem !== 'offline') setReload((n) => n + 1);
  }

  return (
    <section aria-labelledby="case-plan-title" data-testid="case-plan" data-state={offline ? 'offline' : (result?.kind ?? 'loading')}>
      <h2 id="case-plan-title">{m.title}</h2>
      {(offline || result?.kind === 'offline') && <p class="notice">{m.needsNetwork}</p>}
      {!offline && result === null && <p role="status">{m.loading}</p>}
      {!offline && result?.kind === 'not_found' && <p>{m.notFound}</p>}
      {!offline && (result?.kind === 'error' || result?.kind === 'offline') && (
        <p>
          {result.kind === 'error' && <span class="error">{m.failed} </span>}
          <button type="button" class="secondary" onClick={() => setReload((n) => n + 1)}>
            {m.retry}
          </button>
        </p>
      )}
      {!offline && plan && <PlanBody plan={plan} />}
      {(allowed || outcome) && (
        <Handover
          allowed={allowed}
          candidates={candidates}
          organisations={organisations}
          myId={me?.id ?? null}
          outcome={outcome}
          onSubmit={submit}
        />
      )}
    </section>
  );
}

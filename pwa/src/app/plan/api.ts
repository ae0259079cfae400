/**
 * The plan and the handover talk to the server directly (online only, never queued): the plan
 * shows follow-ups of every organisation, which this device does not keep, and a handover must
 * be seen to succeed or fail at once, not hours later from the outbox.
 */
import type { CaseDetail } from '../../db';
import { callApi } from '../online';
import { engine } from '../services';
import { directorPath, handoverProblem, isCasePlan, planPath, type CasePlan, type HandoverProblem } from './model';

export type PlanResult =
  | { kind: 'ok'; plan: CasePlan }
  | { kind: 'offline' }
  | { kind: 'not_found' }
  | { kind: 'error' };

export async function fetchPlan(caseId: string): Promise<PlanResult> {
  const answer = await callApi<unknown>('GET', planPath(caseId));
  if (answer.status === 0) return { kind: 'offline' };
  // A 404 also means "not for you": the server does not tell the two apart.
  if (answer.status === 404 || answer.status === 403) return { kind: 'not_found' };
  if (!answer.ok || !isCasePlan(answer.data)) return { kind: 'error' };
  return { kind: 'ok', plan: answer.data };
}

export type HandoverResult = { ok: true; director: string } | { ok: false; problem: HandoverProblem; code: string | null };

export async function handOver(caseId: string, userId: string, note: string): Promise<HandoverResult> {
  const answer = await callApi<CaseDetail>('POST', directorPath(caseId), { user_id: userId, note: note.trim() });
  if (!answer.ok || !answer.data) {
    return { ok: false, problem: handoverProblem(answer), code: answer.code };
  }
  // The cached case (director, timeline) is the sync's to write: a pull brings the new state,
  // or removes the case when I no longer take part in it.
  void engine.syncNow();
  const director = answer.data.director as { display_name?: string } | null | undefined;
  return { ok: true, director: director?.display_name ?? '' };
}

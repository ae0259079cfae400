/**
 * What the follow-up screens do: queue actions and new follow-ups (the outbox sends them, so
 * they work offline), fetch one follow-up when a message points at it, the recipients for a
 * proposal, and the extract's PDF (online only: it is sealed at the request).
 */
import { getMeta, setMeta } from '../../db';
import type {
  FollowupActionName,
  FollowupPerson,
  FollowupView,
  OrganisationRef,
  VisitRow,
} from '../../db';
import { followupOutboxRow, followupPath, queueFollowupAction, storeFollowupView } from '../../sync';
import { callApi, callApiBlob } from '../online';
import { db, engine } from '../services';
import { session } from '../session';
import { followupWrite, type Proposal } from './model';

export function me(): FollowupPerson | null {
  const user = session.value?.user;
  return user ? { id: user.id, display_name: user.display_name, organisation_id: user.organisation.id } : null;
}

/** Queued, then sent at once when there is a network. */
export async function act(followupId: string, action: FollowupActionName, text: string): Promise<void> {
  await queueFollowupAction(db, followupId, action, text.trim());
  void engine.syncNow();
}

export async function dismissNotice(followupId: string): Promise<void> {
  await db.followups.update(followupId, { notice: null });
}

export type FetchResult = 'ok' | 'offline' | 'not_found' | 'other';

/**
 * One follow-up from the server (a message pointed at one not yet synced, or a fresh extract
 * on opening it). Kept like the lists keep them.
 */
export async function fetchFollowup(id: string): Promise<FetchResult> {
  const answer = await callApi<FollowupView>('GET', followupPath(id));
  if (answer.status === 0) return 'offline';
  if (answer.status === 404 || answer.status === 403) return 'not_found';
  if (!answer.ok || !answer.data) return 'other';
  const mine = session.value?.user.organisation.id;
  const scope = answer.data.recipient_organisation.id === mine ? 'received' : 'sent';
  await storeFollowupView(db, answer.data, scope, new Date().toISOString());
  return 'ok';
}

/** The extract as the sealed PDF the server makes at this request. */
export async function downloadExtract(id: string): Promise<boolean> {
  const answer = await callApiBlob(`${followupPath(id)}/extract.pdf`, 'application/pdf');
  if (!answer.ok || !answer.data) return false;
  const blob = answer.data.type === 'application/pdf' ? answer.data : new Blob([answer.data], { type: 'application/pdf' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `vervolgactie-${id.slice(0, 8)}.pdf`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  return true;
}

/** The network's organisations: fetched when online, kept for proposing offline. */
export async function loadRecipients(online: boolean): Promise<OrganisationRef[]> {
  if (online) {
    const answer = await callApi<OrganisationRef[]>('GET', '/api/followups/recipients');
    if (answer.ok && Array.isArray(answer.data)) {
      await setMeta(db, 'recipients', { fetched_at: new Date().toISOString(), items: answer.data });
      return answer.data;
    }
  }
  return (await getMeta(db, 'recipients'))?.items ?? [];
}

/**
 * Confirm a suggestion (or an added follow-up): the new follow-up's id is made here, and the
 * outbox row and the worker's choice are written together, so neither exists without the other.
 */
export async function propose(
  visit: VisitRow,
  proposal: Proposal,
  suggestionCode: string | null,
): Promise<string> {
  const id = crypto.randomUUID();
  const key = suggestionCode ?? `extra:${id}`;
  const body = followupWrite(visit, proposal, suggestionCode);
  await db.transaction('rw', [db.outbox, db.visits], async () => {
    await db.outbox.add(followupOutboxRow(id, body));
    await choose(visit.id, key, { decision: 'confirmed', followup_id: id, at: new Date().toISOString() });
  });
  void engine.syncNow();
  return id;
}

export async function skip(visit: VisitRow, suggestionCode: string): Promise<void> {
  await db.transaction('rw', [db.visits], () =>
    choose(visit.id, suggestionCode, { decision: 'skipped', followup_id: null, at: new Date().toISOString() }),
  );
}

async function choose(visitId: string, key: string, choice: NonNullable<VisitRow['followup_choices']>[string]) {
  const current = await db.visits.get(visitId);
  if (!current) return;
  await db.visits.update(visitId, { followup_choices: { ...(current.followup_choices ?? {}), [key]: choice } });
}

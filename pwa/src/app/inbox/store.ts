/**
 * The inbox online, with the last list kept for reading offline. A message read offline is
 * marked here at once and told to the server on the next refresh: a read mark is no work of the
 * worker's, so it does not go through the outbox (where a refusal would sit set aside and stop
 * the worker from logging out).
 */
import { getMeta, setMeta, type InboxItem } from '../../db';
import { callApi } from '../online';
import { db } from '../services';
import { mergeInbox, RECENT_LIMIT, UNREAD_LIMIT } from './model';

export type RefreshResult = 'ok' | 'offline' | 'error';

let running: Promise<RefreshResult> | null = null;

/** One refresh at a time: the menu and the screen both ask. */
export function refreshInbox(): Promise<RefreshResult> {
  running ??= refresh().finally(() => {
    running = null;
  });
  return running;
}

async function refresh(): Promise<RefreshResult> {
  if (!(await sendReads())) return 'offline';
  const [unread, recent] = await Promise.all([
    callApi<InboxItem[]>('GET', `/api/notifications?unread=true&limit=${UNREAD_LIMIT}&offset=0`),
    callApi<InboxItem[]>('GET', `/api/notifications?limit=${RECENT_LIMIT}&offset=0`),
  ]);
  if (unread.status === 0 || recent.status === 0) return 'offline';
  if (!Array.isArray(unread.data) || !Array.isArray(recent.data)) return 'error';
  await setMeta(db, 'inbox', {
    fetched_at: new Date().toISOString(),
    items: mergeInbox(unread.data, recent.data),
    unread_capped: unread.data.length >= UNREAD_LIMIT,
  });
  return 'ok';
}

/** Mark read here now; the server hears of it now or at the next refresh. */
export async function markRead(id: string): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const unsent = (await getMeta(db, 'inbox_unsent_reads')) ?? [];
    if (!unsent.includes(id)) await setMeta(db, 'inbox_unsent_reads', [...unsent, id]);
  });
  void sendReads();
}

/** Returns false when the server could not be reached (the marks wait for the next time). */
async function sendReads(): Promise<boolean> {
  const unsent = (await getMeta(db, 'inbox_unsent_reads')) ?? [];
  for (const id of unsent) {
    const answer = await callApi<InboxItem>('POST', `/api/notifications/${encodeURIComponent(id)}/read`);
    if (answer.status === 0) return false;
    // Done, or gone (404) or refused: either way nothing more to tell the server.
    await db.transaction('rw', db.meta, async () => {
      const now = (await getMeta(db, 'inbox_unsent_reads')) ?? [];
      await setMeta(db, 'inbox_unsent_reads', now.filter((other) => other !== id));
      const inbox = await getMeta(db, 'inbox');
      if (!inbox) return;
      const read_at = answer.data?.read_at ?? new Date().toISOString();
      await setMeta(db, 'inbox', {
        ...inbox,
        items: inbox.items.map((item) => (item.id === id ? { ...item, read_at } : item)),
      });
    });
  }
  return true;
}

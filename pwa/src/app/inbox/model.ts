/**
 * The inbox as the worker sees it: the server's lists merged, reads made on this device laid
 * over them, and where each message leads. Pure functions: the screen, the menu's count and the
 * tests share them.
 */
import type { InboxItem } from '../../db';

/** Unread ones come in full (up to this many); the read ones only as the latest few. */
export const UNREAD_LIMIT = 100;
export const RECENT_LIMIT = 30;

/** Both lists as one, newest first, each message once. */
export function mergeInbox(unread: InboxItem[], recent: InboxItem[]): InboxItem[] {
  const byId = new Map<string, InboxItem>();
  for (const item of [...recent, ...unread]) byId.set(item.id, item);
  return [...byId.values()].sort(
    (a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id),
  );
}

/** Read on this device counts as read, also before the server heard of it. */
export function isUnread(item: InboxItem, unsentReads: readonly string[]): boolean {
  return item.read_at === null && !unsentReads.includes(item.id);
}

export function unreadCount(items: InboxItem[], unsentReads: readonly string[]): number {
  return items.filter((item) => isUnread(item, unsentReads)).length;
}

/** What a message opens: the follow-up itself, or my visits for a review decision. */
export function targetOf(item: Pick<InboxItem, 'object_type' | 'object_id'>): string {
  if (item.object_type === 'followup') return `/vervolg/${encodeURIComponent(item.object_id)}`;
  if (item.object_type === 'visit') return '/bezoeken';
  return '/berichten';
}

/** The inbox's merging, unread count and targets, and the VAPID key's decoding. */
import { describe, expect, it } from 'vitest';
import type { InboxItem } from '../src/db/types';
import { mergeInbox, targetOf, unreadCount } from '../src/app/inbox/model';
import { base64UrlToBytes, sameBytes } from '../src/app/base64url';

function item(id: string, at: string, read = false, patch: Partial<InboxItem> = {}): InboxItem {
  return {
    id,
    kind: 'followup_new',
    object_type: 'followup',
    object_id: `f-${id}`,
    title_nl: 'Nieuwe vervolgactie voor uw organisatie',
    title_en: 'New follow-up for your organisation',
    created_at: at,
    read_at: read ? '2026-11-25T09:00:00Z' : null,
    ...patch,
  };
}

describe('the inbox', () => {
  it('merges the unread and the latest into one list, newest first, each once', () => {
    const a = item('a', '2026-11-20T09:00:00Z');
    const b = item('b', '2026-11-24T09:00:00Z', true);
    const c = item('c', '2026-11-22T09:00:00Z');
    expect(mergeInbox([a, c], [b, c]).map((x) => x.id)).toEqual(['b', 'c', 'a']);
  });

  it('counts as read what was read on this device before the server heard of it', () => {
    const items = [item('a', '1'), item('b', '2'), item('c', '3', true)];
    expect(unreadCount(items, [])).toBe(2);
    expect(unreadCount(items, ['a'])).toBe(1);
  });

  it('opens a follow-up itself and my visits for a review decision', () => {
    expect(targetOf({ object_type: 'followup', object_id: 'f-1' })).toBe('/vervolg/f-1');
    expect(targetOf({ object_type: 'visit', object_id: 'v-1' })).toBe('/bezoeken');
    expect(targetOf({ object_type: 'other', object_id: 'x' })).toBe('/berichten');
  });
});

describe('the VAPID key', () => {
  it('decodes base64url without padding into the 65 bytes of a P-256 point', () => {
    const bytes = new Uint8Array(65).map((_, i) => (i * 37 + 4) & 0xff);
    const text = btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(text).not.toContain('=');
    const decoded = base64UrlToBytes(text);
    expect([...decoded]).toEqual([...bytes]);
    expect(sameBytes(decoded.buffer, bytes)).toBe(true);
    expect(sameBytes(new Uint8Array(65), bytes)).toBe(false);
    expect(sameBytes(null, bytes)).toBe(false);
  });
});

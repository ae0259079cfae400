/**
 * My messages: what happened that concerns me (a follow-up for my organisation, a report
 * reviewed), newest first, unread marked. Fetched when there is a network; the last list stays
 * readable offline. Opening one marks it read and goes to what it is about.
 */
import { useEffect, useState } from 'preact/hooks';
import { getMeta, type InboxItem } from '../../db';
import { db, syncStatus } from '../services';
import { useLive } from '../live';
import { formatDateTime, lang, t } from '../i18n';
import { isUnread, targetOf } from '../inbox/model';
import { markRead, refreshInbox, type RefreshResult } from '../inbox/store';
import { PushSettings } from '../inbox/PushSettings';

export function Inbox() {
  const m = t.value.inbox;
  const offline = syncStatus.value?.online === false;
  const inbox = useLive(() => getMeta(db, 'inbox').then((value) => value ?? null), []);
  const unsent = useLive(() => getMeta(db, 'inbox_unsent_reads').then((value) => value ?? []), []);
  const [loading, setLoading] = useState(false);
  const [result, setResult] = useState<RefreshResult | null>(null);

  async function load() {
    setLoading(true);
    setResult(await refreshInbox());
    setLoading(false);
  }

  // On arrival, and again when the network comes back.
  useEffect(() => {
    if (!offline) void load();
  }, [offline]);

  if (inbox === undefined || unsent === undefined) return null;
  const items = inbox?.items ?? [];
  return (
    <>
      <h1>{m.title}</h1>
      {offline && inbox && <p class="notice warn-box">{m.offline}</p>}
      {result === 'error' && (
        <p class="error" role="alert">
          {m.loadFailed}
        </p>
      )}
      <div class="queue-head">
        {inbox && <p class="hint">{m.fetchedAt(formatDateTime(inbox.fetched_at))}</p>}
        <button type="button" class="secondary" disabled={loading || offline} onClick={() => void load()}>
          {loading ? m.loading : m.refresh}
        </button>
      </div>
      {!inbox ? (
        <p>{loading ? m.loading : m.notLoaded}</p>
      ) : items.length === 0 ? (
        <p data-testid="inbox-empty">{m.empty}</p>
      ) : null}
      <ul class="review-list" data-testid="inbox">
        {items.map((item) => (
          <Message key={item.id} item={item} unread={isUnread(item, unsent)} />
        ))}
      </ul>
      <PushSettings />
    </>
  );
}

function Message({ item, unread }: { item: InboxItem; unread: boolean }) {
  const m = t.value.inbox;
  const title = lang.value === 'en' ? item.title_en : item.title_nl;
  return (
    <li data-testid="inbox-item" data-id={item.id} data-kind={item.kind} data-unread={unread ? 'true' : 'false'}>
      <a
        class={`review-link${unread ? ' unread' : ''}`}
        href={targetOf(item)}
        // preact-iso routes the link; the read mark is kept on the device first (offline too).
        onClick={() => void markRead(item.id)}
      >
        {unread ? <strong>{title}</strong> : <span>{title}</span>}
        <span class="hint">
          {formatDateTime(item.created_at)}
          {unread && (
            <>
              {' · '}
              <span class="tag">{m.unread}</span>
            </>
          )}
        </span>
      </a>
    </li>
  );
}

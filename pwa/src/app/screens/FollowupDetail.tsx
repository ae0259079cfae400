/**
 * One follow-up: what is needed and by when, from whom, the extract, and what I can do with it.
 * Read from the device (offline too); with a network it is fetched fresh on opening, so the
 * extract follows the household's consent of this moment and a message's new follow-up opens
 * before the next sync brought it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { db, syncStatus } from '../services';
import { hasRole } from '../session';
import { useLive } from '../live';
import { formatDate, formatDateTime, t } from '../i18n';
import { localDate } from '../../sync';
import { availableActions, isOverdue, noticeKind, withPending } from '../followups/model';
import { dismissNotice, fetchFollowup, me, type FetchResult } from '../followups/store';
import { ActionPanel } from '../followups/ActionPanel';
import { ExtractView } from '../followups/ExtractView';

export function FollowupDetail({ id }: { id: string }) {
  const m = t.value.followups;
  const row = useLive(() => db.followups.get(id).then((found) => found ?? null), [id]);
  const outbox = useLive(() => db.outbox.where('followup_id').equals(id).toArray(), [id]);
  const offline = syncStatus.value?.online === false;
  const [fetched, setFetched] = useState<FetchResult | 'loading'>('loading');
  const heading = useRef<HTMLHeadingElement>(null);
  const focused = useRef(false);

  useEffect(() => {
    let alive = true;
    setFetched('loading');
    void fetchFollowup(id).then((result) => alive && setFetched(result));
    return () => {
      alive = false;
    };
  }, [id]);

  // A new page for the screen reader: its heading takes the focus once it is on screen (the
  // row and the outbox arrive separately, so after every render until it is).
  useEffect(() => {
    if (focused.current || !heading.current) return;
    heading.current.focus();
    focused.current = true;
  });

  const person = me();
  if (row === undefined || !outbox || !person) return null;
  if (row === null) {
    return (
      <>
        <p>
          <a href="/vervolg">← {m.back}</a>
        </p>
        <h1>{m.title}</h1>
        <p role="status" data-testid="followup-missing">
          {fetched === 'loading' ? m.loading : m.notFound}
        </p>
      </>
    );
  }

  const view = withPending(row, outbox, person);
  const actions = availableActions(view, person, hasRole('supervisor'));
  const received = view.recipient_organisation.id === person.organisation_id;
  return (
    <div data-testid="followup-detail" data-id={view.id} data-state={view.state}>
      <p>
        <a href="/vervolg">← {m.back}</a>
      </p>
      <h1 tabIndex={-1} ref={heading}>
        {view.need}
      </h1>
      {view.notice && (
        <div class="notice warn-box" role="status" data-testid="followup-notice" data-code={view.notice.code}>
          <p>{noticeKind(view.notice) === 'already_claimed' ? m.alreadyClaimed : m.notOpenAnyMore}</p>
          <button type="button" class="secondary" onClick={() => void dismissNotice(view.id)}>
            {m.dismiss}
          </button>
        </div>
      )}
      <dl class="facts">
        <dt>{m.stateLabel}</dt>
        <dd class="tags">
          <span class={`tag state-${view.state}`}>{m.state[view.state] ?? view.state}</span>
          {isOverdue(view, localDate()) && <span class="tag urgent">{m.overdue}</span>}
          {view.waiting && (
            <span class="tag" data-testid="followup-pending">
              {m.pending}
            </span>
          )}
        </dd>
        <dt>{m.dueLabel}</dt>
        <dd>{formatDate(view.due_on)}</dd>
        <dt>{m.fromLabel}</dt>
        <dd>
          {view.from_organisation.name} ({view.created_by.display_name}), {formatDateTime(view.created_at)}
        </dd>
        <dt>{m.toLabel}</dt>
        <dd>{view.recipient_organisation.name}</dd>
        {view.claimed_by && view.state !== 'open' && (
          <>
            <dt>{m.claimedByLabel}</dt>
            <dd>{view.claimed_by.display_name}</dd>
          </>
        )}
        {view.outcome && (
          <>
            <dt>{m.outcome}</dt>
            <dd class="comment">{view.outcome}</dd>
          </>
        )}
        {view.decline_reason && (
          <>
            <dt>{m.declineReason}</dt>
            <dd class="comment">{view.decline_reason}</dd>
          </>
        )}
      </dl>
      {view.refused.length > 0 && (
        <p class="error" data-testid="followup-refused">
          <a href="/sync">{m.refused}</a> ({view.refused.map((problem) => problem.code).join(', ')})
        </p>
      )}
      {received && (
        <ActionPanel
          key={view.id}
          id={view.id}
          actions={actions}
          onlyDecline={actions.length === 1 && actions[0] === 'decline'}
        />
      )}
      <ExtractView id={view.id} extract={received ? view.extract : null} offline={offline} />
    </div>
  );
}

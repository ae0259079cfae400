/**
 * Follow-ups: those for my organisation (open first, overdue marked) and those we sent, with
 * their state. From the device, offline too; our own actions show as they will be, marked as
 * waiting until the server has them.
 */
import { getMeta } from '../../db';
import { db, syncStatus } from '../services';
import { useLive } from '../live';
import { formatDate, t } from '../i18n';
import { localDate } from '../../sync';
import { session } from '../session';
import {
  fromOutbox,
  isOverdue,
  noticeKind,
  receivedOrder,
  sentOrder,
  withPending,
  type FollowupShown,
} from '../followups/model';
import { me } from '../followups/store';

export function Followups() {
  const m = t.value.followups;
  const rows = useLive(() => db.followups.toArray(), []);
  const outbox = useLive(() => db.outbox.where('followup_id').above('').toArray(), []);
  const recipients = useLive(() => getMeta(db, 'recipients'), []);
  const person = me();
  const organisation = session.value?.user.organisation;
  if (!rows || !outbox || !person || !organisation) return null;

  const known = new Set(rows.map((row) => row.id));
  const shown = rows.map((row) => withPending(row, outbox, person));
  const received = shown.filter((row) => row.scopes.includes('received')).sort(receivedOrder);
  const local = outbox
    .filter((row) => row.kind === 'followup' && !known.has(row.record_id))
    .map((row) => fromOutbox(row, person, organisation, recipients?.items ?? []));
  const sent = [...shown.filter((row) => row.scopes.includes('sent')), ...local].sort(sentOrder);
  const neverSynced = !syncStatus.value?.lastSyncAt && rows.length === 0;

  return (
    <>
      <h1>{m.title}</h1>
      {neverSynced && <p class="notice">{m.notLoaded}</p>}
      <div data-testid="followup-list">
        <section aria-labelledby="followups-received">
          <h2 id="followups-received">{m.received}</h2>
          {received.length === 0 ? (
            <p>{m.receivedEmpty}</p>
          ) : (
            <ul class="cards">
              {received.map((row) => (
                <Item key={row.id} row={row} scope="received" />
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="followups-sent">
          <h2 id="followups-sent">{m.sent}</h2>
          {sent.length === 0 ? (
            <p>{m.sentEmpty}</p>
          ) : (
            <ul class="cards">
              {sent.map((row) => (
                <Item key={row.id} row={row} scope="sent" />
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

function Item({ row, scope }: { row: FollowupShown; scope: 'received' | 'sent' }) {
  const m = t.value.followups;
  const overdue = isOverdue(row, localDate());
  const content = (
    <>
      <strong>{row.need}</strong>
      <span>
        {scope === 'received'
          ? m.from(row.from_organisation.name, row.created_by.display_name)
          : m.to(row.recipient_organisation.name || '…')}
      </span>
      <span>{m.due(formatDate(row.due_on))}</span>
      {row.claimed_by && row.state !== 'open' && <span>{m.claimedBy(row.claimed_by.display_name)}</span>}
      <span class="tags">
        <span class={`tag state-${row.state}`}>{m.state[row.state] ?? row.state}</span>
        {overdue && <span class="tag urgent" data-testid="followup-overdue">{m.overdue}</span>}
        {row.waiting && (
          <span class="tag" data-testid="followup-pending">
            {m.pending}
          </span>
        )}
        {row.refused.length > 0 && <span class="tag state-set_aside">{t.value.visits.state.set_aside}</span>}
        {row.notice && (
          <span class="tag">
            {noticeKind(row.notice) === 'already_claimed' ? m.alreadyClaimed : m.notOpenAnyMore}
          </span>
        )}
      </span>
    </>
  );
  return (
    <li data-testid="followup-item" data-id={row.id} data-state={row.state} data-scope={scope}>
      {row.local ? (
        // Not on the server yet: there is nothing more to open than what is shown here.
        <div class="card">{content}</div>
      ) : (
        <a class="card" href={`/vervolg/${row.id}`}>
          {content}
        </a>
      )}
    </li>
  );
}

/**
 * Sync in detail: what is still queued, what the server refused and why (correct and resend,
 * or export to a file for support), and whether the browser keeps our storage.
 */
import { db, engine, persisted } from '../services';
import { useLive } from '../live';
import { formatDateTime, t } from '../i18n';
import type { OutboxRow } from '../../db';

export function SyncPage() {
  const m = t.value.syncPage;
  const rows = useLive(() => db.outbox.toArray(), []);
  if (!rows) return null;
  const setAside = records(rows.filter((row) => row.state === 'set_aside'));
  const pending = rows.filter((row) => row.state === 'pending');

  async function exportFile() {
    const blob = await engine.exportSetAside();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `keukentafel-apart-gezet-${new Date().toISOString().slice(0, 10)}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  return (
    <>
      <h1>{m.title}</h1>
      <section aria-labelledby="storage">
        <h2 id="storage">{m.persisted}</h2>
        <p data-testid="persisted">
          {persisted.value === null ? m.persistedUnknown : persisted.value ? m.persistedYes : m.persistedNo}
        </p>
      </section>
      <section aria-labelledby="set-aside">
        <h2 id="set-aside">{m.setAsideTitle}</h2>
        {setAside.length === 0 ? (
          <p>{m.setAsideNone}</p>
        ) : (
          <>
            <p>{m.setAsideIntro}</p>
            <ul class="cards">
              {setAside.map((row) => (
                <li key={row.seq} class="card" data-testid="set-aside-record">
                  <Record row={row} />
                  <button type="button" onClick={() => void engine.resend(row.seq)}>
                    {m.resend}
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" class="secondary" onClick={() => void exportFile()}>
              {m.export}
            </button>
          </>
        )}
      </section>
      <section aria-labelledby="queue">
        <h2 id="queue">{m.queueTitle}</h2>
        {pending.length === 0 ? (
          <p>{m.queueNone}</p>
        ) : (
          <ul class="cards">
            {pending.map((row) => (
              <li key={row.seq} class="card">
                <Record row={row} />
                {row.attempts > 0 && <span>{m.attempts(row.attempts)}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** A visit's files travel with it: show the visit once, not each of its files as well. */
export function records(rows: OutboxRow[]): OutboxRow[] {
  const visits = new Set(rows.filter((row) => row.kind === 'visit').map((row) => row.record_id));
  return rows.filter((row) => row.kind !== 'attachment' || !visits.has(row.visit_id ?? ''));
}

function Record({ row }: { row: OutboxRow }) {
  const m = t.value.syncPage;
  const problem = row.last_error;
  return (
    <>
      <strong>
        {(row.followup_action && m.followupAction[row.followup_action]) ?? m.kind[row.kind] ?? row.kind} ·{' '}
        {formatDateTime(row.created_at)}
      </strong>
      <span class="mono">{row.record_id}</span>
      {problem && (
        <span class={row.state === 'set_aside' ? 'error' : ''} data-testid="record-reason">
          {m.reason}: {problem.detail} ({problem.code}
          {problem.status ? `, ${problem.status}` : ''})
        </span>
      )}
    </>
  );
}

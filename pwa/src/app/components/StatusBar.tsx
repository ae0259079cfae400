/** Always on screen: online or not, last sync, what is unsent or set aside, and "sync now". */
import { db, engine, syncStatus } from '../services';
import { useLive } from '../live';
import { records } from '../screens/SyncPage';
import { formatDateTime, t } from '../i18n';

export function StatusBar() {
  const status = syncStatus.value;
  const m = t.value.status;
  // Counted as the worker thinks of them: a visit with its photos is one record.
  const setAside = useLive(
    () => db.outbox.where('state').equals('set_aside').toArray().then((rows) => records(rows).length),
    [],
  );
  if (!status) return null;
  return (
    <div class="statusbar" data-testid="sync-status">
      <p class={`net ${status.online ? 'online' : 'offline'}`} role="status" aria-live="polite">
        <span class="dot" aria-hidden="true" />
        <strong data-testid="network-state">{status.online ? m.online : m.offline}</strong>
        {!status.online && <span class="hint"> · {m.offlineHint}</span>}
      </p>
      <p class="sync-facts">
        <span data-testid="unsent-count" data-unsent={status.unsent}>
          {m.unsent(status.unsent)}
        </span>
        {(setAside ?? 0) > 0 && (
          <a href="/sync" class="warn" data-testid="set-aside-count">
            {m.setAside(setAside ?? 0)}
          </a>
        )}
        <span class="last-sync" data-testid="last-sync" data-at={status.lastSyncAt ?? ''}>
          {status.syncing
            ? m.syncing
            : status.lastSyncAt
              ? m.lastSync(formatDateTime(status.lastSyncAt))
              : m.neverSynced}
        </span>
        {status.signInRequired && <span class="warn">{m.signInRequired}</span>}
      </p>
      <button
        type="button"
        class="secondary"
        onClick={() => void engine.syncNow()}
        disabled={status.syncing}
      >
        {m.syncNow}
      </button>
    </div>
  );
}

/** The menu's count of unread messages, from the inbox kept on the device (offline too). */
import { getMeta } from '../../db';
import { db } from '../services';
import { useLive } from '../live';
import { t } from '../i18n';
import { unreadCount } from '../inbox/model';

export function UnreadBadge() {
  const counted = useLive(async () => {
    const [inbox, unsent] = await Promise.all([getMeta(db, 'inbox'), getMeta(db, 'inbox_unsent_reads')]);
    return inbox ? { n: unreadCount(inbox.items, unsent ?? []), capped: inbox.unread_capped } : null;
  }, []);
  if (!counted || counted.n === 0) return null;
  const shown = counted.capped ? `${counted.n}+` : String(counted.n);
  return (
    <span class="badge" data-testid="inbox-unread-count" data-count={counted.n}>
      <span aria-hidden="true">{shown}</span>
      <span class="visually-hidden">{`, ${t.value.nav.unread(counted.n)}`}</span>
    </span>
  );
}

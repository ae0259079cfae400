/** The frame of every signed-in screen: skip link, header with menu and sync status, content. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { lang, t } from '../i18n';
import { hasRole, session } from '../session';
import { logOut, syncStatus, type Unsent } from '../services';
import { disablePush, renewPushSubscription } from '../push';
import { refreshInbox } from '../inbox/store';
import { StatusBar } from './StatusBar';
import { lockNow } from '../lock';
import { UnreadBadge } from './UnreadBadge';
import { UpdatePrompt } from './UpdatePrompt';

export function Layout({ children }: { children: ComponentChildren }) {
  const m = t.value;
  const { path, route } = useLocation();
  const [refused, setRefused] = useState<Unsent | null>(null);
  const user = session.value?.user;
  const links: [string, string][] = [
    ['/zaken', m.nav.cases],
    ['/bezoeken', m.nav.visits],
  ];
  // Follow-ups are handed between people who work on cases (the server's CASE_ROLES).
  if (hasRole('field_worker') || hasRole('supervisor')) links.push(['/vervolg', m.nav.followups]);
  if (hasRole('supervisor')) links.push(['/beoordelen', m.nav.review]);
  links.push(['/berichten', m.nav.inbox], ['/sync', m.nav.sync]);
  if (hasRole('functional_admin')) links.push(['/beheer', m.nav.admin]);

  // The inbox follows each sync (its count is in the menu); a push subscription is sent again
  // on start so it stays with whoever is signed in on this browser.
  const lastSyncAt = syncStatus.value?.lastSyncAt ?? null;
  useEffect(() => {
    void refreshInbox();
  }, [lastSyncAt]);
  useEffect(() => {
    void renewPushSubscription().catch(() => undefined);
  }, []);

  async function onLogout() {
    // Alerts for this worker should not reach a tablet they logged out of.
    // A slow network must not hold the logout: the push service's 410 tells the server later.
    const unsubscribe = () =>
      Promise.race([
        disablePush().then(
          () => undefined,
          () => undefined,
        ),
        new Promise<void>((resolve) => setTimeout(resolve, 5000)),
      ]);
    const unsent = await logOut(unsubscribe);
    setRefused(unsent);
    if (!unsent) route('/inloggen');
  }

  return (
    <>
      <a class="skip" href="#inhoud">
        {m.skipToContent}
      </a>
      <header class="top">
        <div class="top-row">
          <p class="brand">{m.appName}</p>
          {user && (
            <p class="who">
              {user.display_name} · {user.organisation.name}
            </p>
          )}
          <LanguageChoice />
        </div>
        <nav aria-label={m.nav.label}>
          <ul>
            {links.map(([href, text]) => (
              <li key={href}>
                <a href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
                  {text}
                  {href === '/berichten' && <UnreadBadge />}
                </a>
              </li>
            ))}
            <li>
              <button type="button" class="link" onClick={() => void lockNow()}>
                {m.vault.lock}
              </button>
            </li>
            <li>
              <button type="button" class="link" onClick={() => void onLogout()}>
                {m.nav.logout}
              </button>
            </li>
          </ul>
        </nav>
        <StatusBar />
      </header>
      {refused && <LogoutRefused unsent={refused} onClose={() => setRefused(null)} />}
      <UpdatePrompt />
      <main id="inhoud" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function LogoutRefused({ unsent, onClose }: { unsent: Unsent; onClose: () => void }) {
  const m = t.value.logout;
  const lines = [
    unsent.visits && m.unsentVisits(unsent.visits),
    unsent.files && m.unsentFiles(unsent.files),
    unsent.other && m.unsentOther(unsent.other),
    unsent.drafts && m.drafts(unsent.drafts),
    unsent.setAside && m.setAside(unsent.setAside),
  ].filter((line): line is string => Boolean(line));
  return (
    <div class="notice warn-box" role="alert" data-testid="logout-refused">
      <p>
        <strong>{m.refused}</strong>
      </p>
      <ul>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p>{m.hint}</p>
      <button type="button" class="secondary" onClick={onClose}>
        OK
      </button>
    </div>
  );
}

export function LanguageChoice() {
  const m = t.value;
  return (
    <label class="lang">
      <span>{m.language}</span>
      <select
        value={lang.value}
        onChange={(event) => (lang.value = (event.currentTarget as HTMLSelectElement).value as 'nl' | 'en')}
      >
        <option value="nl">{m.languageName.nl}</option>
        <option value="en">{m.languageName.en}</option>
      </select>
    </label>
  );
}

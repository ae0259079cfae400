/** The frame of every signed-in screen: skip link, header with menu and sync status, content. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { lang, t } from '../i18n';
import { hasRole, session } from '../session';
import { logOut, type Unsent } from '../services';
import { StatusBar } from './StatusBar';
import { UpdatePrompt } from './UpdatePrompt';

export function Layout({ children }: { children: ComponentChildren }) {
  const m = t.value;
  const { path, route } = useLocation();
  const [refused, setRefused] = useState<Unsent | null>(null);
  const user = session.value?.user;
  const links: [string, string][] = [
    ['/zaken', m.nav.cases],
    ['/bezoeken', m.nav.visits],
    ['/sync', m.nav.sync],
  ];
  if (hasRole('supervisor')) links.splice(2, 0, ['/beoordelen', m.nav.review]);
  if (hasRole('functional_admin')) links.push(['/beheer', m.nav.admin]);

  async function onLogout() {
    const unsent = await logOut();
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
                </a>
              </li>
            ))}
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

/** Sign in and enrol this tablet. Only this screen needs the network; the rest works offline. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { t } from '../i18n';
import { LanguageChoice } from '../components/Layout';
import { logIn, type LoginResult } from '../session';
import { appState, db, signInReason, wipeDevice } from '../services';
import { afterPasswordLogin, lockNotice, recovering } from '../lock';

function defaultDeviceName(): string {
  const agent = navigator.userAgent;
  if (/iPad|Tablet|Android/.test(agent)) return 'Tablet';
  return 'Browser';
}

export function Login() {
  const m = t.value.login;
  const { route } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [deviceName, setDeviceName] = useState(defaultDeviceName);
  const [result, setResult] = useState<LoginResult | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const outcome = await logIn(db, username.trim(), password, deviceName.trim() || 'Tablet');
    setBusy(false);
    setResult(outcome);
    if (outcome === 'revoked') {
      // The notice of a revoked device shows (signInReason); this tablet starts from nothing.
      setPassword('');
      recovering.value = false;
      await wipeDevice();
    }
    if (outcome === 'ok') {
      setPassword('');
      await afterPasswordLogin();
      route('/zaken');
    }
  }

  const error =
    result === 'failed'
      ? m.failed
      : result === 'throttled'
        ? m.throttled
        : result === 'offline'
          ? m.offline
          : result === 'other_user'
            ? t.value.vault.otherUser
            : null;
  return (
    <>
      <header class="top">
        <div class="top-row">
          <p class="brand">{t.value.appName}</p>
          <LanguageChoice />
        </div>
      </header>
      <main id="inhoud" class="narrow">
        <h1>{m.title}</h1>
        {signInReason.value === 'revoked' && (
          <p class="notice warn-box" role="alert">
            {m.revoked}
          </p>
        )}
        {recovering.value ? (
          <p class="notice" role="status" data-testid="recover-notice">
            {t.value.vault.recoverIntro}
          </p>
        ) : (
          lockNotice.value === 'password_required' && (
            <p class="notice" role="status">
              {t.value.vault.passwordRequired}
            </p>
          )
        )}
        {signInReason.value === 'session' && (
          <p class="notice" role="status">
            {m.signInAgain}
          </p>
        )}
        <p>{m.intro}</p>
        <form onSubmit={(event) => void submit(event)} class="stack">
          <label>
            {m.username}
            <input
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              required
              value={username}
              onInput={(event) => setUsername(event.currentTarget.value)}
            />
          </label>
          <label>
            {m.password}
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          </label>
          <label>
            {m.deviceName}
            <input
              name="device_name"
              required
              maxLength={100}
              value={deviceName}
              onInput={(event) => setDeviceName(event.currentTarget.value)}
            />
          </label>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy}>
            {busy ? m.busy : m.submit}
          </button>
        </form>
        {recovering.value && (
          <p>
            <button
              type="button"
              class="link"
              onClick={() => {
                recovering.value = false;
                appState.value = 'locked';
              }}
            >
              {t.value.vault.backToPin}
            </button>
          </p>
        )}
      </main>
    </>
  );
}

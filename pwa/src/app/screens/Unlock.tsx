/**
 * The PIN screens: choose one after a login on a new tablet, enter it to unlock, and choose a
 * new one after a forgotten PIN was recovered with a password login.
 */
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { LanguageChoice } from '../components/Layout';
import { isValidPin } from '../../vault';
import { forgotPin, lockNotice, setNewPin, setPin, unlockWithPin } from '../lock';
import { appState } from '../services';

function Frame({ title, children }: { title: string; children: preact.ComponentChildren }) {
  return (
    <>
      <header class="top">
        <div class="top-row">
          <p class="brand">{t.value.appName}</p>
          <LanguageChoice />
        </div>
      </header>
      <main id="inhoud" class="narrow">
        <h1>{title}</h1>
        {children}
      </main>
    </>
  );
}

function PinInput({ label, value, onInput, name }: { label: string; value: string; onInput: (v: string) => void; name: string }) {
  return (
    <label>
      {label}
      <input
        name={name}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        pattern="[0-9]*"
        minLength={6}
        maxLength={12}
        required
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
      />
    </label>
  );
}

export function SetPin() {
  const m = t.value.vault;
  return (
    <ChoosePin
      title={m.setTitle}
      intro={m.setIntro}
      submitLabel={m.setSubmit}
      testId="set-pin"
      choose={async (pin) => {
        await setPin(pin);
        return true;
      }}
    />
  );
}

/** After "PIN vergeten?" and a password login whose recovery secret opens this tablet's data. */
export function NewPin() {
  const m = t.value.vault;
  return (
    <ChoosePin title={m.newPinTitle} intro={m.newPinIntro} submitLabel={m.newPinSubmit} testId="new-pin" choose={setNewPin} />
  );
}

function ChoosePin({
  title,
  intro,
  submitLabel,
  testId,
  choose,
}: {
  title: string;
  intro: string;
  submitLabel: string;
  testId: string;
  /** False when the PIN could not be set (a recovery that no longer opens). */
  choose: (pin: string) => Promise<boolean>;
}) {
  const m = t.value.vault;
  const [pin, setPinValue] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (!isValidPin(pin)) return setError(m.pinTooShort);
    if (pin !== again) return setError(m.pinMismatch);
    setError(null);
    setBusy(true);
    try {
      if (!(await choose(pin))) {
        setError(m.recoveryFailed);
        setBusy(false);
      }
    } catch (failure) {
      setError(String(failure));
      setBusy(false);
    }
  }

  return (
    <Frame title={title}>
      <p>{intro}</p>
      <form onSubmit={(event) => void submit(event)} class="stack" data-testid={testId}>
        <PinInput label={m.pin} name="pin" value={pin} onInput={setPinValue} />
        <PinInput label={m.pinAgain} name="pin-again" value={again} onInput={setAgain} />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? m.setBusy : submitLabel}
        </button>
      </form>
    </Frame>
  );
}

export function Unlock() {
  const m = t.value.vault;
  const [pin, setPinValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [left, setLeft] = useState<number | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const result = await unlockWithPin(pin);
    setBusy(false);
    setPinValue('');
    setLeft(result.kind === 'wrong_pin' ? result.left : null);
  }

  const notice = lockNotice.value;
  return (
    <Frame title={m.unlockTitle}>
      <p>{m.unlockIntro}</p>
      <form onSubmit={(event) => void submit(event)} class="stack" data-testid="unlock">
        <PinInput label={m.pin} name="pin" value={pin} onInput={setPinValue} />
        {left !== null && (
          <p class="error" role="alert">
            {m.wrongPin(left)}
          </p>
        )}
        {notice === 'recovery_failed' && (
          <p class="notice warn-box" role="alert" data-testid="recovery-failed">
            {m.recoveryFailed}
          </p>
        )}
        {notice === 'server_required' && (
          <p class="notice warn-box" role="alert" data-testid="unlock-needs-server">
            {m.serverRequired}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? m.unlockBusy : m.unlockSubmit}
        </button>
      </form>
      <p class="row">
        <button type="button" class="link" onClick={forgotPin}>
          {m.forgotPin}
        </button>
        <button type="button" class="link" onClick={() => (appState.value = 'signed_out')}>
          {m.usePassword}
        </button>
      </p>
    </Frame>
  );
}

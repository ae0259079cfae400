/**
 * Turning notifications on for this device. The browser's permission prompt only ever comes
 * from the button; an iPad browser tab cannot get pushes at all, and is told how to install.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { disablePush, enablePush, pushState, type PushChange, type PushState } from '../push';

export function PushSettings() {
  const m = t.value.inbox.push;
  const [state, setState] = useState<PushState | null>(null);
  const [problem, setProblem] = useState<'offline' | 'failed' | null>(null);
  const [busy, setBusy] = useState(false);
  const said = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    void pushState().then(setState);
  }, []);

  async function change(run: () => Promise<PushChange>) {
    setBusy(true);
    setProblem(null);
    const outcome = await run();
    setBusy(false);
    if (outcome === 'offline' || outcome === 'failed') setProblem(outcome);
    setState(await pushState());
    said.current?.focus();
  }

  if (state === null) return null;
  return (
    <section class="boxed" aria-labelledby="push-title" data-testid="push-settings" data-state={state}>
      <h2 id="push-title">{m.title}</h2>
      <p class="hint">{m.intro}</p>
      {state === 'unavailable' ? (
        <p class="notice" data-testid="push-unavailable">
          {m.unavailable}
        </p>
      ) : state === 'no_worker' ? (
        <p class="notice" data-testid="push-unavailable">
          {m.noWorker}
        </p>
      ) : (
        <>
          <p role="status" tabIndex={-1} ref={said}>
            {state === 'on' ? m.on : state === 'denied' ? m.denied : m.off}
            {problem && <span class="error"> {m[problem]}</span>}
          </p>
          {state === 'on' ? (
            <button
              type="button"
              class="secondary"
              disabled={busy}
              data-testid="disable-push"
              onClick={() => void change(disablePush)}
            >
              {busy ? m.busy : m.disable}
            </button>
          ) : (
            // Also after a refusal: some browsers ask again once the setting was reset.
            <button type="button" disabled={busy} data-testid="enable-push" onClick={() => void change(enablePush)}>
              {busy ? m.busy : m.enable}
            </button>
          )}
        </>
      )}
    </section>
  );
}

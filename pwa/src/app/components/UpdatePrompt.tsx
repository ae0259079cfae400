/**
 * A new version of the app is waiting. It never takes over by itself (registerType 'prompt'):
 * the worker chooses when, so a visit in progress is never reloaded from under them.
 */
import { signal } from '@preact/signals';
import { registerSW } from 'virtual:pwa-register';
import { t } from '../i18n';

const waiting = signal(false);
let update: ((reload?: boolean) => Promise<void>) | null = null;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  update = registerSW({
    immediate: true,
    onNeedRefresh: () => {
      waiting.value = true;
    },
  });
}

export function UpdatePrompt() {
  if (!waiting.value) return null;
  const m = t.value.update;
  return (
    <div class="update" role="alertdialog" aria-labelledby="update-text">
      <p id="update-text">{m.available}</p>
      <button type="button" onClick={() => void update?.(true)}>
        {m.reload}
      </button>
      <button type="button" class="secondary" onClick={() => (waiting.value = false)}>
        {m.later}
      </button>
    </div>
  );
}

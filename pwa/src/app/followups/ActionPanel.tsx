/**
 * What the receiving organisation does with a follow-up: one text field (the reason of a
 * decline, the outcome of a completion, an optional note on progress) and the actions open to
 * this worker now. Each is queued on the device and sent when there is a network.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FollowupActionName } from '../../db';
import { t } from '../i18n';
import { needsText } from './model';
import { act } from './store';

/** The server's limit (ActionWrite.text): typing stops there instead of a refusal. */
const TEXT_MAX = 2000;

interface Props {
  id: string;
  actions: FollowupActionName[];
  /** Claimed by a colleague: say why only declining is offered. */
  onlyDecline: boolean;
}

export function ActionPanel({ id, actions, onlyDecline }: Props) {
  const m = t.value.followups;
  const [text, setText] = useState('');
  const [missing, setMissing] = useState<FollowupActionName | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);

  // The buttons just pressed may be gone (the state moved on): the confirmation takes focus.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  async function run(action: FollowupActionName) {
    // Checked here, before anything is queued: the server's text_required is the backstop.
    if (needsText(action) && !text.trim()) {
      setMissing(action);
      field.current?.focus();
      return;
    }
    setMissing(null);
    setBusy(true);
    await act(id, action, text);
    setBusy(false);
    setText('');
    setDone(true);
  }

  // Nothing (left) to do: no panel, unless it still confirms what was just done.
  if (actions.length === 0 && !done) return null;
  return (
    <section class="boxed" aria-labelledby="followup-actions-title">
      <h2 id="followup-actions-title">{m.actions}</h2>
      {done && (
        <p class="notice" role="status" tabIndex={-1} ref={doneRef} data-testid="followup-queued">
          {m.queued}
        </p>
      )}
      {actions.length > 0 && (
        <div class="stack">
          <div>
            <label for="followup-text">{m.text}</label>
            <p class="hint" id="followup-text-hint">
              {m.textHint}
            </p>
            {missing && (
              <p class="error" id="followup-text-error" data-testid="followup-text-error">
                {m.textRequired[missing]}
              </p>
            )}
            <textarea
              id="followup-text"
              ref={field}
              rows={4}
              maxLength={TEXT_MAX}
              value={text}
              aria-invalid={missing ? 'true' : undefined}
              aria-describedby={missing ? 'followup-text-error followup-text-hint' : 'followup-text-hint'}
              data-testid="followup-text"
              onInput={(event) => {
                setText(event.currentTarget.value);
                if (missing && event.currentTarget.value.trim()) setMissing(null);
              }}
            />
          </div>
          <div class="decide-buttons">
            {actions.map((action) => (
              <button
                key={action}
                type="button"
                class={action === 'decline' ? 'secondary' : undefined}
                disabled={busy}
                data-testid={`followup-${action}`}
                onClick={() => void run(action)}
              >
                {m.action[action]}
              </button>
            ))}
          </div>
          {onlyDecline && <p class="hint">{m.onlyClaimer}</p>}
        </div>
      )}
    </section>
  );
}

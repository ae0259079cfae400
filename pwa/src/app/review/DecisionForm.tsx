/**
 * The supervisor's decision on a submitted visit: approve, or return it to the worker with a
 * comment saying what to change. A supervisor's own visit is shown but cannot be decided here.
 */
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import type { Decision, ReviewProblem } from './api';

/** The server's limit (ReviewWrite.comment): typing stops there instead of a refusal. */
const COMMENT_MAX = 2000;

interface Props {
  /** Offline: nothing can be sent. */
  busyDisabled: boolean;
  own: boolean;
  /** Sends the decision; resolves to the server's problem, if any, once it has answered. */
  onDecide: (decision: Decision, comment: string) => Promise<ReviewProblem | null>;
}

export function DecisionForm({ busyDisabled, own, onDecide }: Props) {
  const m = t.value.review;
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState<Decision | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);

  async function send(decision: Decision) {
    const text = comment.trim();
    // Checked here, before anything is sent: the server's comment_required is the backstop.
    if (decision === 'return' && !text) {
      setMissing(true);
      field.current?.focus();
      return;
    }
    setMissing(false);
    setBusy(decision);
    const problem = await onDecide(decision, text);
    setBusy(null);
    if (problem === 'comment_required') {
      setMissing(true);
      field.current?.focus();
    }
  }

  const disabled = busy !== null || busyDisabled || own;
  return (
    <section class="decide boxed" aria-labelledby="decide-title" data-testid="review-decision">
      <h3 id="decide-title">{m.decision}</h3>
      {own && <p class="notice warn-box">{m.ownVisit}</p>}
      <form
        class="stack"
        noValidate
        data-testid="return-form"
        onSubmit={(event) => {
          event.preventDefault();
          void send('return');
        }}
      >
        <div>
          <label for="return-comment">{m.commentLabel}</label>
          <p class="hint" id="return-comment-hint">
            {m.commentHint}
          </p>
          {missing && (
            <p class="error" id="return-comment-error" data-testid="return-comment-error">
              {m.commentRequired}
            </p>
          )}
          <textarea
            id="return-comment"
            ref={field}
            rows={5}
            maxLength={COMMENT_MAX}
            value={comment}
            disabled={own}
            aria-invalid={missing ? 'true' : undefined}
            aria-describedby={missing ? 'return-comment-error return-comment-hint' : 'return-comment-hint'}
            data-testid="return-comment"
            onInput={(event) => {
              setComment(event.currentTarget.value);
              if (missing && event.currentTarget.value.trim()) setMissing(false);
            }}
          />
        </div>
        <div class="decide-buttons">
          <button type="submit" class="secondary" disabled={disabled} data-testid="return">
            {busy === 'return' ? m.sending : m.return}
          </button>
          <button type="button" disabled={disabled} data-testid="approve" onClick={() => void send('approve')}>
            {busy === 'approve' ? m.sending : m.approve}
          </button>
        </div>
        <p class="hint">{m.approveHint}</p>
      </form>
    </section>
  );
}

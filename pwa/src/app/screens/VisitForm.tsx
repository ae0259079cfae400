/**
 * Filling in a visit. Every change is saved to the draft at once (it survives a reload, a crash
 * and a closed tab); the engine runs on every change, so relevance, required, constraints and
 * computed values follow the typing. Finishing locks the visit and queues it for the server.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { defaults, evaluateForm, type ExportedForm } from '../../forms';
import { discardDraft, finalizeDraft, localDate, putDraftAttachment, removeDraftAttachment, saveDraftAnswers } from '../../sync';
import type { AttachmentContentType, DraftRow } from '../../db';
import { db, engine } from '../services';
import { label, t } from '../i18n';
import { setAnswer, type Answers, type AnswerPath } from '../form/answers';
import type { FormContext } from '../form/context';
import { FormView } from '../form/FormView';
import { attachmentNames, loadForm } from '../visits';
import { addressLine } from '../cases';
import { beforeLock } from '../lock';

type Loaded = { draft: DraftRow; form: ExportedForm | null; files: Map<string, Blob>; address: string } | null;

export function VisitForm({ id }: { id: string }) {
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  useEffect(() => {
    void (async () => {
      const draft = await db.drafts.get(id);
      if (!draft) return setLoaded(null);
      const files = new Map((await db.attachments.where('visit_id').equals(id).toArray()).map((file) => [file.name, file.blob]));
      const row = await db.cases.get(draft.case_id);
      setLoaded({ draft, form: await loadForm(draft.form_key, draft.form_version), files, address: row ? addressLine(row) : '' });
    })();
  }, [id]);
  const m = t.value.visit;
  if (loaded === undefined) return null;
  if (loaded === null) return <p>{m.notFound}</p>;
  if (!loaded.form) return <p>{m.formMissing}</p>;
  return <Editor draft={loaded.draft} form={loaded.form} initialFiles={loaded.files} address={loaded.address} />;
}

function Editor({ draft, form, initialFiles, address }: { draft: DraftRow; form: ExportedForm; initialFiles: Map<string, Blob>; address: string }) {
  const m = t.value.visit;
  const { route } = useLocation();
  const [answers, setAnswers] = useState<Answers>(draft.answers);
  const [files, setFiles] = useState(initialFiles);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [saving, setSaving] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const saves = useRef<Promise<void>>(Promise.resolve());
  const summary = useRef<HTMLDivElement>(null);
  // Locking drops the key: the last typing must be saved (sealed) before it goes.
  useEffect(() => {
    const flush = () => saves.current;
    beforeLock.add(flush);
    return () => void beforeLock.delete(flush);
  }, []);
  const today = localDate();
  const outcome = useMemo(() => evaluateForm(form, answers, { today }), [form, answers, today]);

  function save(next: Answers) {
    setSaving(true);
    // One write after the other, so an older state never overwrites a newer one.
    saves.current = saves.current
      .then(() => saveDraftAnswers(db, draft.id, next))
      .catch((error: unknown) => setFailure(String(error)))
      .finally(() => setSaving(false));
  }

  const context: FormContext = {
    form,
    answers,
    set: (path: AnswerPath, value: unknown) => {
      setAnswers((current) => {
        const next = setAnswer(current, path, value);
        save(next);
        return next;
      });
      setTouched((current) => new Set(current).add(path.length === 1 ? path[0] : `${path[0]}[${path[1]}].${path[2]}`));
    },
    relevant: (path) => outcome.relevant[path] ?? false,
    required: (path) => outcome.required[path] ?? false,
    errorsFor: (path) => (showAll || touched.has(path) ? outcome.errors.filter((error) => error.path === path) : []),
    computed: (path) => {
      const match = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(path);
      if (!match) return outcome.answers[path];
      const items = outcome.answers[match[1]] as Answers[] | undefined;
      return items?.[Number(match[2])]?.[match[3]];
    },
    files,
    putFile: async (name: string, blob: Blob, type: AttachmentContentType) => {
      await putDraftAttachment(db, draft.id, name, blob, type);
      setFiles((current) => new Map(current).set(name, blob));
    },
    removeFile: async (name: string) => {
      await removeDraftAttachment(db, draft.id, name);
      setFiles((current) => {
        const next = new Map(current);
        next.delete(name);
        return next;
      });
    },
  };

  function tryFinish() {
    if (outcome.errors.length) {
      setShowAll(true);
      setConfirming(false);
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    setConfirming(true);
  }

  async function finish() {
    await saves.current;
    try {
      // What is kept is the engine's cleaned answers: no irrelevant answers, computed values
      // filled in; and only the files those answers still point at.
      const kept = outcome.answers;
      await saveDraftAnswers(db, draft.id, kept);
      const used = attachmentNames(kept);
      for (const name of files.keys()) if (!used.has(name)) await removeDraftAttachment(db, draft.id, name);
      const visitDate = typeof kept.visit_date === 'string' ? kept.visit_date : undefined;
      await finalizeDraft(db, draft.id, { visitedOn: visitDate });
      void engine.syncNow();
      route('/bezoeken');
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setConfirming(false);
    }
  }

  async function discard() {
    if (!confirm(m.discardConfirm)) return;
    await discardDraft(db, draft.id);
    route(`/zaken/${draft.case_id}`);
  }

  const shownErrors = showAll ? outcome.errors : [];
  return (
    <form class="visit-form" onSubmit={(event) => event.preventDefault()} noValidate>
      <p>
        <a href={`/zaken/${draft.case_id}`}>← {address}</a>
      </p>
      <h1>{label(form.definition.title)}</h1>
      {draft.replaces && <p class="notice">{m.correctionOf}</p>}
      {draft.case_removed_at && <p class="notice warn-box">{m.caseRemoved}</p>}
      <p class="saved" role="status" data-testid="draft-state" data-saving={saving ? 'yes' : 'no'}>
        {saving ? m.saving : m.draftSaved}
      </p>
      {shownErrors.length > 0 && (
        <div class="error-summary" ref={summary} tabIndex={-1} role="alert" data-testid="error-summary">
          <h2>{m.errorsTitle(new Set(shownErrors.map((error) => error.path)).size)}</h2>
          <ul>
            {shownErrors.map((error, index) => (
              <li key={index}>
                <a href={`#q-${error.path.replace(/\[(\d+)\]\./, '-$1-')}`}>
                  {questionLabel(form, error.path)}: {label(error.message)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <FormView context={context} newItem={(group) => defaults(form, { today, group })} />
      {failure && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      <div class="actions final">
        {confirming ? (
          <>
            <p>{m.finalizeConfirm}</p>
            <button type="button" onClick={() => void finish()} data-testid="finalize-confirm">
              {m.finalizeYes}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              {m.cancel}
            </button>
          </>
        ) : (
          <>
            <button type="button" onClick={tryFinish} data-testid="finalize">
              {m.finalize}
            </button>
            <button type="button" class="danger" onClick={() => void discard()}>
              {m.discard}
            </button>
          </>
        )}
      </div>
    </form>
  );
}

/** The label of the question an error path points at: `code`, `group[1].code` or `group[1]`. */
function questionLabel(form: ExportedForm, path: string): string {
  const [head, , inner] = path.split(/\[(\d+)\]\.?/);
  const questions = form.definition.sections.flatMap((section) => section.questions);
  const top = questions.find((question) => question.code === head);
  const found = inner ? top?.questions?.find((question) => question.code === inner) : top;
  const index = /\[(\d+)\]/.exec(path)?.[1];
  const text = label(found?.label ?? top?.label) || path;
  return index === undefined ? text : `${text} (${t.value.visit.item(Number(index) + 1)})`;
}

/**
 * The extract of a follow-up: per category the items the receiving organisation may see, and
 * each category the sender asked for that may not be shared named as "Niet gedeeld", so the
 * reader knows something exists that they are not told. The PDF is the same extract, sealed by
 * the sending organisation and made at the request (online only).
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { FollowupExtract } from '../../db';
import { t } from '../i18n';
import { downloadExtract } from './store';

interface Props {
  id: string;
  extract: FollowupExtract | null;
  offline: boolean;
}

export function ExtractView({ id, extract, offline }: Props) {
  const m = t.value.followups;
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  if (!extract) {
    return (
      <section aria-labelledby="extract-title">
        <h2 id="extract-title">{m.extract}</h2>
        <p class="hint">{m.noExtract}</p>
      </section>
    );
  }

  async function download() {
    setBusy(true);
    setFailed(false);
    const ok = await downloadExtract(id);
    setBusy(false);
    setFailed(!ok);
  }

  const category = (code: string) => t.value.categories[code] ?? code;
  return (
    <section aria-labelledby="extract-title" data-testid="followup-extract">
      <h2 id="extract-title">{m.extract}</h2>
      <p class="hint">{m.extractIntro}</p>
      {extract.shared_categories.map((code) => {
        const items = extract.data[code] ?? [];
        return (
          <section key={code} class="extract-group" aria-labelledby={`extract-${code}`} data-category={code}>
            <h3 id={`extract-${code}`}>{category(code)}</h3>
            {items.length === 0 ? (
              <p class="hint">{m.emptyCategory}</p>
            ) : (
              <dl class="facts">
                {items.map((item, index) => (
                  <Item key={`${item.label}-${index}`} label={item.label} value={item.value} />
                ))}
              </dl>
            )}
          </section>
        );
      })}
      {extract.withheld_categories.length > 0 && (
        <section class="extract-group" aria-labelledby="extract-withheld" data-testid="followup-withheld">
          <h3 id="extract-withheld">{m.withheld}</h3>
          <p class="hint">{m.withheldHint}</p>
          <dl class="facts">
            {extract.withheld_categories.map((code) => (
              <Fragment key={code}>
                <dt>{category(code)}</dt>
                <dd data-category={code}>{m.withheld}</dd>
              </Fragment>
            ))}
          </dl>
        </section>
      )}
      <p class="actions">
        <button
          type="button"
          class="secondary"
          disabled={offline || busy}
          aria-describedby={offline ? 'extract-offline' : undefined}
          data-testid="followup-download"
          onClick={() => void download()}
        >
          {busy ? m.downloading : m.download}
        </button>
        {offline && (
          <span class="hint" id="extract-offline">
            {m.downloadOffline}
          </span>
        )}
        {failed && (
          <span class="error" role="alert">
            {m.downloadFailed}
          </span>
        )}
      </p>
    </section>
  );
}

function Item({ label, value }: { label: string; value: unknown }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Value value={value} />
      </dd>
    </>
  );
}

/** Text as text; a repeated group (a list of {question: answer}) as a list. */
function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <>—</>;
  if (Array.isArray(value)) {
    return (
      <ul class="extract-list">
        {value.map((entry, index) => (
          <li key={index}>
            <Value value={entry} />
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') {
    return (
      <>
        {Object.entries(value as Record<string, unknown>)
          .map(([key, inner]) => `${key}: ${textOf(inner)}`)
          .join('; ')}
      </>
    );
  }
  return <>{String(value)}</>;
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

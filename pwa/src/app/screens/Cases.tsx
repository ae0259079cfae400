/** My cases: the ones assigned to me, grouped by process step, the most urgent first. */
import { useState } from 'preact/hooks';
import { db } from '../services';
import { useLive } from '../live';
import { formatCents, formatDate, t } from '../i18n';
import { addressLine, byUrgency, isUrgent, signalOf, STEPS } from '../cases';

export function Cases() {
  const m = t.value;
  const [query, setQuery] = useState('');
  const cases = useLive(() => db.cases.filter((row) => row.assigned_to_me).toArray(), []);
  const drafts = useLive(() => db.drafts.toArray(), []);
  if (!cases) return null;
  const needle = query.trim().toLowerCase().replace(/\s+/g, '');
  const shown = cases
    .filter((row) => !needle || addressLine(row).toLowerCase().replace(/\s+/g, '').includes(needle))
    .sort(byUrgency);
  const withDraft = new Set((drafts ?? []).map((draft) => draft.case_id));
  const steps = STEPS.filter((step) => shown.some((row) => row.process_step === step)).sort(
    (a, b) => STEPS.indexOf(b) - STEPS.indexOf(a),
  );

  return (
    <>
      <h1>{m.cases.title}</h1>
      {cases.length === 0 ? (
        <p>{m.cases.notLoaded}</p>
      ) : (
        <>
          <label class="search">
            {m.cases.search}
            <input type="search" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
          </label>
          {shown.length === 0 && <p>{m.cases.empty}</p>}
          {steps.map((step) => (
            <section key={step} aria-labelledby={`step-${step}`}>
              <h2 id={`step-${step}`}>{m.steps[step] ?? step}</h2>
              <ul class="cards">
                {shown
                  .filter((row) => row.process_step === step)
                  .map((row) => {
                    const signal = signalOf(row);
                    return (
                      <li key={row.id}>
                        <a class="card" href={`/zaken/${row.id}`} data-testid="case-card">
                          <strong>{addressLine(row)}</strong>
                          <span>{signal.arrears_cents == null
                            ? m.cases.arrearsWithheld
                            : m.cases.arrears(formatCents(signal.arrears_cents), signal.arrears_months ?? 0)}</span>
                          {signal.signal_date && <span>{m.cases.signalDate(formatDate(signal.signal_date))}</span>}
                          <span class="tags">
                            {isUrgent(row) && <span class="tag urgent">{m.cases.urgent}</span>}
                            {withDraft.has(row.id) && <span class="tag">{m.cases.draftOpen}</span>}
                          </span>
                        </a>
                      </li>
                    );
                  })}
              </ul>
            </section>
          ))}
        </>
      )}
    </>
  );
}

/**
 * Consent per information category and kind of receiving organisation: a row per category,
 * a yes/no choice per organisation kind. Only pairs the covenant can share at all are asked.
 */
import { t } from '../i18n';

interface Props {
  id: string;
  /** "category/kind" pairs in the form's order. */
  pairs: string[];
  value: unknown;
  onChange: (value: unknown) => void;
}

type Grid = Record<string, Record<string, 'given' | 'refused'>>;

export function ConsentGrid({ id, pairs, value, onChange }: Props) {
  const m = t.value;
  const grid: Grid = value && typeof value === 'object' ? (value as Grid) : {};
  const categories = [...new Set(pairs.map((pair) => pair.split('/')[0]))];
  const kinds = [...new Set(pairs.map((pair) => pair.split('/')[1]))];

  function decide(category: string, kind: string, decision: 'given' | 'refused') {
    onChange({ ...grid, [category]: { ...(grid[category] ?? {}), [kind]: decision } });
  }

  return (
    <div class="table-wrap">
      <table class="consent">
        <thead>
          <tr>
            <th scope="col">{m.consent.category}</th>
            {kinds.map((kind) => (
              <th scope="col" key={kind}>
                {m.kinds[kind] ?? kind}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {categories.map((category) => (
            <tr key={category}>
              <th scope="row">{m.categories[category] ?? category}</th>
              {kinds.map((kind) => {
                if (!pairs.includes(`${category}/${kind}`)) return <td key={kind} />;
                const name = `${id}-${category}-${kind}`;
                const chosen = grid[category]?.[kind];
                return (
                  <td key={kind}>
                    <fieldset class="pair">
                      <legend class="visually-hidden">
                        {m.consent.legend(m.categories[category] ?? category, m.kinds[kind] ?? kind)}
                      </legend>
                      {(['given', 'refused'] as const).map((decision) => (
                        <label key={decision} class="option compact">
                          <input
                            type="radio"
                            name={name}
                            checked={chosen === decision}
                            onChange={() => decide(category, kind, decision)}
                          />
                          <span>{decision === 'given' ? m.consent.given : m.consent.refused}</span>
                        </label>
                      ))}
                    </fieldset>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

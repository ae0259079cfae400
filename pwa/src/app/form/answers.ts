/**
 * Reading and writing one answer inside a draft's answers: a top-level code, or a question in
 * an item of a repeat group. Writes are immutable, so every change is one new answers object
 * that is saved as a whole.
 */
export type Answers = Record<string, unknown>;

/** Where an answer lives: [code] or [group, index, code]. */
export type AnswerPath = [string] | [string, number, string];

export function pathText(path: AnswerPath): string {
  return path.length === 1 ? path[0] : `${path[0]}[${path[1]}].${path[2]}`;
}

/** A DOM id for the input of an answer. */
export function inputId(path: AnswerPath): string {
  return `q-${path.join('-')}`;
}

export function getAnswer(answers: Answers, path: AnswerPath): unknown {
  if (path.length === 1) return answers[path[0]];
  const items = answers[path[0]];
  if (!Array.isArray(items)) return undefined;
  const item = items[path[1]] as Answers | undefined;
  return item?.[path[2]];
}

function without(record: Answers, key: string): Answers {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/** Set (or, for undefined, remove) one answer. */
export function setAnswer(answers: Answers, path: AnswerPath, value: unknown): Answers {
  if (path.length === 1) {
    return value === undefined ? without(answers, path[0]) : { ...answers, [path[0]]: value };
  }
  const [group, index, code] = path;
  const items = Array.isArray(answers[group]) ? [...(answers[group] as Answers[])] : [];
  const item = items[index] ?? {};
  items[index] = value === undefined ? without(item, code) : { ...item, [code]: value };
  return { ...answers, [group]: items };
}

export function addItem(answers: Answers, group: string, item: Answers): Answers {
  const items = Array.isArray(answers[group]) ? (answers[group] as Answers[]) : [];
  return { ...answers, [group]: [...items, item] };
}

export function removeItem(answers: Answers, group: string, index: number): Answers {
  const items = Array.isArray(answers[group]) ? (answers[group] as Answers[]) : [];
  return { ...answers, [group]: items.filter((_, i) => i !== index) };
}

/** Euros as a worker types them ("1.234,56", "1234.5", "85") to cents; null when unreadable. */
export function parseEuros(text: string): number | null {
  let clean = text.replace(/[\s€]/g, '');
  if (clean.includes(',')) clean = clean.replace(/\./g, '').replace(',', '.');
  if (!/^-?\d+(\.\d{1,2})?$/.test(clean)) return null;
  const [whole, fraction = ''] = clean.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return clean.startsWith('-') ? -cents : cents;
}

export function formatEuros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

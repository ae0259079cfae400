/**
 * Language: Dutch by default, English as a choice, remembered on this device. Screens read
 * `t.value` (the catalogue of the chosen language) and `label(text)` for a form's own texts.
 */
import { computed, effect, signal } from '@preact/signals';
import { en } from './messages/en';
import { nl, type Messages } from './messages/nl';

export type Lang = 'nl' | 'en';
const KEY = 'keukentafel.lang';

function initial(): Lang {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'nl';
  } catch {
    return 'nl';
  }
}

export const lang = signal<Lang>(initial());
export const t = computed<Messages>(() => (lang.value === 'en' ? en : nl));

effect(() => {
  document.documentElement.lang = lang.value;
  try {
    localStorage.setItem(KEY, lang.value);
  } catch {
    // Private mode: the choice lasts this visit only.
  }
});

/** A form's bilingual text ({nl, en}) in the chosen language. */
export function label(text: { nl: string; en: string } | null | undefined): string {
  return text ? text[lang.value] : '';
}

const money = computed(
  () => new Intl.NumberFormat(lang.value === 'en' ? 'en-GB' : 'nl-NL', { style: 'currency', currency: 'EUR' }),
);

export function formatCents(cents: number): string {
  return money.value.format(cents / 100);
}

export function formatDate(iso: string): string {
  const date = new Date(iso.length === 10 ? `${iso}T12:00:00` : iso);
  return date.toLocaleDateString(lang.value === 'en' ? 'en-GB' : 'nl-NL', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(lang.value === 'en' ? 'en-GB' : 'nl-NL', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}

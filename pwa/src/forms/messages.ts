/**
 * The engine's own messages per error code, in Dutch and English, word for word as
 * visit_forms/messages.py. Constraint messages come from the form definition instead.
 * Codes are stable; the wording may improve (change both sides together).
 */

import type { LocalizedText } from './types';

export type EngineErrorCode =
  | 'required'
  | 'wrong_type'
  | 'not_an_option'
  | 'duplicate'
  | 'too_long'
  | 'too_many_decimals'
  | 'out_of_range'
  | 'too_few_items'
  | 'too_many_items'
  | 'incomplete'
  | 'bad_attachment_name'
  | 'signer_name_missing'
  | 'unknown_question'
  | 'read_only'
  | 'computed_mismatch';

export const MESSAGES: Readonly<Record<EngineErrorCode, LocalizedText>> = {
  required: { nl: 'Dit is verplicht.', en: 'This is required.' },
  wrong_type: {
    nl: 'Dit antwoord heeft niet de juiste vorm.',
    en: 'This answer has the wrong form.',
  },
  not_an_option: {
    nl: 'Dit is geen keuze van deze vraag.',
    en: 'This is not one of the choices.',
  },
  duplicate: { nl: 'Een keuze staat er dubbel in.', en: 'A choice appears twice.' },
  too_long: { nl: 'Maximaal {max_length} tekens.', en: 'At most {max_length} characters.' },
  too_many_decimals: {
    nl: 'Maximaal {decimals} cijfers achter de komma.',
    en: 'At most {decimals} decimals.',
  },
  out_of_range: { nl: 'Dit getal valt buiten het bereik.', en: 'This number is out of range.' },
  too_few_items: { nl: 'Vul er minstens {min_items} in.', en: 'Give at least {min_items}.' },
  too_many_items: { nl: 'Maximaal {max_items}.', en: 'At most {max_items}.' },
  incomplete: {
    nl: 'Kies bij elke regel: wel of geen toestemming.',
    en: 'Choose consent given or refused on every line.',
  },
  bad_attachment_name: {
    nl: 'De bijlage heeft een ongeldige naam.',
    en: 'The attachment name is not valid.',
  },
  signer_name_missing: {
    nl: 'Vul de naam van wie tekent in.',
    en: 'Fill in the name of who signs.',
  },
  unknown_question: {
    nl: 'Deze vraag bestaat niet in dit formulier.',
    en: 'This form has no such question.',
  },
  read_only: { nl: 'Hier hoort geen antwoord bij.', en: 'This takes no answer.' },
  computed_mismatch: {
    nl: 'Deze berekende waarde klopt niet; het formulier rekent hem opnieuw uit.',
    en: 'This computed value does not match; the form recalculates it.',
  },
};

export type MessageDetail = Readonly<Record<string, string | number>>;

/**
 * The message with its `{placeholders}` filled in, as Python's `str.format(**detail)`; like
 * Python, the template as it stands when a placeholder has no detail.
 */
export function messageFor(code: EngineErrorCode, detail: MessageDetail = {}): LocalizedText {
  const template = MESSAGES[code];
  const fill = (text: string): string | null => {
    let missing = false;
    const filled = text.replace(/\{(\w+)\}/g, (_whole, name: string) => {
      if (!Object.hasOwn(detail, name)) {
        missing = true;
        return '';
      }
      return String(detail[name]);
    });
    return missing ? null : filled;
  };
  const nl = fill(template.nl);
  const en = fill(template.en);
  return nl === null || en === null ? { ...template } : { nl, en };
}

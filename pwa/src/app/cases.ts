/** Reading the cases this device holds, and how the worker's list orders them. */
import type { CaseRow } from '../db';
import { t } from './i18n';

export interface CaseSignal {
  // Null when not shared with this organisation (the covenant's arrears_amount category).
  arrears_cents: number | null;
  arrears_months: number | null;
  signal_date: string | null;
}

export interface CaseMember {
  member_id: string;
  name: string;
  relation: string;
  birth_year: number | null;
}

export interface PersonRef {
  id: string;
  display_name: string;
}

export interface TimelineEntry {
  id: string;
  kind: string;
  at: string;
  actor: PersonRef | null;
  organisation: { name: string } | null;
  note: string;
}

/** The process steps in the order of the covenant's process. */
export const STEPS = [
  'signal',
  'contact_attempts',
  'kitchen_table_visit',
  'plan',
  'case_meeting',
  'bailiff',
  'court',
  'last_chance_agreement',
  'eviction',
  'aftercare',
  'closed',
];

// From the bailiff on, the eviction is near; three months of arrears is the covenant's threshold.
const URGENT_STEPS = new Set(['bailiff', 'court', 'last_chance_agreement', 'eviction']);

export function signalOf(row: CaseRow): CaseSignal {
  return (row.signal as CaseSignal | undefined) ?? {
    arrears_cents: 0,
    arrears_months: 0,
    signal_date: null,
  };
}

export function isUrgent(row: CaseRow): boolean {
  return URGENT_STEPS.has(row.process_step) || (signalOf(row).arrears_months ?? 0) >= 3;
}

/** Urgent first, then by how far along the process, then the largest arrears. */
export function byUrgency(a: CaseRow, b: CaseRow): number {
  return (
    Number(isUrgent(b)) - Number(isUrgent(a)) ||
    STEPS.indexOf(b.process_step) - STEPS.indexOf(a.process_step) ||
    (signalOf(b).arrears_cents ?? 0) - (signalOf(a).arrears_cents ?? 0)
  );
}

export function addressLine(row: CaseRow): string {
  const a = row.address;
  if (!a) return t.value.cases.addressWithheld;
  return `${a.street} ${a.house_number}, ${a.postcode} ${a.city}`;
}

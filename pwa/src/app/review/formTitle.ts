/** What a visit is called in the review: the title of its form, as the forms on this device know it. */
import type { FormRow } from '../../db';
import { label } from '../i18n';
import type { ReviewVisit } from './api';

/** Names a visit by its form; the screen makes one from the forms on this device. */
export type VisitTitle = (visit: Pick<ReviewVisit, 'form_key' | 'form_version'>) => string;

/**
 * The visit's own form version when the device has it, else any version of that form (titles
 * rarely change between versions), else the bare key: the server knows forms the device may not.
 */
export function formTitle(forms: FormRow[] | undefined, key: string, version: number): string {
  const exact = forms?.find((form) => form.key === key && form.version === version);
  const any = exact ?? forms?.find((form) => form.key === key);
  return any ? label(any.title) : key;
}

import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import type { FieldErrors } from './ContactFieldsForm';

export interface SaveProblem {
  fields: FieldErrors;
  message: string | null;
  /** The customer that already owns an e-mail, phone or identity this one was given. */
  ownerId: string | null;
}

/** Turns a refused save into messages on the fields the server named. */
export function saveProblem(error: unknown, t: TFunction): SaveProblem {
  if (!(error instanceof ApiError))
    return { fields: {}, message: t('common.errors.unexpected'), ownerId: null };
  const fields: FieldErrors = {};
  for (const detail of error.fieldErrors) {
    const field = detail.field;
    fields[field] = error.code === 'conflict' ? t('customer.ownedByOther') : (detail.reason ?? error.message);
  }
  const ownerId =
    error.code === 'conflict' && error.details && !Array.isArray(error.details)
      ? String((error.details as { existing_id?: unknown }).existing_id ?? '') || null
      : null;
  return { fields, message: Object.keys(fields).length === 0 ? error.message : null, ownerId };
}

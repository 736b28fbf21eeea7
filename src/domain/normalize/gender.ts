import { ValidationError } from '../errors.js';

export const GENDERS = ['male', 'female', 'other'] as const;
export type Gender = (typeof GENDERS)[number];

/**
 * What customer lists write in a gender column, in English and Chinese, including salutations (a
 * "Mr"/"先生" column is often the only gender a CRM export has). Compared after `genderKey` folding.
 */
const SYNONYMS: Record<string, Gender> = {
  male: 'male',
  m: 'male',
  man: 'male',
  men: 'male',
  boy: 'male',
  mr: 'male',
  sir: 'male',
  男: 'male',
  男性: 'male',
  男士: 'male',
  男生: 'male',
  先生: 'male',
  female: 'female',
  f: 'female',
  woman: 'female',
  women: 'female',
  girl: 'female',
  mrs: 'female',
  ms: 'female',
  miss: 'female',
  madam: 'female',
  女: 'female',
  女性: 'female',
  女士: 'female',
  女生: 'female',
  小姐: 'female',
  太太: 'female',
  other: 'other',
  o: 'other',
  其他: 'other',
  其它: 'other',
};

/**
 * Words that say the gender is not known or not given (WeChat and Chinese CRMs write 未知 or 保密):
 * no value, not an error.
 */
const NO_VALUE = new Set([
  '未知',
  '保密',
  '不详',
  '不明',
  '未填',
  '未填写',
  '未设置',
  '不公开',
  'unknown',
  'n/a',
  'na',
  'none',
  'not specified',
  'unspecified',
  'not given',
  'prefer not to say',
  // Salutations that say nothing of the gender (a Salesforce or Zoho Salutation column).
  'dr',
  'prof',
  '-',
  '--',
  '—',
]);

/** NFKC (full-width letters), lower case, trailing dots ("Mr.", "Mrs.") and inner spaces folded. */
function genderKey(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase().replace(/\.+$/, '').replace(/\s+/g, ' ');
}

/** True when the value says "unknown" (未知, 保密, n/a …): the field has no value. */
export function isNoGender(value: string): boolean {
  return NO_VALUE.has(genderKey(value));
}

/** The gender a value names; null for "unknown" words; a ValidationError naming the value otherwise. */
export function normalizeGender(value: string, field = 'gender'): Gender | null {
  const key = genderKey(value);
  if (NO_VALUE.has(key)) return null;
  const gender = SYNONYMS[key];
  if (!gender) throw new ValidationError(field, value, `must be one of ${GENDERS.join(', ')}`);
  return gender;
}

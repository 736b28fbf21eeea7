import { ValidationError } from '../errors.js';

export const GENDERS = ['male', 'female', 'other'] as const;
export type Gender = (typeof GENDERS)[number];

const SYNONYMS: Record<string, Gender> = {
  male: 'male',
  m: 'male',
  man: 'male',
  男: 'male',
  先生: 'male',
  female: 'female',
  f: 'female',
  woman: 'female',
  女: 'female',
  女士: 'female',
  other: 'other',
  o: 'other',
  其他: 'other',
};

export function normalizeGender(value: string, field = 'gender'): Gender {
  const gender = SYNONYMS[value.normalize('NFKC').trim().toLowerCase()];
  if (!gender) throw new ValidationError(field, value, `must be one of ${GENDERS.join(', ')}`);
  return gender;
}

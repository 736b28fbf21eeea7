import { addressComparator } from './address-comparator.js';
import type { Comparator, ComparatorKind } from './comparator.js';
import { dateComparator } from './date-comparator.js';
import { emailComparator } from './email-comparator.js';
import { exactComparator } from './exact-comparator.js';
import { identifierComparator } from './identifier-comparator.js';
import { nameComparator } from './name-comparator.js';
import { numberComparator } from './number-comparator.js';
import { phoneComparator } from './phone-comparator.js';
import { textComparator } from './text-comparator.js';

export const COMPARATORS: Record<ComparatorKind, Comparator> = {
  exact: exactComparator as Comparator,
  text: textComparator as Comparator,
  name: nameComparator as Comparator,
  email: emailComparator as Comparator,
  phone: phoneComparator as Comparator,
  date: dateComparator as Comparator,
  address: addressComparator as Comparator,
  number: numberComparator as Comparator,
  identifier: identifierComparator as Comparator,
};

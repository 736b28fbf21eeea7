import { ValidationError } from '../errors.js';
import { normalizeDate } from '../normalize/date.js';
import { normalizeText } from '../normalize/text.js';
import type { AttributeValue } from './contact-fields.js';

/** A number as people write one: optional sign, digits with an optional fraction, an optional exponent. */
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

export const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'date', 'list'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface AttributeDefinition {
  key: string;
  label: string;
  type: AttributeType;
  /** Allowed values, for `list` attributes only. */
  options: string[] | null;
  description: string | null;
}

export const ATTRIBUTE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', '是', '真', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '否', '假', 'off']);

/** Coerces a value (typed JSON or the text of a CSV cell) to its definition's type, or throws naming it. */
export function normalizeAttributeValue(definition: AttributeDefinition, value: unknown): AttributeValue {
  const field = `attributes.${definition.key}`;
  const asText = typeof value === 'string' ? value.normalize('NFKC').trim() : null;
  switch (definition.type) {
    case 'text': {
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new ValidationError(field, value, 'must be text');
      }
      const text = normalizeText(String(value));
      if (text === null) throw new ValidationError(field, value, 'is empty');
      return text;
    }
    case 'number': {
      // Decimal writing only: Number() would also read 0x10 as 16, 0b101 as 5 and 1_000 as NaN.
      const n =
        typeof value === 'number'
          ? value
          : asText !== null && DECIMAL_NUMBER.test(asText)
            ? Number(asText)
            : Number.NaN;
      if (!Number.isFinite(n)) throw new ValidationError(field, value, 'must be a number');
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const word = asText?.toLowerCase() ?? (typeof value === 'number' ? String(value) : '');
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      throw new ValidationError(field, value, 'must be true or false');
    }
    case 'date': {
      if (asText === null) throw new ValidationError(field, value, 'must be a date in the form YYYY-MM-DD');
      return normalizeDate(asText, field);
    }
    case 'list': {
      const options = definition.options ?? [];
      const wanted = asText ?? (typeof value === 'number' ? String(value) : null);
      const match =
        wanted === null ? undefined : options.find((o) => o.toLowerCase() === wanted.toLowerCase());
      if (match === undefined)
        throw new ValidationError(field, value, `must be one of ${options.join(', ')}`);
      return match;
    }
  }
}

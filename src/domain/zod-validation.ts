import type { z } from 'zod';
import { ValidationError, ValidationErrors } from './errors.js';

/** Turns zod issues into Kith's validation errors, each naming the path, the value and the reason. */
export function toValidationErrors(prefix: string, input: unknown, error: z.ZodError): ValidationErrors {
  return new ValidationErrors(
    error.issues.map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
      let value: unknown = input;
      for (const key of issue.path)
        value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
      return new ValidationError(path || prefix || 'body', value ?? null, issue.message);
    }),
  );
}

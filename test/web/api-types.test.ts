import fs from 'node:fs';
import { expect, it } from 'vitest';
import { API_TYPES_PATH, apiTypesSource } from '../../scripts/openapi-document.js';

it("keeps the web app's API types in step with the server's OpenAPI document (run `npm run api:types`)", async () => {
  const committed = fs.readFileSync(API_TYPES_PATH, 'utf8');
  expect(
    committed === (await apiTypesSource()),
    'web/src/api/schema.d.ts is stale: run npm run api:types',
  ).toBe(true);
});

/**
 * The layer rule of eslint.config.js (docs/ARCHITECTURE.md, "Layers") through ESLint's own API, as
 * `npm run lint` runs it: an import that breaks a layer fails, one that follows the layers passes.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('layers are enforced by the lint rule', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  async function problems(filePath: string, text: string) {
    const [result] = await eslint.lintText(text, { filePath: path.join(root, filePath) });
    return result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
  }

  it('refuses the store importing a capability', async () => {
    const found = await problems(
      'src/store/x.ts',
      "import { ContactService } from '../contacts/contact-service.js';\nexport const x = ContactService;\n",
    );
    expect(found).toEqual([
      {
        rule: 'kith/layers',
        message: expect.stringMatching(
          /^src\/store \(platform\) may not import src\/contacts \(capabilities\)/,
        ),
      },
    ]);
  });

  it('refuses a cycle between capabilities: customization sits below contacts', async () => {
    const found = await problems(
      'src/customization/x.ts',
      "export { contactAttributeValues } from '../contacts/contact-attribute-sql.js';\n",
    );
    expect(found.map((p) => p.rule)).toEqual(['kith/layers']);
  });

  it('keeps the domain free of every other folder', async () => {
    const found = await problems(
      'src/domain/x.ts',
      "export type { Queryable } from '../store/transaction.js';\n",
    );
    expect(found.map((p) => p.rule)).toEqual(['kith/layers']);
  });

  it('keeps SQL out of entry points', async () => {
    const found = await problems(
      'src/cli/commands/x.ts',
      [
        "import { sql } from 'kysely';",
        "import { migrateToLatest } from '../../store/migrator.js';",
        "import type { KithServices } from '../../services.js';",
        'export const x = [sql, migrateToLatest];',
        'export const rows = (kith: KithServices) => kith.store.db.selectFrom("imports");',
        '',
      ].join('\n'),
    );
    expect(found.map((p) => p.rule)).toEqual(['kith/layers', 'kith/layers', 'no-restricted-syntax']);
  });

  it('keeps environment variables in src/config.ts', async () => {
    const text = 'export const lease = Number(process.env.KITH_JOB_LEASE_SECONDS ?? 60);\n';
    expect((await problems('src/jobs/x.ts', text)).map((p) => p.rule)).toEqual(['no-restricted-properties']);
    expect(await problems('src/config.ts', text)).toEqual([]);
  });

  it('allows imports that follow the layers', async () => {
    const found = await problems(
      'src/segments/x.ts',
      [
        "import type { ContactService } from '../contacts/contact-service.js';",
        "import { NotFoundError } from '../domain/errors.js';",
        "import type { Queryable } from '../store/transaction.js';",
        "import { appendAuditEntry } from '../history/audit-log.js';",
        "import { normalizeText } from '../domain/normalize/text.js';",
        "import { sql } from 'kysely';",
        'export type T = [ContactService, Queryable];',
        'export const x = [NotFoundError, appendAuditEntry, normalizeText, sql];',
        '',
      ].join('\n'),
    );
    expect(found).toEqual([]);
  });

  it("keeps the web app's folders in their order: shared pieces never import a screen", async () => {
    const found = await problems(
      'web/src/ui/x.ts',
      "import { CustomersPage } from '../features/customers/CustomersPage';\nexport const x = CustomersPage;\n",
    );
    expect(found).toEqual([
      {
        rule: 'kith-web/layers',
        message: expect.stringMatching(/^web\/src\/ui may not import web\/src\/features/),
      },
    ]);
    const session = await problems(
      'web/src/session/x.ts',
      "import { routes } from '../app/routes';\nexport const x = routes;\n",
    );
    expect(session.map((p) => p.rule)).toEqual(['kith-web/layers']);
  });

  it('allows a screen to use the session, shared pieces, strings and the API client', async () => {
    const found = await problems(
      'web/src/features/customers/x.ts',
      [
        "import { api } from '../../api/client';",
        "import { formatListIn } from '../../i18n/list-format';",
        "import { ErrorState } from '../../ui/states';",
        "import { useSession } from '../../session/session';",
        "import { ImportsPage } from '../imports/ImportsPage';",
        'export const x = [api, formatListIn, ErrorState, useSession, ImportsPage];',
        '',
      ].join('\n'),
    );
    expect(found.filter((p) => p.rule === 'kith-web/layers')).toEqual([]);
  });
});

import { type Command, Option } from 'commander';
import type { Contact } from '../../domain/contact/contact-fields.js';
import type { DeletionSelection } from '../../contacts/contact-batch-delete-service.js';
import { KithError } from '../../domain/errors.js';
import {
  CLI_ACTOR,
  collect,
  numberOption,
  parseNumber,
  parsePairs,
  printFields,
  printJson,
  withKith,
} from '../cli-context.js';
import {
  addContactFilterOptions,
  CONTACT_FILTER_KEYS,
  type ContactFilter,
  contactFilterOf,
  type ContactFilterOptions,
  hasContactFilter,
} from '../contact-filter-options.js';

interface AddOptions {
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  externalId?: string;
  identity: string[];
  tag: string[];
  attr: string[];
  json?: boolean;
}

function summary(c: Contact): string {
  return [c.id, c.name ?? '', c.email ?? '', c.phone ?? '', c.tags.join(';')].join('\t');
}

export function registerContactsCommand(program: Command): void {
  const contacts = program.command('contacts').description('customer records');
  contacts
    .command('add')
    .description(
      'create a contact; refused (exit 1) when its email, phone or identity belongs to another contact',
    )
    .option('--name <name>', 'display name')
    .option('--first-name <first>', 'first (given) name')
    .option('--last-name <last>', 'last (family) name')
    .option('--email <email>', 'primary email')
    .option('--phone <phone>', 'primary phone, any common format')
    .option('--external-id <id>', 'id in another system')
    .option('--identity <TYPE=VALUE>', 'an identity, repeatable', collect, [])
    .option('--tag <tag>', 'a tag, repeatable', collect, [])
    .option('--attr <KEY=VALUE>', 'a custom attribute, repeatable', collect, [])
    .option('--json', 'print the stored contact as JSON')
    .action(async (o: AddOptions) => {
      const input: Record<string, unknown> = {};
      if (o.name !== undefined) input.name = o.name;
      if (o.firstName !== undefined) input.first_name = o.firstName;
      if (o.lastName !== undefined) input.last_name = o.lastName;
      if (o.email !== undefined) input.email = o.email;
      if (o.phone !== undefined) input.phone = o.phone;
      if (o.externalId !== undefined) input.external_id = o.externalId;
      if (o.identity.length > 0) input.identities = parsePairs('identity', o.identity);
      if (o.tag.length > 0) input.tags = o.tag;
      if (o.attr.length > 0) input.attributes = parsePairs('attr', o.attr);
      const contact = await withKith(async (k) => {
        // The duplicate policy: `block` refuses a likely duplicate, `warn` creates it and says so.
        const candidates = await k.duplicateCheck.guardCreate(input);
        for (const c of candidates) {
          process.stderr.write(`warning: looks like ${c.contact_id} (${c.band}, score ${c.score})\n`);
        }
        return k.contacts.create(input, CLI_ACTOR);
      });
      if (o.json) printJson(contact);
      else process.stdout.write(`${summary(contact)}\n`);
    });
  contacts
    .command('get')
    .description('show one contact')
    .argument('<id>', 'contact id (ct_…)')
    .option('--json', 'print the contact as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const contact = await withKith((k) => k.contacts.resolve(id));
      if (contact.merged_from) process.stderr.write(`${id} was merged into ${contact.id}\n`);
      if (o.json) printJson(contact);
      else printFields(contact);
    });
  addContactFilterOptions(
    contacts
      .command('list')
      .description("list contacts, oldest first (or by --sort), with the customers list's filters"),
  )
    .option(
      '--sort <field>',
      'name, created_at, updated_at, orders_count, total_spent, first_order_at, last_order_at or relevance; a leading - for descending',
    )
    .option('--limit <n>', 'at most this many (1–500)', numberOption('--limit', { min: 1, max: 500 }), 50)
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--json', 'print {"data": [...], "next_cursor", "total", "total_is_lower_bound"} as JSON')
    .action(
      async (o: ContactFilterOptions & { sort?: string; limit: number; cursor?: string; json?: boolean }) => {
        const page = await withKith(async (k) =>
          k.contacts.list({
            ...(await contactFilterOf(k, o)),
            sort: o.sort,
            limit: o.limit,
            cursor: o.cursor,
          }),
        );
        if (o.json) printJson(page);
        else {
          for (const c of page.data) process.stdout.write(`${summary(c)}\n`);
          if (page.total !== null)
            process.stderr.write(`${page.total_is_lower_bound ? 'more than ' : ''}${page.total} matching\n`);
          if (page.next_cursor) process.stderr.write(`more: --cursor ${page.next_cursor}\n`);
        }
      },
    );
  addContactFilterOptions(
    contacts
      .command('delete')
      .description(
        "delete one contact, or many by --ids or the list's filters: a backup is written first and --yes must equal the count",
      )
      .argument('[id]', 'one contact id (ct_…)')
      .option('--ids <ids>', 'comma-separated contact ids'),
  )
    // The first form of the filters (`--filter tag=vip`), kept for scripts that use it.
    .addOption(new Option('--filter <KEY=VALUE>').argParser(collect).default([]).hideHelp())
    .option('--yes <n>', 'confirm: the number of contacts selected')
    .option(
      '--json',
      'print the deletion as JSON: {"id", "count", "backup_file", …} for many, {"contact_id", "count": 1} for one id',
    )
    .action(
      async (
        id: string | undefined,
        o: ContactFilterOptions & { ids?: string; filter: string[]; yes?: string; json?: boolean },
      ) => {
        const filtered = o.filter.length > 0 || hasContactFilter(o);
        if (id && !o.ids && !filtered) {
          await withKith((k) => k.contacts.delete(id, CLI_ACTOR));
          // One contact is soft-deleted without a batch backup: no deletion id or backup file to name.
          if (o.json) printJson({ contact_id: id, count: 1, deleted: true });
          process.stderr.write(`deleted ${id}\n`);
          return;
        }
        if (Boolean(o.ids) === filtered || id) {
          throw new KithError(
            'usage',
            'give one contact id, or --ids, or filters such as --tag (one of them)',
            2,
          );
        }
        const confirm = o.yes === undefined ? undefined : parseNumber('--yes', o.yes, { min: 0 });
        const deletion = await withKith(async (k) => {
          const selection: DeletionSelection = o.ids
            ? {
                ids: o.ids
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              }
            : { filter: joinFilters(await contactFilterOf(k, o), filterOf(parsePairs('filter', o.filter))) };
          if (confirm === undefined) {
            const count = (await k.batchDeletes.select(selection)).length;
            throw new KithError(
              'usage',
              `${count} ${count === 1 ? 'contact' : 'contacts'} selected; run again with --yes ${count} to delete ${count === 1 ? 'it' : 'them'}`,
              2,
              { count },
            );
          }
          return k.batchDeletes.delete(selection, confirm, CLI_ACTOR, '--yes');
        });
        if (o.json) printJson(deletion);
        else
          process.stdout.write(
            `deleted ${deletion.count} contacts (${deletion.id}); backup: ${deletion.backup_file} in KITH_DATA_DIR/backups\n`,
          );
      },
    );
  contacts
    .command('restore')
    .description('bring back the contacts of a batch deletion (within the retention period)')
    .argument('<deletion-id>', 'deletion id (del_…), see `kith contacts deletions`')
    .option('--json', 'print the restored contacts as JSON')
    .action(async (deletionId: string, o: { json?: boolean }) => {
      const result = await withKith((k) => k.batchDeletes.restore(deletionId, CLI_ACTOR));
      if (o.json) printJson(result);
      else process.stdout.write(`restored ${result.restored.length} contacts from ${deletionId}\n`);
    });
  contacts
    .command('deletions')
    .description('batch deletions with their backups')
    .option('--json', 'print them as JSON')
    .action(async (o: { json?: boolean }) => {
      const deletions = await withKith((k) => k.batchDeletes.list());
      if (o.json) printJson(deletions);
      else {
        for (const d of deletions) {
          process.stdout.write(
            `${d.id}\t${d.count}\t${d.created_at}\t${d.restored_at ? `restored ${d.restored_at}` : `restorable until ${d.restore_until}`}\t${d.backup_file}\n`,
          );
        }
      }
    });
}

function joinFilters(a: ContactFilter, b: ContactFilter): ContactFilter {
  const attributes = { ...a.attributes, ...b.attributes };
  return { ...a, ...b, ...(Object.keys(attributes).length > 0 ? { attributes } : {}) };
}

/** `--filter` pairs into a contact list query. */
function filterOf(pairs: Record<string, string>): ContactFilter {
  const filter: ContactFilter = {};
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(pairs)) {
    if (key.startsWith('attr.')) attributes[key.slice(5)] = value;
    else if ((CONTACT_FILTER_KEYS as readonly string[]).includes(key))
      (filter as Record<string, string>)[key] = value;
    else
      throw new KithError(
        'usage',
        `--filter ${key}=…: expected ${CONTACT_FILTER_KEYS.join(', ')} or attr.<key>`,
        2,
      );
  }
  if (Object.keys(attributes).length > 0) filter.attributes = attributes;
  return filter;
}

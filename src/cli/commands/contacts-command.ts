import type { Command } from 'commander';
import type { Contact } from '../../domain/contact/contact-fields.js';
import { CLI_ACTOR, collect, parsePairs, printFields, printJson, withKith } from '../cli-context.js';

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
      const contact = await withKith((k) => k.contacts.create(input, CLI_ACTOR));
      if (o.json) printJson(contact);
      else process.stdout.write(`${summary(contact)}\n`);
    });
  contacts
    .command('get')
    .description('show one contact')
    .argument('<id>', 'contact id (ct_…)')
    .option('--json', 'print the contact as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const contact = await withKith((k) => k.contacts.get(id));
      if (o.json) printJson(contact);
      else printFields(contact);
    });
  contacts
    .command('list')
    .description('list contacts, oldest first')
    .option('--q <text>', 'free text over name, email and phone')
    .option('--tag <tag>', 'only contacts with this tag')
    .option('--import <id>', 'only contacts this import created, updated or matched')
    .option('--limit <n>', 'at most this many (1–500)', '50')
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--json', 'print {"data": [...], "next_cursor"} as JSON')
    .action(
      async (o: {
        q?: string;
        tag?: string;
        import?: string;
        limit: string;
        cursor?: string;
        json?: boolean;
      }) => {
        const page = await withKith((k) =>
          k.contacts.list({ q: o.q, tag: o.tag, import: o.import, limit: Number(o.limit), cursor: o.cursor }),
        );
        if (o.json) printJson(page);
        else {
          for (const c of page.data) process.stdout.write(`${summary(c)}\n`);
          if (page.next_cursor) process.stderr.write(`more: --cursor ${page.next_cursor}\n`);
        }
      },
    );
  contacts
    .command('delete')
    .description('delete a contact (soft delete; kept in history)')
    .argument('<id>', 'contact id (ct_…)')
    .action(async (id: string) => {
      await withKith((k) => k.contacts.delete(id, CLI_ACTOR));
      process.stderr.write(`deleted ${id}\n`);
    });
}

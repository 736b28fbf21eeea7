/**
 * Contacts exports: the customers list's selection (same filters, plus ids) written as CSV, XLSX,
 * JSON, NDJSON or XML onto a stream, page by page (keyset pages of the list in created_at order), so
 * memory stays flat whatever the number of contacts. The layout is export-columns.ts / export-xml.ts.
 */
import type { Writable } from 'node:stream';
import type { ContactListQuery, ContactService } from '../contacts/contact-service.js';
import { AttributeDefinitionService } from '../customization/attribute-definition-service.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import type { Contact } from '../domain/contact/contact-fields.js';
import { ValidationError } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import {
  chooseColumns,
  type ExportColumn,
  type ExportedContact,
  hasPurchaseFacts,
} from './export-columns.js';
import { exportColumnNaming, exportHeader, MOMENT_COLUMNS } from './export-column-names.js';
import { checkTimeZone } from './local-date-time.js';
import { readContactRange, readGroupNames } from '../contacts/contact-row-reader.js';
import { TEXT_FORMAT_LAYOUTS, xlsxCells } from './export-text-formats.js';
import { Utf8Run } from './utf8-run.js';
import { writeXlsxSheet } from './xlsx-writer.js';
import { endWith, writeText } from './output-waits.js';
import { exportSlicesInParallel } from './parallel-range-export.js';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json', 'ndjson', 'xml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};

/** The list's filters (no paging or sort: an export walks the whole selection in created_at order). */
export type ContactExportQuery = Omit<ContactListQuery, 'cursor' | 'limit' | 'sort' | 'total'>;

export interface ContactExportRequest {
  format: string;
  query: ContactExportQuery;
  /** Column names (a list, or comma-separated); every column when absent. */
  columns?: string | string[];
  /**
   * What a CSV or XLSX header calls the columns: `keys` (default; the import's and the API's field keys)
   * or `en` / `zh` (the web app's field names, labels for identity types and attributes).
   */
  column_names?: string | null;
  /**
   * With `en` / `zh` names: the IANA zone whose local time the moments (created, updated, purchases) are
   * written in, `YYYY-MM-DD HH:mm:ss`; UTC when absent. Exports by key keep ISO 8601 in UTC.
   */
  time_zone?: string | null;
}

/** An export checked and ready to write: its format, columns and first page are known. */
export interface PreparedExport {
  format: ExportFormat;
  columns: ExportColumn[];
  /** The columns' names in the file's header (CSV, XLSX). */
  header: string[];
  contentType: string;
  /** Writes every selected contact to `out` and ends it; resolves with the number of contacts written. */
  writeTo(out: Writable, onProgress?: (rows: number) => void): Promise<number>;
}

/** Contacts per page through the list's query (its largest page). */
const LIST_PAGE = 500;
/** Contacts per page of an unfiltered export, which walks the primary key itself. */
const ID_PAGE = 2000;

/** True when the query selects every live contact (nothing to filter by). */
const selectsAll = (query: ContactExportQuery) =>
  Object.entries(query).every(
    ([, value]) =>
      value === undefined ||
      value === '' ||
      (Array.isArray(value)
        ? false
        : typeof value === 'object' && value !== null && Object.keys(value).length === 0),
  );

/** What each format does with the header, a page of records (or a worker's run of them) and the end. */
interface FormatWriter {
  start(): Promise<void>;
  page(contacts: ExportedContact[]): Promise<void>;
  /**
   * A run of records, made here or (encoded) by a worker thread: text formats only. XLSX has none: its
   * rows are numbered, which a thread cannot do without knowing how many live contacts precede its
   * slice, and cells sent over cost the main thread about what reading them does (measured: more CPU
   * and 120 MB more for two threads' heaps).
   */
  text?(records: string | Uint8Array): Promise<void>;
  end(): Promise<void>;
}

/** Threads an export of everyone reads and formats on (SQLite): one per core of a small server. */
const EXPORT_THREADS = 2;

export class ContactExportService {
  constructor(
    private readonly store: Store,
    private readonly contacts: ContactService,
  ) {}

  /**
   * Checks the request (format, columns, filters: a refusal names the field) and reads the first page,
   * so that nothing is written before the request is known to be good.
   */
  async prepare(request: ContactExportRequest): Promise<PreparedExport> {
    const format = request.format as ExportFormat;
    if (!(EXPORT_FORMATS as readonly string[]).includes(format))
      throw new ValidationError('format', request.format, `must be one of ${EXPORT_FORMATS.join(', ')}`);
    const naming = exportColumnNaming(request.column_names);
    if (naming !== 'keys' && format !== 'csv' && format !== 'xlsx')
      throw new ValidationError(
        'column_names',
        request.column_names,
        `names the columns of a csv or xlsx header; ${format} names each field by its key`,
      );
    const [identityTypes, attributes] = await Promise.all([
      new IdentityTypeService(this.store.db).list(),
      new AttributeDefinitionService(this.store.db).list(),
    ]);
    if (naming === 'keys' && request.time_zone)
      throw new ValidationError(
        'time_zone',
        request.time_zone,
        'applies to an export whose column_names are en or zh; an export by keys writes ISO 8601 times in UTC',
      );
    const timeZone = naming === 'keys' ? null : checkTimeZone('time_zone', request.time_zone || 'UTC');
    const columns = chooseColumns(
      { identityTypes: identityTypes.map((t) => t.key), attributeKeys: attributes.map((a) => a.key) },
      request.columns,
    ).map((c) => (timeZone && c.kind === 'field' && MOMENT_COLUMNS.has(c.name) ? { ...c, timeZone } : c));
    const header = exportHeader(columns, naming, {
      identityTypes: new Map(identityTypes.map((t) => [t.key, t.label])),
      attributes: new Map(attributes.map((a) => [a.key, a.label])),
    });
    // Purchase facts come with the customers list's pages as the API answers them; the id ranges do not
    // read them.
    const withFacts = hasPurchaseFacts(columns);
    const byIdRange = selectsAll(request.query) && !withFacts;
    const first = await this.page(request.query, undefined, byIdRange, withFacts);
    return {
      format,
      columns,
      header,
      contentType: EXPORT_CONTENT_TYPES[format],
      writeTo: async (out, onProgress) => {
        const writer = formatWriter(format, columns, header, out);
        await writer.start();
        const { rowReader } = this.store;
        const { text } = writer;
        if (rowReader && first.next && byIdRange && text && format !== 'xlsx') {
          // Everyone, more than a page, in a text format: read and format on worker threads (SQLite).
          let rows = 0;
          await exportSlicesInParallel({
            reader: rowReader,
            worker: { file: this.store.location, format, columns },
            threads: EXPORT_THREADS,
            sink: {
              write: async (result) => {
                await text(result.bytes);
                rows += result.rows;
                onProgress?.(rows);
              },
            },
          });
          await writer.end();
          return rows;
        }
        let page = first;
        let rows = 0;
        for (;;) {
          // The next page is read while this one is written (a round trip on PostgreSQL, a read thread
          // on SQLite); a failure of that read surfaces when it is awaited.
          const next = page.next ? this.page(request.query, page.next, byIdRange, withFacts) : null;
          next?.catch(() => undefined);
          await writer.page(page.contacts);
          rows += page.contacts.length;
          onProgress?.(rows);
          if (!next) break;
          page = await next;
        }
        await writer.end();
        return rows;
      },
    };
  }

  /**
   * One keyset page of the selection, with each contact's groups. A filtered export pages through the
   * customers list (created_at order, its cursor); an export of everyone walks the primary key on the
   * store's own connection (id order, which is creation order: ids are ULIDs), far less work per
   * contact.
   */
  private async page(
    query: ContactExportQuery,
    cursor: string | undefined,
    byIdRange: boolean,
    withFacts: boolean,
  ): Promise<{ contacts: ExportedContact[]; next: string | undefined }> {
    if (byIdRange) {
      const { contacts, lastId } = await readContactRange(this.store, cursor ?? '', ID_PAGE);
      return { contacts, next: lastId ?? undefined };
    }
    const listQuery = { ...query, sort: 'created_at' as const, cursor, limit: LIST_PAGE, total: false };
    const page = withFacts
      ? await this.contacts.listJson(listQuery).then((p) => ({
          ...p,
          data: p.data.map((c) => JSON.parse(c.json) as Contact),
        }))
      : await this.contacts.list(listQuery);
    const groups = await readGroupNames(
      this.store.db,
      page.data.map((c) => c.id),
    );
    const contacts = page.data.map((c): ExportedContact => ({ ...c, groups: groups.get(c.id) ?? [] }));
    return { contacts, next: page.next_cursor ?? undefined };
  }
}

function formatWriter(
  format: ExportFormat,
  columns: ExportColumn[],
  header: string[],
  out: Writable,
): FormatWriter {
  if (format === 'xlsx') return xlsxWriter(columns, header, out);
  const layout = TEXT_FORMAT_LAYOUTS[format];
  const run = new Utf8Run(64 * 1024);
  let wroteAny = false;
  const text = async (records: string | Uint8Array) => {
    if (records.length === 0) return;
    const skip = wroteAny ? 0 : layout.leadingSeparator;
    await writeText(out, skip === 0 ? records : records.slice(skip));
    wroteAny = true;
  };
  return {
    start: () => writeText(out, layout.head(header)),
    page: (contacts) => {
      layout.records(contacts, columns, run);
      return text(run.take());
    },
    text,
    end: () => endWith(out, layout.tail(wroteAny)),
  };
}

/**
 * XLSX: one sheet, the header first. Text is written as text cells, which Excel never runs as
 * formulas, so cells are not prefixed; numbers stay numbers.
 */
function xlsxWriter(columns: ExportColumn[], header: string[], out: Writable): FormatWriter {
  const sheet = writeXlsxSheet(out, 'Contacts');
  return {
    start: () => sheet.rows([header]),
    page: (contacts) => sheet.rows(contacts.map((c) => xlsxCells(c, columns))),
    end: () => sheet.end(),
  };
}

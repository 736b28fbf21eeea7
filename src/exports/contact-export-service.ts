/**
 * Contacts exports: the customers list's selection (same filters, plus ids) written as CSV, XLSX,
 * JSON, NDJSON or XML onto a stream, page by page (keyset pages of the list in created_at order), so
 * memory stays flat whatever the number of contacts. The layout is export-columns.ts / export-xml.ts.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ContactListQuery, ContactService } from '../contacts/contact-service.js';
import { AttributeDefinitionService } from '../customization/attribute-definition-service.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import { protectCell } from '../domain/csv-cell-safety.js';
import { ValidationError } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import {
  cellText,
  chooseColumns,
  columnValue,
  type ExportColumn,
  type ExportedContact,
  jsonRecord,
} from './export-columns.js';
import { readContactRange } from './contact-range-reader.js';
import { contactXml, xmlEnd, xmlStart } from './export-xml.js';

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
}

/** An export checked and ready to write: its format, columns and first page are known. */
export interface PreparedExport {
  format: ExportFormat;
  columns: ExportColumn[];
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

/** What each format does with the header, a page of records and the end. */
interface FormatWriter {
  start(): Promise<void>;
  page(contacts: ExportedContact[]): Promise<void>;
  end(): Promise<void>;
}

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
    const [identityTypes, attributes] = await Promise.all([
      new IdentityTypeService(this.store.db).keys(),
      new AttributeDefinitionService(this.store.db).byKey(),
    ]);
    const columns = chooseColumns(
      { identityTypes: [...identityTypes], attributeKeys: [...attributes.keys()] },
      request.columns,
    );
    const first = await this.page(request.query, undefined);
    return {
      format,
      columns,
      contentType: EXPORT_CONTENT_TYPES[format],
      writeTo: async (out, onProgress) => {
        const writer = formatWriter(format, columns, out);
        await writer.start();
        let page = first;
        let rows = 0;
        for (;;) {
          await writer.page(page.contacts);
          rows += page.contacts.length;
          onProgress?.(rows);
          if (!page.next) break;
          page = await this.page(request.query, page.next);
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
  private async page(query: ContactExportQuery, cursor: string | undefined) {
    if (selectsAll(query)) {
      const { contacts, lastId } = await readContactRange(this.store.db, cursor ?? '', ID_PAGE);
      return { contacts, next: lastId ?? undefined };
    }
    const page = await this.contacts.list({
      ...query,
      sort: 'created_at',
      cursor,
      limit: LIST_PAGE,
      total: false,
    });
    const groups = await this.groupNames(page.data.map((c) => c.id));
    const contacts = page.data.map((c): ExportedContact => ({ ...c, groups: groups.get(c.id) ?? [] }));
    return { contacts, next: page.next_cursor ?? undefined };
  }

  private async groupNames(ids: string[]): Promise<Map<string, string[]>> {
    const byContact = new Map<string, string[]>();
    if (ids.length === 0) return byContact;
    const rows = await this.store.db
      .selectFrom('contact_group_members as m')
      .innerJoin('contact_groups as g', 'g.id', 'm.group_id')
      .select(['m.contact_id', 'g.name'])
      .where('m.contact_id', 'in', ids)
      .orderBy('g.name_key')
      .execute();
    for (const row of rows) {
      const names = byContact.get(row.contact_id) ?? [];
      names.push(row.name);
      byContact.set(row.contact_id, names);
    }
    return byContact;
  }
}

/** Writes text, waiting when the stream's buffer is full (a slow reader slows the export, not memory). */
async function writeText(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

function formatWriter(format: ExportFormat, columns: ExportColumn[], out: Writable): FormatWriter {
  switch (format) {
    case 'csv':
      return csvWriter(columns, out);
    case 'xlsx':
      return xlsxWriter(columns, out);
    case 'json': {
      let first = true;
      return {
        start: () => writeText(out, '['),
        page: async (contacts) => {
          let text = '';
          for (const c of contacts) {
            text += `${first ? '\n' : ',\n'}${JSON.stringify(jsonRecord(c, columns))}`;
            first = false;
          }
          if (text) await writeText(out, text);
        },
        end: () => endWith(out, first ? ']\n' : '\n]\n'),
      };
    }
    case 'ndjson':
      return {
        start: async () => {},
        page: async (contacts) => {
          if (contacts.length === 0) return;
          await writeText(out, contacts.map((c) => `${JSON.stringify(jsonRecord(c, columns))}\n`).join(''));
        },
        end: () => endWith(out, ''),
      };
    case 'xml':
      return {
        start: () => writeText(out, xmlStart()),
        page: async (contacts) => {
          if (contacts.length > 0) await writeText(out, contacts.map((c) => contactXml(c, columns)).join(''));
        },
        end: () => endWith(out, xmlEnd()),
      };
  }
}

async function endWith(out: Writable, text: string): Promise<void> {
  out.end(text);
  if (!out.writableFinished) await once(out, 'finish');
}

/** UTF-8 with a BOM (Excel then reads Chinese correctly), lists joined by `;`, formula-safe cells. */
function csvWriter(columns: ExportColumn[], out: Writable): FormatWriter {
  // A page is stringified at once and written in one go: awaiting a stream per row cost half the time.
  const lines = (records: string[][]) => stringifyCsv(records.map((r) => r.map(protectCell)));
  return {
    start: () => writeText(out, `\uFEFF${lines([columns.map((c) => c.name)])}`),
    page: async (contacts) => {
      if (contacts.length === 0) return;
      await writeText(
        out,
        lines(contacts.map((c) => columns.map((column) => cellText(columnValue(c, column))))),
      );
    },
    end: () => endWith(out, ''),
  };
}

/**
 * exceljs's streaming writer: each row is committed (serialised and let go) as it is added. Text is
 * written as text cells, which Excel never runs as formulas, so cells are not prefixed; numbers stay
 * numbers.
 */
function xlsxWriter(columns: ExportColumn[], out: Writable): FormatWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Contacts');
  const cell = (value: ReturnType<typeof columnValue>) =>
    typeof value === 'number' ? value : value === null ? null : cellText(value);
  return {
    start: async () => sheet.addRow(columns.map((c) => c.name)).commit(),
    page: async (contacts) => {
      for (const c of contacts) sheet.addRow(columns.map((column) => cell(columnValue(c, column)))).commit();
      if (out.writableNeedDrain) await once(out, 'drain');
    },
    end: async () => {
      sheet.commit();
      await workbook.commit();
      if (!out.writableFinished) await once(out, 'finish');
    },
  };
}

/**
 * A JSON / NDJSON record written straight to text (pure): the same characters as
 * `JSON.stringify(jsonRecord(contact, columns))`, without building the record object first. The
 * object and its nested identities and attributes were most of an NDJSON export's time (about 12 µs
 * a contact more than a CSV line); a plain string is written between quotes as it is, and anything
 * JSON must escape goes through JSON.stringify itself.
 */
import { columnValue, type ExportColumn, type ExportedContact } from './export-columns.js';

/** Quote, backslash, control characters and any surrogate (a lone one is escaped by JSON.stringify). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function jsonValue(value: ReturnType<typeof columnValue>): string {
  if (typeof value === 'string') return jsonString(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i > 0 ? ',' : '') + jsonString(value[i]!);
    return `${text}]`;
  }
  return JSON.stringify(value); // a number (NaN and ±Infinity as null) or a boolean
}

type Segment =
  | { prefix: string; column: ExportColumn }
  | { prefix: string; members: { key: string; column: ExportColumn }[] };

/**
 * The writer of one column choice. Top-level keys follow the columns; `identities` and `attributes`
 * stand where their first column stands and hold only the keys a contact has, as jsonRecord does.
 */
export function jsonRecordWriter(columns: readonly ExportColumn[]): (contact: ExportedContact) => string {
  const segments: Segment[] = [];
  const nested = new Map<string, { key: string; column: ExportColumn }[]>();
  for (const column of columns) {
    const prefix = segments.length > 0 ? ',' : '';
    if (column.kind === 'identity' || column.kind === 'attribute') {
      const key = column.kind === 'identity' ? 'identities' : 'attributes';
      let members = nested.get(key);
      if (!members) {
        members = [];
        nested.set(key, members);
        segments.push({ prefix: `${prefix}${JSON.stringify(key)}:`, members });
      }
      members.push({
        key: JSON.stringify(column.kind === 'identity' ? column.type : column.key),
        column,
      });
    } else segments.push({ prefix: `${prefix}${JSON.stringify(column.name)}:`, column });
  }
  return (contact) => {
    let text = '{';
    for (const segment of segments) {
      text += segment.prefix;
      if ('members' in segment) {
        let inner = '';
        for (const member of segment.members) {
          const value = columnValue(contact, member.column);
          if (value !== null) inner += `${inner === '' ? '' : ','}${member.key}:${jsonValue(value)}`;
        }
        text += `{${inner}}`;
      } else text += jsonValue(columnValue(contact, segment.column));
    }
    return `${text}}`;
  };
}

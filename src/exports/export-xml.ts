/**
 * The XML layout of a contacts export (pure; stable: other systems parse it). Documented in
 * src/exports/README.md:
 *
 *   <contacts xmlns="urn:kith:contacts:1">
 *     <contact id="ct_…">
 *       <name>王伟</name>                           a scalar column: one element, omitted when absent
 *       <additional_emails><email>…</email></additional_emails>   a list: one child per value
 *       <tags><tag>VIP</tag></tags>   <groups><group>…</group></groups>   <created_at>…</created_at>
 *       <identities><identity type="external_id">CRM-1</identity></identities>
 *       <attributes><attribute key="level" type="number">3</attribute></attributes>
 *     </contact>
 *   </contacts>
 *
 * Fields come in the columns' order, then identities, then attributes; empty lists and absent values
 * are omitted. Writing needs only
 * escaping; reading goes through a real parser (saxes) on import.
 */
import { type ExportColumn, type ExportedContact, columnValue } from './export-columns.js';

export const XML_NAMESPACE = 'urn:kith:contacts:1';

/** The element a list column's values are written in. */
export const LIST_ITEM_ELEMENT: Record<string, string> = {
  additional_emails: 'email',
  additional_phones: 'phone',
  tags: 'tag',
  groups: 'group',
};

// XML 1.0 cannot carry these at all (not even escaped): they become U+FFFD.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"]/g, (c) => ESCAPES[c]!);
}

export const xmlStart = () => `<?xml version="1.0" encoding="UTF-8"?>\n<contacts xmlns="${XML_NAMESPACE}">\n`;
export const xmlEnd = () => '</contacts>\n';

export function contactXml(contact: ExportedContact, columns: readonly ExportColumn[]): string {
  let body = '';
  let identities = '';
  let attributes = '';
  for (const column of columns) {
    if (column.name === 'id') continue;
    const value = columnValue(contact, column);
    if (value === null) continue;
    if (column.kind === 'identity')
      identities += `<identity type="${escapeXml(column.type)}">${escapeXml(String(value))}</identity>`;
    else if (column.kind === 'attribute') {
      const type = typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text';
      attributes += `<attribute key="${escapeXml(column.key)}" type="${type}">${escapeXml(String(value))}</attribute>`;
    } else if (Array.isArray(value)) {
      if (value.length === 0) continue;
      const item = LIST_ITEM_ELEMENT[column.name]!;
      body += `<${column.name}>${value.map((v) => `<${item}>${escapeXml(v)}</${item}>`).join('')}</${column.name}>`;
    } else body += `<${column.name}>${escapeXml(String(value))}</${column.name}>`;
  }
  if (identities) body += `<identities>${identities}</identities>`;
  if (attributes) body += `<attributes>${attributes}</attributes>`;
  const id = columns.some((c) => c.name === 'id') ? ` id="${escapeXml(contact.id)}"` : '';
  return `  <contact${id}>${body}</contact>\n`;
}

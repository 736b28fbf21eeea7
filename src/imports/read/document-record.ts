/**
 * A record of a JSON, NDJSON or XML document as columns (pure), so that documents go through the
 * same mapping, validation and matching as spreadsheets. A column is the record's path
 * (`customer.contact.mobile`), except that what Kith's own exports write maps itself:
 * `identities` / `<identities><identity type>` become `identity.<type>`, `attributes` /
 * `<attributes><attribute key>` become `attr.<key>`, and lists (`tags: [...]`, `<tags><tag>`) become
 * one cell joined by `;`, as in a spreadsheet. Absent and null values are empty cells.
 */
import { nestsDeeperThan } from '../../domain/nesting.js';

/** Joins a list in one cell, as Kith's spreadsheets do; the validation splits it again. */
const LIST_SEPARATOR_OUT = ';';

export type Cells = Map<string, string>;

const scalarText = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);

const isScalar = (value: unknown) => value === null || typeof value !== 'object';

/** Levels of objects and lists a record may nest; a deeper one is refused, naming the record. */
export const MAX_RECORD_NESTING = 32;

/** Why a record cannot be read as columns (the reader says where the record is). */
export class RecordTooDeepError extends Error {
  constructor() {
    super(`a value is nested more than ${MAX_RECORD_NESTING} levels deep; flatten the record`);
  }
}

/** A JSON record's columns. A record that is not an object is refused by the caller. */
export function jsonRecordCells(record: Record<string, unknown>): Cells {
  if (nestsDeeperThan(record, MAX_RECORD_NESTING)) throw new RecordTooDeepError();
  const cells: Cells = new Map();
  const visit = (value: unknown, path: string) => {
    if (isScalar(value)) cells.set(path, scalarText(value));
    else if (Array.isArray(value)) {
      cells.set(
        path,
        value.every(isScalar)
          ? value
              .map(scalarText)
              .filter((v) => v !== '')
              .join(LIST_SEPARATOR_OUT)
          : JSON.stringify(value),
      );
    } else
      for (const [key, inner] of Object.entries(value as Record<string, unknown>))
        visit(inner, path === '' ? key : `${path}.${key}`);
  };
  for (const [key, value] of Object.entries(record)) {
    if (
      (key === 'identities' || key === 'attributes') &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      const prefix = key === 'identities' ? 'identity' : 'attr';
      for (const [inner, v] of Object.entries(value as Record<string, unknown>))
        cells.set(`${prefix}.${inner}`, isScalar(v) ? scalarText(v) : JSON.stringify(v));
    } else visit(value, key);
  }
  return cells;
}

/** An element of an XML record, as the reader builds it. */
export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlNode[];
}

const textOnly = (node: XmlNode) => node.children.length === 0;
const KITH_LISTS = new Set(['tags', 'groups', 'additional_emails', 'additional_phones']);

/** An XML record's columns: the record element's attributes, then its elements by path. */
export function xmlRecordCells(record: XmlNode): Cells {
  const cells: Cells = new Map();
  const add = (path: string, value: string) => {
    const before = cells.get(path);
    cells.set(path, before === undefined || before === '' ? value : `${before}${LIST_SEPARATOR_OUT}${value}`);
  };
  for (const [name, value] of Object.entries(record.attributes))
    if (!name.startsWith('xmlns')) add(name, value);
  const visit = (node: XmlNode, path: string) => {
    if (textOnly(node)) {
      add(path, node.text.trim());
      return;
    }
    if (node.name === 'identities' || node.name === 'attributes') {
      const [prefix, by] = node.name === 'identities' ? ['identity', 'type'] : ['attr', 'key'];
      for (const child of node.children)
        if (child.attributes[by] !== undefined) add(`${prefix}.${child.attributes[by]}`, child.text.trim());
        else visit(child, `${path}.${child.name}`);
      return;
    }
    // <tags><tag>a</tag><tag>b</tag></tags>: a list, one cell at the container's path. A container of
    // one item is a list when its name says so (Kith's lists, or the item's name plus s / es).
    const names = new Set(node.children.map((c) => c.name));
    const item = node.children[0]?.name ?? '';
    const listName =
      KITH_LISTS.has(node.name) ||
      node.name === `${item}s` ||
      node.name === `${item}es` ||
      node.children.length > 1;
    if (names.size === 1 && listName && node.children.every(textOnly)) {
      cells.set(
        path,
        node.children
          .map((c) => c.text.trim())
          .filter((v) => v !== '')
          .join(LIST_SEPARATOR_OUT),
      );
      return;
    }
    for (const child of node.children) visit(child, `${path}.${child.name}`);
  };
  for (const child of record.children) visit(child, child.name);
  return cells;
}

/**
 * Reads JSON (an array of records), NDJSON (a record per line) and XML (the root's child elements are
 * the records) as streams of records with their columns (document-record.ts), in constant memory.
 * UTF-8 only (what JSON requires; an XML declaration naming another encoding is refused). A file that
 * is not a well-formed document is refused with where it breaks: a line (NDJSON), a line and column
 * (XML) or a line and byte position (JSON).
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { JSONParser } from '@streamparser/json';
import { SaxesParser } from 'saxes';
import {
  type Cells,
  jsonRecordCells,
  MAX_RECORD_NESTING,
  RecordTooDeepError,
  type XmlNode,
  xmlRecordCells,
} from './document-record.js';
import { ImportFileError } from './import-file-error.js';
import { MAX_COLUMNS } from './read-limits.js';

export type DocumentFormat = 'json' | 'ndjson' | 'xml';

/** A document's format from its first bytes, or null when it does not look like one. */
export function detectDocumentFormat(sample: Buffer): DocumentFormat | null {
  const text = sample.toString('utf8').replace(/^\uFEFF/, '');
  const first = /\S/.exec(text)?.[0];
  if (first === '[') return 'json';
  if (first === '{') return 'ndjson';
  if (first === '<' && /^\s*<(\?xml|[A-Za-z_])/.test(text)) return 'xml';
  return null;
}

interface DocumentRecord {
  rowNumber: number;
  cells: Cells;
}

const describe = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;

/** The line of a byte offset in the file (for a JSON error, which names the offset). */
async function lineOfOffset(path: string, offset: number): Promise<number> {
  let line = 1;
  let seen = 0;
  for await (const chunk of fs.createReadStream(path, {
    end: Math.max(0, offset - 1),
  }) as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === 0x0a) line++;
    seen += chunk.length;
  }
  return seen > 0 ? line : 1;
}

/** A JSON record's columns, or the file refused naming where the record is. */
function recordCells(record: Record<string, unknown>, where: string): Cells {
  try {
    return jsonRecordCells(record);
  } catch (e) {
    if (e instanceof RecordTooDeepError) throw new ImportFileError(`${where}: ${e.message}`);
    throw e;
  }
}

async function* readNdjson(path: string): AsyncGenerator<DocumentRecord> {
  const lines = readline.createInterface({ input: fs.createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber++;
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new ImportFileError(`line ${lineNumber}: not a JSON record (${(e as Error).message})`, {
        line: lineNumber,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ImportFileError(
        `line ${lineNumber}: a record must be a JSON object, not ${describe(value)}`,
        {
          line: lineNumber,
        },
      );
    yield {
      rowNumber: lineNumber,
      cells: recordCells(value as Record<string, unknown>, `line ${lineNumber}`),
    };
  }
}

async function* readJsonArray(path: string): AsyncGenerator<DocumentRecord> {
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
  const ready: unknown[] = [];
  parser.onValue = ({ value, stack }) => {
    if (stack.length === 1) ready.push(value);
  };
  // Where the last token began: the parser's grammar errors do not say where they are.
  let lastOffset = 0;
  parser.onToken = ({ offset }) => {
    lastOffset = offset;
  };
  let index = 0;
  try {
    for await (const chunk of fs.createReadStream(path) as AsyncIterable<Buffer>) {
      const bom = index === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      // The parser ends with the array; only white space may follow it.
      if (parser.isEnded) {
        if (chunk.toString('utf8').trim() !== '')
          throw new ImportFileError(
            'the file holds more after the JSON array ends; a JSON file is one array of records',
          );
        continue;
      }
      parser.write(bom ? chunk.subarray(3) : chunk);
      for (const value of ready.splice(0)) {
        index++;
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw new ImportFileError(
            `record ${index}: a record must be a JSON object, not ${describe(value)}`,
            {
              record: index,
            },
          );
        yield { rowNumber: index, cells: recordCells(value as Record<string, unknown>, `record ${index}`) };
      }
    }
    if (!parser.isEnded) parser.end();
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    const message = (e as Error).message;
    const offset = Number(/absolute position "(\d+)"/.exec(message)?.[1] ?? lastOffset);
    const line = message.includes('ended in the middle') ? null : await lineOfOffset(path, offset);
    throw new ImportFileError(
      `${line === null ? `after record ${index}` : `line ${line}`}: the file is not valid JSON (${line === null ? 'it ends before the array is closed' : message})`,
      { line, record: index },
    );
  }
}

async function* readXml(path: string): AsyncGenerator<DocumentRecord> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: XmlNode[] = [];
  const ready: XmlNode[] = [];
  let failure: Error | null = null;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('xmldecl', (decl) => {
    if (decl.encoding && !/^utf-?8$/i.test(decl.encoding))
      failure ??= new Error(`the document says it is in ${decl.encoding}; save it as UTF-8`);
  });
  parser.on('opentag', (tag) => {
    // The document element and the record's own are two levels; its values may nest as a JSON record's.
    if (stack.length >= MAX_RECORD_NESTING + 2)
      throw new ImportFileError(
        `line ${parser.line}, column ${parser.column}: elements are nested more than ${MAX_RECORD_NESTING} levels deep in a record; flatten the record`,
        { line: parser.line, column: parser.column },
      );
    const node: XmlNode = {
      name: tag.name,
      attributes: tag.attributes as Record<string, string>,
      text: '',
      children: [],
    };
    if (stack.length >= 2) stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  const onText = (text: string) => {
    if (stack.length >= 2) stack[stack.length - 1]!.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const node = stack.pop()!;
    if (stack.length === 1) ready.push(node);
  });
  let index = 0;
  let first = true;
  const fail = () => {
    const e = failure!;
    // saxes names the place in its message (`3:26: unexpected close tag.`); the parser has moved on.
    const at = /^(?:.*?:)?(\d+):(\d+): (.*)$/s.exec(e.message);
    const [line, column, reason] = at
      ? [Number(at[1]), Number(at[2]), at[3]!]
      : [parser.line, parser.column, e.message];
    throw new ImportFileError(`line ${line}, column ${column}: the file is not well-formed XML (${reason})`, {
      line,
      column,
    });
  };
  for await (const chunk of fs.createReadStream(path, 'utf8') as AsyncIterable<string>) {
    parser.write(first ? chunk.replace(/^\uFEFF/, '') : chunk);
    first = false;
    if (failure) fail();
    for (const node of ready.splice(0)) {
      index++;
      yield { rowNumber: index, cells: xmlRecordCells(node) };
    }
  }
  parser.close();
  if (failure) fail();
  for (const node of ready.splice(0)) {
    index++;
    yield { rowNumber: index, cells: xmlRecordCells(node) };
  }
}

export function readDocument(path: string, format: DocumentFormat): AsyncGenerator<DocumentRecord> {
  return format === 'ndjson' ? readNdjson(path) : format === 'json' ? readJsonArray(path) : readXml(path);
}

/**
 * Every column the document's records have, in the order they first appear: one pass over the whole
 * document, so a column only a late record has is still a column (and a broken document is refused
 * before anything is imported).
 */
export async function documentHeader(
  path: string,
  format: DocumentFormat,
): Promise<{ header: string[]; records: number }> {
  const seen = new Set<string>();
  let records = 0;
  for await (const record of readDocument(path, format)) {
    records++;
    for (const column of record.cells.keys()) {
      if (seen.has(column)) continue;
      seen.add(column);
      if (seen.size > MAX_COLUMNS)
        throw new ImportFileError(
          `the records have more than ${MAX_COLUMNS} different fields; at most ${MAX_COLUMNS} are supported`,
        );
    }
  }
  if (records === 0) throw new ImportFileError('the document holds no records');
  return { header: [...seen], records };
}

/** The document's records as rows of cells in the header's order. */
export async function* readDocumentRows(
  path: string,
  format: DocumentFormat,
  header: readonly string[],
): AsyncGenerator<{ rowNumber: number; cells: string[] }> {
  for await (const record of readDocument(path, format))
    yield { rowNumber: record.rowNumber, cells: header.map((column) => record.cells.get(column) ?? '') };
}

/**
 * Hand-made XLSX workbooks for tests and bench/xlsx-bomb.bench.ts, built with JSZip at run time (no
 * binaries in the repository): plain workbooks from XML given part by part (cell references left out,
 * inline strings, styles…), and the two bombs of issue 14 — a shared strings table that unpacks to
 * gigabytes, and one cell of a gigabyte — streamed through JSZip so that their size costs time, not
 * memory. `understateSize` makes an archive lie about what a part unpacks to, as a crafted bomb would.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import JSZip from 'jszip';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface SheetSpec {
  name: string;
  /** The sheet's `<sheetData>` content (its `<row>` elements), or a stream of it. */
  rows: string | Readable;
}

export interface WorkbookSpec {
  sheets: SheetSpec[];
  /** The `<sst>` content (its `<si>` items), or a stream of it. */
  sharedStrings?: string | Readable;
  /** The `<styleSheet>` content (numFmts, cellXfs…). */
  styles?: string;
  date1904?: boolean;
}

export const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function wrapped(open: string, body: string | Readable, close: string): string | Readable {
  if (typeof body === 'string') return open + body + close;
  return Readable.from(
    (async function* () {
      yield Buffer.from(open);
      for await (const chunk of body)
        yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      yield Buffer.from(close);
    })(),
  );
}

export function buildWorkbook(spec: WorkbookSpec): JSZip {
  const zip = new JSZip();
  const overrides = spec.sheets.map(
    (_, i) =>
      `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  );
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides.join('')}</Types>`,
  );
  zip.file(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  const sheets = spec.sheets.map(
    (s, i) => `<sheet name="${xmlEscape(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`,
  );
  zip.file(
    'xl/workbook.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${MAIN}" xmlns:r="${REL}">${spec.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheets.join('')}</sheets></workbook>`,
  );
  const rels = spec.sheets.map(
    (_, i) =>
      `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  );
  const n = spec.sheets.length;
  if (spec.sharedStrings !== undefined)
    rels.push(`<Relationship Id="rId${n + 1}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`);
  if (spec.styles !== undefined)
    rels.push(`<Relationship Id="rId${n + 2}" Type="${REL}/styles" Target="styles.xml"/>`);
  zip.file(
    'xl/_rels/workbook.xml.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL}">${rels.join('')}</Relationships>`,
  );
  spec.sheets.forEach((s, i) =>
    zip.file(
      `xl/worksheets/sheet${i + 1}.xml`,
      wrapped(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>`,
        s.rows,
        '</sheetData></worksheet>',
      ),
    ),
  );
  if (spec.sharedStrings !== undefined)
    zip.file(
      'xl/sharedStrings.xml',
      wrapped(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${MAIN}">`,
        spec.sharedStrings,
        '</sst>',
      ),
    );
  if (spec.styles !== undefined)
    zip.file(
      'xl/styles.xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="${MAIN}">${spec.styles}</styleSheet>`,
    );
  return zip;
}

export async function workbookBuffer(spec: WorkbookSpec): Promise<Buffer> {
  return buildWorkbook(spec).generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Writes the workbook through JSZip's stream, for parts too large to hold. */
export async function writeWorkbook(file: string, spec: WorkbookSpec): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    buildWorkbook(spec)
      .generateNodeStream({ compression: 'DEFLATE', compressionOptions: { level: 9 }, streamFiles: true })
      .on('error', reject)
      .pipe(fs.createWriteStream(file))
      .on('finish', resolve)
      .on('error', reject);
  });
}

/** One row of inline strings, cell references included (`r="A1"`…). */
export function inlineRow(rowNumber: number, cells: string[]): string {
  const c = cells.map(
    (v, i) =>
      `<c r="${String.fromCharCode(65 + i)}${rowNumber}" t="inlineStr"><is><t>${xmlEscape(v)}</t></is></c>`,
  );
  return `<row r="${rowNumber}">${c.join('')}</row>`;
}

function* repeatText(chars: number, unit = 'x'.repeat(64 * 1024)): Generator<Buffer> {
  const block = Buffer.from(unit);
  let left = chars;
  while (left > 0) {
    const take = Math.min(left, block.length);
    yield take === block.length ? block : block.subarray(0, take);
    left -= take;
  }
}

/**
 * The shared-strings bomb: `strings` strings of `chars` characters each (numbered, so each is its
 * own). The header and the first rows are inline strings, so that a reader which previews only the
 * start need not read the table; row 2 uses the first string and row 20 the last. At 110,000 × 30,000
 * it is the 3.3 GB table of issue 14.
 */
export async function writeSharedStringsBomb(
  file: string,
  { strings, chars }: { strings: number; chars: number },
): Promise<void> {
  const items = Readable.from(
    (function* () {
      for (let i = 0; i < strings; i++) {
        const label = `${i}:`;
        yield Buffer.from(`<si><t>${label}`);
        yield* repeatText(Math.max(0, chars - label.length));
        yield Buffer.from('</t></si>');
      }
    })(),
  );
  const filler = Array.from({ length: 17 }, (_, i) => inlineRow(i + 3, [`P${i}`, `p${i}@example.com`]));
  await writeWorkbook(file, {
    sheets: [
      {
        name: 'Sheet1',
        rows:
          inlineRow(1, ['name', 'email']) +
          `<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>ann@example.com</t></is></c></row>` +
          filler.join('') +
          `<row r="20"><c r="A20" t="s"><v>${strings - 1}</v></c><c r="B20" t="inlineStr"><is><t>zed@example.com</t></is></c></row>`,
      },
    ],
    sharedStrings: items,
  });
}

/** The giant-cell bomb: a header, then one inline-string cell of `chars` characters. */
export async function writeGiantCellBomb(file: string, { chars }: { chars: number }): Promise<void> {
  const rows = Readable.from(
    (function* () {
      yield Buffer.from(`${inlineRow(1, ['name', 'email'])}<row r="2"><c r="A2" t="inlineStr"><is><t>`);
      yield* repeatText(chars);
      yield Buffer.from('</t></is></c></row>');
    })(),
  );
  await writeWorkbook(file, { sheets: [{ name: 'Sheet1', rows }] });
}

/**
 * Makes the archive's directory say that `part` unpacks to `size` bytes (a crafted bomb's lie). The
 * reader believes only the directory, so that is the only place patched.
 */
export function understateSize(file: string, part: string, size: number): void {
  const bytes = fs.readFileSync(file);
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${file}: no zip directory`);
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const nameLength = bytes.readUInt16LE(at + 28);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    if (name === part) {
      bytes.writeUInt32LE(size, at + 24);
      fs.writeFileSync(file, bytes);
      return;
    }
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  throw new Error(`${file}: no part ${part}`);
}

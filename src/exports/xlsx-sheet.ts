/**
 * The parts of a one-sheet XLSX workbook as text (pure): the package's fixed parts, and the sheet's
 * rows written straight from cells — inline strings (no shared-string table to hold in memory), numbers
 * as numbers, the header row frozen. Written here rather than through exceljs because its streaming
 * writer was the whole cost of an XLSX export (about 20,000 rows a CPU second, slower as the sheet grew,
 * and 1 GB at a million rows); the zip around these parts is archiver's (./xlsx-writer.ts).
 */
import { escapeXml } from './export-xml.js';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOCUMENT_RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Everything but the sheet itself: name → content. */
export function workbookParts(sheetName: string): Record<string, string> {
  return {
    '[Content_Types].xml':
      `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
      '</Types>',
    '_rels/.rels':
      `${HEAD}<Relationships xmlns="${RELATIONSHIPS}">` +
      `<Relationship Id="rId1" Type="${DOCUMENT_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>` +
      '</Relationships>',
    'xl/workbook.xml':
      `${HEAD}<workbook xmlns="${MAIN}" xmlns:r="${DOCUMENT_RELATIONSHIPS}">` +
      `<sheets><sheet name="${escapeXml(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels':
      `${HEAD}<Relationships xmlns="${RELATIONSHIPS}">` +
      `<Relationship Id="rId1" Type="${DOCUMENT_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${DOCUMENT_RELATIONSHIPS}/styles" Target="styles.xml"/>` +
      '</Relationships>',
    // The least a spreadsheet program accepts: one font, the two required fills, one border, one style.
    'xl/styles.xml':
      `${HEAD}<styleSheet xmlns="${MAIN}">` +
      '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>' +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>' +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>',
  };
}

export const SHEET_PART = 'xl/worksheets/sheet1.xml';

/** The sheet up to its rows: the header row stays in view when scrolling. */
export const sheetStart = () =>
  `${HEAD}<worksheet xmlns="${MAIN}"><sheetViews><sheetView workbookViewId="0">` +
  '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>';

export const sheetEnd = () => '</sheetData></worksheet>';

/** A, B, … Z, AA, AB, …: the column part of a cell reference. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

export type SheetCell = string | number | null;

/**
 * Writes rows as sheet XML, numbering them on from the row it is given (1 is the header). Every row
 * and cell carries its reference: readers such as exceljs place cells by it.
 */
export class SheetRows {
  private readonly letters: string[] = [];
  constructor(private nextRow = 1) {}

  rows(rows: readonly (readonly SheetCell[])[]): string {
    let xml = '';
    for (const cells of rows) {
      const r = this.nextRow++;
      xml += `<row r="${r}">`;
      for (let i = 0; i < cells.length; i++) {
        const value = cells[i];
        if (value === null || value === undefined || value === '') continue;
        const ref = (this.letters[i] ??= columnLetters(i)) + r;
        if (typeof value === 'number' && Number.isFinite(value)) xml += `<c r="${ref}"><v>${value}</v></c>`;
        else {
          const text = String(value);
          // Excel drops a text's outer spaces unless told to keep them.
          const space = text.trim() === text ? '' : ' xml:space="preserve"';
          xml += `<c r="${ref}" t="inlineStr"><is><t${space}>${escapeXml(text)}</t></is></c>`;
        }
      }
      xml += '</row>';
    }
    return xml;
  }
}

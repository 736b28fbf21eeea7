/**
 * The failure file as the screens show it: the original columns of each failed row plus a last column
 * `error` ("row 12: phone: is not a valid phone number … (got "123")"). Its reasons are grouped by kind,
 * the way the server's e-mail groups them: values differ from row to row, reasons repeat.
 */

/** RFC 4180 CSV (quoted cells, doubled quotes, CRLF or LF), as csv-stringify writes it. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || record.length > 0) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

/** "phone: is not a valid phone … (got "12345")" → "phone: is not a valid phone …". */
export function reasonKind(error: string): string {
  return (
    error
      .replace(/\s*\(got .*?\)(?=;|$)/g, '')
      .replace(/rows? \d+(?:, \d+)*/g, 'other rows')
      // One order's number is not part of the reason: the same reason for every order.
      .replace(/订单编号 \S+ /g, '订单编号 … ')
      .split('; ')[0] ?? error
  );
}

export interface FailedRow {
  rowNumber: number | null;
  reason: string;
  cells: string[];
}

export interface ReasonCount {
  kind: string;
  count: number;
  /** The first row that failed for it. */
  example: FailedRow;
}

export interface FailureSummary {
  columns: string[];
  rows: FailedRow[];
  reasons: ReasonCount[];
}

/** Formula-protected cells (`'=…`) are shown as the file holds them, without the guard. */
const unprotect = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

export function summarizeFailures(text: string): FailureSummary {
  const [header = [], ...records] = parseCsv(text).filter((r) => r.some((cell) => cell !== ''));
  const columns = header.slice(0, -1);
  const rows = records.map((record): FailedRow => {
    const error = unprotect(record[record.length - 1] ?? '');
    const match = /^row (\d+): ([\s\S]*)$/.exec(error);
    return {
      rowNumber: match ? Number(match[1]) : null,
      reason: match ? match[2]! : error,
      cells: record.slice(0, -1).map(unprotect),
    };
  });
  const byKind = new Map<string, ReasonCount>();
  for (const row of rows) {
    const kind = reasonKind(row.reason);
    const entry = byKind.get(kind);
    if (entry) entry.count++;
    else byKind.set(kind, { kind, count: 1, example: row });
  }
  const reasons = [...byKind.values()].sort((a, b) => b.count - a.count);
  return { columns, rows, reasons };
}

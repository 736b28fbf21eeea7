/**
 * Peak memory of importing XLSX bombs (issue 14): each workbook goes through the built CLI
 * (`kith import contacts FILE --json`, upload check and job) alone in a child process against a fresh
 * SQLite store, and the child's peak RSS is taken from `process.resourceUsage().maxRSS` as it exits.
 *
 * The workbooks (bench/xlsx-bombs.ts, made with JSZip, kept under the system's temporary folder so that
 * a second run does not make them again):
 *   strings-bomb        the issue's shared strings table: 110,000 strings of 30,000 characters (3.3 GB)
 *   strings-bomb-lying  the same, its directory claiming as much as the limits let through
 *   cell-bomb           one cell of 1.26 GB
 *   cell-bomb-lying     the same, claiming as much as the limits let through
 *   at-the-limits       what the default limits accept at worst: 60 MB of shared strings (random letters,
 *                       so that the ratio limit lets them through), and rows of 34 cells repeating
 *                       30,000-character strings (1 MiB of text each) until the sheet's text nears
 *                       512 MB; two short columns are imported, the long ones are not mapped
 *   at-the-limits-cjk   the same in Chinese characters (104 cells of 10,000 characters a row)
 *   contacts-100k       100,000 generated customers (bench/generate-contacts.ts), as ExcelJS writes them
 *
 * Usage: npm run bench:xlsx-bomb [-- NAME…]      (default: all of them)
 *        KITH_BENCH_CLI=/elsewhere/dist/cli/main.js npm run bench:xlsx-bomb    (no build here)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { GENERATED_HEADER, generateRow } from './generate-contacts.js';
import { understateSize, writeGiantCellBomb, writeSharedStringsBomb, writeWorkbook } from './xlsx-bombs.js';
import { xlsxLimits } from '../src/imports/read/read-limits.js';
import { ZipArchive } from '../src/imports/read/zip-archive.js';

const cacheDir = path.join(os.tmpdir(), 'kith-xlsx-bombs');
const mb = (bytes: number) => +(bytes / 1024 / 1024).toFixed(1);

/** Rewrites the directory so that `part` claims the most the default limits accept. */
function lieWithinLimits(file: string, part: string): void {
  const limits = xlsxLimits({});
  const entry = ZipArchive.open(file).entry(part)!;
  const claim = Math.min(
    limits.partBytes - 1024 * 1024,
    Math.floor(entry.compressedSize * (limits.ratio - 1)),
  );
  understateSize(file, part, claim);
}

/**
 * The worst the default limits let through: 60 MB of shared strings, and rows repeating them up to
 * 1 MiB of text each, until the sheet's text nears 512 MB. Random letters, so that the ratio limit
 * lets them through; `cjk`: Chinese characters (three bytes each in the table, two in a JS string).
 */
async function atTheLimits(file: string, cjk: boolean): Promise<void> {
  const chars = cjk ? 10_000 : 30_000; // 30 KB of UTF-8 a string
  const strings = 2_000; // 60 MB of shared strings
  const cellsPerRow = cjk ? 104 : 34; // 1,040,000 or 1,020,000 characters: just under a row's 1 MiB
  const rows = cjk ? 510 : 520; // 530 M characters: just under the sheet's 512 MB of text
  const column = (i: number) =>
    (i < 26 ? '' : String.fromCharCode(64 + Math.floor(i / 26))) + String.fromCharCode(65 + (i % 26));
  const header = ['name', 'email', ...Array.from({ length: cellsPerRow }, (_, i) => `long ${i + 1}`)];
  let seed = 42;
  const random = (n: number) => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return (seed >>> 8) % n;
  };
  await writeWorkbook(file, {
    sheets: [
      {
        name: 'Sheet1',
        rows: Readable.from(
          (function* () {
            yield `<row r="1">${header.map((h, i) => `<c r="${column(i)}1" t="inlineStr"><is><t>${h}</t></is></c>`).join('')}</row>`;
            for (let r = 0; r < rows; r++) {
              const n = r + 2;
              let row = `<row r="${n}"><c r="A${n}" t="inlineStr"><is><t>Bomb ${r}</t></is></c><c r="B${n}" t="inlineStr"><is><t>bomb${r}@example.com</t></is></c>`;
              for (let i = 0; i < cellsPerRow; i++)
                row += `<c r="${column(i + 2)}${n}" t="s"><v>${(r * cellsPerRow + i) % strings}</v></c>`;
              yield `${row}</row>`;
            }
          })(),
        ),
      },
    ],
    sharedStrings: Readable.from(
      (function* () {
        const codes = new Array<number>(chars);
        for (let i = 0; i < strings; i++) {
          for (let c = 0; c < chars; c++) codes[c] = cjk ? 0x4e00 + random(20_000) : 97 + random(26);
          yield Buffer.from(`<si><t>${String.fromCharCode(...codes)}</t></si>`);
        }
      })(),
    ),
  });
}

async function contacts(file: string, n: number): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = book.addWorksheet('客户');
  sheet.addRow(GENERATED_HEADER).commit();
  for (let i = 0; i < n; i++) sheet.addRow(generateRow(i)).commit();
  sheet.commit();
  await book.commit();
}

const CASES: Record<string, (file: string) => Promise<void>> = {
  'strings-bomb': (f) => writeSharedStringsBomb(f, { strings: 110_000, chars: 30_000 }),
  'strings-bomb-lying': async (f) => {
    await ensure('strings-bomb');
    fs.copyFileSync(path.join(cacheDir, 'strings-bomb.xlsx'), f);
    lieWithinLimits(f, 'xl/sharedStrings.xml');
  },
  'cell-bomb': (f) => writeGiantCellBomb(f, { chars: 1_260_000_000 }),
  'cell-bomb-lying': async (f) => {
    await ensure('cell-bomb');
    fs.copyFileSync(path.join(cacheDir, 'cell-bomb.xlsx'), f);
    lieWithinLimits(f, 'xl/worksheets/sheet1.xml');
  },
  'at-the-limits': (f) => atTheLimits(f, false),
  'at-the-limits-cjk': (f) => atTheLimits(f, true),
  'contacts-100k': (f) => contacts(f, 100_000),
};

async function ensure(name: string): Promise<string> {
  const file = path.join(cacheDir, `${name}.xlsx`);
  if (fs.existsSync(file)) return file;
  const t = performance.now();
  await CASES[name]!(`${file}.part`);
  fs.renameSync(`${file}.part`, file);
  console.error(
    `made ${name}.xlsx (${mb(fs.statSync(file).size)} MB) in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
  return file;
}

/** What the sheet and its shared strings really unpack to, whatever the directory claims. */
async function unpackedSize(file: string): Promise<number> {
  const archive = ZipArchive.open(file);
  let bytes = 0;
  for (const part of ['xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml']) {
    const entry = archive.entry(part);
    if (entry) for await (const chunk of archive.chunks(entry)) bytes += chunk.length;
  }
  return bytes;
}

async function main(): Promise<void> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(CASES);
  for (const name of names)
    if (!CASES[name]) throw new Error(`no case ${name}; cases: ${Object.keys(CASES).join(', ')}`);
  const files = new Map<string, string>();
  for (const name of names) files.set(name, await ensure(name));

  // The import runs as users run it: the built CLI in its own process, so the peak RSS is its own.
  // KITH_BENCH_CLI names a CLI built elsewhere (e.g. from a clean checkout of one commit).
  let cli = process.env.KITH_BENCH_CLI;
  if (!cli) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    cli = path.resolve('dist/cli/main.js');
  }
  const wrapper = `
    process.on('exit', () => {
      const u = process.resourceUsage();
      require('node:fs').writeSync(3, JSON.stringify({
        cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6, peakRssMb: Math.round(u.maxRSS / 1024) }));
    });
    process.argv.splice(1, 0, ${JSON.stringify(cli)});
    import(${JSON.stringify(pathToFileURL(cli).href)});`;
  const results = [];
  for (const [name, file] of files) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-bench-bomb-'));
    try {
      const t = performance.now();
      const child = spawnSync(process.execPath, ['-e', wrapper, 'import', 'contacts', file, '--json'], {
        env: { ...process.env, KITH_DATA_DIR: dataDir, DATABASE_URL: '' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        maxBuffer: 16 * 1024 * 1024,
      });
      const seconds = (performance.now() - t) / 1000;
      const usage = JSON.parse(child.output[3]!) as { cpuSeconds: number; peakRssMb: number };
      const out = JSON.parse(child.stdout) as {
        status?: string;
        rows?: number;
        created?: number;
        failed?: number;
        error?: { message: string };
      };
      results.push({
        case: name,
        file_mb: mb(fs.statSync(file).size),
        unpacks_to_mb: mb(await unpackedSize(file)),
        exit: child.status,
        outcome: out.status
          ? `${out.status}: ${out.rows} rows, ${out.created} created, ${out.failed} failed`
          : 'refused at the upload check',
        error: out.error?.message ?? null,
        seconds: +seconds.toFixed(1),
        cpu_seconds: +usage.cpuSeconds.toFixed(1),
        peak_rss_mb: usage.peakRssMb,
      });
      console.error(JSON.stringify(results.at(-1)));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log(
    JSON.stringify({ machine: `${os.cpus().length} cores, ${mb(os.totalmem())} MB`, results }, null, 2),
  );
}

await main();

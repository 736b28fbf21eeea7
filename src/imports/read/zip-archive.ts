/**
 * Just enough of the zip format to read an XLSX file safely: the central directory, read once and
 * bounded, and any entry as a stream of unpacked chunks. Written here rather than taken from a library
 * so that nothing is unpacked or held beyond what the caller asks for: the XLSX reader counts every
 * unpacked byte against its limits and stops the stream the moment one is passed.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { ImportFileError } from './import-file-error.js';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  /** As the archive declares it; the reader refuses an entry that unpacks to more. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** A workbook with hundreds of sheets has a few thousand entries; more is not a workbook. */
const MAX_ENTRIES = 65_535;
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

function damaged(reason: string): ImportFileError {
  return new ImportFileError(`the XLSX file is damaged: ${reason}`);
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = fs.readSync(fd, buffer, 0, length, position);
  if (read !== length) throw damaged('it ends early (the zip archive is truncated)');
  return buffer;
}

function uint64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged('a zip64 size or offset is out of range');
  return Number(value);
}

export class ZipArchive {
  private readonly byName = new Map<string, ZipEntry>();
  private readonly byLowerName = new Map<string, ZipEntry>();

  private constructor(
    readonly path: string,
    readonly size: number,
    entries: ZipEntry[],
  ) {
    for (const entry of entries) {
      this.byName.set(entry.name, entry);
      this.byLowerName.set(entry.name.toLowerCase(), entry);
    }
  }

  static open(path: string): ZipArchive {
    const size = fs.statSync(path).size;
    const fd = fs.openSync(path, 'r');
    try {
      return new ZipArchive(path, size, readCentralDirectory(fd, size));
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The entry of this name; writers disagree on case and slashes, so those are forgiven. */
  entry(name: string): ZipEntry | undefined {
    const wanted = normalizeName(name);
    return this.byName.get(wanted) ?? this.byLowerName.get(wanted.toLowerCase());
  }

  /** The entry's unpacked bytes, chunk by chunk; stopping early closes the file. */
  async *chunks(entry: ZipEntry): AsyncGenerator<Buffer> {
    if (entry.flags & 0x1) {
      throw new ImportFileError(
        'the XLSX file is encrypted (password-protected); remove the password in Excel and import it again',
      );
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw new ImportFileError(
        `the XLSX file's part ${entry.name} is compressed with zip method ${entry.method}, which Kith does not read; open the file in Excel and save it again`,
      );
    }
    const fd = fs.openSync(this.path, 'r');
    let start: number;
    try {
      const local = readAt(fd, entry.localHeaderOffset, 30);
      if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw damaged(`part ${entry.name} cannot be found`);
      start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    if (start + entry.compressedSize > this.size) {
      fs.closeSync(fd);
      throw damaged(`part ${entry.name} runs past the end of the file`);
    }
    if (entry.compressedSize === 0) {
      fs.closeSync(fd);
      return;
    }
    const file = fs.createReadStream(this.path, {
      fd,
      start,
      end: start + entry.compressedSize - 1,
      highWaterMark: CHUNK_BYTES,
    });
    const inflate = entry.method === 8 ? zlib.createInflateRaw({ chunkSize: CHUNK_BYTES }) : null;
    const source = inflate ? file.pipe(inflate) : file;
    file.on('error', (e) => source.destroy(e));
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) yield chunk;
    } catch (e) {
      if (e instanceof ImportFileError) throw e;
      throw damaged(`part ${entry.name} cannot be unpacked (${(e as { code?: string }).code ?? 'bad data'})`);
    } finally {
      inflate?.destroy();
      file.destroy();
    }
  }
}

function normalizeName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '');
}

function readCentralDirectory(fd: number, size: number): ZipEntry[] {
  if (size < 22) throw damaged('it is too short to be a zip archive');
  // The end record is the last 22 bytes plus a comment of at most 65,535 bytes.
  const tailLength = Math.min(size, 22 + 65_535);
  const tail = readAt(fd, size - tailLength, tailLength);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      end = i;
      break;
    }
  }
  if (end < 0) throw damaged('its zip directory is missing (the file is truncated or not a zip archive)');
  let count = tail.readUInt16LE(end + 10);
  let directorySize = tail.readUInt32LE(end + 12);
  let directoryOffset = tail.readUInt32LE(end + 16);
  if (tail.readUInt16LE(end + 4) !== 0 || tail.readUInt16LE(end + 6) !== 0)
    throw new ImportFileError('the XLSX file is a split (multi-part) zip archive, which Kith does not read');
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locatorAt = size - tailLength + end - 20;
    if (locatorAt < 0) throw damaged('its zip64 directory is missing');
    const locator = readAt(fd, locatorAt, 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw damaged('its zip64 directory is missing');
    const record = readAt(fd, uint64(locator, 8), 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw damaged('its zip64 directory is missing');
    count = uint64(record, 32);
    directorySize = uint64(record, 40);
    directoryOffset = uint64(record, 48);
  }
  if (count > MAX_ENTRIES) {
    throw new ImportFileError(
      `the XLSX file holds ${count.toLocaleString('en')} zip entries; a workbook has a few hundred at most`,
    );
  }
  if (directorySize > MAX_DIRECTORY_BYTES || directoryOffset + directorySize > size)
    throw damaged('its zip directory is out of bounds');
  const directory = readAt(fd, directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE)
      throw damaged('its zip directory is corrupt');
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length) throw damaged('its zip directory is corrupt');
    const entry: ZipEntry = {
      // Bit 11: the name is UTF-8; otherwise code page 437, of which XLSX part names use only ASCII.
      name: normalizeName(
        directory.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength),
      ),
      method: directory.readUInt16LE(at + 10),
      flags,
      compressedSize: directory.readUInt32LE(at + 20),
      uncompressedSize: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    readZip64Extra(directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    if (entry.localHeaderOffset + 30 > size) throw damaged(`part ${entry.name} lies outside the file`);
    entries.push(entry);
    at = next;
  }
  return entries;
}

/** Sizes and offsets too large for 32 bits are in the zip64 extra field, in this order. */
function readZip64Extra(extra: Buffer, entry: ZipEntry): void {
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const fieldEnd = Math.min(at + 4 + length, extra.length);
      const take = (): number | null => {
        if (field + 8 > fieldEnd) return null;
        const value = uint64(extra, field);
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take() ?? entry.uncompressedSize;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take() ?? entry.compressedSize;
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take() ?? entry.localHeaderOffset;
      return;
    }
    at += 4 + length;
  }
}

/**
 * A run of text written as UTF-8 bytes as it is made: each piece (a CSV line, a JSON record) goes
 * straight into one reused buffer, and `take()` hands out the bytes of the run so far.
 *
 * Why not build one string and encode it at the end: a run of 1,000 records concatenated with `+=`
 * is a rope of thousands of pieces, and encoding it (TextEncoder or Buffer.from) first flattens it —
 * about 14 µs a contact for an NDJSON export, three times the cost of making the records. Writing
 * each small piece into the buffer as it comes costs a tenth of that. The change feed's JSON pages are
 * written into one too (src/sync/change-feed-json.ts).
 */
export class Utf8Run {
  private buffer = Buffer.allocUnsafeSlow(0);
  private length = 0;

  /** @param capacity bytes of the buffer a run starts with, allocated when the run is first written to */
  constructor(private capacity = 1 << 20) {}

  append(text: string): void {
    // A UTF-16 code unit is at most three UTF-8 bytes; `write` would cut a piece that does not fit.
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** Text the caller knows to be ASCII, copied a byte a character (cheaper than encoding it). */
  appendAscii(text: string): void {
    this.reserve(text.length);
    this.length += this.buffer.write(text, this.length, 'latin1');
  }

  get byteLength(): number {
    return this.length;
  }

  /**
   * The run's bytes, in a buffer no one else holds (safe to transfer to another thread); the run starts
   * over in a new buffer of the same size. Handing over the buffer itself spares a copy and a
   * zero-filled allocation per run, both of which the export's threads paid in collections.
   */
  take(): Buffer {
    const bytes = this.buffer.subarray(0, this.length);
    this.capacity = Math.max(this.capacity, this.buffer.length);
    this.buffer = Buffer.allocUnsafeSlow(0);
    this.length = 0;
    return bytes;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.capacity, this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }
}

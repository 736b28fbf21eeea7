/** An append-only Int32Array that doubles as it grows: millions of pair indices without boxed numbers. */
export class IntArrayBuilder {
  private data: Int32Array;
  length = 0;

  /** `shared`: on a SharedArrayBuffer, so a worker thread can read it without a copy. */
  constructor(
    capacity = 1024,
    private readonly shared = false,
  ) {
    this.data = this.allocate(capacity);
  }

  private allocate(length: number): Int32Array {
    return new Int32Array(this.shared ? new SharedArrayBuffer(length * 4) : new ArrayBuffer(length * 4));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = this.allocate(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** The filled part (a view, not a copy). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

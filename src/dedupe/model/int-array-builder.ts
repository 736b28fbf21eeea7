/** An append-only Int32Array that doubles as it grows: millions of pair indices without boxed numbers. */
export class IntArrayBuilder {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
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

/**
 * A growing typed array (32-bit integers, or 16-bit masks). Memory that can grow in place (a growable SharedArrayBuffer,
 * a resizable ArrayBuffer) reserves address space up front and takes pages as it grows: a million
 * contacts' 14 million candidate pairs never hold an old and a new copy at once (and the old one until
 * the next garbage collection), as doubling into a new array does. Where growing in place is not
 * available, it doubles.
 */
const MAX_BYTES = 2 ** 32;

// ES2024's growable and resizable buffers (Node.js 20 has them), typed here while `lib` is ES2023.
type InPlace = { grow?(bytes: number): void; resize?(bytes: number): void };
const GrowableShared = SharedArrayBuffer as unknown as new (
  bytes: number,
  options: { maxByteLength: number },
) => SharedArrayBuffer & InPlace;
const Resizable = ArrayBuffer as unknown as new (
  bytes: number,
  options: { maxByteLength: number },
) => ArrayBuffer & InPlace;

type GrowingKind = Int32Array | Uint16Array;
interface TypedArrayType<T extends GrowingKind> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

export class TypedArrayBuilder<T extends GrowingKind> {
  private data: T;
  /** Grows the buffer in place to the given length and gives a view of it; null: copy instead. */
  private readonly growInPlace: ((length: number) => T) | null;
  private readonly width: number;
  length = 0;

  /** `shared`: on a SharedArrayBuffer, so a worker thread can read it without a copy. */
  constructor(
    private readonly Type: TypedArrayType<T>,
    capacity = 1024,
    private readonly shared = false,
  ) {
    const width = Type.BYTES_PER_ELEMENT;
    this.width = width;
    const bytes = capacity * width;
    try {
      const buffer = shared
        ? new GrowableShared(bytes, { maxByteLength: MAX_BYTES })
        : new Resizable(bytes, { maxByteLength: MAX_BYTES });
      const grow = buffer.grow?.bind(buffer) ?? buffer.resize?.bind(buffer);
      if (!grow) throw new Error('cannot grow in place');
      // Fixed-length views: V8 reads and writes them twice as fast as views that track a buffer's length.
      this.growInPlace = (length) => {
        grow(length * width);
        return new Type(buffer, 0, length);
      };
      this.data = new Type(buffer, 0, capacity);
    } catch {
      // No address space to reserve (a limited machine): arrays that double instead.
      this.growInPlace = null;
      this.data = this.allocate(capacity);
    }
  }

  private allocate(length: number): T {
    const bytes = length * this.width;
    return new this.Type(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), 0, length);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** Appends every value of `values`. */
  append(values: T): void {
    while (this.length + values.length > this.data.length) this.grow();
    this.data.set(values, this.length);
    this.length += values.length;
  }

  /** Makes the filled part `length` long: values past the old length are whatever the memory held. */
  resize(length: number): void {
    while (length > this.data.length) this.grow();
    this.length = length;
  }

  private grow(): void {
    const length = this.data.length * 2;
    if (this.growInPlace && length * this.width <= MAX_BYTES) {
      this.data = this.growInPlace(length);
      return;
    }
    const grown = this.allocate(length);
    grown.set(this.data);
    this.data = grown;
  }

  /** The filled part (a view, not a copy). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** A growing array of 32-bit integers. */
export class IntArrayBuilder extends TypedArrayBuilder<Int32Array> {
  constructor(capacity = 1024, shared = false) {
    super(Int32Array, capacity, shared);
  }
}

/**
 * Numbers pairs of 32-bit integers in order of first appearance: an open-addressing table over typed
 * arrays. Blocking combines two terms' codes per record with it, and training collapses millions of
 * candidate pairs into their few comparison patterns; a JavaScript `Map` keyed by one number built
 * from both took about four times as long (numbers past 31 bits are allocated on the heap).
 */
export class IntPairCodes {
  private slotX: Int32Array;
  private slotY: Int32Array;
  private slotCode: Int32Array;
  /** Whether a slot is taken (any integer may be a key, so none can mark an empty slot). */
  private taken: Uint8Array;
  private mask: number;
  size = 0;

  /** `expected`: about how many distinct pairs will come (the table grows past it). */
  constructor(expected = 16) {
    const capacity = tableCapacity(expected);
    this.slotX = new Int32Array(capacity);
    this.slotY = new Int32Array(capacity);
    this.slotCode = new Int32Array(capacity);
    this.taken = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  /** The pair's number: the one it was given before, else the next one. */
  codeOf(x: number, y: number): number {
    let h = slotOf(x, y, this.mask);
    for (;;) {
      if (this.taken[h] === 0) break;
      if (this.slotX[h] === x && this.slotY[h] === y) return this.slotCode[h]!;
      h = (h + 1) & this.mask;
    }
    this.taken[h] = 1;
    this.slotX[h] = x;
    this.slotY[h] = y;
    this.slotCode[h] = this.size;
    if (2 * ++this.size > this.taken.length) this.grow();
    return this.size - 1;
  }

  private grow(): void {
    const { slotX, slotY, slotCode, taken } = this;
    const capacity = taken.length * 2;
    this.slotX = new Int32Array(capacity);
    this.slotY = new Int32Array(capacity);
    this.slotCode = new Int32Array(capacity);
    this.taken = new Uint8Array(capacity);
    this.mask = capacity - 1;
    for (let s = 0; s < taken.length; s++) {
      if (taken[s] === 0) continue;
      let h = slotOf(slotX[s]!, slotY[s]!, this.mask);
      while (this.taken[h] === 1) h = (h + 1) & this.mask;
      this.taken[h] = 1;
      this.slotX[h] = slotX[s]!;
      this.slotY[h] = slotY[s]!;
      this.slotCode[h] = slotCode[s]!;
    }
  }
}

function slotOf(x: number, y: number, mask: number): number {
  const h = Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x165667b1, 0x85ebca77);
  return (h ^ (h >>> 15)) & mask;
}

/** Slots for about `expected` keys at most half full (a power of two, so a mask picks the slot). */
export function tableCapacity(expected: number): number {
  let capacity = 16;
  while (capacity < 2 * expected) capacity *= 2;
  return capacity;
}

/**
 * Numbers strings in order of first appearance: an open-addressing table with FNV-1a hashing. Keying
 * a million blocking keys (phones, e-mails) this way took 40 % of the time of a JavaScript `Map`, which
 * rehashes as it grows and hashes each fresh string through the runtime.
 */
import { tableCapacity } from './int-pair-codes.js';

export class StringCodes {
  private keys: (string | null)[];
  private codes: Int32Array;
  private mask: number;
  size = 0;

  /** `expected`: about how many distinct strings will come (the table grows past it). */
  constructor(expected = 16) {
    const capacity = tableCapacity(expected);
    this.keys = new Array<string | null>(capacity).fill(null);
    this.codes = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** The string's number: the one it was given before, else the next one. */
  codeOf(key: string): number {
    let h = slotOf(key, this.mask);
    const keys = this.keys;
    for (;;) {
      const held = keys[h];
      if (held === null) break;
      if (held === key) return this.codes[h]!;
      h = (h + 1) & this.mask;
    }
    keys[h] = key;
    this.codes[h] = this.size;
    if (2 * ++this.size > keys.length) this.grow();
    return this.size - 1;
  }

  private grow(): void {
    const keys = this.keys;
    const codes = this.codes;
    const capacity = keys.length * 2;
    this.keys = new Array<string | null>(capacity).fill(null);
    this.codes = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let s = 0; s < keys.length; s++) {
      const key = keys[s];
      if (key === null || key === undefined) continue;
      let h = slotOf(key, this.mask);
      while (this.keys[h] !== null) h = (h + 1) & this.mask;
      this.keys[h] = key;
      this.codes[h] = codes[s]!;
    }
  }
}

/** FNV-1a of the string's code units, folded, masked to the table. */
function slotOf(key: string, mask: number): number {
  let h = 0x811c9dc5;
  for (let c = 0; c < key.length; c++) h = Math.imul(h ^ key.charCodeAt(c), 0x01000193);
  return (h ^ (h >>> 15)) & mask;
}

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { IntArrayBuilder } from '../../src/dedupe/model/int-array-builder.js';

describe('IntArrayBuilder', () => {
  for (const shared of [false, true]) {
    it(`keeps every value pushed past its capacity (${shared ? 'shared' : 'private'} memory)`, () => {
      const builder = new IntArrayBuilder(3, shared);
      for (let i = 0; i < 10_000; i++) builder.push(i * 7 - 5);
      const view = builder.view();
      expect(view).toHaveLength(10_000);
      expect(view.buffer instanceof SharedArrayBuffer).toBe(shared);
      for (let i = 0; i < 10_000; i++) expect(view[i]).toBe(i * 7 - 5);
      // Grown in place: the buffer reserves its room up front instead of being copied at each doubling.
      expect((view.buffer as ArrayBuffer & { maxByteLength: number }).maxByteLength).toBeGreaterThan(
        view.byteLength,
      );
    });
  }

  it('is read by a worker thread where it is, after growing', async () => {
    const builder = new IntArrayBuilder(2, true);
    for (let i = 0; i < 1000; i++) builder.push(i);
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       let sum = 0; for (const x of workerData) sum += x; workerData[0] = -1; parentPort.postMessage(sum);`,
      { eval: true, workerData: builder.view() },
    );
    const sum = await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(sum).toBe((999 * 1000) / 2);
    // The same memory, not a copy.
    expect(builder.view()[0]).toBe(-1);
  });
});

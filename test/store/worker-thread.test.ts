import { describe, expect, it } from 'vitest';
import { alongsideWorkerThread } from '../../src/store/worker-thread.js';

describe('half of a job on a worker thread', () => {
  it('gives what this thread computed and what the thread answered', async () => {
    const [here, there] = await alongsideWorkerThread<number, { doubled: number }>(
      import.meta.url,
      'alongside-worker-fixture',
      { value: 21 },
      'doubling',
      () => 'here'.length,
    );
    expect([here, there.doubled]).toEqual([4, 42]);
  });

  it("reports the thread's failure, naming the job, after this thread's half has run", async () => {
    let ran = false;
    const job = alongsideWorkerThread(
      import.meta.url,
      'alongside-worker-fixture',
      { value: 1, fail: 'error' },
      'doubling',
      () => {
        ran = true;
      },
    );
    await expect(job).rejects.toThrow('doubling on a thread failed: no doubling today');
    expect(ran).toBe(true);
  });

  it('reports a thread that stops without answering', async () => {
    const job = alongsideWorkerThread(
      import.meta.url,
      'alongside-worker-fixture',
      { value: 1, fail: 'exit' },
      'doubling',
      () => 0,
    );
    await expect(job).rejects.toThrow('the thread doubling stopped (exit code 3)');
  });

  it("gives this thread's own failure, and stops the thread", async () => {
    const job = alongsideWorkerThread(
      import.meta.url,
      'alongside-worker-fixture',
      { value: 1 },
      'doubling',
      () => {
        throw new Error('here failed');
      },
    );
    await expect(job).rejects.toThrow('here failed');
  });
});

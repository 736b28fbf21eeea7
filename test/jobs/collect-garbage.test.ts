import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/jobs/collect-garbage.js';

describe('collectGarbage', () => {
  it('collects what nothing holds any more, now', async () => {
    let dropped: WeakRef<object> | undefined;
    (() => {
      dropped = new WeakRef(new Uint8Array(64 * 1024 * 1024));
    })();
    // A WeakRef's target lives at least until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    expect(collectGarbage()).toBe(true);
    expect(dropped!.deref() === undefined).toBe(true);
  });
});

/**
 * How `kith` fails: one line naming what, the value and why, no stack trace; exit 1 for a failure and 2
 * for wrong usage; with --json an {"error": {…}} object on stdout.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-kith.js';

/** No stack frame (`    at fn (file:line)`) reaches the user. */
function expectNoStack(result: CliResult): void {
  expect(result.stderr).not.toMatch(/^\s+at .*[:(]/m);
  expect(result.stdout).not.toMatch(/^\s+at .*[:(]/m);
}

describe('kith serve that cannot listen', () => {
  let database: TestDatabase;
  let busy: net.Server;
  let busyPort: number;
  beforeAll(async () => {
    database = await createTestDatabase();
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    await database.drop();
  });

  it('exits 1 with one line naming the port when it is in use, and stops its job runner', async () => {
    const started = Date.now();
    const result = await runCli(['serve', '--port', String(busyPort), '--host', '127.0.0.1'], database.env);
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      `error: cannot listen on 127.0.0.1:${busyPort}: port ${busyPort} is already in use`,
    );
    expectNoStack(result);
  });

  it('exits 1 naming a host that is no address', async () => {
    const result = await runCli(['serve', '--port', '0', '--host', '999.1.1.1'], database.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot listen on 999\.1\.1\.1:0: 999\.1\.1\.1 is not a valid address/);
    expectNoStack(result);
  });

  it('names --port, not PORT, for a port that is no port (exit 2)', async () => {
    for (const port of ['abc', '99999']) {
      const result = await runCli(['serve', '--port', port], database.env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--port "${port}": must be a whole number from 0 to 65535`);
      expectNoStack(result);
    }
  });
});

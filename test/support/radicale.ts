/**
 * A real CardDAV server for tests: Debian's Radicale (`python3-radicale`, installed by .ci/run), on a
 * free local port, storing under a temporary folder, one user with a plain-text password.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestRadicale {
  baseUrl: string;
  user: string;
  password: string;
  /** Basic authorization header for the user. */
  authorization: string;
  /** The server's process id (benchmarks read its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RadicaleOptions {
  /**
   * false: Radicale's `_filesystem_fsync = False` (no fsync per written file; for benchmarks of a test
   * server). It is an internal option Radicale takes only from a privileged source, not from its
   * command line or a config file, so the server is started through its Python API.
   */
  fsync?: boolean;
}

/** Radicale's own `python3 -m radicale`, configured from argv, with fsync as asked. */
const RADICALE_LAUNCHER = `
import sys
from radicale import config, server
hosts, folder, users, fsync = sys.argv[1:5]
c = config.load()
c.update({"server": {"hosts": hosts}, "storage": {"filesystem_folder": folder},
          "auth": {"type": "htpasswd", "htpasswd_filename": users, "htpasswd_encryption": "plain"}},
         "kith test server")
c.update({"storage": {"_filesystem_fsync": fsync}}, "kith test server", privileged=True)
server.serve(c)
`;

export async function startRadicale(options: RadicaleOptions = {}): Promise<TestRadicale> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-radicale-'));
  const [user, password] = ['kith', 'radicale-secret'];
  fs.writeFileSync(path.join(dir, 'users'), `${user}:${password}\n`);
  const port = await freePort();
  const server: ChildProcess =
    options.fsync === false
      ? spawn(
          '/usr/bin/python3',
          [
            '-c',
            RADICALE_LAUNCHER,
            `127.0.0.1:${port}`,
            path.join(dir, 'collections'),
            path.join(dir, 'users'),
            'False',
          ],
          { stdio: 'ignore' },
        )
      : spawn(
          '/usr/bin/python3',
          [
            '-m',
            'radicale',
            '--server-hosts',
            `127.0.0.1:${port}`,
            '--storage-filesystem-folder',
            path.join(dir, 'collections'),
            '--auth-type',
            'htpasswd',
            '--auth-htpasswd-filename',
            path.join(dir, 'users'),
            '--auth-htpasswd-encryption',
            'plain',
          ],
          { stdio: 'ignore' },
        );
  const baseUrl = `http://127.0.0.1:${port}`;
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(`${baseUrl}/.web/`);
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || server.exitCode !== null)
      throw new Error('Radicale did not start: is python3-radicale installed?');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    user,
    password,
    authorization,
    pid: server.pid,
    stop: async () => {
      server.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates an address book (extended MKCOL, RFC 5689) and answers its URL. */
export async function createAddressBook(radicale: TestRadicale, name: string): Promise<string> {
  const url = `${radicale.baseUrl}/${radicale.user}/${name}/`;
  const response = await fetch(url, {
    method: 'MKCOL',
    headers: { authorization: radicale.authorization, 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="utf-8"?>
<mkcol xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><set><prop>
<resourcetype><collection/><CR:addressbook/></resourcetype><displayname>${name}</displayname>
</prop></set></mkcol>`,
  });
  if (response.status !== 201) throw new Error(`MKCOL ${url}: ${response.status}`);
  return url;
}

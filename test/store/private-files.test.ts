import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePrivateDir } from '../../src/store/private-files.js';

describe('makePrivateDir', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-private-dir-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates every missing folder as 0700 and leaves existing ones as they are', () => {
    fs.mkdirSync(path.join(root, 'shared'), { mode: 0o755 });
    fs.chmodSync(path.join(root, 'shared'), 0o755);
    const deep = path.join(root, 'shared', 'a', 'b');
    makePrivateDir(deep);
    makePrivateDir(deep);
    expect(fs.statSync(deep).isDirectory()).toBe(true);
    expect(fs.statSync(path.join(root, 'shared', 'a')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(deep).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(root, 'shared')).mode & 0o777).toBe(0o755);
  });

  it('fails with the path when a part of it, or itself, is a file', () => {
    fs.writeFileSync(path.join(root, 'file'), '');
    expect(() => makePrivateDir(path.join(root, 'file', 'x'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
    expect(() => makePrivateDir(path.join(root, 'file'))).toThrow(
      expect.objectContaining({ code: 'EEXIST', syscall: 'mkdir', path: path.join(root, 'file') }),
    );
  });

  // Node's own recursive mkdir retries forever here (procfs answers ENOENT under an existing folder).
  it.runIf(fs.existsSync('/proc/self'))('fails at once where the file system cannot hold folders', () => {
    expect(() => makePrivateDir('/proc/kith-not-a-folder/data')).toThrow(
      expect.objectContaining({ code: 'ENOENT', path: '/proc/kith-not-a-folder' }),
    );
  });
});

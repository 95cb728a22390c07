// hostfs's cheaper checks (issue 12): a checked directory chain is trusted until the sandbox
// renames or removes a directory (at once) or, for changes made on the host behind its back,
// for at most CHAIN_TRUST_MS; the fd createFile opens serves the open that follows and is never
// leaked when nothing takes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Hostfs } from '../worker/fsimpl/hostfs/hostfs.js';
import { Errno, SysError } from '../worker/errors/errno.js';
import { FileType } from '../worker/vfs/file_type.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errnoOf(fn: () => unknown): Errno | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof SysError) return e.errno;
    throw e;
  }
}

function fresh(): { base: string; dir: string; outside: string; hfs: Hostfs } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wasmvisor-hostfs-checks-')));
  const dir = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(dir);
  fs.mkdirSync(path.join(outside, 'inner'), { recursive: true });
  fs.writeFileSync(path.join(outside, 'inner', 'secret'), 'top secret');
  return { base, dir, outside, hfs: new Hostfs(dir) };
}

test('a directory swapped for a symlink on the host is refused once the trust window has passed', async () => {
  const { base, dir, outside, hfs } = fresh();
  const a = hfs.root.createDirectory('a');
  const inner = a.createDirectory('inner');
  inner.createFile('mine');
  assert.equal(inner.lookup('mine').type, FileType.REGULAR_FILE); // the chain is checked and trusted now
  // Behind the sandbox's back: a/ moved away, a symlink to the outside put in its place.
  fs.renameSync(path.join(dir, 'a'), path.join(dir, 'moved'));
  fs.symlinkSync(outside, path.join(dir, 'a'));
  await sleep(150); // CHAIN_TRUST_MS is 100
  assert.equal(errnoOf(() => inner.lookup('secret')), Errno.NOENT);
  assert.equal(errnoOf(() => inner.createFile('planted')), Errno.NOENT);
  assert.equal(errnoOf(() => inner.readdir()), Errno.NOENT);
  assert.equal(fs.existsSync(path.join(outside, 'inner', 'planted')), false);
  fs.rmSync(base, { recursive: true, force: true });
});

test('a swap made by the sandbox itself is refused at once (no trust window)', () => {
  const { base, outside, hfs } = fresh();
  const a = hfs.root.createDirectory('a');
  const inner = a.createDirectory('inner');
  inner.createFile('mine');
  inner.lookup('mine');
  hfs.root.rename('a', hfs.root, 'moved');
  hfs.root.createSymlink('a', outside);
  assert.equal(errnoOf(() => inner.lookup('secret')), Errno.NOENT);
  assert.equal(errnoOf(() => inner.createFile('planted')), Errno.NOENT);
  // rmdir too: a removed directory replaced by a symlink.
  const b = hfs.root.createDirectory('b');
  assert.equal(errnoOf(() => b.readdir()), null);
  hfs.root.rmdir('b');
  hfs.root.createSymlink('b', path.join(outside, 'inner'));
  assert.equal(errnoOf(() => b.lookup('secret')), Errno.NOENT);
  assert.equal(fs.existsSync(path.join(outside, 'inner', 'planted')), false);
  fs.rmSync(base, { recursive: true, force: true });
});

function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

test('the fd createFile opens is taken by the open that follows, or closed; never leaked', { skip: !fs.existsSync('/proc/self/fd') }, async () => {
  const { base, dir, hfs } = fresh();
  const before = openFds();
  // created and opened in one go (path_open O_CREAT|O_TRUNC): one host fd, released with the description
  for (let k = 0; k < 200; k++) {
    const f = hfs.root.createFile(`f${k}`);
    f.truncate(0n);
    const d = f.open({ read: true, write: true });
    assert.equal(d.write([new TextEncoder().encode('hi')]), 2);
    d.release();
  }
  // created and never opened: closed by the end of the call
  for (let k = 0; k < 200; k++) hfs.root.createFile(`g${k}`);
  await sleep(0);
  assert.equal(openFds(), before);
  assert.equal(fs.readFileSync(path.join(dir, 'f7'), 'utf8'), 'hi');
  // created, then something else happened in the same call: the open opens afresh and checks
  const h = hfs.root.createFile('h');
  hfs.root.unlink('h');
  assert.equal(errnoOf(() => h.open({ read: true, write: false })), Errno.NOENT);
  await sleep(0);
  assert.equal(openFds(), before);
  fs.rmSync(base, { recursive: true, force: true });
});

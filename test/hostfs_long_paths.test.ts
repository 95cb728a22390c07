// hostfs past the host's PATH_MAX (worker/fsimpl/hostfs/long_paths.ts): a chain of directories
// deeper than 4096 bytes of host path is made, used and removed through hostfs inodes, as a
// program does through directory fds; and containment holds there too: a directory of the chain
// replaced by a symlink to outside the root (the sandbox can do that itself: rename it away,
// symlink in its place) makes the stale inodes below it behave as deleted, never leads outside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Hostfs, type HostInode } from '../worker/fsimpl/hostfs/hostfs.js';
import { Errno, SysError } from '../worker/errors/errno.js';
import type { Inode } from '../worker/vfs/inode.js';

const NAME = 'd'.repeat(250);
const LEVELS = 20;

function throwsErrno(fn: () => unknown, errno: Errno): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SysError, `expected SysError, got ${String(e)}`);
    assert.equal(e.errno, errno, e.message);
    return true;
  });
}

/** A Hostfs on a fresh directory, a directory outside it, and a chain of LEVELS directories. */
function deepTree(): { base: string; outside: string; chain: Inode[] } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wasmvisor-longpath-')));
  const rootDir = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(rootDir);
  fs.mkdirSync(outside);
  const hfs = new Hostfs(rootDir);
  const chain: Inode[] = [hfs.root];
  for (let i = 1; i <= LEVELS; i++) chain.push(chain[i - 1]!.createDirectory(NAME));
  return { base, outside, chain };
}

/** Removes the (empty) chain bottom-up through hostfs (Node's rmSync cannot reach that deep). */
function removeTree(base: string, chain: Inode[]): void {
  for (let i = chain.length - 1; i >= 1; i--) chain[i - 1]!.rmdir(NAME);
  fs.rmSync(base, { recursive: true, force: true });
}

test('a chain deeper than PATH_MAX is made, used, listed and removed through hostfs', () => {
  const { base, chain } = deepTree();
  const bottom = chain[LEVELS]! as HostInode;
  assert.ok(Buffer.byteLength(bottom.hostPath) > 4096, `host path of ${Buffer.byteLength(bottom.hostPath)} bytes`);
  const file = bottom.createFile('deep.txt');
  const w = file.open({ read: true, write: true });
  assert.equal(w.write([new TextEncoder().encode('deep down\n')]), 10);
  w.release();
  assert.equal(bottom.lookup('deep.txt').stat().size, 10n);
  const r = file.open({ read: true, write: false });
  const buf = new Uint8Array(32);
  const n = r.read([buf]) as number;
  assert.equal(new TextDecoder().decode(buf.subarray(0, n)), 'deep down\n');
  r.release();
  assert.deepEqual(bottom.readdir().map((d) => d.name), ['deep.txt']);
  bottom.createSymlink('abs.lnk', '/etc/passwd');
  assert.equal(bottom.lookup('abs.lnk').readlink(), '/etc/passwd');
  bottom.rename('deep.txt', bottom, 'renamed.txt');
  bottom.unlink('renamed.txt');
  bottom.unlink('abs.lnk');
  removeTree(base, chain);
});

for (const level of [3, LEVELS - 2]) {
  test(`a chain directory at level ${level} replaced by a symlink to outside: the inodes below act deleted`, () => {
    const { base, outside, chain } = deepTree();
    // What the stale inodes below would reach if the symlink were followed.
    const below = LEVELS - level;
    let mirror = outside;
    for (let i = 1; i < below; i++) {
      mirror = path.join(mirror, NAME);
      fs.mkdirSync(mirror);
    }
    fs.writeFileSync(path.join(mirror, 'secret'), 'top secret');
    const parent = chain[level - 1]!;
    parent.rename(NAME, parent, 'moved');
    parent.createSymlink(NAME, outside);
    const bottom = chain[LEVELS]!;
    throwsErrno(() => bottom.lookup('secret'), Errno.NOENT);
    throwsErrno(() => bottom.readdir(), Errno.NOENT);
    throwsErrno(() => bottom.createFile('planted'), Errno.NOENT);
    throwsErrno(() => chain[LEVELS - 1]!.createDirectory('planted'), Errno.NOENT);
    assert.equal(fs.readFileSync(path.join(mirror, 'secret'), 'utf8'), 'top secret');
    assert.deepEqual(fs.readdirSync(mirror), ['secret']);
    // Put the chain back and clean up through it.
    parent.unlink(NAME);
    parent.rename('moved', parent, NAME);
    removeTree(base, chain);
  });
}

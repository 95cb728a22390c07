// Tests for hostfs: file and directory operations against a real temporary host directory,
// errno mapping, containment (host symlinks are never followed, stale paths cannot be
// redirected outside the root) and read-only mounts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Hostfs, hostErrno } from '../worker/fsimpl/hostfs/hostfs.js';
import { Errno, SysError } from '../worker/errors/errno.js';
import { FileType, Whence } from '../worker/vfs/file_type.js';
import type { FileDescription } from '../worker/vfs/file_description.js';

let base: string; // holds root/ (mounted) and outside/ (must stay unreachable)
let root: string;
let outside: string;

before(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wasmvisor-hostfs-')));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'top secret');
});

after(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

/** A fresh empty directory under root and a Hostfs mounted on it. */
function fresh(opts?: { readonly?: boolean }): { dir: string; hfs: Hostfs } {
  const dir = fs.mkdtempSync(path.join(root, 't-'));
  return { dir, hfs: new Hostfs(dir, opts) };
}

function throwsErrno(fn: () => unknown, errno: Errno): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SysError, `expected SysError, got ${String(e)}`);
    assert.equal(e.errno, errno, e.message);
    return true;
  });
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function readAll(d: FileDescription): string {
  const buf = new Uint8Array(4096);
  let out = '';
  for (;;) {
    const n = d.read([buf]) as number;
    if (n === 0) return out;
    out += dec.decode(buf.subarray(0, n));
  }
}

test('create, write, seek, read, pread/pwrite, stat', () => {
  const { dir, hfs } = fresh();
  const f = hfs.root.createFile('a.txt');
  assert.equal(f.type, FileType.REGULAR_FILE);
  const d = f.open({ read: true, write: true });
  assert.equal(d.write([enc.encode('hello '), enc.encode('world')]), 11);
  assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'hello world');
  assert.equal(d.seek(0, Whence.SET), 0);
  assert.equal(readAll(d), 'hello world');
  assert.equal(d.seek(-5, Whence.END), 6);
  assert.equal(readAll(d), 'world');
  const two = new Uint8Array(2);
  assert.equal(d.pread([two], 1), 2);
  assert.equal(dec.decode(two), 'el');
  assert.equal(d.pwrite([enc.encode('J')], 0), 1);
  assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'Jello world');

  const st = f.stat();
  const host = fs.lstatSync(path.join(dir, 'a.txt'), { bigint: true });
  assert.equal(st.dev, hfs.dev);
  assert.equal(st.ino, host.ino);
  assert.equal(st.filetype, FileType.REGULAR_FILE);
  assert.equal(st.size, 11n);
  assert.equal(st.nlink, 1n);
  assert.equal(st.mtim, host.mtimeNs);
  assert.equal(st.ctim, host.ctimeNs);
  assert.deepEqual(d.stat(), st);
  d.sync();
  d.release();
  assert.equal(hfs.root.lookup('a.txt').ino, st.ino);
});

test('reads and writes through views of a SharedArrayBuffer', () => {
  const { dir, hfs } = fresh();
  fs.writeFileSync(path.join(dir, 'f'), 'abcdefgh');
  const d = hfs.root.lookup('f').open({ read: true, write: true });
  const mem = new Uint8Array(new SharedArrayBuffer(32));
  const view = mem.subarray(4, 10);
  assert.equal(d.read([view]), 6);
  assert.equal(dec.decode(mem.slice(4, 10)), 'abcdef');
  mem.set(enc.encode('XY'), 20);
  assert.equal(d.pwrite([mem.subarray(20, 22)], 0), 2);
  assert.equal(fs.readFileSync(path.join(dir, 'f'), 'utf8'), 'XYcdefgh');
  d.release();
});

test('append mode writes at the end', () => {
  const { dir, hfs } = fresh();
  fs.writeFileSync(path.join(dir, 'log'), 'one\n');
  const d = hfs.root.lookup('log').open({ read: false, write: true });
  d.statusFlags = 1; // APPEND
  d.write([enc.encode('two\n')]);
  assert.equal(fs.readFileSync(path.join(dir, 'log'), 'utf8'), 'one\ntwo\n');
  throwsErrno(() => d.read([new Uint8Array(4)]), Errno.BADF);
  d.release();
});

test('truncate, setSize, allocate', () => {
  const { dir, hfs } = fresh();
  const p = path.join(dir, 'f');
  fs.writeFileSync(p, '0123456789');
  const f = hfs.root.lookup('f');
  f.truncate(4n);
  assert.equal(fs.readFileSync(p, 'utf8'), '0123');
  f.truncate(6n);
  assert.deepEqual([...fs.readFileSync(p)], [48, 49, 50, 51, 0, 0]);
  const d = f.open({ read: true, write: true });
  d.setSize(2n);
  assert.equal(f.stat().size, 2n);
  d.allocate(0n, 100n);
  assert.equal(d.stat().size, 100n);
  d.allocate(0n, 10n); // never shrinks
  assert.equal(d.stat().size, 100n);
  d.release();
  throwsErrno(() => f.truncate(-1n), Errno.INVAL);
  throwsErrno(() => hfs.root.truncate(0n), Errno.ISDIR);
});

test('an open file keeps working after unlink and rename', () => {
  const { hfs } = fresh();
  const f = hfs.root.createFile('f');
  const d = f.open({ read: true, write: true });
  d.write([enc.encode('data')]);
  hfs.root.rename('f', hfs.root, 'g');
  hfs.root.unlink('g');
  const st = d.stat();
  assert.equal(st.size, 4n);
  assert.equal(st.nlink, 0n);
  d.seek(0, Whence.SET);
  assert.equal(readAll(d), 'data');
  throwsErrno(() => f.stat(), Errno.NOENT);
  d.release();
});

test('directories: mkdir, readdir, lookup, rmdir', () => {
  const { dir, hfs } = fresh();
  const sub = hfs.root.createDirectory('sub');
  assert.equal(sub.type, FileType.DIRECTORY);
  sub.createFile('x');
  sub.createSymlink('l', 'x');
  sub.createDirectory('d');
  const list = sub.readdir().sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(list.map((e) => [e.name, e.type]), [
    ['d', FileType.DIRECTORY], ['l', FileType.SYMBOLIC_LINK], ['x', FileType.REGULAR_FILE],
  ]);
  for (const e of list) assert.equal(e.ino, fs.lstatSync(path.join(dir, 'sub', e.name), { bigint: true }).ino);
  const dd = sub.open({ read: true, write: false });
  assert.equal(dd.filetype, FileType.DIRECTORY);
  assert.equal(dd.readdir().length, 3);
  throwsErrno(() => dd.read([new Uint8Array(1)]), Errno.ISDIR);

  throwsErrno(() => hfs.root.rmdir('sub'), Errno.NOTEMPTY);
  throwsErrno(() => sub.rmdir('x'), Errno.NOTDIR);
  throwsErrno(() => sub.unlink('d'), Errno.ISDIR);
  sub.rmdir('d');
  sub.unlink('x');
  sub.unlink('l');
  assert.deepEqual(sub.readdir(), []);
  hfs.root.rmdir('sub');
  assert.equal(fs.existsSync(path.join(dir, 'sub')), false);
  throwsErrno(() => hfs.root.rmdir('sub'), Errno.NOENT);
  throwsErrno(() => hfs.root.unlink('sub'), Errno.NOENT);
});

test('error mapping for common failures', () => {
  const { hfs } = fresh();
  const f = hfs.root.createFile('f');
  throwsErrno(() => hfs.root.lookup('missing'), Errno.NOENT);
  throwsErrno(() => hfs.root.createFile('f'), Errno.EXIST);
  throwsErrno(() => hfs.root.createDirectory('f'), Errno.EXIST);
  throwsErrno(() => hfs.root.createSymlink('f', 'x'), Errno.EXIST);
  throwsErrno(() => f.lookup('x'), Errno.NOTDIR);
  throwsErrno(() => f.readdir(), Errno.NOTDIR);
  throwsErrno(() => f.readlink(), Errno.INVAL);
  throwsErrno(() => hfs.root.lookup('x'.repeat(300)), Errno.NAMETOOLONG);
  for (const bad of ['', '.', '..', 'a/b', 'a\0b']) throwsErrno(() => hfs.root.lookup(bad), Errno.INVAL);
  throwsErrno(() => hfs.root.createSymlink('s', 'a\0b'), Errno.INVAL);
  throwsErrno(() => new Hostfs(path.join(base, 'does-not-exist')), Errno.NOENT);

  const codes: Array<[string, Errno]> = [
    ['ENOENT', Errno.NOENT], ['EEXIST', Errno.EXIST], ['ENOTDIR', Errno.NOTDIR], ['EISDIR', Errno.ISDIR],
    ['ENOTEMPTY', Errno.NOTEMPTY], ['EACCES', Errno.ACCES], ['EPERM', Errno.PERM], ['EXDEV', Errno.XDEV],
    ['ELOOP', Errno.LOOP], ['ENAMETOOLONG', Errno.NAMETOOLONG], ['EINVAL', Errno.INVAL],
    ['ENOSPC', Errno.NOSPC], ['EBADF', Errno.BADF], ['EROFS', Errno.ROFS], ['EMFILE', Errno.MFILE],
    ['EBUSY', Errno.BUSY], ['EFBIG', Errno.FBIG], ['ENOTSUP', Errno.NOTSUP], ['EOPNOTSUPP', Errno.NOTSUP],
    ['EWHATEVER', Errno.IO],
  ];
  for (const [code, errno] of codes) {
    assert.equal(hostErrno(Object.assign(new Error(code), { code })), errno, code);
  }
  assert.equal(hostErrno(new Error('no code')), Errno.IO);
});

test('rename follows POSIX rules', () => {
  const { dir, hfs } = fresh();
  const a = hfs.root.createDirectory('a');
  const b = hfs.root.createDirectory('b');
  fs.writeFileSync(path.join(dir, 'a', 'f'), 'F');
  fs.writeFileSync(path.join(dir, 'b', 'g'), 'G');
  a.rename('f', b, 'g'); // replaces g
  assert.equal(fs.readFileSync(path.join(dir, 'b', 'g'), 'utf8'), 'F');
  assert.equal(fs.existsSync(path.join(dir, 'a', 'f')), false);
  throwsErrno(() => a.rename('nope', b, 'x'), Errno.NOENT);
  b.createDirectory('full').createFile('inside');
  hfs.root.createDirectory('empty');
  throwsErrno(() => hfs.root.rename('empty', b, 'full'), Errno.NOTEMPTY);
  throwsErrno(() => hfs.root.rename('empty', b, 'g'), Errno.NOTDIR);
  throwsErrno(() => b.rename('g', hfs.root, 'empty'), Errno.ISDIR);
  throwsErrno(() => hfs.root.rename('a', a, 'inner'), Errno.INVAL); // into itself
  hfs.root.rename('empty', a, 'moved');
  assert.ok(fs.statSync(path.join(dir, 'a', 'moved')).isDirectory());

  const other = new Hostfs(dir);
  throwsErrno(() => hfs.root.rename('a', other.root, 'a2'), Errno.XDEV);
});

test('hard links', () => {
  const { dir, hfs } = fresh();
  const f = hfs.root.createFile('f');
  hfs.root.link('g', f);
  assert.equal(f.stat().nlink, 2n);
  assert.equal(hfs.root.lookup('g').ino, f.ino);
  throwsErrno(() => hfs.root.link('g', f), Errno.EXIST);
  throwsErrno(() => hfs.root.link('d', hfs.root.createDirectory('dir')), Errno.PERM);
  const other = new Hostfs(dir);
  throwsErrno(() => hfs.root.link('h', other.root.lookup('f')), Errno.XDEV);
  hfs.root.unlink('f');
  assert.equal(hfs.root.lookup('g').stat().nlink, 1n);
});

test('symlinks are stored verbatim and never followed on the host', () => {
  const { dir, hfs } = fresh();
  const s = hfs.root.createSymlink('abs', '/etc/passwd');
  assert.equal(s.type, FileType.SYMBOLIC_LINK);
  assert.equal(fs.readlinkSync(path.join(dir, 'abs')), '/etc/passwd');
  assert.equal(hfs.root.lookup('abs').readlink(), '/etc/passwd');
  hfs.root.createSymlink('rel', '../x/./y');
  assert.equal(hfs.root.lookup('rel').readlink(), '../x/./y');

  // A host symlink to a directory outside the root: seen as a symlink, never as its target.
  fs.symlinkSync(outside, path.join(dir, 'out'));
  fs.symlinkSync(path.join(outside, 'secret'), path.join(dir, 'secretlink'));
  const out = hfs.root.lookup('out');
  assert.equal(out.type, FileType.SYMBOLIC_LINK);
  assert.equal(out.readlink(), outside);
  assert.equal(out.stat().filetype, FileType.SYMBOLIC_LINK);
  throwsErrno(() => out.lookup('secret'), Errno.NOTDIR);
  throwsErrno(() => out.readdir(), Errno.NOTDIR);
  const sl = hfs.root.lookup('secretlink');
  assert.equal(sl.type, FileType.SYMBOLIC_LINK);
  throwsErrno(() => sl.open({ read: true, write: false }), Errno.NOTSUP);
  assert.equal(sl.stat().size, BigInt(path.join(outside, 'secret').length));
  // Times are set on the link itself, not on the outside file.
  const before = fs.statSync(path.join(outside, 'secret')).mtimeMs;
  sl.setTimes(null, 1_000_000_000_000_000_000n);
  assert.equal(fs.statSync(path.join(outside, 'secret')).mtimeMs, before);
  assert.equal(fs.lstatSync(path.join(dir, 'secretlink')).mtimeMs, 1_000_000_000_000);
  // Unlinking removes the link only.
  hfs.root.unlink('out');
  assert.ok(fs.existsSync(path.join(outside, 'secret')));
  assert.equal(hfs.root.readdir().some((e) => e.name === 'out'), false);
});

test('a stale directory path cannot be redirected outside the root', () => {
  const { dir, hfs } = fresh();
  const a = hfs.root.createDirectory('a');
  const inner = a.createDirectory('inner');
  inner.createFile('mine');
  fs.mkdirSync(path.join(outside, 'inner'), { recursive: true });
  fs.writeFileSync(path.join(outside, 'inner', 'secret'), 'top secret');
  // Swap: move a away and put a symlink to the outside directory in its place.
  hfs.root.rename('a', hfs.root, 'moved');
  hfs.root.createSymlink('a', outside);
  assert.equal(fs.readFileSync(path.join(dir, 'a', 'inner', 'secret'), 'utf8'), 'top secret'); // host would follow
  throwsErrno(() => inner.lookup('secret'), Errno.NOENT);
  throwsErrno(() => inner.readdir(), Errno.NOENT);
  throwsErrno(() => inner.createFile('planted'), Errno.NOENT);
  throwsErrno(() => inner.stat(), Errno.NOENT);
  throwsErrno(() => a.lookup('inner'), Errno.NOENT);
  assert.equal(fs.existsSync(path.join(outside, 'inner', 'planted')), false);
  // Replacing a file by a symlink is caught too.
  const f = hfs.root.createFile('f');
  hfs.root.unlink('f');
  hfs.root.createSymlink('f', path.join(outside, 'secret'));
  throwsErrno(() => f.open({ read: true, write: false }), Errno.NOENT);
  throwsErrno(() => f.truncate(0n), Errno.NOENT);
  assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'top secret');
  // Looking the path up again goes through the new objects, as the VFS would.
  assert.equal(hfs.root.lookup('moved').lookup('inner').lookup('mine').type, FileType.REGULAR_FILE);
});

test('a mount whose root path contains a symlink is canonicalised', () => {
  const { dir } = fresh();
  fs.mkdirSync(path.join(dir, 'real'));
  fs.writeFileSync(path.join(dir, 'real', 'f'), 'x');
  fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'alias'));
  const hfs = new Hostfs(path.join(dir, 'alias'));
  assert.equal(hfs.hostRoot, path.join(dir, 'real'));
  assert.equal(hfs.root.lookup('f').stat().size, 1n);
});

test('setTimes keeps the time passed as null', () => {
  const { dir, hfs } = fresh();
  const p = path.join(dir, 'f');
  const f = hfs.root.createFile('f');
  const atim = 1_600_000_000_123_456_000n;
  const mtim = 1_500_000_000_654_321_000n;
  f.setTimes(atim, mtim);
  const close = (a: bigint, b: bigint) => assert.ok((a > b ? a - b : b - a) < 2_000n, `${a} vs ${b}`);
  let st = fs.lstatSync(p, { bigint: true });
  close(st.atimeNs, atim);
  close(st.mtimeNs, mtim);
  f.setTimes(null, 1_400_000_000_000_000_000n);
  st = fs.lstatSync(p, { bigint: true });
  close(st.atimeNs, atim);
  close(st.mtimeNs, 1_400_000_000_000_000_000n);
  const d = f.open({ read: true, write: true });
  d.setTimes(1_300_000_000_000_000_000n, null);
  st = fs.lstatSync(p, { bigint: true });
  close(st.atimeNs, 1_300_000_000_000_000_000n);
  close(st.mtimeNs, 1_400_000_000_000_000_000n);
  close(f.stat().atim, 1_300_000_000_000_000_000n);
  d.release();
});

test('special host files are listed but not opened', (t) => {
  const { dir, hfs } = fresh();
  try {
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  } catch {
    t.skip('mkfifo not available');
    return;
  }
  const fifo = hfs.root.lookup('fifo');
  assert.equal(fifo.type, FileType.UNKNOWN);
  assert.equal(fifo.stat().filetype, FileType.UNKNOWN);
  throwsErrno(() => fifo.open({ read: true, write: false }), Errno.NOTSUP);
  assert.deepEqual(hfs.root.readdir().map((e) => [e.name, e.type]), [['fifo', FileType.UNKNOWN]]);
});

test('read-only mounts refuse every change with EROFS', () => {
  const { dir } = fresh();
  fs.writeFileSync(path.join(dir, 'f'), 'content');
  fs.mkdirSync(path.join(dir, 'd'));
  const hfs = new Hostfs(dir, { readonly: true });
  assert.equal(hfs.readonly, true);
  const root = hfs.root;
  const f = root.lookup('f');
  throwsErrno(() => root.createFile('n'), Errno.ROFS);
  throwsErrno(() => root.createDirectory('n'), Errno.ROFS);
  throwsErrno(() => root.createSymlink('n', 'f'), Errno.ROFS);
  throwsErrno(() => root.link('n', f), Errno.ROFS);
  throwsErrno(() => root.unlink('f'), Errno.ROFS);
  throwsErrno(() => root.rmdir('d'), Errno.ROFS);
  throwsErrno(() => root.rename('f', root, 'g'), Errno.ROFS);
  throwsErrno(() => f.truncate(0n), Errno.ROFS);
  throwsErrno(() => f.setTimes(0n, 0n), Errno.ROFS);
  const r = f.open({ read: true, write: false });
  assert.equal(readAll(r), 'content');
  r.release();
  const w = f.open({ read: true, write: true });
  throwsErrno(() => w.write([enc.encode('x')]), Errno.ROFS);
  throwsErrno(() => w.pwrite([enc.encode('x')], 0), Errno.ROFS);
  throwsErrno(() => w.setSize(0n), Errno.ROFS);
  throwsErrno(() => w.setTimes(0n, 0n), Errno.ROFS);
  assert.equal(readAll(w), 'content');
  w.release();
  assert.equal(fs.readFileSync(path.join(dir, 'f'), 'utf8'), 'content');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['d', 'f']);
});

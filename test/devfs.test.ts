// Tests for devfs: the memory devices, the fd aliases, the read-only directory and addDevice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Devfs, FdAliasInode, CharDeviceInode } from '../worker/fsimpl/devfs/devfs.js';
import { Errno, SysError } from '../worker/errors/errno.js';
import { FileType, Whence } from '../worker/vfs/file_type.js';
import type { FileDescription } from '../worker/vfs/file_description.js';

function throwsErrno(fn: () => unknown, errno: Errno): void {
  assert.throws(fn, (e: unknown) => e instanceof SysError && e.errno === errno);
}

const RW = { read: true, write: true };

function open(devfs: Devfs, name: string): FileDescription {
  return devfs.root.lookup(name).open(RW);
}

test('the directory lists the standard devices', () => {
  const devfs = new Devfs();
  assert.equal(devfs.type, 'devtmpfs');
  const names = devfs.root.readdir().map((e) => e.name).sort();
  assert.deepEqual(names, ['full', 'null', 'random', 'stderr', 'stdin', 'stdout', 'urandom', 'zero']);
  for (const e of devfs.root.readdir()) {
    assert.equal(e.type, FileType.CHARACTER_DEVICE);
    const st = devfs.root.lookup(e.name).stat();
    assert.equal(st.ino, e.ino);
    assert.equal(st.dev, devfs.dev);
    assert.equal(st.filetype, FileType.CHARACTER_DEVICE);
  }
  assert.equal(new Set(devfs.root.readdir().map((e) => e.ino)).size, 8);
  assert.equal(devfs.root.stat().filetype, FileType.DIRECTORY);
  assert.equal(devfs.root.open({ read: true, write: false }).readdir().length, 8);
  throwsErrno(() => devfs.root.lookup('sda'), Errno.NOENT);
});

test('/dev/null: reads hit EOF, writes are consumed', () => {
  const d = open(new Devfs(), 'null');
  assert.equal(d.filetype, FileType.CHARACTER_DEVICE);
  assert.equal(d.read([new Uint8Array(16)]), 0);
  assert.equal(d.write([new Uint8Array(10), new Uint8Array(5)]), 15);
  assert.equal(d.pread([new Uint8Array(4)], 100), 0);
  assert.equal(d.pwrite([new Uint8Array(4)], 100), 4);
  assert.equal(d.seek(123, Whence.SET), 0);
  assert.equal(d.tell(), 0);
  assert.equal(d.readReadiness().ready, true);
  assert.equal(d.writeReadiness().ready, true);
  // O_TRUNC on a device is ignored, as on Linux.
  d.setSize(0n);
});

test('/dev/zero: reads fill zeros, writes are consumed', () => {
  const d = open(new Devfs(), 'zero');
  const a = new Uint8Array(8).fill(7);
  const b = new Uint8Array(new SharedArrayBuffer(8)).fill(9);
  assert.equal(d.read([a, b]), 16);
  assert.deepEqual([...a, ...b], new Array(16).fill(0));
  assert.equal(d.write([new Uint8Array(3)]), 3);
});

test('/dev/full: reads fill zeros, writes fail with ENOSPC', () => {
  const d = open(new Devfs(), 'full');
  const a = new Uint8Array(4).fill(1);
  assert.equal(d.read([a]), 4);
  assert.deepEqual([...a], [0, 0, 0, 0]);
  throwsErrno(() => d.write([new Uint8Array(1)]), Errno.NOSPC);
});

test('/dev/urandom and /dev/random fill buffers, including SharedArrayBuffer views', () => {
  const devfs = new Devfs();
  for (const name of ['urandom', 'random']) {
    const d = open(devfs, name);
    const mem = new Uint8Array(new SharedArrayBuffer(200_000));
    const view = mem.subarray(10, 150_010); // larger than one getRandomValues chunk
    assert.equal(d.read([view]), 150_000);
    assert.equal(mem[0], 0);
    assert.equal(mem[150_010], 0);
    // 150000 random bytes: every byte value shows up, and no long zero run.
    assert.equal(new Set(view).size, 256);
    let zeros = 0;
    for (const byte of view.subarray(140_000)) zeros += byte === 0 ? 1 : 0;
    assert.ok(zeros < 200, `too many zeros at the end: ${zeros}`);
    const small = new Uint8Array(32);
    assert.equal(d.read([small, new Uint8Array(0)]), 32);
    assert.ok(small.some((x) => x !== 0));
    assert.equal(d.write([new Uint8Array(8)]), 8);
  }
});

test('open modes are enforced', () => {
  const devfs = new Devfs();
  const ro = devfs.root.lookup('zero').open({ read: true, write: false });
  throwsErrno(() => ro.write([new Uint8Array(1)]), Errno.BADF);
  const wo = devfs.root.lookup('null').open({ read: false, write: true });
  throwsErrno(() => wo.read([new Uint8Array(1)]), Errno.BADF);
});

test('stdin/stdout/stderr are FdAliasInodes the kernel must open itself', () => {
  const devfs = new Devfs();
  const fds = ['stdin', 'stdout', 'stderr'].map((name) => {
    const inode = devfs.root.lookup(name);
    assert.ok(inode instanceof FdAliasInode);
    assert.equal(inode.type, FileType.CHARACTER_DEVICE);
    throwsErrno(() => inode.open(RW), Errno.NOTSUP);
    return inode.fd;
  });
  assert.deepEqual(fds, [0, 1, 2]);
});

test('the directory cannot be changed from inside', () => {
  const devfs = new Devfs();
  const root = devfs.root;
  throwsErrno(() => root.createFile('x'), Errno.PERM);
  throwsErrno(() => root.createDirectory('x'), Errno.PERM);
  throwsErrno(() => root.createSymlink('x', 'null'), Errno.PERM);
  throwsErrno(() => root.link('x', root.lookup('null')), Errno.PERM);
  throwsErrno(() => root.unlink('null'), Errno.PERM);
  throwsErrno(() => root.rmdir('null'), Errno.PERM);
  throwsErrno(() => root.rename('null', root, 'void'), Errno.PERM);
  assert.equal(root.lookup('null').type, FileType.CHARACTER_DEVICE);
});

test('addDevice registers kernel devices', () => {
  const devfs = new Devfs();
  let opened = 0;
  const tty = new CharDeviceInode(devfs, (inode, opts) => {
    opened++;
    return devfs.root.lookup('null').open(opts);
  });
  devfs.addDevice('tty', tty);
  assert.equal(devfs.root.lookup('tty'), tty);
  assert.ok(devfs.root.readdir().some((e) => e.name === 'tty' && e.ino === tty.ino));
  tty.open(RW);
  assert.equal(opened, 1);
  throwsErrno(() => devfs.addDevice('tty', tty), Errno.EXIST);
  throwsErrno(() => devfs.addDevice('a/b', tty), Errno.INVAL);
  devfs.removeDevice('tty');
  throwsErrno(() => devfs.root.lookup('tty'), Errno.NOENT);
});

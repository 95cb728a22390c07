// Imagefs on its own: reads, stable inode numbers, hard-link counts, times, and EROFS (or EEXIST
// for an existing name) from every mutating operation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Imagefs, imageDir, type ImageFile } from '../../worker/fsimpl/imagefs/imagefs.js';
import { VirtualFilesystem } from '../../worker/vfs/vfs.js';
import { readWholeFile } from '../../worker/vfs/read_all.js';
import { Errno, SysError } from '../../worker/errors/errno.js';
import { FileType } from '../../worker/vfs/file_type.js';
import { errno } from '../helpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();


function image() {
  const shared: ImageFile = { kind: 'file', data: enc.encode('busybox'), mtime: 1700000000.5 };
  const tree = imageDir({
    bin: imageDir({ busybox: shared, ls: shared, sh: { kind: 'symlink', target: 'busybox' } }),
    etc: imageDir({ hostname: { kind: 'file', data: enc.encode('box\n') }, empty: imageDir() }, { mtime: 1600000000 }),
  });
  return { fs: new Imagefs(tree), shared };
}

test('imagefs serves files, directories and symlinks without copying data', () => {
  const { fs, shared } = image();
  const vfs = new VirtualFilesystem(fs);
  const root = vfs.root;
  const rs = vfs.rootScope;
  assert.equal(dec.decode(readWholeFile(vfs.resolve([root], '/etc/hostname', rs).at(-1)!)), 'box\n');
  assert.equal(dec.decode(readWholeFile(vfs.resolve([root], '/bin/sh', rs).at(-1)!)), 'busybox');
  assert.equal(vfs.resolve([root], '/bin/sh', rs, false).at(-1)!.readlink(), 'busybox');
  assert.deepEqual(root.readdir().map((d) => [d.name, d.type]), [['bin', FileType.DIRECTORY], ['etc', FileType.DIRECTORY]]);
  // The bytes are the caller's: a change to the array shows through.
  shared.data[0] = 'B'.charCodeAt(0);
  assert.equal(dec.decode(readWholeFile(root.lookup('bin').lookup('ls'))), 'Busybox');
});

test('imagefs stat: stable inos, hard links counted, sizes and mtimes', () => {
  const { fs } = image();
  const bin = fs.root.lookup('bin');
  const a = bin.lookup('busybox').stat();
  const b = bin.lookup('ls').stat();
  assert.equal(a.ino, b.ino);
  assert.equal(a.nlink, 2n);
  assert.equal(a.size, 7n);
  assert.equal(a.dev, fs.dev);
  assert.equal(a.mtim, 1700000000500000000n);
  assert.equal(bin.lookup('sh').stat().size, 7n);
  assert.notEqual(bin.lookup('sh').stat().ino, a.ino);
  assert.equal(fs.root.lookup('etc').stat().mtim, 1600000000n * 1000000000n);
  assert.equal(fs.root.stat().nlink, 4n); // ".", "..", bin/.., etc/..
  assert.equal(fs.root.lookup('etc').stat().ino, fs.root.lookup('etc').stat().ino);
  assert.deepEqual(bin.readdir().map((d) => d.ino).slice(0, 2), [a.ino, a.ino]);
});

test('imagefs refuses every change with EROFS (EEXIST for an existing name)', () => {
  const { fs } = image();
  const root = fs.root;
  const etc = root.lookup('etc');
  const host = etc.lookup('hostname');
  assert.equal(errno(() => host.open({ read: true, write: true })), Errno.ROFS);
  assert.equal(errno(() => host.truncate(0n)), Errno.ROFS);
  assert.equal(errno(() => host.setTimes(1n, 1n)), Errno.ROFS);
  assert.equal(errno(() => etc.setTimes(null, 1n)), Errno.ROFS);
  assert.equal(errno(() => etc.truncate(0n)), Errno.ISDIR);
  assert.equal(errno(() => etc.createFile('new')), Errno.ROFS);
  assert.equal(errno(() => etc.createDirectory('new')), Errno.ROFS);
  assert.equal(errno(() => etc.createSymlink('new', 'x')), Errno.ROFS);
  assert.equal(errno(() => etc.link('new', host)), Errno.ROFS);
  assert.equal(errno(() => etc.unlink('hostname')), Errno.ROFS);
  assert.equal(errno(() => etc.unlink('missing')), Errno.ROFS);
  assert.equal(errno(() => etc.rmdir('empty')), Errno.ROFS);
  assert.equal(errno(() => etc.rename('hostname', root, 'h')), Errno.ROFS);
  assert.equal(errno(() => root.createDirectory('etc')), Errno.EXIST); // `mkdir -p` works on a ro tree
  assert.equal(errno(() => etc.createFile('hostname')), Errno.EXIST);
  // Reading still works through a read-only description; writing through it is EBADF.
  const d = host.open({ read: true, write: false });
  assert.equal(errno(() => d.write([enc.encode('x')])), Errno.BADF);
  assert.equal(errno(() => d.setSize(0n)), Errno.BADF);
  const buf = new Uint8Array(3);
  assert.equal(d.pread([buf], 1), 3);
  assert.equal(dec.decode(buf), 'ox\n');
  assert.equal(fs.readonly, true);
});

test('imagefs refuses a directory that appears twice (no directory hard links)', () => {
  const d = imageDir();
  assert.equal(errno(() => new Imagefs(imageDir({ a: d, b: d }))), Errno.INVAL);
  assert.equal(errno(() => new Imagefs(imageDir({ 'a/b': imageDir() }))), Errno.INVAL);
});

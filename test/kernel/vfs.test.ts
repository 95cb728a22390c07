// VFS path resolution on its own: `..` at the root and at a preopen, symlinks and loops,
// mounts on names that do not exist underneath, trailing slashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualFilesystem, type WalkScope } from '../../worker/vfs/vfs.js';
import { Tmpfs } from '../../worker/fsimpl/tmpfs/tmpfs.js';
import { Errno, SysError } from '../../worker/errors/errno.js';
import { FileType } from '../../worker/vfs/file_type.js';
import { errno } from '../helpers.js';

function setup() {
  const vfs = new VirtualFilesystem(new Tmpfs());
  const root = vfs.root;
  const a = root.createDirectory('a');
  const b = a.createDirectory('b');
  b.createFile('f');
  root.createFile('top');
  return { vfs, root, a, b };
}


test('`..` at the container root stays at the root', () => {
  const { vfs, root } = setup();
  const chain = vfs.resolve([root], '/../../..', vfs.rootScope);
  assert.equal(chain.length, 1);
  assert.equal(chain[0], root);
  assert.equal(vfs.resolve([root], '../../top', vfs.rootScope).at(-1)!.type, FileType.REGULAR_FILE);
});

test('`..`, absolute paths and absolute symlinks never leave a preopen', () => {
  const { vfs, root, a, b } = setup();
  const scope: WalkScope = { floor: 2, clampAtFloor: false, allowAbsolute: false };
  const start = [root, a];
  assert.equal(vfs.resolve(start, 'b/../b/f', scope).at(-1)!.type, FileType.REGULAR_FILE);
  assert.equal(errno(() => vfs.resolve(start, '../top', scope)), Errno.NOTCAPABLE);
  assert.equal(errno(() => vfs.resolve(start, 'b/../../top', scope)), Errno.NOTCAPABLE);
  assert.equal(errno(() => vfs.resolve(start, '/top', scope)), Errno.NOTCAPABLE);
  b.createSymlink('up', '../../top');
  b.createSymlink('abs', '/top');
  b.createSymlink('inside', '../b/f');
  assert.equal(errno(() => vfs.resolve(start, 'b/up', scope)), Errno.NOTCAPABLE);
  assert.equal(errno(() => vfs.resolve(start, 'b/abs', scope)), Errno.NOTCAPABLE);
  assert.equal(vfs.resolve(start, 'b/inside', scope).at(-1)!.type, FileType.REGULAR_FILE);
  // Not following the final symlink never looks at its target.
  assert.equal(vfs.resolve(start, 'b/up', scope, false).at(-1)!.type, FileType.SYMBOLIC_LINK);
});

test('symlink loops end with ELOOP', () => {
  const { vfs, root } = setup();
  root.createSymlink('x', 'y');
  root.createSymlink('y', 'x');
  assert.equal(errno(() => vfs.resolve([root], 'x', vfs.rootScope)), Errno.LOOP);
  root.createSymlink('self', 'self/a');
  assert.equal(errno(() => vfs.resolve([root], 'self', vfs.rootScope)), Errno.LOOP);
});

test('trailing slash requires a directory; NUL and over-long names are refused', () => {
  const { vfs, root } = setup();
  assert.equal(errno(() => vfs.resolve([root], 'top/', vfs.rootScope)), Errno.NOTDIR);
  assert.equal(errno(() => vfs.resolve([root], 'top/x', vfs.rootScope)), Errno.NOTDIR);
  assert.equal(errno(() => vfs.resolve([root], 'a\0b', vfs.rootScope)), Errno.ILSEQ);
  assert.equal(errno(() => vfs.resolve([root], 'x'.repeat(300), vfs.rootScope)), Errno.NAMETOOLONG);
  assert.equal(errno(() => vfs.resolve([root], '', vfs.rootScope)), Errno.NOENT);
});

test('a mount appears at its name, even where nothing existed, and `..` leaves it', () => {
  const { vfs, root } = setup();
  const other = new Tmpfs();
  other.root.createFile('inside');
  vfs.mount('/mnt', other);
  assert.deepEqual(vfs.mountNamesIn(root), ['mnt']);
  const chain = vfs.resolve([root], '/mnt/inside', vfs.rootScope);
  assert.equal(chain.at(-1)!.fs, other);
  assert.equal(vfs.resolve([root], '/mnt/../top', vfs.rootScope).at(-1)!.type, FileType.REGULAR_FILE);
  assert.equal(errno(() => vfs.mount('/mnt', new Tmpfs())), Errno.BUSY);
  assert.equal(vfs.mounts().map((m) => m.target).join(','), '/,/mnt');
});

test('tmpfs rename rules: no directory into itself, replace empty dir, EXDEV across file systems', () => {
  const { vfs, root, a } = setup();
  assert.equal(errno(() => root.rename('a', a.lookup('b'), 'a2')), Errno.INVAL);
  root.createDirectory('empty');
  root.rename('a', root, 'empty');
  assert.equal(root.lookup('empty').type, FileType.DIRECTORY);
  assert.equal(errno(() => root.lookup('a')), Errno.NOENT);
  const other = new Tmpfs();
  vfs.mount('/o', other);
  assert.equal(errno(() => root.rename('top', other.root, 'top')), Errno.XDEV);
});

test('tmpfs capacity: writes past it fail with ENOSPC and leave the file as it was', () => {
  const fs = new Tmpfs(1000);
  const f = fs.root.createFile('f');
  const d = f.open({ read: true, write: true });
  assert.equal(d.write([new Uint8Array(600)]), 600);
  assert.equal(errno(() => d.write([new Uint8Array(600)])), Errno.NOSPC);
  assert.equal(f.stat().size, 600n);
  assert.equal(fs.usage().used, 600);
  fs.root.unlink('f');
  assert.equal(fs.usage().used, 0);
});

// Overlayfs over two Imagefs layers with a Tmpfs upper, driven through the VFS: read-through,
// copy-up, whiteouts, opaque directories, merged rmdir, rename rules, links, reserved names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Imagefs, imageDir, type ImageFile } from '../../worker/fsimpl/imagefs/imagefs.js';
import { Overlayfs, OPAQUE_MARKER } from '../../worker/fsimpl/overlay/overlay.js';
import { Tmpfs } from '../../worker/fsimpl/tmpfs/tmpfs.js';
import { VirtualFilesystem } from '../../worker/vfs/vfs.js';
import { readWholeFile } from '../../worker/vfs/read_all.js';
import type { Inode } from '../../worker/vfs/inode.js';
import { Errno, SysError } from '../../worker/errors/errno.js';
import { FileType, StatusFlags } from '../../worker/vfs/file_type.js';
import { errno } from '../helpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const file = (s: string, mtime = 1000): ImageFile => ({ kind: 'file', data: enc.encode(s), mtime });


function setup() {
  const busybox = file('busybox');
  const bottom = imageDir({
    bin: imageDir({ busybox, ls: busybox, sh: { kind: 'symlink', target: 'busybox' } }),
    etc: imageDir({ passwd: file('root:x:0'), hosts: file('h1') }, { mtime: 500 }),
    usr: imageDir({ lib: imageDir({ a: file('a') }) }),
    opt: imageDir({ pkg: imageDir({ f: file('f'), sub: imageDir({ g: file('g') }) }) }),
    old: imageDir({ gone: file('g') }),
  });
  const top = imageDir({
    etc: imageDir({ hosts: file('h0'), motd: file('hi') }, { mtime: 600 }),
    usr: imageDir({ [OPAQUE_MARKER]: file(''), local: imageDir({ b: file('b') }) }),
    '.wh.old': file(''),
  });
  const lowers = [new Imagefs(top), new Imagefs(bottom)];
  const upper = new Tmpfs();
  const fs = new Overlayfs(lowers.map((l) => l.root), upper.root);
  const vfs = new VirtualFilesystem(fs);
  const at = (path: string, follow = true): Inode => vfs.resolve([vfs.root], path, vfs.rootScope, follow).at(-1)!;
  const parent = (path: string) => {
    const p = vfs.parentOf([vfs.root], path, vfs.rootScope);
    return { dir: p.parent.at(-1)!, name: p.name };
  };
  const read = (path: string) => dec.decode(readWholeFile(at(path)));
  const write = (path: string, s: string) => {
    const d = at(path).open({ read: false, write: true });
    d.setSize(0n);
    d.write([enc.encode(s)]);
    d.release();
  };
  const ls = (path: string) => at(path).readdir().map((d) => d.name).sort();
  const inUpper = (path: string): Inode | null => {
    let n: Inode = upper.root;
    for (const part of path.split('/').filter(Boolean)) {
      try {
        n = n.lookup(part);
      } catch {
        return null;
      }
    }
    return n;
  };
  return { fs, vfs, upper, lowers, busybox, at, parent, read, write, ls, inUpper };
}

test('reads go through to the topmost layer that has the name; layers merge', () => {
  const { fs, at, read, ls } = setup();
  assert.equal(read('/etc/hosts'), 'h0');
  assert.equal(read('/etc/passwd'), 'root:x:0');
  assert.equal(read('/bin/sh'), 'busybox');
  assert.equal(at('/bin/sh', false).readlink(), 'busybox');
  assert.deepEqual(ls('/'), ['bin', 'etc', 'opt', 'usr']); // /old is whited out in the top layer
  assert.deepEqual(ls('/etc'), ['hosts', 'motd', 'passwd']);
  assert.deepEqual(ls('/usr'), ['local']); // opaque in the top layer: /usr/lib is hidden
  assert.equal(errno(() => at('/usr/lib')), Errno.NOENT);
  assert.equal(errno(() => at('/old')), Errno.NOENT);
  const st = at('/etc/passwd').stat();
  assert.equal(st.dev, fs.dev);
  assert.equal(st.ino, at('/etc/passwd').stat().ino);
  assert.equal(at('/etc').stat().mtim, 600n * 1000000000n);
  const inos = at('/etc').readdir().map((d) => d.ino);
  assert.equal(new Set(inos).size, 3);
  assert.ok(inos.includes(st.ino));
});

test('writing copies up; the lower layer stays as it was; ino and times are kept', () => {
  const { lowers, at, read, write, inUpper } = setup();
  const ino = at('/etc/passwd').stat().ino;
  const ro = at('/etc/passwd').open({ read: true, write: false });
  assert.equal(inUpper('/etc'), null);
  write('/etc/passwd', 'root:x:0:new');
  assert.equal(read('/etc/passwd'), 'root:x:0:new');
  assert.equal(dec.decode(readWholeFile(lowers[1]!.root.lookup('etc').lookup('passwd'))), 'root:x:0');
  assert.equal(dec.decode(readWholeFile(inUpper('/etc/passwd')!)), 'root:x:0:new');
  assert.equal(at('/etc/passwd').stat().ino, ino);
  // The copied-up parent keeps the merged directory's time; other entries still merge.
  assert.equal(inUpper('/etc')!.stat().mtim, 600n * 1000000000n);
  assert.deepEqual(inUpper('/etc')!.readdir().map((d) => d.name), ['passwd']);
  assert.equal(read('/etc/hosts'), 'h0');
  // A description opened read-only before the copy-up reads the copy.
  const buf = new Uint8Array(32);
  assert.equal(dec.decode(buf.subarray(0, ro.read([buf]) as number)), 'root:x:0:new');
  assert.equal(ro.stat().ino, ino);
  ro.release();
  // truncate and setTimes copy up too, keeping the lower's mtime until told otherwise.
  at('/usr/local/b').setTimes(null, 42n);
  assert.equal(inUpper('/usr/local/b')!.stat().mtim, 42n);
  assert.equal(read('/usr/local/b'), 'b');
  at('/opt/pkg/f').truncate(0n);
  assert.equal(read('/opt/pkg/f'), '');
  assert.equal(at('/opt/pkg/f').stat().mtim >= 1000n * 1000000000n, true);
  assert.equal(read('/etc/motd'), 'hi');
  assert.equal(at('/etc/motd').stat().mtim, 1000n * 1000000000n);
});

test('unlink of a lower file leaves a hidden whiteout; recreating the name removes it', () => {
  const { at, parent, ls, inUpper } = setup();
  const { dir } = parent('/etc/hosts');
  dir.unlink('hosts');
  assert.equal(errno(() => at('/etc/hosts')), Errno.NOENT);
  assert.deepEqual(ls('/etc'), ['motd', 'passwd']);
  assert.equal(inUpper('/etc/.wh.hosts')!.type, FileType.REGULAR_FILE);
  assert.equal(errno(() => at('/etc/.wh.hosts')), Errno.NOENT);
  assert.equal(errno(() => dir.unlink('.wh.hosts')), Errno.NOENT);
  assert.equal(errno(() => dir.unlink('hosts')), Errno.NOENT);
  const created = dir.createFile('hosts');
  assert.equal(created.stat().size, 0n);
  assert.equal(inUpper('/etc/.wh.hosts'), null);
  assert.deepEqual(ls('/etc'), ['hosts', 'motd', 'passwd']);
  // Unlinking the recreated name whites out the lower one again.
  dir.unlink('hosts');
  assert.equal(errno(() => at('/etc/hosts')), Errno.NOENT);
  assert.ok(inUpper('/etc/.wh.hosts'));
  // A file only in the upper leaves no whiteout.
  dir.createFile('tmp');
  dir.unlink('tmp');
  assert.equal(inUpper('/etc/.wh.tmp'), null);
  assert.equal(errno(() => dir.unlink('motd')), 0);
  assert.equal(errno(() => at('/').unlink('etc')), Errno.ISDIR);
});

test('rmdir checks the merged view; rmdir + mkdir of a lower directory makes it opaque', () => {
  const { at, ls, inUpper } = setup();
  const root = at('/');
  const opt = at('/opt');
  assert.equal(errno(() => opt.rmdir('pkg')), Errno.NOTEMPTY);
  assert.equal(errno(() => at('/opt/pkg').rmdir('sub')), Errno.NOTEMPTY); // only a lower child
  assert.equal(errno(() => root.rmdir('usr')), Errno.NOTEMPTY);
  assert.equal(errno(() => opt.rmdir('nope')), Errno.NOENT);
  assert.equal(errno(() => at('/opt/pkg').rmdir('f')), Errno.NOTDIR);
  at('/opt/pkg/sub').unlink('g');
  at('/opt/pkg').rmdir('sub');
  at('/opt/pkg').unlink('f');
  assert.deepEqual(ls('/opt/pkg'), []);
  opt.rmdir('pkg');
  assert.deepEqual(ls('/opt'), []);
  assert.ok(inUpper('/opt/.wh.pkg'));
  assert.equal(errno(() => at('/opt/pkg')), Errno.NOENT);
  const pkg = opt.createDirectory('pkg');
  assert.deepEqual(pkg.readdir(), []);
  assert.ok(inUpper('/opt/pkg/' + OPAQUE_MARKER));
  assert.equal(inUpper('/opt/.wh.pkg'), null);
  assert.equal(errno(() => at('/opt/pkg/f')), Errno.NOENT);
  pkg.createFile('new');
  assert.deepEqual(ls('/opt/pkg'), ['new']);
  // An upper directory with markers in it can be removed once empty in the merged view.
  pkg.unlink('new');
  opt.rmdir('pkg');
  assert.equal(errno(() => at('/opt/pkg')), Errno.NOENT);
  assert.deepEqual(ls('/opt'), []);
});

test('rename: files copy up and move, lower directories are EXDEV, upper directories move', () => {
  const { at, read, ls, inUpper } = setup();
  const etc = at('/etc');
  const ino = at('/etc/passwd').stat().ino;
  etc.rename('passwd', etc, 'passwd.bak');
  assert.equal(read('/etc/passwd.bak'), 'root:x:0');
  assert.equal(at('/etc/passwd.bak').stat().ino, ino);
  assert.equal(errno(() => at('/etc/passwd')), Errno.NOENT);
  assert.ok(inUpper('/etc/.wh.passwd'));
  // Over an existing lower file, into another directory.
  etc.rename('motd', at('/opt'), 'pkg2');
  etc.rename('passwd.bak', etc, 'hosts');
  assert.equal(read('/etc/hosts'), 'root:x:0');
  assert.deepEqual(ls('/etc'), ['hosts']);
  assert.equal(read('/opt/pkg2'), 'hi');
  // Back to a whited-out name: the whiteout goes.
  etc.rename('hosts', etc, 'passwd');
  assert.equal(inUpper('/etc/.wh.passwd'), null);
  assert.deepEqual(ls('/etc'), ['passwd']);
  // Directories.
  assert.equal(errno(() => at('/').rename('etc', at('/'), 'etc2')), Errno.XDEV);
  assert.equal(errno(() => at('/opt').rename('pkg', at('/'), 'pkg')), Errno.XDEV);
  const d = at('/').createDirectory('mine');
  d.createDirectory('inner').createFile('x');
  assert.equal(errno(() => at('/').rename('mine', at('/mine/inner'), 'm')), Errno.INVAL);
  assert.equal(errno(() => at('/').rename('mine', at('/'), 'etc')), Errno.NOTEMPTY);
  assert.equal(errno(() => at('/mine/inner').rename('x', at('/'), 'etc')), Errno.ISDIR);
  assert.equal(errno(() => at('/').rename('mine', at('/etc'), 'passwd')), Errno.NOTDIR);
  const dino = d.stat().ino;
  at('/').rename('mine', at('/opt'), 'yours');
  assert.equal(at('/opt/yours').stat().ino, dino);
  assert.equal(at('/opt/yours'), d);
  assert.deepEqual(ls('/opt/yours/inner'), ['x']);
  // An upper directory moved over an empty merged directory hides what was below it.
  at('/opt/pkg/sub').unlink('g');
  at('/opt/yours/inner').unlink('x');
  at('/opt/yours').rename('inner', at('/opt/pkg'), 'sub');
  assert.ok(inUpper('/opt/pkg/sub/' + OPAQUE_MARKER));
  assert.deepEqual(ls('/opt/pkg/sub'), []);
  assert.deepEqual(ls('/opt/yours'), []);
  assert.equal(errno(() => at('/etc').rename('passwd', at('/etc'), '.wh.passwd')), Errno.INVAL);
  assert.equal(errno(() => at('/etc').rename('nope', at('/etc'), 'x')), Errno.NOENT);
});

test('symlinks are made in the upper; hard links copy the lower file up first', () => {
  const { at, read, write, inUpper } = setup();
  const etc = at('/etc');
  etc.createSymlink('link', 'passwd');
  assert.equal(at('/etc/link', false).readlink(), 'passwd');
  assert.equal(read('/etc/link'), 'root:x:0');
  assert.equal(inUpper('/etc/link')!.type, FileType.SYMBOLIC_LINK);
  assert.equal(errno(() => etc.createSymlink('hosts', 'x')), Errno.EXIST);
  // A link to a lower file.
  const passwd = at('/etc/passwd');
  at('/').link('pw', passwd);
  assert.equal(at('/pw').stat().ino, passwd.stat().ino);
  assert.equal(at('/pw').stat().nlink, 2n);
  write('/pw', 'changed');
  assert.equal(read('/etc/passwd'), 'changed');
  assert.equal(errno(() => at('/').link('pw', passwd)), Errno.EXIST);
  assert.equal(errno(() => at('/').link('d', at('/etc'))), Errno.PERM);
  assert.equal(errno(() => at('/').link('t', new Tmpfs().root.createFile('t'))), Errno.XDEV);
  // A hard link inside a lower survives copy-up of one of its names.
  const a = at('/bin/busybox').stat();
  assert.equal(a.ino, at('/bin/ls').stat().ino);
  assert.equal(a.nlink, 2n);
  write('/bin/busybox', 'patched');
  assert.equal(read('/bin/ls'), 'patched');
  assert.equal(read('/bin/sh'), 'patched');
  write('/bin/ls', 'again');
  assert.equal(read('/bin/busybox'), 'again');
  assert.equal(at('/bin/ls').stat().ino, a.ino);
  assert.equal(inUpper('/bin/ls')!.stat().ino, inUpper('/bin/busybox')!.stat().ino);
  // A lower symlink copies up as a symlink.
  at('/bin/sh', false).setTimes(null, 7n);
  assert.equal(inUpper('/bin/sh')!.readlink(), 'busybox');
});

test('names starting with .wh. are refused with EINVAL', () => {
  const { at } = setup();
  const etc = at('/etc');
  assert.equal(errno(() => etc.createFile('.wh.x')), Errno.INVAL);
  assert.equal(errno(() => etc.createDirectory('.wh.x')), Errno.INVAL);
  assert.equal(errno(() => etc.createSymlink('.wh.x', 'y')), Errno.INVAL);
  assert.equal(errno(() => etc.createFile(OPAQUE_MARKER)), Errno.INVAL);
  assert.equal(errno(() => etc.link('.wh.x', at('/etc/passwd'))), Errno.INVAL);
  assert.equal(errno(() => at('/usr').lookup(OPAQUE_MARKER)), Errno.NOENT);
  // Names that merely contain .wh. are fine.
  etc.createFile('a.wh.b');
  assert.ok(at('/etc/a.wh.b'));
});

test('descriptions: writes, appends and stat go through the overlay inode', () => {
  const { fs, at, read, upper } = setup();
  const d = at('/etc/hosts').open({ read: true, write: true });
  d.statusFlags = StatusFlags.APPEND;
  d.write([enc.encode('+')]);
  assert.equal(read('/etc/hosts'), 'h0+');
  assert.equal(d.stat().dev, fs.dev);
  assert.equal(d.stat().size, 3n);
  d.setSize(1n);
  assert.equal(read('/etc/hosts'), 'h');
  d.release();
  const dir = at('/etc').open({ read: true, write: false });
  assert.deepEqual(dir.readdir().map((e) => e.name).sort(), ['hosts', 'motd', 'passwd']);
  assert.ok(fs.usage().used >= 1);
  assert.equal(upper.usage().used, fs.usage().used);
  // Symlinks cannot be opened, as on tmpfs.
  assert.notEqual(errno(() => at('/bin/sh', false).open({ read: true, write: false })), 0);
});

test('a failed copy-up (ENOSPC) leaves no partial file; mounts on overlay directories work', () => {
  const lower = new Imagefs(imageDir({ big: file('x'.repeat(1000)), mnt: imageDir() }));
  const upper = new Tmpfs(100);
  const fs = new Overlayfs([lower.root], upper.root);
  const vfs = new VirtualFilesystem(fs);
  assert.equal(errno(() => vfs.root.lookup('big').open({ read: true, write: true })), Errno.NOSPC);
  assert.deepEqual(upper.root.readdir(), []);
  assert.equal(readWholeFile(vfs.root.lookup('big')).length, 1000);
  const other = new Tmpfs();
  other.root.createFile('inside');
  vfs.mount('/mnt', other);
  assert.equal(vfs.resolve([vfs.root], '/mnt/inside', vfs.rootScope).at(-1)!.fs, other);
});

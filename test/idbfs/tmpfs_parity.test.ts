// idbfs behaves like tmpfs: the same table of operations, run on both from the same starting
// tree, gives the same errno (or success) step by step and ends in the same tree (names, kinds,
// nlinks, sizes, contents) — and idbfs ends there again after a flush and a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tmpfs } from '../../worker/fsimpl/tmpfs/tmpfs.js';
import { FileType } from '../../worker/vfs/file_type.js';
import type { Inode } from '../../worker/vfs/inode.js';
import { errno, freshStore, openFs, readFile, walk, writeFile } from './util.js';

type Op = [string, (root: Inode) => unknown];

const other = new Tmpfs();

const OPS: Op[] = [
  ['mkdir a', (r) => r.createDirectory('a')],
  ['mkdir a again', (r) => r.createDirectory('a')],
  ['mkdir a/b', (r) => walk(r, 'a').createDirectory('b')],
  ['create f', (r) => r.createFile('f')],
  ['create f again', (r) => r.createFile('f')],
  ['write f', (r) => writeFile(r, 'f', 'contents of f')],
  ['create in a file', (r) => walk(r, 'f').createFile('x')],
  ['lookup in a file', (r) => walk(r, 'f').lookup('x')],
  ['readdir a file', (r) => walk(r, 'f').readdir()],
  ['lookup missing', (r) => r.lookup('missing')],
  ['symlink s', (r) => r.createSymlink('s', 'f')],
  ['symlink s again', (r) => r.createSymlink('s', 'g')],
  ['readlink s', (r) => r.lookup('s').readlink()],
  ['readlink f', (r) => r.lookup('f').readlink()],
  ['readlink dir', (r) => r.lookup('a').readlink()],
  ['link dir', (r) => r.link('adir', r.lookup('a'))],
  ['link f as a/f2', (r) => walk(r, 'a').link('f2', r.lookup('f'))],
  ['link onto existing', (r) => r.link('s', r.lookup('f'))],
  ['link across fs', (r) => r.link('foreign', other.root.createFile(`t${Math.random()}`))],
  ['unlink dir', (r) => r.unlink('a')],
  ['unlink missing', (r) => r.unlink('missing')],
  ['rmdir file', (r) => r.rmdir('f')],
  ['rmdir non-empty', (r) => r.rmdir('a')],
  ['rmdir missing', (r) => r.rmdir('nope')],
  ['truncate dir', (r) => r.lookup('a').truncate(0n)],
  ['truncate symlink', (r) => r.lookup('s').truncate(0n)],
  ['truncate f up', (r) => r.lookup('f').truncate(100000n)],
  ['truncate f down', (r) => r.lookup('f').truncate(5n)],
  ['rename missing', (r) => r.rename('missing', r, 'x')],
  ['rename dir into itself', (r) => r.rename('a', walk(r, 'a/b'), 'a')],
  ['rename dir onto file', (r) => walk(r, 'a').rename('b', r, 'f')],
  ['rename file onto dir', (r) => r.rename('f', r, 'a')],
  ['mkdir c/d', (r) => r.createDirectory('c').createDirectory('d')],
  ['rename dir onto non-empty dir', (r) => walk(r, 'a').rename('b', r, 'c')],
  ['rename dir onto empty dir', (r) => r.rename('c', walk(r, 'a'), 'b')],
  ['rename to same name', (r) => r.rename('f', r, 'f')],
  ['rename link onto its twin', (r) => r.rename('f', walk(r, 'a'), 'f2')],
  ['rename file over file', (r) => (writeFile(r, 'g', 'ggg'), r.rename('g', walk(r, 'a'), 'f2'))],
  ['rename across fs', (r) => r.rename('f', other.root, 'f')],
  ['mkdir z and remove it', (r) => (r.createDirectory('z'), r.rmdir('z'))],
  ['create in removed dir', (r) => {
    const z = r.createDirectory('z2');
    r.rmdir('z2');
    return z.createFile('x');
  }],
  ['open dir for reading', (r) => r.lookup('a').open({ read: true, write: false }).read([new Uint8Array(4)])],
  ['readdir via description', (r) => r.lookup('a').open({ read: true, write: false }).readdir().length],
  ['write via read-only description', (r) => r.lookup('f').open({ read: true, write: false }).write([new Uint8Array(1)])],
  ['setTimes', (r) => r.lookup('f').setTimes(5n, 6n)],
  ['unlink f', (r) => r.unlink('f')],
  ['unlink s', (r) => r.unlink('s')],
];

function shape(dir: Inode, prefix = ''): string[] {
  const out: string[] = [];
  for (const { name } of dir.readdir().sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const n = dir.lookup(name);
    const st = n.stat();
    let extra = '';
    if (n.type === FileType.REGULAR_FILE) extra = JSON.stringify(new TextDecoder().decode(readFile(n, '')));
    if (n.type === FileType.SYMBOLIC_LINK) extra = n.readlink();
    out.push(`${prefix}/${name} type=${n.type} nlink=${st.nlink} size=${st.size} ${extra}`);
    if (n.type === FileType.DIRECTORY) out.push(...shape(n, `${prefix}/${name}`));
  }
  return out;
}

test('idbfs and tmpfs answer a table of operations with the same errnos and end in the same tree', async () => {
  const tmp = new Tmpfs();
  const store = freshStore();
  const idb = await openFs(store);
  for (const [name, op] of OPS) {
    const want = errno(() => op(tmp.root));
    const got = errno(() => op(idb.root));
    assert.equal(got, want, `${name}: idbfs errno ${got}, tmpfs errno ${want}`);
    assert.deepEqual(shape(idb.root), shape(tmp.root), `tree after ${name}`);
    assert.equal(idb.root.stat().nlink, tmp.root.stat().nlink, `root nlink after ${name}`);
  }
  assert.equal(idb.usage().used, tmp.usage().used);
  await idb.flush();
  const reloaded = await openFs(store);
  assert.deepEqual(shape(reloaded.root), shape(tmp.root));
  assert.equal(reloaded.root.stat().nlink, tmp.root.stat().nlink);
});

test('idbfs and tmpfs stamp times the same way', async () => {
  const tmp = new Tmpfs();
  const idb = await openFs(freshStore());
  for (const root of [tmp.root, idb.root]) {
    const f = root.createFile('f');
    f.setTimes(1000n, 2000n);
    const st = f.stat();
    assert.equal(st.atim, 1000n);
    assert.equal(st.mtim, 2000n);
    assert.ok(st.ctim > 2000n);
    writeFile(root, 'f', 'x');
    assert.ok(f.stat().mtim > 2000n);
    assert.equal(f.stat().atim, 1000n);
    const before = root.stat().mtim;
    root.link('g', f);
    assert.ok(root.stat().mtim >= before);
  }
});

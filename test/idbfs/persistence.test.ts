// idbfs persistence: every kind of change survives flush + reopen (a page reload), a flush
// writes only what changed (one chunk for a 1-byte write), truncation and unlinking delete what
// they should, an unlinked-but-open file lives on in memory only, and damaged stores are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { set } from 'idb-keyval';
import { Idbfs } from '../../worker/fsimpl/idbfs/idbfs.js';
import { IdbfsFormatError, CHUNK_SIZE } from '../../worker/fsimpl/idbfs/format.js';
import { Errno } from '../../worker/errors/errno.js';
import { FileType, Whence } from '../../worker/vfs/file_type.js';
import {
  dump, errno, freshStore, openFs, readFile, recording, sha, storedKeys, text, walk, writeFile,
} from './util.js';

test('an empty store is a fresh file system with an empty root; nothing is stored before a flush', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  assert.equal(fs.type, 'idbfs');
  assert.deepEqual(fs.root.readdir(), []);
  assert.equal(fs.root.stat().filetype, FileType.DIRECTORY);
  assert.equal(fs.root.stat().nlink, 2n);
  assert.deepEqual(await storedKeys(store), []);
  await fs.flush();
  assert.deepEqual(await storedKeys(store), ['i:1', 'sb']);
  const again = await openFs(store);
  assert.deepEqual(again.root.readdir(), []);
});

test('create, write, mkdir, symlink, link, rename, unlink, rmdir, truncate and times survive a reload', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  const root = fs.root;
  const a = root.createDirectory('a');
  const b = a.createDirectory('b');
  writeFile(root, 'a/b/hello.txt', 'hello, world');
  writeFile(root, 'a/big.bin', new Uint8Array(3 * CHUNK_SIZE + 17).map((_, i) => i * 7));
  writeFile(root, 'top', 'top file');
  root.createSymlink('ln', 'a/b/hello.txt');
  b.link('hard', walk(root, 'a/b/hello.txt'));
  root.createDirectory('gone');
  root.rmdir('gone');
  writeFile(root, 'victim', 'bye');
  root.unlink('victim');
  a.rename('b', root, 'moved');
  root.rename('top', walk(root, 'moved'), 'top2');
  walk(root, 'a/big.bin').truncate(BigInt(CHUNK_SIZE + 5));
  root.createDirectory('empty');
  walk(root, 'empty').setTimes(123456789n, 987654321n);
  writeFile(root, 'sparse', 'x', 5 * CHUNK_SIZE); // a hole of 5 chunks, one chunk stored
  const before = dump(root);
  await fs.flush();

  const again = await openFs(store);
  assert.deepEqual(dump(again.root), before);
  assert.equal(text(readFile(again.root, 'moved/hard')), 'hello, world');
  assert.equal(walk(again.root, 'moved/hard').stat().nlink, 2n);
  assert.equal(walk(again.root, 'moved/hard').stat().ino, walk(again.root, 'moved/hello.txt').stat().ino);
  assert.equal(again.root.lookup('ln').readlink(), 'a/b/hello.txt');
  assert.equal(again.root.stat().nlink, 5n); // ., a, moved, empty + the root's own ..
  assert.equal(walk(again.root, 'empty').stat().mtim, 987654321n);
  assert.equal(errno(() => again.root.lookup('victim')), Errno.NOENT);
  assert.equal(errno(() => again.root.lookup('gone')), Errno.NOENT);
  const sparse = readFile(again.root, 'sparse');
  assert.equal(sparse.length, 5 * CHUNK_SIZE + 1);
  assert.equal(sparse[5 * CHUNK_SIZE], 'x'.charCodeAt(0));
  assert.ok(sparse.subarray(0, 5 * CHUNK_SIZE).every((x) => x === 0));
  assert.equal(again.stats().chunks, 2 + 1); // big.bin: 2, sparse: 1; hello and top2 are small: inline in their records
  assert.deepEqual(again.usage(), fs.usage());

  // A rename of a directory, stored and reloaded, keeps `..` consistent (cycle check works).
  const moved = walk(again.root, 'moved');
  assert.equal(errno(() => again.root.rename('moved', moved, 'inner')), Errno.INVAL);
  // New inodes after a reload get fresh numbers.
  const fresh = again.root.createFile('new');
  const inos = Object.values(before).map((e) => (e as { ino: bigint }).ino);
  assert.ok(inos.every((ino) => ino < fresh.stat().ino));
});

test('a 1-byte write to a large file stores one chunk (and the inode record), nothing else', async () => {
  const rec = recording(freshStore());
  const fs = await openFs(rec.store);
  const size = 8 * 1024 * 1024;
  const big = new Uint8Array(size).map((_, i) => i & 0xff);
  writeFile(fs.root, 'big', big);
  await fs.flush();
  assert.equal(rec.txs.length, 1);
  assert.equal(rec.txs[0]!.puts.filter((k) => k.startsWith('c:')).length, size / CHUNK_SIZE);
  const ino = Number(fs.root.lookup('big').stat().ino);

  writeFile(fs.root, 'big', new Uint8Array([0xee]), 3 * 1024 * 1024 + 5);
  assert.equal(fs.stats().dirty, 2);
  await fs.flush();
  assert.equal(rec.txs.length, 2);
  assert.deepEqual(rec.txs[1]!.puts.sort(), [`c:${ino}:48`, `i:${ino}`]);
  assert.deepEqual(rec.txs[1]!.deletes, []);
  assert.deepEqual(fs.stats().lastFlush, { puts: 2, deletes: 0 });
  assert.equal(fs.stats().storedBytes, size);

  big[3 * 1024 * 1024 + 5] = 0xee;
  const again = await openFs(rec.store);
  assert.equal(sha(readFile(again.root, 'big')), sha(big));
});

test('truncation deletes the chunks past the end; extending again reads zeros', async () => {
  const rec = recording(freshStore());
  const fs = await openFs(rec.store);
  writeFile(fs.root, 'f', new Uint8Array(10 * CHUNK_SIZE).fill(9));
  await fs.flush();
  const ino = Number(fs.root.lookup('f').stat().ino);
  fs.root.lookup('f').truncate(BigInt(CHUNK_SIZE + 100));
  await fs.flush();
  const last = rec.txs.at(-1)!;
  assert.equal(last.deletes.length, 8);
  assert.deepEqual(last.puts.sort(), [`c:${ino}:1`, `i:${ino}`]); // the cut chunk is stored shorter
  assert.equal(fs.stats().storedBytes, CHUNK_SIZE + 100);
  assert.equal(fs.usage().used, CHUNK_SIZE + 100);

  const again = await openFs(rec.store);
  const f = again.root.lookup('f');
  f.truncate(BigInt(3 * CHUNK_SIZE));
  const data = readFile(again.root, 'f');
  assert.ok(data.subarray(0, CHUNK_SIZE + 100).every((x) => x === 9));
  assert.ok(data.subarray(CHUNK_SIZE + 100).every((x) => x === 0));
  // Shrinking inside a chunk and growing again in memory shows zeros too.
  fs.root.lookup('f').truncate(10n);
  fs.root.lookup('f').truncate(20n);
  assert.deepEqual([...readFile(fs.root, 'f')], [...new Array(10).fill(9), ...new Array(10).fill(0)]);
});

test('unlinking the last link deletes the inode record and all its chunks', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  writeFile(fs.root, 'f', new Uint8Array(3 * CHUNK_SIZE));
  fs.root.link('g', fs.root.lookup('f'));
  await fs.flush();
  const ino = Number(fs.root.lookup('f').stat().ino);
  assert.equal((await storedKeys(store)).filter((k) => k.includes(`:${ino}`)).length, 4);
  fs.root.unlink('f');
  await fs.flush();
  assert.equal((await storedKeys(store)).filter((k) => k.includes(`:${ino}`)).length, 4);
  assert.equal(fs.root.lookup('g').stat().nlink, 1n);
  fs.root.unlink('g');
  await fs.flush();
  assert.deepEqual(await storedKeys(store), ['i:1', 'sb']);
  assert.equal(fs.stats().chunks, 0);
  assert.equal(fs.usage().used, 0);
});

test('an unlinked file stays usable while open, and nothing of it is stored', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  writeFile(fs.root, 'tmp', 'first ');
  await fs.flush();
  const file = fs.root.lookup('tmp');
  const desc = file.open({ read: true, write: true });
  fs.root.unlink('tmp');
  assert.equal(file.stat().nlink, 0n);
  desc.seek(0, Whence.END);
  desc.write([new TextEncoder().encode('second'.repeat(20000))]);
  const out = new Uint8Array(12);
  assert.equal(desc.pread([out], 0), 12);
  assert.equal(text(out), 'first second');
  assert.equal(fs.usage().used, 0);
  await fs.flush();
  assert.deepEqual(await storedKeys(store), ['i:1', 'sb']);
  // Writing again after the flush stores nothing either.
  desc.pwrite([new Uint8Array([1, 2, 3])], 0);
  assert.equal(fs.stats().dirty, 0);
  desc.release();
  const again = await openFs(store);
  assert.deepEqual(again.root.readdir(), []);
});

test('creating and deleting before any flush stores nothing of the deleted file', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  writeFile(fs.root, 'short-lived', new Uint8Array(CHUNK_SIZE * 2));
  fs.root.unlink('short-lived');
  fs.root.createDirectory('d');
  await fs.flush();
  assert.deepEqual((await storedKeys(store)).filter((k) => k.startsWith('c:')), []);
  const again = await openFs(store);
  assert.deepEqual(again.root.readdir().map((d) => d.name), ['d']);
});

test('a store with another format version, or a damaged record, is refused at open with a clear error', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  writeFile(fs.root, 'f', 'data');
  await fs.flush();

  await set('sb', { magic: 'wasmvisor-idbfs', version: 99, chunkSize: CHUNK_SIZE, nextIno: 3 }, store);
  await assert.rejects(Idbfs.open({ store, autoflush: false }), (e: unknown) => {
    assert.ok(e instanceof IdbfsFormatError);
    assert.match(e.message, /format version 99 is not supported/);
    return true;
  });

  const cases: [string, unknown, RegExp][] = [
    ['sb', 'garbage', /not an idbfs superblock/],
    ['i:2', { kind: 'file', mode: 0o644, nlink: 1, atim: 0n, mtim: 0n, ctim: 0n, size: 4, chunks: 5 }, /i:2 has a bad size or chunk count/],
    ['i:2', { kind: 'fifo', mode: 0, nlink: 1, atim: 0n, mtim: 0n, ctim: 0n }, /unknown kind "fifo"/],
    ['i:2', { kind: 'file', mode: 0o644, nlink: 2, atim: 0n, mtim: 0n, ctim: 0n, size: 4, chunks: 1 }, /nlink 2 but 1 directory entries/],
    ['i:7', { kind: 'symlink', mode: 0o777, nlink: 1, atim: 0n, mtim: 0n, ctim: 0n, target: 'x' }, /i:7 is not below the superblock's nextIno|i:7 is not in any directory/],
    ['c:2:3', new Uint8Array(4), /c:2:3 lies past the end of the file/],
    ['c:2:0', 'not bytes', /c:2:0 is not a data chunk/],
    ['other', 1, /unexpected key "other"/],
  ];
  for (const [key, value, want] of cases) {
    const s = freshStore();
    const good = await openFs(s);
    writeFile(good.root, 'f', 'data');
    await good.flush();
    await set(key, value, s);
    await assert.rejects(Idbfs.open({ store: s, autoflush: false }), (e: unknown) => {
      assert.ok(e instanceof IdbfsFormatError, String(e));
      assert.match(e.message, want);
      return true;
    });
  }
  // A store missing its superblock but holding records is damaged too.
  const s = freshStore();
  await set('i:1', { kind: 'dir', mode: 0o755, nlink: 2, atim: 0n, mtim: 0n, ctim: 0n, entries: [] }, s);
  await assert.rejects(Idbfs.open({ store: s }), /superblock 'sb' is missing/);
});

test('directory fsync and file fsync through descriptions wait for the store', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  const d = fs.root.createDirectory('d');
  const desc = d.createFile('f').open({ read: true, write: true });
  desc.write([new TextEncoder().encode('synced')]);
  const pending = desc.sync() as unknown;
  assert.ok(pending instanceof Promise);
  await pending;
  assert.equal(text(readFile((await openFs(store)).root, 'd/f')), 'synced');
  d.rename('f', fs.root, 'g');
  await (d.open({ read: true, write: false }).sync() as unknown as Promise<void>);
  const again = await openFs(store);
  assert.equal(text(readFile(again.root, 'g')), 'synced');
  assert.deepEqual(walk(again.root, 'd').readdir(), []);
});

test('a small file lives in its record, and moves to chunks and back as it grows and shrinks', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  writeFile(fs.root, 'small', 'tiny');
  await fs.flush();
  const ino = Number(walk(fs.root, 'small').stat().ino);
  assert.deepEqual((await storedKeys(store)).filter((k) => k.startsWith('c:')), [], 'no chunk for a 4-byte file');
  // Grows past the inline limit without touching chunk 0: chunk 0 must still be stored.
  writeFile(fs.root, 'small', 'tail', 70000);
  await fs.flush();
  assert.deepEqual((await storedKeys(store)).filter((k) => k.startsWith('c:')).sort(), [`c:${ino}:0`, `c:${ino}:1`]);
  let again = await openFs(store);
  const grown = readFile(again.root, 'small');
  assert.equal(text(grown.subarray(0, 4)), 'tiny');
  assert.equal(text(grown.subarray(70000)), 'tail');
  // Shrinks back under it: the chunks go, the bytes are in the record again.
  walk(fs.root, 'small').truncate(3n);
  await fs.flush();
  assert.deepEqual((await storedKeys(store)).filter((k) => k.startsWith('c:')), []);
  again = await openFs(store);
  assert.equal(text(readFile(again.root, 'small')), 'tin');
});

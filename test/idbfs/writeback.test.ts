// idbfs write-back: flushes are snapshots (changes during an in-flight flush go to the next one),
// concurrent flushes coalesce, a failed flush loses nothing, a quota failure turns growing
// operations into ENOSPC while the store keeps the last flushed state whole, and autoflush
// stores changes on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_SIZE } from '../../worker/fsimpl/idbfs/format.js';
import { Errno, SysError } from '../../worker/errors/errno.js';
import {
  dump, errno, freshStore, openFs, readFile, recording, rejectsErrno, storedKeys, text, walk, writeFile,
} from './util.js';

const enc = (s: string) => new TextEncoder().encode(s);

test('changes made while a flush is in flight are stored by the next flush', async () => {
  const rec = recording(freshStore());
  const fs = await openFs(rec.store);
  writeFile(fs.root, 'a', 'one');
  rec.afterNextSnapshot = () => {
    // The flush has taken its snapshot and issued its puts, but has not committed yet.
    writeFile(fs.root, 'a', 'TWO');
    writeFile(fs.root, 'b', 'new');
    fs.root.createDirectory('d');
  };
  await fs.flush();
  assert.ok(fs.stats().dirty > 0);
  let stored = await openFs(rec.store);
  assert.equal(text(readFile(stored.root, 'a')), 'one');
  assert.deepEqual(stored.root.readdir().map((d) => d.name), ['a']);

  await fs.flush();
  assert.equal(fs.stats().dirty, 0);
  stored = await openFs(rec.store);
  assert.equal(text(readFile(stored.root, 'a')), 'TWO');
  assert.deepEqual(dump(stored.root), dump(fs.root));
});

test('writes between flush() and the transaction start are part of that flush', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  const p = fs.flush();
  writeFile(fs.root, 'late', 'in time');
  await p;
  assert.equal(text(readFile((await openFs(store)).root, 'late')), 'in time');
});

test('concurrent flush calls are serialized and coalesced', async () => {
  const rec = recording(freshStore());
  const fs = await openFs(rec.store);
  writeFile(fs.root, 'x', '1');
  const first = fs.flush();
  writeFile(fs.root, 'y', '2');
  const second = fs.flush();
  const third = fs.flush();
  assert.equal(second, third);
  await Promise.all([first, second, third]);
  assert.ok(rec.txs.length <= 2, `${rec.txs.length} transactions`);
  assert.equal(fs.stats().dirty, 0);
  // Nothing dirty: no transaction at all.
  await fs.flush();
  assert.ok(rec.txs.length <= 2);
  const stored = await openFs(rec.store);
  assert.deepEqual(stored.root.readdir().map((d) => d.name).sort(), ['x', 'y']);
});

test('a failed flush loses nothing from memory and the next flush stores it all', async () => {
  const rec = recording(freshStore());
  const fs = await openFs(rec.store);
  writeFile(fs.root, 'kept', 'stored first');
  await fs.flush();
  writeFile(fs.root, 'kept', 'changed!!!!!');
  writeFile(fs.root, 'added', new Uint8Array(2 * CHUNK_SIZE).fill(5));
  fs.root.createSymlink('s', 'added');
  const dirtyBefore = fs.stats().dirty;
  fs.injectFault({ quotaFailures: 1 });
  await assert.rejects(fs.flush(), (e: unknown) => (e as Error).name === 'QuotaExceededError');
  assert.ok(rec.txs.at(-1)!.puts.length > 0, 'the failed flush did issue its writes');
  assert.equal(fs.stats().dirty, dirtyBefore);
  assert.equal((fs.stats().lastFlushError as Error).name, 'QuotaExceededError');
  // The store still holds the previous state, whole.
  let stored = await openFs(rec.store);
  assert.equal(text(readFile(stored.root, 'kept')), 'stored first');
  assert.deepEqual(stored.root.readdir().map((d) => d.name), ['kept']);
  // Memory has everything; the next flush stores it.
  assert.equal(text(readFile(fs.root, 'kept')), 'changed!!!!!');
  await fs.flush();
  assert.equal(fs.stats().lastFlushError, null);
  assert.equal(fs.full, false);
  stored = await openFs(rec.store);
  assert.deepEqual(dump(stored.root), dump(fs.root));
});

test('a quota failure: ENOSPC for growing operations and sync, the store keeps the last flushed state, recovery', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  writeFile(fs.root, 'a', new Uint8Array(CHUNK_SIZE).fill(1));
  fs.root.createDirectory('dir');
  await fs.flush();
  const flushed = dump(fs.root);

  // The origin "fills up" on the next flushes.
  fs.injectFault({ quotaFailures: Infinity });
  const desc = fs.root.createFile('b').open({ read: true, write: true });
  desc.write([new Uint8Array(3 * CHUNK_SIZE).fill(2)]);
  assert.equal(await rejectsErrno(desc.sync() as unknown as Promise<void>), Errno.NOSPC);
  assert.equal(fs.full, true);
  assert.equal(fs.stats().full, true);

  // Growing now fails with ENOSPC, the way the program will see it.
  assert.equal(errno(() => desc.write([enc('more')])), Errno.NOSPC);
  assert.equal(errno(() => desc.pwrite([enc('x')], 10 * CHUNK_SIZE)), Errno.NOSPC);
  assert.equal(errno(() => fs.root.createFile('c')), Errno.NOSPC);
  assert.equal(errno(() => fs.root.createDirectory('e')), Errno.NOSPC);
  assert.equal(errno(() => fs.root.createSymlink('l', 'a')), Errno.NOSPC);
  assert.equal(errno(() => fs.root.link('a2', fs.root.lookup('a'))), Errno.NOSPC);
  assert.equal(errno(() => fs.root.lookup('a').truncate(BigInt(2 * CHUNK_SIZE))), Errno.NOSPC);
  // Existing-name checks still come first, as on a full Linux disk.
  assert.equal(errno(() => fs.root.createFile('a')), Errno.EXIST);
  // Overwriting in place, shrinking and deleting still work.
  assert.equal(desc.pwrite([enc('in place')], 0), 8);
  fs.root.lookup('a').truncate(10n);
  fs.root.rmdir('dir');
  assert.equal(await rejectsErrno(fs.sync()), Errno.NOSPC);

  // The store holds the last flushed state, whole.
  const stored = await openFs(store);
  assert.deepEqual(dump(stored.root), flushed);

  // Memory kept everything.
  const b = readFile(fs.root, 'b');
  assert.equal(b.length, 3 * CHUNK_SIZE);
  assert.equal(text(b.subarray(0, 8)), 'in place');
  assert.equal(b[8], 2);

  // Space comes back: a successful flush clears `full` and stores everything.
  fs.injectFault({ quotaFailures: 0 });
  await desc.sync();
  assert.equal(fs.full, false);
  assert.equal(desc.write([enc('grows again')]), 11);
  fs.root.createFile('c');
  await fs.flush();
  const after = await openFs(store);
  assert.deepEqual(dump(after.root), dump(fs.root));
  assert.deepEqual(after.root.readdir().map((d) => d.name).sort(), ['a', 'b', 'c']);
});

test('deleting data while full and then flushing successfully clears the full state', async () => {
  const store = freshStore();
  const fs = await openFs(store, { faults: { quotaFailures: 1 } });
  writeFile(fs.root, 'huge', new Uint8Array(4 * CHUNK_SIZE));
  await assert.rejects(fs.flush());
  assert.equal(fs.full, true);
  assert.deepEqual(await storedKeys(store), []); // not even the root made it
  fs.root.unlink('huge');
  await fs.flush();
  assert.equal(fs.full, false);
  assert.deepEqual(await storedKeys(store), ['i:1', 'sb']);
});

test('sync turns other flush failures into EIO', async () => {
  const store = freshStore();
  const fs = await openFs(store);
  writeFile(fs.root, 'f', 'x');
  // A value IndexedDB cannot clone aborts the whole transaction: nothing partial is stored.
  (fs.root.lookup('f') as unknown as { mode: unknown }).mode = () => 0;
  assert.equal(await rejectsErrno(fs.sync()), Errno.IO);
  assert.equal(fs.full, false);
  assert.deepEqual(await storedKeys(store), []);
  assert.ok(fs.stats().dirty > 0);
  (fs.root.lookup('f') as unknown as { mode: unknown }).mode = 0o644;
  await fs.sync();
  assert.equal(text(readFile((await openFs(store)).root, 'f')), 'x');
});

test('autoflush stores changes within about a second without an explicit flush', async () => {
  const store = freshStore();
  const fs = await openFs(store, { autoflush: { idleMs: 30, maxDelayMs: 100 } });
  writeFile(fs.root, 'auto', 'saved by itself');
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(text(readFile((await openFs(store)).root, 'auto')), 'saved by itself');
  // A steady stream of writes is still flushed at maxDelayMs.
  const start = Date.now();
  let n = 0;
  while (Date.now() - start < 400) {
    writeFile(fs.root, 'stream', String(n++));
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(fs.stats().flushes >= 2, `${fs.stats().flushes} flushes`);
  await fs.close();
  assert.equal(text(readFile((await openFs(store)).root, 'stream')), String(n - 1));
});

test('usage counts file bytes of linked files and honours a capacity', async () => {
  const fs = await openFs(freshStore(), { capacity: 1000 });
  writeFile(fs.root, 'a', new Uint8Array(600));
  assert.deepEqual(fs.usage(), { used: 600, capacity: 1000 });
  assert.equal(errno(() => writeFile(fs.root, 'b', new Uint8Array(500))), Errno.NOSPC);
  fs.root.unlink('a');
  assert.equal(fs.usage().used, 0);
  writeFile(fs.root, 'c', new Uint8Array(900));
  assert.equal(fs.usage().used, 900);
  assert.equal(walk(fs.root, 'c').stat().size, 900n);
  assert.ok(new SysError(Errno.NOSPC) instanceof Error);
});

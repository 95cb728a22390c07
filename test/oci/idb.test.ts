// The image store over IndexedDB (fake-indexeddb): persistence across store instances, and the
// atomicity of a commit (a refused archive, or a commit that fails halfway, changes nothing).
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdbBlobStore } from '../../worker/oci/blob_store.js';
import { ImageStore } from '../../worker/oci/image_store.js';
import { WASM, dockerSave, ociLayout, text } from './build.js';

test('images persist in IndexedDB; a refused load and a failed commit leave it as it was', async () => {
  const store = new ImageStore(new IdbBlobStore('oci-test', 'blobs'));
  const base = [{ path: 'app.wasm', data: WASM }];
  await store.load(await dockerSave([{ tags: ['one:1'], gzip: true, layers: [base, [{ path: 'note', data: 'one' }]] }]));
  await store.load(await ociLayout([{ refName: 'two:1', gzip: true, layers: [base, [{ path: 'note', data: 'two' }]] }]));
  const before = { list: await store.list(), stats: await store.stats() };
  assert.equal(before.stats.blobs, 7); // the gzip base layer is the same bytes in both

  const reopened = new ImageStore(new IdbBlobStore('oci-test', 'blobs'));
  assert.deepEqual({ list: await reopened.list(), stats: await reopened.stats() }, before);
  const { tree } = await reopened.rootfs('two:1');
  const note = tree.entries.get('note');
  assert.equal(note?.kind === 'file' && text(note.data), 'two');

  await assert.rejects(reopened.load(await dockerSave([{ tags: ['bad'], layers: [[{ path: '../x', data: '' }]] }])), /contains a "\.\." component/);
  assert.deepEqual({ list: await reopened.list(), stats: await reopened.stats() }, before);

  // A commit whose last write cannot be stored: the blob written before it must not stay either.
  const blobs = new IdbBlobStore('oci-test', 'blobs');
  await assert.rejects(blobs.commit({
    put: new Map([['sha256:' + 'f'.repeat(64), new Uint8Array([1, 2, 3])]]),
    meta: new Map<string, unknown>([['images', { broken: () => 0 }]]),
  }), /DataCloneError|could not be cloned/i);
  assert.equal(await blobs.has('sha256:' + 'f'.repeat(64)), false);
  assert.deepEqual({ list: await reopened.list(), stats: await reopened.stats() }, before);

  await reopened.remove('one:1');
  await reopened.remove('two:1');
  assert.deepEqual(await new ImageStore(new IdbBlobStore('oci-test', 'blobs')).stats(), { blobs: 0, bytes: 0, images: 0 });
});

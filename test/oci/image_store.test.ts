// The image store: loading docker save and OCI layout archives, refs, sharing, removal, rootfs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ImageStore } from '../../worker/oci/image_store.js';
import { MemoryBlobStore } from '../../worker/oci/blob_store.js';
import { normalizeRef, readImageArchive } from '../../worker/oci/archive.js';
import { lookup, type RootfsDir } from '../../worker/oci/layer.js';
import { MediaType } from '../../worker/oci/media_types.js';
import { sha256Hex } from '../../worker/oci/digest.js';
import { ImageError } from '../../worker/oci/errors.js';
import { WASM, dockerSave, ociLayout, text } from './build.js';

const base = [{ path: 'bin/', type: 'dir' as const }, { path: 'bin/app.wasm', data: WASM, mode: 0o755 }];
const fileText = (tree: RootfsDir, path: string) => {
  const n = lookup(tree, path);
  assert.equal(n?.kind, 'file', `${path} is a file`);
  return text((n as { data: Uint8Array }).data);
};

test('refs are normalized', () => {
  assert.equal(normalizeRef('docker.io/library/alpine'), 'alpine:latest');
  assert.equal(normalizeRef('docker.io/younglook/wasi-hello:1.0'), 'younglook/wasi-hello:1.0');
  assert.equal(normalizeRef('localhost:5000/x'), 'localhost:5000/x:latest');
  assert.equal(normalizeRef('ghcr.io/a/b:v2@sha256:00'), 'ghcr.io/a/b:v2');
});

test('docker save (gzip layers): list, resolve by name, tag, digest and prefix, rootfs and config', async () => {
  const store = new ImageStore(new MemoryBlobStore());
  const archive = await dockerSave([{
    tags: ['younglook/app:latest', 'docker.io/library/app:1.0'],
    gzip: true,
    config: { WorkingDir: '/data', Cmd: ['--verbose'] },
    layers: [base, [{ path: 'data/readme', data: 'read me\n' }]],
  }]);
  const phases = new Set<string>();
  const [loaded] = await store.load(archive, (done, total, phase) => {
    assert.ok(done <= total, `${phase}: ${done} <= ${total}`);
    phases.add(phase);
  });
  assert.deepEqual([...phases], ['verify', 'unpack', 'store']);
  assert.deepEqual(loaded!.refs, ['younglook/app:latest', 'app:1.0']);
  assert.equal(loaded!.layers, 2);
  assert.equal(loaded!.architecture, 'wasm');
  assert.deepEqual(await store.list(), [loaded]);
  const id = loaded!.id;
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  for (const ref of ['younglook/app', 'younglook/app:latest', 'app:1.0', 'docker.io/library/app:1.0', id, id.slice(7, 19), id.slice(0, 15)]) {
    assert.equal(await store.resolve(ref), id, ref);
  }
  await assert.rejects(store.resolve('app'), /no such image: app/); // app:latest is not a tag
  const { config, tree } = await store.rootfs('younglook/app');
  assert.deepEqual(config.Entrypoint, ['/bin/app.wasm']);
  assert.deepEqual(config.Cmd, ['--verbose']);
  assert.deepEqual(config.Env, ['PATH=/bin']);
  assert.equal(config.WorkingDir, '/data');
  assert.equal(fileText(tree, '/data/readme'), 'read me\n');
  assert.equal((lookup(tree, 'bin/app.wasm') as { mode: number }).mode, 0o755);
});

test('OCI layout, gzip-compressed as a whole, with a nested multi-platform index', async () => {
  const store = new ImageStore(new MemoryBlobStore());
  const archive = await ociLayout([
    { refName: 'docker.io/library/tool:2.1', layers: [base], gzip: true, nested: true },
    { refName: 'plain', layers: [base, [{ path: 'extra', data: 'e' }]] },
  ], { gzipArchive: true });
  const phases: string[] = [];
  const images = await store.load(archive, (_d, _t, phase) => { if (phases.at(-1) !== phase) phases.push(phase); });
  assert.deepEqual(phases, ['decompress', 'verify', 'unpack', 'store']);
  assert.deepEqual(images.map((i) => i.refs), [['tool:2.1'], ['plain:latest']]);
  const { tree } = await store.rootfs('tool:2.1');
  assert.deepEqual([...tree.entries.keys()], ['bin']); // the wasm manifest, not the amd64 one
  assert.equal(fileText((await store.rootfs('plain')).tree, 'extra'), 'e');
});

test('two images sharing a layer store it once; rmi untags, then collects unreferenced blobs', async () => {
  const blobs = new MemoryBlobStore();
  const store = new ImageStore(blobs);
  const archiveA = await dockerSave([{ tags: ['a:1'], layers: [base, [{ path: 'a', data: 'A' }]], blobPaths: true }]);
  const archiveB = await ociLayout([{ refName: 'b:1', layers: [base, [{ path: 'b', data: 'B' }]] }]);
  await store.load(archiveA);
  const afterA = await store.stats();
  assert.equal(afterA.blobs, 4); // manifest, config, 2 layers
  await store.load(archiveB);
  const afterB = await store.stats();
  assert.equal(afterB.images, 2);
  assert.equal(afterB.blobs, 4 + 3); // the base layer is shared
  const shared = `sha256:${await sha256Hex((await readImageArchive(archiveA))[0]!.layers[0]!.bytes)}`;
  assert.ok(await blobs.has(shared));

  await store.load(archiveA); // loading again adds nothing
  assert.deepEqual(await store.stats(), afterB);

  await store.load(await dockerSave([{ tags: ['a:2'], layers: [base, [{ path: 'a', data: 'A' }]], blobPaths: true }]));
  assert.deepEqual((await store.list()).find((i) => i.refs.includes('a:1'))!.refs, ['a:1', 'a:2']);
  assert.deepEqual(await store.remove('a:2'), { untagged: ['a:2'], deleted: [], blobsDeleted: 0 });
  const idA = await store.resolve('a:1');
  assert.deepEqual(await store.remove('a:1'), { untagged: ['a:1'], deleted: [idA], blobsDeleted: 3 });
  assert.ok(await blobs.has(shared), 'b still uses the shared layer');
  assert.equal((await store.stats()).blobs, 4); // b's manifest, config, own layer and the shared one
  await store.remove('b:1');
  assert.deepEqual(await store.stats(), { blobs: 0, bytes: 0, images: 0 });
  await assert.rejects(store.remove('b'), (e: unknown) => e instanceof ImageError && /no such image: b/.test(e.message));
});

test('a tag moves to the newest image; the old one stays, untagged, until removed by id', async () => {
  const store = new ImageStore(new MemoryBlobStore());
  const [v1] = await store.load(await dockerSave([{ tags: ['x:latest'], layers: [[{ path: 'v', data: '1' }]] }]));
  const [v2] = await store.load(await dockerSave([{ tags: ['x:latest'], layers: [[{ path: 'v', data: '2' }]] }]));
  assert.deepEqual((await store.list()).map((i) => [i.id, i.refs]), [[v1!.id, []], [v2!.id, ['x:latest']]]);
  assert.equal(fileText((await store.rootfs('x')).tree, 'v'), '2');
  await store.remove(v1!.id.slice(7, 20));
  assert.deepEqual((await store.list()).map((i) => i.id), [v2!.id]);
});

test('a wasm OCI artifact becomes a one-file rootfs whose module is the entrypoint', async () => {
  const store = new ImageStore(new MemoryBlobStore());
  const archive = await ociLayout([{
    refName: 'ghcr.io/me/hello:v1',
    configMediaType: 'application/vnd.wasm.config.v0+json',
    config: { architecture: 'wasm', os: 'wasip1', layerDigests: [] },
    layers: [{ mediaType: MediaType.wasmLayer, data: WASM, annotations: { 'org.opencontainers.image.title': 'hello.wasm' } }],
  }, {
    refName: 'anon',
    configMediaType: 'application/vnd.oci.empty.v1+json',
    layers: [{ mediaType: MediaType.wasm, data: WASM }],
  }]);
  await store.load(archive);
  const hello = await store.rootfs('ghcr.io/me/hello:v1');
  assert.deepEqual(hello.config.Entrypoint, ['/hello.wasm']);
  assert.equal(hello.config.os, 'wasip1');
  assert.deepEqual([...hello.tree.entries.keys()], ['hello.wasm']);
  assert.deepEqual((lookup(hello.tree, 'hello.wasm') as { data: Uint8Array }).data, WASM);
  assert.deepEqual((await store.rootfs('anon')).config.Entrypoint, ['/module.wasm']);
});

test('the sample image base/images/wasi-hello.tar', async () => {
  const store = new ImageStore(new MemoryBlobStore());
  const [image] = await store.load(readFileSync(sampleImage()));
  assert.deepEqual(image!.refs, ['younglook/wasi-hello:latest']);
  const { config, tree } = await store.rootfs('younglook/wasi-hello');
  assert.deepEqual(config.Entrypoint, ['/hello.wasm']);
  assert.deepEqual([config.architecture, config.os], ['wasm', 'wasip1']);
  const wasm = lookup(tree, '/hello.wasm');
  assert.ok(wasm?.kind === 'file' && wasm.data[0] === 0 && text(wasm.data.subarray(1, 4)) === 'asm');
});

function sampleImage(): string {
  return fileURLToPath(new URL('../../../base/images/wasi-hello.tar', import.meta.url));
}

test('a docker 25+ save (OCI layout plus manifest.json) takes its tags from manifest.json', async () => {
  const store = new ImageStore(new MemoryBlobStore());
  const archive = await ociLayout([{ layers: [base] }], {
    mutate: (files) => {
      const index = JSON.parse(text(files.get('index.json')!));
      const manifest = JSON.parse(text(files.get(`blobs/sha256/${index.manifests[0].digest.slice(7)}`)!));
      const Config = `blobs/sha256/${manifest.config.digest.slice(7)}`;
      files.set('manifest.json', new TextEncoder().encode(JSON.stringify([{ Config, RepoTags: ['younglook/both:v1'], Layers: [] }])));
    },
  });
  const [image] = await store.load(archive);
  assert.deepEqual(image!.refs, ['younglook/both:v1']);
});

// Every refusal of a bad archive: an ImageError naming the problem, and the store left unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageStore } from '../../worker/oci/image_store.js';
import { MemoryBlobStore } from '../../worker/oci/blob_store.js';
import { ImageError } from '../../worker/oci/errors.js';
import { writeTar, type TarWriteEntry } from '../../worker/oci/tar_writer.js';
import { gzip } from '../../worker/oci/gzip.js';
import { WASM, bytes, dockerSave, ociLayout, type Files } from './build.js';

const base: TarWriteEntry[] = [{ path: 'bin/app.wasm', data: WASM, mode: 0o755 }];

/** A store holding one good image, and a check that a bad archive leaves it exactly so. */
async function refuses(archive: Uint8Array | Promise<Uint8Array>, message: RegExp): Promise<void> {
  const store = new ImageStore(new MemoryBlobStore());
  await store.load(await dockerSave([{ tags: ['good:1'], layers: [base] }]));
  const before = { list: await store.list(), stats: await store.stats() };
  await assert.rejects(store.load(await archive), (e: unknown) => {
    assert.ok(e instanceof ImageError, `an ImageError, not ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
  assert.deepEqual({ list: await store.list(), stats: await store.stats() }, before);
  assert.equal((await store.rootfs('good:1')).tree.entries.size, 1);
}

/** The one file of `files` whose path matches `re`. */
function pick(files: Files, re: RegExp): string {
  const paths = [...files.keys()].filter((p) => re.test(p));
  assert.equal(paths.length, 1, `one file matches ${re}: ${paths.join(', ')}`);
  return paths[0]!;
}

test('refuses a blob whose content does not match its digest (OCI)', async () => {
  let layerPath = '';
  await refuses(ociLayout([{ refName: 'x', layers: [base, [{ path: 'f', data: 'original' }]] }], {
    mutate: (files) => {
      for (const [p, b] of files) if (p.startsWith('blobs/') && new TextDecoder().decode(b).includes('original')) layerPath = p;
      files.set(layerPath, writeTar([{ path: 'f', data: 'tampered' }]));
    },
  }), new RegExp(`layer 2: blob sha256:${'[0-9a-f]{64}'}: digest mismatch: expected sha256:`));
  assert.ok(layerPath);
});

test('refuses a docker layer whose content does not match its rootfs.diff_id', async () => {
  await refuses(dockerSave([{ tags: ['x'], layers: [base] }], (files) => {
    files.set(pick(files, /layer\.tar$/), writeTar([{ path: 'evil', data: 'x' }]));
  }), /layer [0-9a-f]{64}\/layer\.tar \(uncompressed, rootfs\.diff_id\): digest mismatch/);
});

test('refuses a truncated archive', async () => {
  const archive = await dockerSave([{ tags: ['x'], layers: [base, [{ path: 'big', data: new Uint8Array(5000) }]] }]);
  await refuses(archive.subarray(0, 2000), /image archive: truncated: entry "[0-9a-f]{64}\/layer\.tar" needs 2048 bytes/);
  await refuses(archive.subarray(0, 2800), /image archive: truncated: a header at offset 2560 runs past the end/);
  await refuses((await gzip(archive)).subarray(0, 200), /image archive: gzip stream is truncated/);
});

test('refuses a truncated gzip layer', async () => {
  await refuses(dockerSave([{ tags: ['x'], gzip: true, layers: [base] }], (files) => {
    const p = pick(files, /layer\.tar$/);
    files.set(p, files.get(p)!.subarray(0, 40));
  }), /layer [0-9a-f]{64}\/layer\.tar: gzip stream is truncated/);
  // In an OCI layout, with digest and size that match the truncated blob: only gunzip can tell.
  const layer = (await gzip(writeTar(base))).subarray(0, 30);
  await refuses(ociLayout([{ refName: 'x', layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', data: layer }] }]),
    /manifest sha256:[0-9a-f]{64}: layer 1 \(sha256:[0-9a-f]{64}\): gzip stream is truncated/);
});

test('refuses a layer with a .. path or an absolute path', async () => {
  await refuses(dockerSave([{ tags: ['x'], layers: [[{ path: '../../etc/profile', data: 'x' }]] }]),
    /image x:latest: layer 1 \(sha256:[0-9a-f]{64}\): tar entry "\.\.\/\.\.\/etc\/profile": path "\.\.\/\.\.\/etc\/profile" contains a "\.\." component/);
  await refuses(ociLayout([{ refName: 'x', gzip: true, layers: [base, [{ path: '/etc/passwd', data: 'x' }]] }]),
    /layer 2 \(sha256:[0-9a-f]{64}\): tar entry "\/etc\/passwd": absolute path/);
});

test('refuses a symlink or hard link that escapes the root, and a dangling hard link', async () => {
  await refuses(dockerSave([{ tags: ['x'], layers: [[{ path: 'etc/l', type: 'symlink', linkname: '../../host' }]] }]),
    /tar entry "etc\/l": symlink target "\.\.\/\.\.\/host" escapes the root/);
  await refuses(dockerSave([{ tags: ['x'], layers: [[{ path: 'h', type: 'hardlink', linkname: '../secret' }]] }]),
    /tar entry "h": hard link target: path "\.\.\/secret" contains a "\.\." component/);
  await refuses(dockerSave([{ tags: ['x'], layers: [base, [{ path: 'h', type: 'hardlink', linkname: 'bin/nope' }]] }]),
    /image x:latest: layer 2 \(sha256:[0-9a-f]{64}\): hard link "h" → "bin\/nope": target is not in this or a lower layer/);
});

test('refuses a manifest naming a missing blob', async () => {
  await refuses(ociLayout([{ refName: 'x', layers: [base, [{ path: 'f', data: 'gone' }]] }], {
    mutate: (files) => {
      for (const [p, b] of files) if (new TextDecoder().decode(b).includes('gone')) files.delete(p);
    },
  }), /manifest sha256:[0-9a-f]{64}: layer 2: names blob sha256:[0-9a-f]{64}, which is not in the archive/);
  await refuses(dockerSave([{ tags: ['x'], layers: [base] }], (files) => files.delete(pick(files, /layer\.tar$/))),
    /manifest\.json: image 1: names layer [0-9a-f]{64}\/layer\.tar, which is not in the archive/);
});

test('refuses an unknown layer media type', async () => {
  await refuses(ociLayout([{ refName: 'x', layers: [base, { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', data: bytes('z') }] }]),
    /layer 2 \(sha256:[0-9a-f]{64}\): unsupported layer media type "application\/vnd\.oci\.image\.layer\.v1\.tar\+zstd"/);
});

test('refuses malformed JSON and archives that are no image', async () => {
  await refuses(dockerSave([{ tags: ['x'], layers: [base] }], (files) => files.set('manifest.json', bytes('[{"Config": '))),
    /manifest\.json: malformed JSON/);
  await refuses(ociLayout([{ refName: 'x', layers: [base] }], { mutate: (files) => files.set('index.json', bytes('{"manifests": [}')) }),
    /index\.json: malformed JSON/);
  await refuses(writeTar([{ path: 'hello.txt', data: 'hi' }]), /neither manifest\.json \(docker save\) nor index\.json/);
  await refuses(bytes('not a tar at all'), /image archive: truncated: a header at offset 0/);
});

#!/usr/bin/env node
// Builds the sample images in base/images/ (self-contained: node:crypto and a tiny ustar writer).
//   base/images/wasi-hello.tar — a `docker save` archive of younglook/wasi-hello:latest:
//   FROM scratch, one layer holding /hello.wasm (test/programs/build/hello.wasm, which prints
//   "hello world"), Entrypoint ["/hello.wasm"], architecture wasm, os wasip1.
// The output is byte-for-byte reproducible (fixed mtimes and created date).
// Usage: node scripts/build-images.mjs
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const enc = new TextEncoder();

/** A ustar archive of [{ path, data?, dir?, mode? }] (names up to 100 bytes). */
function tar(entries) {
  const parts = [];
  for (const e of entries) {
    const data = e.dir ? new Uint8Array() : typeof e.data === 'string' ? enc.encode(e.data) : e.data;
    if (enc.encode(e.path).length > 100) throw new Error(`tar path too long: ${e.path}`);
    const h = new Uint8Array(512);
    const put = (off, len, s) => h.set(enc.encode(s).subarray(0, len), off);
    const oct = (off, len, n) => put(off, len, n.toString(8).padStart(len - 1, '0') + '\0');
    put(0, 100, e.path);
    oct(100, 8, e.mode ?? (e.dir ? 0o755 : 0o644));
    oct(108, 8, 0);
    oct(116, 8, 0);
    oct(124, 12, data.length);
    oct(136, 12, 0);
    h.fill(0x20, 148, 156);
    h[156] = (e.dir ? '5' : '0').charCodeAt(0);
    put(257, 8, 'ustar\u000000');
    oct(148, 7, h.reduce((a, b) => a + b, 0));
    parts.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}

function buildHello() {
  const wasm = readFileSync(resolve(ROOT, 'test/programs/build/hello.wasm'));
  const layer = tar([{ path: 'hello.wasm', data: wasm, mode: 0o755 }]);
  const diffId = sha256(layer);
  const config = enc.encode(JSON.stringify({
    architecture: 'wasm',
    os: 'wasip1',
    created: '2024-01-01T00:00:00Z',
    config: { Entrypoint: ['/hello.wasm'], Env: [], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: 'COPY hello.wasm /hello.wasm' }],
  }));
  const configHex = sha256(config);
  const ref = 'younglook/wasi-hello';
  return tar([
    { path: `${diffId}/`, dir: true },
    { path: `${diffId}/VERSION`, data: '1.0' },
    { path: `${diffId}/json`, data: JSON.stringify({ id: diffId, created: '2024-01-01T00:00:00Z', os: 'wasip1' }) },
    { path: `${diffId}/layer.tar`, data: layer },
    { path: `${configHex}.json`, data: config },
    { path: 'manifest.json', data: JSON.stringify([{ Config: `${configHex}.json`, RepoTags: [`${ref}:latest`], Layers: [`${diffId}/layer.tar`] }]) },
    { path: 'repositories', data: JSON.stringify({ [ref]: { latest: diffId } }) },
  ]);
}

const out = resolve(ROOT, 'base/images/wasi-hello.tar');
mkdirSync(dirname(out), { recursive: true });
const archive = buildHello();
writeFileSync(out, archive);
console.log(`wrote ${out} (${archive.length} bytes, sha256:${sha256(archive)})`);

// public/embed-demo/files.tar — a small archive for the embed option `files=` (unpacked into the
// console's working directory): `?embed&files=/embed-demo/files.tar&cmd=cat%20hello.txt`.
const demo = resolve(ROOT, 'public/embed-demo/files.tar');
mkdirSync(dirname(demo), { recursive: true });
writeFileSync(demo, tar([
  { path: 'hello.txt', data: 'hello from files.tar\n' },
  { path: 'notes/', dir: true },
  { path: 'notes/todo.txt', data: 'one\ntwo\nthree\n' },
]));
console.log(`wrote ${demo}`);

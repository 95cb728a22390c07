// The tar reader (ustar, pax, GNU long names, truncation) and gzip through Compression Streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTar } from '../../worker/oci/tar.js';
import { writeTar } from '../../worker/oci/tar_writer.js';
import { gunzip, gzip, isGzip } from '../../worker/oci/gzip.js';
import { sha256Hex } from '../../worker/oci/digest.js';
import { ImageError } from '../../worker/oci/errors.js';
import { bytes, text } from './build.js';

test('reads files, dirs, links; data are views into the archive', () => {
  const tar = writeTar([
    { path: 'etc/', type: 'dir', mode: 0o750, mtime: 1700000000 },
    { path: 'etc/motd', data: 'hi there\n', mode: 0o640 },
    { path: 'etc/link', type: 'symlink', linkname: 'motd' },
    { path: 'etc/hard', type: 'hardlink', linkname: 'etc/motd' },
  ]);
  const e = readTar(tar);
  assert.deepEqual(e.map((x) => [x.path, x.type, x.linkname]), [
    ['etc/', 'dir', ''], ['etc/motd', 'file', ''], ['etc/link', 'symlink', 'motd'], ['etc/hard', 'hardlink', 'etc/motd'],
  ]);
  assert.equal(e[0]!.mode, 0o750);
  assert.equal(e[0]!.mtime, 1700000000);
  assert.equal(text(e[1]!.data), 'hi there\n');
  assert.equal(e[1]!.size, 9);
  assert.equal(e[1]!.data.buffer, tar.buffer); // no copy
});

test('pax headers carry long paths, link paths and sizes; global pax headers apply onward', () => {
  const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}.txt`;
  const tar = writeTar([
    { path: 'pax_global_header', typeflag: 'g', data: '20 path=global-name\n' },
    { path: long, data: 'long one' },
    { path: 'short', type: 'symlink', linkname: `/${long}` },
  ]);
  const e = readTar(tar);
  assert.equal(e.length, 2);
  assert.equal(e[0]!.path, long); // the local pax header wins over the global one
  assert.equal(text(e[0]!.data), 'long one');
  assert.equal(e[1]!.path, 'global-name');
  assert.equal(e[1]!.linkname, `/${long}`);
});

test('GNU long name (L) and long link (K) entries', () => {
  const name = 'n'.repeat(150);
  const link = 'l'.repeat(130);
  const tar = writeTar([
    { path: '././@LongLink', typeflag: 'L', data: `${name}\0` },
    { path: '././@LongLink', typeflag: 'K', data: `${link}\0` },
    { path: 'truncated-name', type: 'symlink', linkname: 'truncated-link' },
    { path: 'after', data: 'x' },
  ]);
  const e = readTar(tar);
  assert.deepEqual(e.map((x) => [x.path, x.linkname]), [[name, link], ['after', '']]);
});

test('a truncated archive is an error naming the entry; a missing end marker is not', () => {
  const tar = writeTar([{ path: 'a', data: 'A' }, { path: 'big.bin', data: new Uint8Array(3000).fill(7) }]);
  assert.throws(() => readTar(tar.subarray(0, 1024 + 1000), 'x.tar'), (e: unknown) =>
    e instanceof ImageError && /x\.tar: truncated: entry "big\.bin" needs 3000 bytes/.test(e.message));
  assert.throws(() => readTar(tar.subarray(0, 1024 + 100)), /truncated: a header at offset 1024/);
  const noEnd = tar.subarray(0, 1024 + 512 + 3072);
  assert.equal(readTar(noEnd).length, 2);
  const corrupt = tar.slice();
  corrupt[3] ^= 0xff;
  assert.throws(() => readTar(corrupt), /corrupt tar header at offset 0 \(bad checksum\)/);
});

test('gzip round trip; a truncated or corrupt stream is a clear error', async () => {
  const data = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);
  const gz = await gzip(data);
  assert.ok(isGzip(gz) && !isGzip(data));
  assert.equal(await sha256Hex(await gunzip(gz)), await sha256Hex(data));
  await assert.rejects(gunzip(gz.subarray(0, gz.length - 9), 'layer L'), (e: unknown) =>
    e instanceof ImageError && /^layer L: gzip stream is truncated/.test(e.message));
  const bad = gz.slice();
  bad[bad.length - 6]! ^= 1;
  await assert.rejects(gunzip(bad, 'layer M'), /layer M: gzip stream is corrupt/);
  await assert.rejects(gunzip(bytes('plain'), 'blob B'), /blob B: not gzip data/);
});

// api.fs.extract (the embed option `files=`): a tar or tar.gz unpacked under a directory — files,
// directories, symlinks, hard links (copied), existing files replaced — and every bad archive
// (a path escaping the directory, a symlink climbing out, a whiteout, a truncated or corrupt
// archive, not an archive at all) refused with a message naming it, with nothing written.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { nodeKernel } from '../helpers.js';
import { writeTar } from '../../worker/oci/tar_writer.js';
import { gzip } from '../../worker/oci/gzip.js';

const { kernel, api } = nodeKernel();
after(() => kernel.shutdown());
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

test('a tar.gz is unpacked under the directory: files, dirs, symlinks, hard links; existing files replaced', async () => {
  await api.fs.mkdir('/root/work');
  await api.fs.writeFile('/root/work/old.txt', 'before');
  const tar = writeTar([
    { path: 'old.txt', data: 'after' },
    { path: 'notes/', type: 'dir' },
    { path: 'notes/a.txt', data: 'alpha\n' },
    { path: 'deep/er/b.txt', data: 'beta\n' },
    { path: 'link', type: 'symlink', linkname: 'notes/a.txt' },
    { path: 'copy.txt', type: 'hardlink', linkname: 'notes/a.txt' },
  ]);
  assert.equal(await api.fs.extract('/root/work', await gzip(tar)), 6);
  assert.equal(text(await api.fs.readFile('/root/work/old.txt')), 'after');
  assert.equal(text(await api.fs.readFile('/root/work/deep/er/b.txt')), 'beta\n');
  assert.equal(text(await api.fs.readFile('/root/work/link')), 'alpha\n');
  assert.equal(text(await api.fs.readFile('/root/work/copy.txt')), 'alpha\n');
  assert.deepEqual(await api.fs.readdir('/root/work'), ['copy.txt', 'deep', 'link', 'notes', 'old.txt']);
  // Unpacking again replaces the symlink rather than failing on it.
  assert.equal(await api.fs.extract('/root/work', tar), 6);
});

test('bad archives are refused with the problem named and nothing written', async () => {
  await api.fs.mkdir('/root/bad');
  const cases: [string, Uint8Array, RegExp][] = [
    ['a path climbing out', writeTar([{ path: 'ok.txt', data: 'x' }, { path: '../escape.txt', data: 'x' }]), /\.\.\/escape\.txt/],
    ['a symlink climbing out', writeTar([{ path: 'ok.txt', data: 'x' }, { path: 'up', type: 'symlink', linkname: '../../etc' }]), /escapes the root/],
    ['a whiteout', writeTar([{ path: 'ok.txt', data: 'x' }, { path: '.wh.gone', data: '' }]), /whiteout/],
    ['a truncated archive', writeTar([{ path: 'ok.txt', data: 'x'.repeat(2000) }]).subarray(0, 1024), /truncated|past the end/i],
    ['not an archive', new TextEncoder().encode('just some text, not a tar archive at all'.repeat(20)), /archive/i],
  ];
  for (const [what, bytes, message] of cases) {
    await assert.rejects(api.fs.extract('/root/bad', bytes), (e: Error) => {
      assert.match(e.message, /^extract into \/root\/bad: /, what);
      assert.match(e.message, message, what);
      return true;
    });
  }
  assert.deepEqual(await api.fs.readdir('/root/bad'), [], 'nothing was written');
  await assert.rejects(api.fs.readFile('/root/escape.txt'), /ENOENT|no such/i);
  await assert.rejects(api.fs.extract('relative/dir', writeTar([{ path: 'a', data: 'x' }])), /path must be absolute/);
});

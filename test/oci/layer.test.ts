// Layer validation (paths, symlinks, hard links, whiteouts) and applying layers into a tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLayers, lookup, parseLayer, type RootfsDir, type RootfsNode } from '../../worker/oci/layer.js';
import { writeTar, type TarWriteEntry } from '../../worker/oci/tar_writer.js';
import { ImageError } from '../../worker/oci/errors.js';
import { text } from './build.js';

const layer = (entries: TarWriteEntry[]) => parseLayer(writeTar(entries), 'L');
const names = (n: RootfsNode | undefined) => [...(n as RootfsDir).entries.keys()].sort();
const content = (n: RootfsNode | undefined) => (n?.kind === 'file' ? text(n.data) : `<${n?.kind}>`);

test('paths are normalized: ./ prefixes, trailing slashes', () => {
  const e = layer([{ path: './', type: 'dir' }, { path: './usr/', type: 'dir' }, { path: './usr//bin/x', data: 'x' }]);
  assert.deepEqual(e.map((x) => [x.kind, x.path]), [['dir', ''], ['dir', 'usr'], ['file', 'usr/bin/x']]);
});

test('refuses .. components, absolute paths, escaping symlinks and hard links', () => {
  const refuse = (entries: TarWriteEntry[], re: RegExp) =>
    assert.throws(() => layer(entries), (e: unknown) => e instanceof ImageError && re.test(e.message), String(re));
  refuse([{ path: 'a/../../etc/passwd', data: 'x' }], /L: tar entry "a\/\.\.\/\.\.\/etc\/passwd": path .* contains a "\.\." component/);
  refuse([{ path: 'a/..', type: 'dir' }], /contains a "\.\." component/);
  refuse([{ path: '/etc/passwd', data: 'x' }], /tar entry "\/etc\/passwd": absolute path/);
  refuse([{ path: 'a/b/link', type: 'symlink', linkname: '../../../etc' }], /tar entry "a\/b\/link": symlink target "\.\.\/\.\.\/\.\.\/etc" escapes the root/);
  refuse([{ path: 'link', type: 'symlink', linkname: 'a/../../x' }], /escapes the root/);
  refuse([{ path: 'h', type: 'hardlink', linkname: '../outside' }], /tar entry "h": hard link target: path "\.\.\/outside" contains a "\.\." component/);
  refuse([{ path: 'h', type: 'hardlink', linkname: '/etc/shadow' }], /hard link target: absolute path "\/etc\/shadow"/);
  // Allowed: absolute symlinks (they resolve inside the container) and .. that stays inside.
  assert.equal(layer([{ path: 'a/b/l', type: 'symlink', linkname: '../../c' }, { path: 'l2', type: 'symlink', linkname: '/../../etc' }]).length, 2);
});

test('whiteouts and opaque directories hide lower layers only', () => {
  const lower = layer([
    { path: 'a/x', data: 'ax' }, { path: 'a/y', data: 'ay' },
    { path: 'b/old1', data: '1' }, { path: 'b/sub/old2', data: '2' },
    { path: 'c', data: 'c' }, { path: 'keep', data: 'k' },
  ]);
  const upper = layer([
    { path: 'a/.wh.x', data: '' },
    { path: 'b/', type: 'dir' }, { path: 'b/.wh..wh..opq', data: '' }, { path: 'b/new', data: 'new' },
    { path: '.wh.c', data: '' },
    { path: 'c', type: 'dir' }, { path: 'c/inside', data: 'i' }, // a dir replaces the whited-out file
  ]);
  assert.deepEqual(upper.filter((e) => e.kind === 'whiteout' || e.kind === 'opaque'), [
    { kind: 'whiteout', path: 'a/x' }, { kind: 'opaque', path: 'b' }, { kind: 'whiteout', path: 'c' },
  ]);
  const top = layer([{ path: 'a/.wh.y', data: '' }, { path: 'a/y', data: 'ay2' }]); // re-created above
  const tree = applyLayers([lower, upper, top]);
  assert.deepEqual(names(tree), ['a', 'b', 'c', 'keep']);
  assert.deepEqual(names(lookup(tree, 'a')), ['y']);
  assert.equal(content(lookup(tree, '/a/y')), 'ay2');
  assert.deepEqual(names(lookup(tree, 'b')), ['new']);
  assert.deepEqual(names(lookup(tree, 'c')), ['inside']);
});

test('hard links share one file object; a missing target is refused', () => {
  const tree = applyLayers([
    layer([{ path: 'bin/busybox', data: 'BB', mode: 0o755 }]),
    layer([{ path: 'bin/sh', type: 'hardlink', linkname: 'bin/busybox' }, { path: 'bin/ls', type: 'hardlink', linkname: './bin/sh' }]),
  ]);
  assert.equal(lookup(tree, 'bin/sh'), lookup(tree, 'bin/busybox'));
  assert.equal(lookup(tree, 'bin/ls'), lookup(tree, 'bin/busybox'));
  assert.throws(() => applyLayers([layer([{ path: 'h', type: 'hardlink', linkname: 'nowhere' }])], ['layer sha256:abc']),
    /layer sha256:abc: hard link "h" → "nowhere": target is not in this or a lower layer/);
});

test('entries below a symlinked directory land in its target (usrmerge), never above the root', () => {
  const tree = applyLayers([
    layer([{ path: 'usr/lib/', type: 'dir' }, { path: 'lib', type: 'symlink', linkname: 'usr/lib' }, { path: 'up', type: 'symlink', linkname: '/../..' }]),
    layer([{ path: 'lib/libc.so', data: 'libc' }, { path: 'up/top', data: 'top' }]),
  ]);
  assert.equal(lookup(tree, 'lib')?.kind, 'symlink');
  assert.equal(content(lookup(tree, 'usr/lib/libc.so')), 'libc');
  assert.equal(content(lookup(tree, 'top')), 'top');
});

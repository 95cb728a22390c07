// The stored machine and images in the real app page (Chromium, real IndexedDB): files in the
// default machine and in a container survive a reload; `run younglook/wasi-hello` in the
// console; docker-save and OCI-layout archives import with a shared layer stored once; a 50 MB
// import shows progress while the console still echoes; and the faults — a page closed in the
// middle of writing, an injected quota failure (ENOSPC), bad archives refused with the store
// unchanged, a second tab on its own machine. Archives are built with the unit tests' builders
// (dist/test/oci/build.js: `npm run build` compiles them).
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKernel, readFile, runOk, toBase64, wat, writeFile } from './helpers.js';
import { openConsole, runCommand, screenDump, type, waitForLine } from './console-helpers.js';
// @ts-expect-error: compiled JS of the unit tests' archive builders (no declarations needed here)
import { dockerSave, ociLayout } from '../dist/test/oci/build.js';
// @ts-expect-error: compiled JS
import { writeTar } from '../dist/worker/oci/tar_writer.js';

test.describe.configure({ mode: 'serial' });

interface ImageInfo { id: string; refs: string[]; size: number; layers: number }
type LoadOutcome = { ok: true; images: ImageInfo[] } | { ok: false; error: string };

/** wasmvisor.images.load(bytes) in the page. */
async function loadImage(page: Page, archive: Uint8Array): Promise<LoadOutcome> {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    try {
      return { ok: true as const, images: await (window as any).wasmvisor.images.load(bytes) };
    } catch (e) {
      return { ok: false as const, error: e instanceof Error ? e.message : String(e) };
    }
  }, toBase64(archive));
}

async function storeState(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const w = (window as any).wasmvisor;
    return { list: await w.images.list(), stats: await w.images.stats() };
  });
}

async function flush(page: Page): Promise<void> {
  await page.evaluate(() => (window as any).wasmvisor.flush());
}

/** Opens `/` again in the same context (a reload, or a new tab when page is new). */
async function reopen(page: Page): Promise<void> {
  await page.reload();
  await page.evaluate(() => window.wasmvisor.ready);
}

/** Appends "run\n" to /data/out, then prints the whole file. */
const APPEND_CAT = `(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "data/out")
  (data (i32.const 200) "run\\n")
  (func (export "_start") (local $fd i32)
    (drop (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 8) (i32.const 1)
      (i64.const 0x46) (i64.const 0) (i32.const 1) (i32.const 300)))
    (local.set $fd (i32.load (i32.const 300)))
    (i32.store (i32.const 0) (i32.const 200)) (i32.store (i32.const 4) (i32.const 4))
    (drop (call $w (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $seek (local.get $fd) (i64.const 0) (i32.const 0) (i32.const 16)))
    (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 4096))
    (drop (call $r (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 4) (i32.load (i32.const 8)))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;

/**
 * Creates /big (or the path given) and writes n blocks of 64 KiB, block k filled with byte k%251,
 * then fd_syncs it when asked; exits with the first errno seen (0 if none).
 */
function writerWat(path: string, blocks: number, sync: boolean): string {
  return `(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_sync" (func $sync (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 100) "${path}")
  (func (export "_start") (local $fd i32) (local $k i32) (local $e i32)
    (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const ${path.length}) (i32.const 9)
      (i64.const 0x52) (i64.const 0) (i32.const 0) (i32.const 300)))
    (if (local.get $e) (then (call $exit (local.get $e))))
    (local.set $fd (i32.load (i32.const 300)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $k) (i32.const ${blocks})))
      (memory.fill (i32.const 65536) (i32.rem_u (local.get $k) (i32.const 251)) (i32.const 65536))
      (i32.store (i32.const 0) (i32.const 65536)) (i32.store (i32.const 4) (i32.const 65536))
      (local.set $e (call $w (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
      (if (local.get $e) (then (call $exit (local.get $e))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l)))
    ${sync ? '(call $exit (call $sync (local.get $fd)))' : '(call $exit (i32.const 0))'}))`;
}

/** Checks that bytes are whole blocks of the writer's pattern (no torn or mixed chunk). */
function checkPattern(bytes: Uint8Array): void {
  expect(bytes.length % 65536, 'a whole number of 64 KiB blocks').toBe(0);
  for (let k = 0; k < bytes.length / 65536; k++) {
    const block = bytes.subarray(k * 65536, (k + 1) * 65536);
    const want = k % 251;
    const bad = block.findIndex((b) => b !== want);
    expect(bad, `block ${k} is all ${want}`).toBe(-1);
  }
}

test('files in the default machine survive a reload; so does a console redirection', async ({ page }) => {
  await openConsole(page);
  expect(await page.evaluate(async () => (await window.wasmvisor.status() as any).machine)).toBe('indexeddb');
  await writeFile(page, '/root/notes.txt', 'kept across reloads\n');
  await runCommand(page, 'mkdir -p /root/work && echo typed in the console > /root/work/a.txt');
  await flush(page);
  await reopen(page);
  expect(new TextDecoder().decode(await readFile(page, '/root/notes.txt'))).toBe('kept across reloads\n');
  await openConsole(page);
  expect(await runCommand(page, 'cat /root/work/a.txt')).toEqual(['typed in the console']);
  // /tmp is memory: gone after a reload.
  await runCommand(page, 'echo scratch > /tmp/s.txt');
  await flush(page);
  await reopen(page);
  const r = await page.evaluate(() => window.wasmvisor.fs.readFile('/tmp/s.txt').then(() => 'found', (e) => String(e)));
  expect(r).toMatch(/ENOENT|No such file/);
});

test('typing `run younglook/wasi-hello` prints hello world; the api runs it too', async ({ page }) => {
  await openConsole(page);
  expect(await runCommand(page, 'run younglook/wasi-hello')).toEqual(['hello world']);
  const r = await page.evaluate(() => window.wasmvisor.run({ image: 'younglook/wasi-hello' } as any));
  expect({ exitCode: r.exitCode, stdout: r.stdout }).toEqual({ exitCode: 0, stdout: 'hello world\n' });
  expect(await runCommand(page, 'images')).toEqual(expect.arrayContaining([expect.stringMatching(/^younglook\/wasi-hello\s+latest\s+[0-9a-f]{12}/)]));
});

test("a container's files survive a reload; docker-save and OCI layouts import with a shared layer stored once", async ({ page }) => {
  await openConsole(page);
  const shared = [{ path: 'bin/', type: 'dir' }, { path: 'bin/app.wasm', data: await wat(APPEND_CAT) }, { path: 'data/', type: 'dir' }];
  const docker = await dockerSave([{ tags: ['e2e/app:docker'], layers: [shared], config: { Entrypoint: ['/bin/app.wasm'] } }]);
  const oci = await ociLayout([{ refName: 'e2e/app:oci', layers: [shared, [{ path: 'etc/only-oci', data: 'x' }]], config: { Entrypoint: ['/bin/app.wasm'] } }]);
  const before = (await page.evaluate(() => (window as any).wasmvisor.images.stats())) as { blobs: number };
  const a = await loadImage(page, docker);
  expect(a.ok, JSON.stringify(a)).toBe(true);
  const afterDocker = (await page.evaluate(() => (window as any).wasmvisor.images.stats())) as { blobs: number };
  const b = await loadImage(page, oci);
  expect(b.ok, JSON.stringify(b)).toBe(true);
  const afterOci = (await page.evaluate(() => (window as any).wasmvisor.images.stats())) as { blobs: number };
  // docker save: manifest (written for it), config, one layer. OCI: manifest, config, and only
  // its second layer: the first is the docker image's layer, stored once.
  expect(afterDocker.blobs - before.blobs).toBe(3);
  expect(afterOci.blobs - afterDocker.blobs).toBe(3);

  expect(await runCommand(page, 'create --name keeper e2e/app:oci')).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
  await runCommand(page, 'start keeper');
  await expect.poll(async () => (await runCommand(page, 'logs keeper')).join('\n')).toBe('run');
  await flush(page);
  await reopen(page);
  await openConsole(page);
  expect((await runCommand(page, 'ps -a')).join('\n')).toMatch(/e2e\/app:oci .*Exited \(0\).*keeper/);
  await runCommand(page, 'start keeper');
  await expect.poll(async () => (await runCommand(page, 'logs keeper')).join('\n')).toBe('run\nrun\nrun');
  expect(await runCommand(page, 'run --rm e2e/app:docker')).toEqual(['run'], );
});

test('a 50 MB image import shows progress while the console keeps echoing keys', async ({ page }) => {
  await openConsole(page);
  const big = new Uint8Array(50 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
  const archive = await dockerSave([{ tags: ['e2e/big:1'], layers: [[{ path: 'big.bin', data: big }, { path: 'app.wasm', data: await wat(APPEND_CAT) }]] }]);
  const file = join(mkdtempSync(join(tmpdir(), 'wasmvisor-e2e-')), 'big.tar');
  writeFileSync(file, archive);
  await page.locator('#image-file').setInputFiles(file);
  await expect(page.locator('#image-progress')).toBeVisible();
  const phase = await page.locator('#image-progress').getAttribute('data-phase');
  expect(phase).toBeTruthy();
  // While the import runs the terminal still echoes what is typed.
  await page.locator('#terminal .xterm-screen').click();
  await type(page, 'echo still-responsive');
  await waitForLine(page, /echo still-responsive$/, { timeout: 5000 });
  await expect(page.locator('#image-message')).toContainText('e2e/big:1', { timeout: 60_000 });
  await page.keyboard.press('Enter');
  await waitForLine(page, /^still-responsive$/);
  expect((await runCommand(page, 'images')).join('\n')).toMatch(/e2e\/big\s+1\s+[0-9a-f]{12}.*5\d\.\dMB/);
});

test('a page closed in the middle of writing a large file reopens with every file whole', async ({ page, context }) => {
  await openKernel(page);
  await writeFile(page, '/root/before.txt', 'written before\n');
  await writeFile(page, '/root/writer.wasm', await wat(writerWat('root/big', 320, false)));
  await flush(page);
  // 20 MiB in 64 KiB writes; close the page while it runs (autoflush stores it in pieces).
  void page.evaluate(() => window.wasmvisor.run({ argv: ['/root/writer.wasm'] })).catch(() => {});
  await page.waitForTimeout(1500);
  await page.close();
  const again = await context.newPage();
  await openKernel(again);
  expect(new TextDecoder().decode(await readFile(again, '/root/before.txt'))).toBe('written before\n');
  const big = await readFile(again, '/root/big').catch(() => new Uint8Array(0));
  checkPattern(big);
  // The machine is usable and writable after it.
  const r = await runOk(again, { argv: ['/root/writer.wasm'] });
  expect(r.exitCode).toBe(0);
  await flush(again);
  expect((await readFile(again, '/root/big')).length).toBe(320 * 65536);
});

test('an injected quota failure is ENOSPC to the program and leaves the store consistent', async ({ page }) => {
  await openKernel(page);
  await writeFile(page, '/root/safe.txt', 'stored before the disk filled\n');
  await writeFile(page, '/root/syncer.wasm', await wat(writerWat('root/full', 4, true)));
  await flush(page);
  await page.evaluate(() => (window as any).wasmvisor.debug.injectQuotaFailures(1000));
  const r = await runOk(page, { argv: ['/root/syncer.wasm'] });
  expect(r.exitCode, 'fd_sync answers ENOSPC (51)').toBe(51);
  // While full, a growing write fails too.
  const r2 = await runOk(page, { argv: ['/root/syncer.wasm'] });
  expect(r2.exitCode).toBe(51);
  await page.evaluate(() => (window as any).wasmvisor.debug.injectQuotaFailures(0));
  await reopen(page);
  expect(await page.evaluate(async () => (await window.wasmvisor.status() as any).machine)).toBe('indexeddb');
  expect(new TextDecoder().decode(await readFile(page, '/root/safe.txt'))).toBe('stored before the disk filled\n');
  // Nothing of the refused writes was stored: the file is absent or whole blocks only.
  const full = await readFile(page, '/root/full').catch(() => new Uint8Array(0));
  checkPattern(full);
});

test('bad archives are refused with a message naming the problem and the store unchanged', async ({ page }) => {
  await openKernel(page);
  const base = [{ path: 'bin/app.wasm', data: await wat(APPEND_CAT) }];
  const cases: [string, Uint8Array, RegExp][] = [];
  let layerPath = '';
  cases.push(['wrong digest', await ociLayout([{ refName: 'bad:1', layers: [base, [{ path: 'f', data: 'original' }]] }], {
    mutate: (files: Map<string, Uint8Array>) => {
      for (const [p, b] of files) if (p.startsWith('blobs/') && new TextDecoder().decode(b).includes('original')) layerPath = p;
      files.set(layerPath, writeTar([{ path: 'f', data: 'tampered' }]));
    },
  }), /digest mismatch/]);
  const good = await dockerSave([{ tags: ['bad:2'], layers: [base, [{ path: 'big', data: new Uint8Array(5000) }]] }]);
  cases.push(['truncated archive', good.subarray(0, 2800), /truncated/]);
  cases.push(['.. path', await dockerSave([{ tags: ['bad:3'], layers: [[{ path: '../../etc/profile', data: 'x' }]] }]), /contains a "\.\." component/]);
  cases.push(['absolute path', await ociLayout([{ refName: 'bad:4', layers: [[{ path: '/etc/passwd', data: 'x' }]] }]), /absolute path/]);
  cases.push(['escaping symlink', await dockerSave([{ tags: ['bad:5'], layers: [[{ path: 'etc/l', type: 'symlink', linkname: '../../host' }]] }]), /escapes the root/]);
  cases.push(['escaping hard link', await dockerSave([{ tags: ['bad:6'], layers: [[{ path: 'h', type: 'hardlink', linkname: '../secret' }]] }]), /hard link target/]);
  cases.push(['missing blob', await ociLayout([{ refName: 'bad:7', layers: [base, [{ path: 'f', data: 'gone' }]] }], {
    mutate: (files: Map<string, Uint8Array>) => {
      for (const [p, b] of files) if (new TextDecoder().decode(b).includes('gone')) files.delete(p);
    },
  }), /which is not in the archive/]);
  cases.push(['unknown media type', await ociLayout([{ refName: 'bad:8', layers: [base, { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', data: new TextEncoder().encode('z') }] }]),
    /unsupported layer media type/]);
  const before = await storeState(page);
  for (const [what, archive, message] of cases) {
    const r = await loadImage(page, archive);
    expect(r.ok, `${what} is refused`).toBe(false);
    if (!r.ok) expect(r.error, what).toMatch(message);
    expect(await storeState(page), `${what} leaves the store as it was`).toEqual(before);
  }
});

test('a second tab runs a machine of its own and never writes the stored one', async ({ page, context }) => {
  await openConsole(page);
  await writeFile(page, '/root/first-tab.txt', 'tab one\n');
  await flush(page);
  const second = await context.newPage();
  await openConsole(second);
  const st = await second.evaluate(() => window.wasmvisor.status()) as any;
  expect(st.machine).toBe('memory');
  expect(st.machineNote).toMatch(/another tab/);
  await expect.poll(async () => (await screenDump(second))).toMatch(/another tab of this site holds the stored machine/);
  await writeFile(second, '/root/second-tab.txt', 'tab two\n');
  await second.evaluate(() => window.wasmvisor.fs.readFile('/root/first-tab.txt').then(() => 'seen', () => 'not seen'))
    .then((v) => expect(v, 'the second tab does not see the stored files').toBe('not seen'));
  await second.close();
  await reopen(page);
  expect(new TextDecoder().decode(await readFile(page, '/root/first-tab.txt'))).toBe('tab one\n');
  const leaked = await page.evaluate(() => window.wasmvisor.fs.readFile('/root/second-tab.txt').then(() => 'leaked', () => 'absent'));
  expect(leaked).toBe('absent');
});

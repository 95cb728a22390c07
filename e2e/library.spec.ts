// The library in a browser bundle, as an app gets it: the tarball `npm pack` makes, unpacked into
// a scratch app whose vite.config.js, index.html and main.js are the README's browser example
// ("## As a library") as written; `vite build`, then `vite preview` on a free port with the
// example's COOP/COEP headers; Chromium opens it and the page must show the example's output.
// Needs `npm run build` (dist/ and lib-dist/) first.
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { REPO, installPackedPackage, readmeExample, run } from '../test/lib/packed.js';

/** A port of its own (asked of the system, so two runs side by side do not collide). */
let URL = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** What the README says the page shows. */
const EXPECTED = 'hello from the browser\nhello world\n1\n2\n3\nseq exited with 0\n';

/**
 * The extra page: a program nobody reads is held (backpressure through the kernel worker), and a
 * machine stored under a name keeps its files across dispose and createMachine. Sets window.result.
 */
const EXTRA = `import { createMachine } from 'wasmvisor';
const result = {};
try {
  const machine = await createMachine();
  const yes = await machine.spawn({ argv: ['/bin/yes'] });
  void yes.stderr.cancel();
  await new Promise((r) => setTimeout(r, 1000));
  await yes.kill('SIGKILL');
  let bytes = 0;
  const reader = yes.stdout.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
  result.yes = { bytes, status: await yes.exited };
  await machine.dispose();

  const first = await createMachine({ persist: 'library-test' });
  await first.fs.writeFile('/root/kept.txt', 'kept across machines');
  await first.dispose();
  const second = await createMachine({ persist: 'library-test' });
  result.kept = new TextDecoder().decode(await second.fs.readFile('/root/kept.txt'));
  result.databases = (await indexedDB.databases()).map((d) => d.name).sort();
  await second.dispose();
} catch (e) {
  result.error = String(e && e.message || e);
}
window.result = result;
`;

let scratch: string;
let server: ChildProcess | undefined;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  scratch = mkdtempSync(join(tmpdir(), 'wasmvisor-library-'));
  await installPackedPackage(scratch, ['vite']);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  writeFileSync(join(scratch, 'vite.config.js'), readmeExample('browser-config'));
  writeFileSync(join(scratch, 'index.html'), readmeExample('browser-html'));
  writeFileSync(join(scratch, 'main.js'), readmeExample('browser-main'));
  const vite = join(scratch, 'node_modules', 'vite', 'bin', 'vite.js');
  await run(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: scratch, timeout: 60_000 });
  // A second page of the same app's config, for what the README example does not show.
  mkdirSync(join(scratch, 'extra'));
  writeFileSync(join(scratch, 'extra', 'index.html'), '<!doctype html><script type="module" src="./extra.js"></script>');
  writeFileSync(join(scratch, 'extra', 'extra.js'), EXTRA);
  await run(process.execPath, [vite, 'build', 'extra', '-c', 'vite.config.js', '--base', '/extra/', '--outDir', '../dist/extra', '--logLevel', 'warn'],
    { cwd: scratch, timeout: 60_000 });
  const port = await freePort();
  URL = `http://127.0.0.1:${port}/`;
  server = spawn(process.execPath, [vite, 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: scratch, stdio: 'ignore' });
  for (let i = 0; ; i++) {
    const up = await fetch(URL).then((r) => r.ok, () => false);
    if (up) break;
    if (i > 150 || server.exitCode !== null) throw new Error(`vite preview of the example app did not start on ${URL}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

test.afterAll(() => {
  server?.kill();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test("the README's browser example runs as written from the packed package in a Vite app", async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // (The browser's own request for /favicon.ico, which the example has not, is no error of the page.)
  page.on('console', (m) => void (m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text())));
  page.on('response', (r) => void (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`)));
  await page.goto(URL);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.locator('#out')).toHaveText(EXPECTED, { timeout: 30_000 });
  expect(errors).toEqual([]);
  // The README shows what the page shows.
  expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain('```\n' + EXPECTED + '```');
  // A library machine lives in memory: nothing was stored for this origin.
  const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(databases).toEqual([]);
});

test('in the browser, an unread stdout holds the program, and a machine stored under a name keeps its files', async ({ page }) => {
  await page.goto(URL + 'extra/');
  const result = await page.waitForFunction(() => (window as unknown as { result?: unknown }).result, undefined, { timeout: 30_000 })
    .then((h) => h.jsonValue()) as { error?: string; yes: { bytes: number; status: unknown }; kept: string; databases: string[] };
  expect(result.error).toBeUndefined();
  expect(result.yes.status).toEqual({ exitCode: 137, reason: 'killed by SIGKILL' });
  // Held at about what the stream and the kernel buffer (~1 MiB); unheld, yes writes hundreds of MB a second.
  expect(result.yes.bytes).toBeGreaterThan(0);
  expect(result.yes.bytes).toBeLessThan(4 * 1024 * 1024);
  expect(result.kept).toBe('kept across machines');
  // Its own databases, never the playground's (wasmvisor-rootfs / wasmvisor-images).
  expect(result.databases).toEqual(['wasmvisor-embed-library-test-images', 'wasmvisor-embed-library-test-rootfs']);
});

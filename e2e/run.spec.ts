// End-to-end: the built page boots the kernel in a worker, and programs run in it through
// window.wasmvisor (the postMessage embed protocol: e2e/embed.spec.ts).
import { expect, test } from '@playwright/test';
import {
  installProgram,
  openKernel,
  programs,
  readFile,
  run,
  runOk,
  spin,
  toBase64,
  wat,
  writeFile,
} from './helpers.js';

/** Words a clear error about a bad module would use. */
const NAMES_A_BAD_MODULE = /wasm|webassembly|module|magic|malformed|invalid|compil|not a/i;

test.describe('window.wasmvisor', () => {
  test('the page is cross-origin isolated and the kernel boots', async ({ page }) => {
    const version = await openKernel(page);
    expect(typeof version).toBe('string');
    expect(version.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
    await expect(page.locator('#status')).toHaveText(`kernel booted, version ${version}`);
    await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
    expect(await page.evaluate(() => window.wasmvisor.version())).toBe(version);
  });

  test('without COOP/COEP the status line says why programs cannot run', async ({ page }) => {
    // Serve the same files with the isolation headers stripped.
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    await page.goto('/');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
    await expect(page.locator('#status')).not.toHaveAttribute('data-state', 'booting');
    await expect(page.locator('#status')).toContainText('not cross-origin isolated');
    // The console says what is wrong and what to change, not a stack trace.
    const note = page.locator('#terminal .isolation-problem');
    await expect(note).toContainText('wasmvisor cannot run here');
    await expect(note).toContainText("'Cross-Origin-Embedder-Policy: require-corp'");
    expect(await note.textContent()).not.toMatch(/\bat \S+:\d+:\d+|Error:/); // no stack trace
  });

  test('hello world', async ({ page }) => {
    await openKernel(page);
    await installProgram(page, '/hello.wasm', programs.hello);
    const result = await runOk(page, { argv: ['/hello.wasm'] });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hello world\n', stderr: '' });
  });

  test('proc_exit(3) gives exit code 3', async ({ page }) => {
    await openKernel(page);
    await installProgram(page, '/exit3.wasm', programs.exit3);
    const result = await runOk(page, { argv: ['/exit3.wasm'] });
    expect(result).toMatchObject({ exitCode: 3, stdout: '' });
  });

  test('stdin is given to the program (string and bytes)', async ({ page }) => {
    await openKernel(page);
    await installProgram(page, '/echo.wasm', programs.echo);
    expect(await runOk(page, { argv: ['/echo.wasm'], stdin: 'abc' })).toMatchObject({ exitCode: 0, stdout: 'abc' });
    expect(await runOk(page, { argv: ['/echo.wasm'] })).toMatchObject({ exitCode: 0, stdout: '' });

    const big = 'line of input\n'.repeat(1000);
    const bytesResult = await page.evaluate(async (text) => {
      const r = await window.wasmvisor.run({ argv: ['/echo.wasm'], stdin: new TextEncoder().encode(text) as never });
      return { exitCode: r.exitCode, stdout: r.stdout };
    }, big);
    expect(bytesResult.exitCode).toBe(0);
    expect(bytesResult.stdout).toBe(big);
  });

  test('the environment is exactly the env given', async ({ page }) => {
    await openKernel(page);
    await installProgram(page, '/env.wasm', programs.env);
    const result = await runOk(page, { argv: ['/env.wasm'], env: { FOO: 'bar', GREETING: 'hello world' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(['FOO=bar', 'GREETING=hello world']);
    const empty = await runOk(page, { argv: ['/env.wasm'] });
    expect(empty).toMatchObject({ exitCode: 0, stdout: '' });
  });

  test('argv is passed as given', async ({ page }) => {
    await openKernel(page);
    await installProgram(page, '/args.wasm', programs.args);
    const result = await runOk(page, { argv: ['/args.wasm', 'one', 'two words', ''] });
    expect(result).toMatchObject({ exitCode: 0, stdout: '/args.wasm\none\ntwo words\n\n' });
  });

  test('fs: writeFile/readFile/mkdir/readdir round trip', async ({ page }) => {
    await openKernel(page);
    const dir = `/e2e-fs-${Date.now()}`;
    await page.evaluate((d) => window.wasmvisor.fs.mkdir(d), dir);

    const bytes = new Uint8Array(256 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
    await writeFile(page, `${dir}/data.bin`, bytes);
    expect(Buffer.from(await readFile(page, `${dir}/data.bin`)).equals(Buffer.from(bytes))).toBe(true);

    await writeFile(page, `${dir}/text.txt`, 'héllo, wörld\n');
    expect(new TextDecoder().decode(await readFile(page, `${dir}/text.txt`))).toBe('héllo, wörld\n');

    // Overwriting replaces the whole file.
    await writeFile(page, `${dir}/text.txt`, 'short');
    expect(new TextDecoder().decode(await readFile(page, `${dir}/text.txt`))).toBe('short');

    // A view into a larger buffer writes just the view's bytes.
    const viewLength = await page.evaluate(async (d) => {
      const backing = new Uint8Array(100).fill(7);
      await window.wasmvisor.fs.writeFile(`${d}/view.bin`, backing.subarray(10, 20));
      return (await window.wasmvisor.fs.readFile(`${d}/view.bin`)).length;
    }, dir);
    expect(viewLength).toBe(10);

    const names = await page.evaluate((d) => window.wasmvisor.fs.readdir(d), dir);
    expect(names.filter((n) => n !== '.' && n !== '..').sort()).toEqual(['data.bin', 'text.txt', 'view.bin']);
    expect(await page.evaluate(() => window.wasmvisor.fs.readdir('/'))).toContain(dir.slice(1));
  });

  test('fs: reading a missing file rejects with a message naming it', async ({ page }) => {
    await openKernel(page);
    const error = await page.evaluate(async () => {
      try {
        await window.wasmvisor.fs.readFile('/no/such/file.txt');
        return null;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    });
    expect(error).not.toBeNull();
    expect(error).toMatch(/no such file|ENOENT|not found|does not exist/i);
  });

  test('a file written twice holds the second write, and programs see it', async ({ page }) => {
    await openKernel(page);
    const bytes = await wat(programs.hello);
    await writeFile(page, '/two-step.wasm', bytes.subarray(0, 8));
    await writeFile(page, '/two-step.wasm', bytes);
    expect(toBase64(await readFile(page, '/two-step.wasm'))).toBe(toBase64(bytes));
    expect(await runOk(page, { argv: ['/two-step.wasm'] })).toMatchObject({ exitCode: 0, stdout: 'hello world\n' });
  });

  test('a malformed module gives a clear error and the kernel keeps running', async ({ page }) => {
    await openKernel(page);
    await writeFile(page, '/garbage.wasm', 'garbage');
    const outcome = await run(page, { argv: ['/garbage.wasm'] });
    if (outcome.ok) {
      expect(outcome.result.exitCode).not.toBe(0);
      expect(`${outcome.result.stderr}\n${outcome.result.reason ?? ''}`).toMatch(NAMES_A_BAD_MODULE);
    } else {
      expect(outcome.error).toMatch(NAMES_A_BAD_MODULE);
    }

    await installProgram(page, '/hello.wasm', programs.hello);
    expect(await runOk(page, { argv: ['/hello.wasm'] })).toMatchObject({ exitCode: 0, stdout: 'hello world\n' });
  });

  test('a missing program gives an error naming it', async ({ page }) => {
    await openKernel(page);
    const outcome = await run(page, { argv: ['/missing-program.wasm'] });
    if (outcome.ok) {
      expect(outcome.result.exitCode).not.toBe(0);
      expect(`${outcome.result.stderr}\n${outcome.result.reason ?? ''}`).toContain('/missing-program.wasm');
    } else {
      expect(outcome.error).toContain('/missing-program.wasm');
    }
  });

  test('timeoutSeconds kills a program that never exits', async ({ page }) => {
    await openKernel(page);
    await installProgram(page, '/spin.wasm', spin);
    const started = Date.now();
    const result = await runOk(page, { argv: ['/spin.wasm'], timeoutSeconds: 1 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.exitCode).toBe(128 + 9); // ended by SIGKILL
    expect(result.reason ?? '').toMatch(/timeout|timed out|killed|SIGKILL/i);

    await installProgram(page, '/hello.wasm', programs.hello);
    expect(await runOk(page, { argv: ['/hello.wasm'] })).toMatchObject({ exitCode: 0, stdout: 'hello world\n' });
  });
});

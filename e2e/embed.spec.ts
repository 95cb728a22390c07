// The embed protocol v1 from a page of another origin (examples/embed/, served on another port by
// scripts/serve-static.mjs): trust by origin=, streamed output and exit, stdin, kill, malformed
// messages, two embeds that do not share files, the playground's stored files out of an
// untrusted parent's reach, a frame that is not isolated, and the embed URL options.
import { expect, test, type Page } from '@playwright/test';
import { toBase64, wat } from './helpers.js';

const EXAMPLES = process.env.WASMVISOR_EXAMPLES_URL ?? 'http://127.0.0.1:4174/';

interface Frame {
  ready: Promise<{ version: string; machine: string }>;
  call(method: string, params?: unknown): Promise<unknown>;
  send(message: unknown): Promise<unknown>;
  on(type: string, cb: (e: Record<string, unknown>) => void): void;
}
declare global {
  interface Window {
    embeds: { left: Frame; right: Frame };
  }
}

/** Opens the example page (two embedded playgrounds) framing the playground at baseURL. */
async function openExample(page: Page, baseURL: string | undefined, extra = ''): Promise<void> {
  page.on('pageerror', (err) => console.log(`[pageerror] ${err.message}`));
  const url = new URL('embed/index.html', EXAMPLES);
  url.search = `playground=${encodeURIComponent(new URL('/', baseURL).href)}${extra}`;
  await page.goto(url.href);
  await page.waitForFunction(() => window.embeds !== undefined);
}

// Prints "a", sleeps 700 ms (poll_oneoff), prints "b".
const SLOW_PRINTER = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $p (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 300) "a\\nb\\n")
  (func $print (param $at i32)
    (i32.store (i32.const 0) (local.get $at)) (i32.store (i32.const 4) (i32.const 2))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (call $print (i32.const 300))
    (i64.store (i32.const 32) (i64.const 1))
    (i32.store8 (i32.const 40) (i32.const 0))
    (i32.store (i32.const 48) (i32.const 1))
    (i64.store (i32.const 56) (i64.const 700000000))
    (i64.store (i32.const 64) (i64.const 0))
    (i32.store16 (i32.const 72) (i32.const 0))
    (drop (call $p (i32.const 32) (i32.const 128) (i32.const 1) (i32.const 16)))
    (call $print (i32.const 302))))`;

test('a trusted parent on another port writes, runs, streams, feeds stdin, kills; malformed messages are answered', async ({ page, baseURL }) => {
  await openExample(page, baseURL);
  const printerWasm = toBase64(await wat(SLOW_PRINTER));
  const out = await page.evaluate(async (b64) => {
    const vm = window.embeds.left;
    const ready = await vm.ready;
    const events: { type: string; pid: number; text?: string; exitCode?: number; at: number }[] = [];
    const t0 = performance.now();
    const exits = new Map<number, (e: unknown) => void>();
    for (const type of ['stdout', 'stderr', 'exit']) {
      vm.on(type, (e) => {
        events.push({ type, pid: e.pid as number, at: performance.now() - t0, exitCode: e.exitCode as number | undefined,
          text: e.data ? new TextDecoder().decode(e.data as Uint8Array) : undefined });
        if (type === 'exit') exits.get(e.pid as number)?.(e);
      });
    }
    const exited = (pid: number) => new Promise((r) => exits.set(pid, r));
    await vm.call('writeFile', { path: '/root/data.txt', data: 'one\ntwo\nthree\n' });
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    await vm.call('writeFile', { path: '/root/printer.wasm', data: bytes });
    const wc = await vm.call('run', { argv: ['/bin/wc', '-l', '/root/data.txt'] });
    const read = new TextDecoder().decode(await vm.call('readFile', { path: '/root/data.txt' }) as Uint8Array);
    const listing = await vm.call('readdir', { path: '/root' });

    const { pid: printerPid } = await vm.call('spawn', { argv: ['/root/printer.wasm'] }) as { pid: number };
    const printerExit = await exited(printerPid);
    const { pid: catPid } = await vm.call('spawn', { argv: ['/bin/cat'] }) as { pid: number };
    const catExit = exited(catPid);
    await vm.call('stdin', { pid: catPid, data: 'fed ' });
    await vm.call('stdin', { pid: catPid, data: new TextEncoder().encode('through stdin\n'), eof: true });
    await catExit;
    const { pid: sleepPid } = await vm.call('spawn', { argv: ['/bin/sleep', '100'] }) as { pid: number };
    const sleepExit = exited(sleepPid);
    await vm.call('kill', { pid: sleepPid });
    const killed = await sleepExit;

    const answer = (p: Promise<unknown>) => p.then((value) => ({ ok: true, value }), (e: Error) => ({ ok: false, error: e.message }));
    const malformed = {
      unknownMethod: await answer(vm.send({ wasmvisor: 1, id: 'm1', method: 'formatDisk' })),
      relativePath: await answer(vm.send({ wasmvisor: 1, id: 'm2', method: 'readFile', params: { path: 'data.txt' } })),
      oldProtocol: await answer(vm.send({ wasmvisor: 'run', id: 'm3', args: [] })),
      noId: await answer(vm.send({ wasmvisor: 1, method: 'version' })),
      badArgv: await answer(vm.send({ wasmvisor: 1, id: 'm5', method: 'run', params: { argv: 'ls' } })),
      killUnknown: await answer(vm.send({ wasmvisor: 1, id: 'm6', method: 'kill', params: { pid: 4242 } })),
    };
    return { ready, wc, read, listing, events, printerPid, printerExit, catPid, sleepPid, killed, malformed };
  }, printerWasm);

  expect(out.ready).toMatchObject({ machine: 'memory', version: expect.any(String) });
  expect(out.wc).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^\s*3 \/root\/data.txt\n$/) });
  expect(out.read).toBe('one\ntwo\nthree\n');
  expect(out.listing).toEqual(expect.arrayContaining(['data.txt', 'printer.wasm']));
  // Streamed: "a" arrives as its own event, long before "b" and the exit.
  const printer = out.events.filter((e) => e.pid === out.printerPid);
  expect(printer.map((e) => e.type)).toEqual(['stdout', 'stdout', 'exit']);
  expect(printer.map((e) => e.text ?? '')).toEqual(['a\n', 'b\n', '']);
  expect(printer[1]!.at - printer[0]!.at).toBeGreaterThan(400);
  expect(out.printerExit).toMatchObject({ type: 'exit', exitCode: 0 });
  const cat = out.events.filter((e) => e.pid === out.catPid);
  expect(cat.filter((e) => e.type === 'stdout').map((e) => e.text).join('')).toBe('fed through stdin\n');
  expect(cat.at(-1)).toMatchObject({ type: 'exit', exitCode: 0 });
  expect(out.killed).toMatchObject({ type: 'exit', pid: out.sleepPid, exitCode: 143 });

  expect(out.malformed.unknownMethod).toEqual({ ok: false, error: expect.stringContaining("unknown method 'formatDisk'") });
  expect(out.malformed.relativePath).toEqual({ ok: false, error: expect.stringContaining('params.path must be absolute') });
  expect(out.malformed.oldProtocol).toEqual({ ok: false, error: expect.stringContaining('protocol version 1') });
  expect(out.malformed.noId).toEqual({ ok: false, error: expect.stringContaining('id must be a string or a finite number') });
  expect(out.malformed.badArgv).toEqual({ ok: false, error: expect.stringContaining('params.argv must be an array of strings') });
  expect(out.malformed.killUnknown).toEqual({ ok: false, error: expect.stringContaining('no running process 4242') });
});

test('two embeds on one page do not see each other\'s files', async ({ page, baseURL }) => {
  await openExample(page, baseURL);
  const seen = await page.evaluate(async () => {
    const { left, right } = window.embeds;
    await Promise.all([left.ready, right.ready]);
    await left.call('writeFile', { path: '/root/left-only.txt', data: 'left' });
    await right.call('writeFile', { path: '/root/right-only.txt', data: 'right' });
    const fromRight = await right.call('readFile', { path: '/root/left-only.txt' }).then(() => 'read it', (e: Error) => e.message);
    return { fromRight, left: await left.call('readdir', { path: '/root' }), right: await right.call('readdir', { path: '/root' }) };
  });
  expect(seen.fromRight).toMatch(/readFile \/root\/left-only.txt: .*(ENOENT|no such)/i);
  expect(seen.left).toContain('left-only.txt');
  expect(seen.left).not.toContain('right-only.txt');
  expect(seen.right).toContain('right-only.txt');
  expect(seen.right).not.toContain('left-only.txt');
});

test('an untrusted parent gets nothing, not even the files the top-level playground stored', async ({ page, baseURL }) => {
  // The playground itself (top level) stores a file on its machine.
  await page.goto('/');
  await page.evaluate(async () => {
    await window.wasmvisor.ready;
    await window.wasmvisor.fs.writeFile('/root/secret.txt', 'the user\'s secret');
    await (window.wasmvisor as unknown as { flush(): Promise<void> }).flush();
  });
  // A page of another origin frames it without being trusted (no origin= for it).
  await openExample(page, baseURL, '&untrusted');
  const result = await page.evaluate(async () => {
    const vm = window.embeds.left;
    const errors: string[] = [];
    vm.on('error', (e) => errors.push(e.error as string));
    let answered = 'no answer';
    // Wait until the frame is up (its console prompt is drawn), then ask for the secret.
    await new Promise((r) => setTimeout(r, 3000));
    vm.send({ wasmvisor: 1, id: 'steal', method: 'readFile', params: { path: '/root/secret.txt' } }).then(
      (v) => (answered = `answered: ${String(v)}`), (e: Error) => (answered = `refused: ${e.message}`));
    vm.send({ wasmvisor: 1, id: 'run', method: 'run', params: { argv: ['/bin/cat', '/root/secret.txt'] } }).then(
      (v) => (answered += ` answered: ${JSON.stringify(v)}`), () => {});
    await new Promise((r) => setTimeout(r, 2000));
    const ready = await Promise.race([vm.ready.then(() => 'ready'), new Promise((r) => setTimeout(() => r('no ready event'), 10))]);
    return { errors, answered, ready };
  });
  expect(result.answered).toBe('no answer');
  expect(result.ready).toBe('no ready event');
  expect(result.errors.length).toBeGreaterThanOrEqual(1);
  expect(result.errors[0]).toContain(`origin ${new URL(EXAMPLES).origin} is not trusted by this frame`);
  expect(result.errors.join('\n')).not.toContain('secret');
});

test('a frame without allow="cross-origin-isolated" says why in its ready event and its console', async ({ page, baseURL }) => {
  await openExample(page, baseURL, '&noallow');
  const ready = await page.evaluate(() => window.embeds.right.ready.then(() => 'ok', (e: Error) => e.message));
  expect(ready).toContain('not cross-origin isolated');
  expect(ready).toContain('allow="cross-origin-isolated"');
  const frame = page.frameLocator('#right');
  await expect(frame.locator('.isolation-problem')).toContainText('wasmvisor cannot run here');
  // The other frame, which has the permission, runs.
  expect(await page.evaluate(() => window.embeds.left.ready.then((r) => r.machine))).toBe('memory');
});

test('embed URL options: cmd runs on load, files are unpacked, readonly and light theme; the header is hidden', async ({ page }) => {
  await page.goto('/?embed&readonly&theme=light&files=/embed-demo/files.tar&cmd=' + encodeURIComponent('cat hello.txt notes/todo.txt'));
  await page.waitForFunction(() => window.wasmvisorConsole !== undefined);
  await expect.poll(async () => (await page.evaluate(() => window.wasmvisorConsole!.lines())).join('\n'), { timeout: 15_000 })
    .toContain('hello from files.tar');
  const screen = (await page.evaluate(() => window.wasmvisorConsole!.lines())).join('\n');
  expect(screen).toContain('three');
  await expect(page.locator('header')).toBeHidden();
  await expect(page.locator('#statusbar')).toBeHidden();
  expect(await page.evaluate(() => document.body.dataset.theme)).toBe('light');
  // Read-only: typing does nothing.
  await page.locator('#terminal .xterm-screen').click();
  await page.keyboard.type('echo typed-by-user');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  expect((await page.evaluate(() => window.wasmvisorConsole!.lines())).join('\n')).not.toContain('typed-by-user');
  // An embed never boots the playground's stored machine.
  expect(await page.evaluate(() => window.wasmvisor.ready.then(() => (window.wasmvisor as unknown as { status(): Promise<{ machine: string }> }).status()).then((s) => s.machine))).toBe('memory');
});

test('Share gives a link that reopens with the image typed at the prompt; Embed gives the iframe snippet', async ({ page }) => {
  await page.goto('/');
  await page.waitForFunction(() => window.wasmvisorConsole !== undefined);
  await page.locator('#share-button').click();
  await page.locator('#share-cmd').fill('');
  const link = await page.locator('#share-link').inputValue();
  expect(link).toMatch(/\?image=younglook%2Fwasi-hello$/);
  await page.locator('#share-dialog button', { hasText: 'Close' }).click();
  await page.locator('#embed-button').click();
  await page.locator('#share-origin').fill('https://docs.example');
  const snippet = await page.locator('#share-snippet').inputValue();
  expect(snippet).toContain('<iframe src="');
  expect(snippet).toContain('?embed&amp;image=younglook%2Fwasi-hello');
  expect(snippet).toContain('origin=https%3A%2F%2Fdocs.example');
  expect(snippet).toContain('allow="cross-origin-isolated"');

  await page.goto(link);
  await page.waitForFunction(() => window.wasmvisorConsole !== undefined);
  // Typed, not run: on the stored machine a link never runs anything by itself.
  await expect.poll(async () => (await page.evaluate(() => window.wasmvisorConsole!.lines())).join('\n')).toContain('$ run younglook/wasi-hello');
  await page.waitForTimeout(500);
  expect((await page.evaluate(() => window.wasmvisorConsole!.lines())).join('\n')).not.toContain('hello world');
  await page.locator('#terminal .xterm-screen').click();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await page.evaluate(() => window.wasmvisorConsole!.lines())).join('\n')).toContain('hello world');
});

test('persist=NAME keeps an embed\'s files across a reload, apart from the playground; reset wipes them', async ({ page, baseURL }) => {
  // examples/embed/lesson.html (another origin) frames the playground with persist=lesson1.
  const parent = new URL(`embed/lesson.html?playground=${encodeURIComponent(new URL('/', baseURL).href)}`, EXAMPLES).href;
  type Vm = Frame & { reset(): Promise<{ machine: string }> };
  const vm = () => page.evaluate(() => (window as unknown as { vm?: unknown }).vm !== undefined);
  await page.goto(parent);
  await expect.poll(vm).toBe(true);
  const first = await page.evaluate(async () => {
    const v = (window as unknown as { vm: Vm }).vm;
    const ready = await v.ready;
    await v.call('writeFile', { path: '/root/kept.txt', data: 'kept' });
    return ready.machine;
  });
  expect(first).toBe('persist:lesson1');
  // Give the write-back a moment (it is flushed within ~1 s and when the frame is hidden).
  await page.waitForTimeout(1500);
  await page.reload();
  await expect.poll(vm).toBe(true);
  const after = await page.evaluate(async () => {
    const v = (window as unknown as { vm: Vm }).vm;
    await v.ready;
    const kept = new TextDecoder().decode(await v.call('readFile', { path: '/root/kept.txt' }) as Uint8Array);
    const machine = (await v.reset()).machine;
    const gone = await v.call('readFile', { path: '/root/kept.txt' }).then(() => 'still there', (e: Error) => e.message);
    return { kept, machine, gone };
  });
  expect(after.kept).toBe('kept');
  expect(after.machine).toBe('persist:lesson1');
  expect(after.gone).toMatch(/ENOENT|no such/i);
  // The playground's own stored machine has no such file.
  await page.goto('/');
  const inPlayground = await page.evaluate(async () => {
    await window.wasmvisor.ready;
    return window.wasmvisor.fs.readFile('/root/kept.txt').then(() => 'found', (e: Error) => e.message);
  });
  expect(inPlayground).toMatch(/ENOENT|no such/i);
});

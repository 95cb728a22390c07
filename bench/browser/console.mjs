// Node side of the console benchmarks (Chromium only: the figures include xterm.js parsing and
// rendering). Serves the real app (the built web-dist/ of `npm run build`) with `vite preview`
// and its cross-origin isolation headers, as the e2e tests do, opens it in the browser the bench
// already runs, waits for the shell's prompt and types commands with Playwright's keyboard
// (trusted key events into xterm.js, as a user types).
//
// Each command is timed inside the page: from the Enter keydown to the first parsed write after
// which the cursor sits right after a new prompt (`term.onWriteParsed`), so Playwright's polling
// adds nothing. Rows:
//   console_bytes       `yes <49 chars> | head -c 50000000`: 50 MB (10^6) of output / time, MB/s
//   console_bytes_null  the same pipeline `> /dev/null`: what the pipe and the processes cost
//                       without the terminal (typed at the same shell, timed the same way)
//   console_lines       `seq 1 200000`: a write per line (stdout is a terminal), lines / time
// Each: one untimed run a tenth the size, then 5 timed runs (median).
import { join } from 'node:path';
import { median } from '../lib/suite.mjs';

/** The prompt as a row reads (see e2e/console-helpers.ts). */
const PROMPT_SOURCE = '^root@wasmvisor:[^\\s$]*\\$$';

export async function openConsole(page, url, log) {
  page.on('pageerror', (e) => log(`console page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log(`console page: ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => window.wasmvisor !== undefined && window.wasmvisorConsole !== undefined);
  await page.evaluate(() => window.wasmvisor.ready);
  await waitIdlePrompt(page, 30_000);
  await page.locator('#terminal .xterm-screen').click();
  await page.waitForFunction(() => document.activeElement?.classList.contains('xterm-helper-textarea'));
}

/** Waits until the cursor sits right after a prompt. */
export function waitIdlePrompt(page, timeout, polling = 50) {
  return page.waitForFunction((src) => {
    const c = window.wasmvisorConsole;
    if (!c) return false;
    const row = c.cursorRow();
    const text = (c.lines(row, row + 1)[0] ?? '').trimEnd();
    return new RegExp(src).test(text) && c.term.buffer.active.cursorX === text.length + 1;
  }, PROMPT_SOURCE, { timeout, polling });
}

/**
 * Types `command`, presses Enter and resolves with { ms, bytes, last } once the prompt is back:
 * ms from the Enter keydown, bytes received from the kernel meanwhile, and the row above the
 * new prompt (the command's last line of output, to check it).
 */
export async function timeCommand(page, command, timeout) {
  await page.evaluate((src) => {
    const c = window.wasmvisorConsole;
    const prompt = new RegExp(src);
    const t = (window.__benchCmd = { start: 0, end: 0, bytes0: 0, bytes: 0, last: '' });
    const textarea = document.querySelector('#terminal .xterm-helper-textarea');
    const onKey = (e) => {
      if (e.key !== 'Enter' || t.start) return;
      t.start = performance.now();
      t.bytes0 = c.bytesReceived();
      textarea.removeEventListener('keydown', onKey, true);
    };
    textarea.addEventListener('keydown', onKey, true);
    const sub = c.term.onWriteParsed(() => {
      if (!t.start || t.end) return;
      const buf = c.term.buffer.active;
      const row = buf.baseY + buf.cursorY;
      const text = (c.lines(row, row + 1)[0] ?? '').trimEnd();
      if (!prompt.test(text) || buf.cursorX !== text.length + 1) return;
      t.end = performance.now();
      t.bytes = c.bytesReceived() - t.bytes0;
      t.last = (c.lines(row - 1, row)[0] ?? '').trimEnd();
      sub.dispose();
    });
  }, PROMPT_SOURCE);
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__benchCmd.end > 0, null, { timeout, polling: 100 });
  const t = await page.evaluate(() => window.__benchCmd);
  return { ms: t.end - t.start, bytes: t.bytes, last: t.last };
}

/**
 * browser: a Playwright Browser. Builds nothing: serves root/web-dist as `npm run build` left it.
 * Returns { console_bytes, console_bytes_null, console_lines } ({ median, samples }, plus the
 * bytes the page received from the kernel in the last run).
 */
export async function consoleBench({ browser, root, scale = 1, log }) {
  const { preview } = await import('vite');
  const server = await preview({
    root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 4191, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local?.[0];
  if (!url) throw new Error('vite preview gave no URL');
  const page = await browser.newPage();
  try {
    log('Chromium: console (the app page, xterm.js)');
    await openConsole(page, url, log);
    const yesBytes = Math.max(1_000_000, Math.round(50_000_000 * scale));
    const seqLines = Math.max(10_000, Math.round(200_000 * scale));
    const word = '0123456789012345678901234567890123456789012345678'; // 49 + '\n' = 50 bytes a line
    const cases = [
      { row: 'console_bytes', command: `yes ${word} | head -c ${yesBytes}`, work: yesBytes / 1e6, last: word,
        warm: `yes ${word} | head -c ${Math.round(yesBytes / 10)}` },
      { row: 'console_bytes_null', command: `yes ${word} | head -c ${yesBytes} > /dev/null`, work: yesBytes / 1e6, last: null,
        warm: `yes ${word} | head -c ${Math.round(yesBytes / 10)} > /dev/null` },
      { row: 'console_lines', command: `seq 1 ${seqLines}`, work: seqLines, last: String(seqLines),
        warm: `seq 1 ${Math.round(seqLines / 10)}` },
    ];
    const results = {};
    for (const c of cases) {
      log(`Chromium console: ${c.command}`);
      await timeCommand(page, c.warm, 120_000); // untimed: JIT tiers, the workers warm
      const xs = [];
      let received = 0;
      for (let r = 0; r < 5; r++) {
        const t = await timeCommand(page, c.command, 180_000);
        if (c.last !== null && t.last !== c.last) throw new Error(`console: ${c.command}: last row before the prompt is ${JSON.stringify(t.last)}, want ${JSON.stringify(c.last)}`);
        received = t.bytes;
        xs.push(c.work / (t.ms / 1000));
      }
      results[c.row] = { median: median(xs), samples: xs, bytesReceived: received };
    }
    return results;
  } finally {
    await page.close();
    await new Promise((r) => server.httpServer.close(r));
  }
}

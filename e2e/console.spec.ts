// End-to-end: the console. Keystrokes go into the real xterm.js terminal of the built page through
// Playwright's keyboard; what the shell and the /bin utilities print is read back from the
// terminal's buffer. Each test is one of the console's "done when" items.
import { expect, test } from '@playwright/test';
import {
  cursorLine,
  focusConsole,
  mark,
  openConsole,
  runCommand,
  screenDump,
  screenLines,
  type,
  waitForLine,
  waitForPrompt,
} from './console-helpers.js';

/** Bytes `seq 1 n` prints: each number's digits and a newline. */
function seqBytes(n: number): number {
  let total = 0;
  for (let digits = 1, lo = 1; lo <= n; digits++, lo *= 10) {
    const hi = Math.min(n, lo * 10 - 1);
    total += (hi - lo + 1) * (digits + 1);
  }
  return total;
}

test.describe('console', () => {
  test.beforeEach(async ({ page }) => {
    await openConsole(page);
  });

  test('echo hello | wc -c shows 6', async ({ page }) => {
    const out = await runCommand(page, 'echo hello | wc -c');
    expect(out.map((l) => l.trim())).toEqual(['6']);
  });

  test('ls -l /bin lists the utilities', async ({ page }) => {
    const out = await runCommand(page, 'ls -l /bin');
    for (const name of ['cat', 'wc', 'sort', 'head', 'seq', 'yes', 'sleep']) {
      expect(out.some((l) => new RegExp(`(^|\\s)${name}(\\.wasm)?$`).test(l)), `${name} in:\n${out.join('\n')}`).toBe(true);
    }
  });

  test('cat > notes.txt takes two lines up to Ctrl-D; cat notes.txt shows them', async ({ page }) => {
    await waitForPrompt(page);
    const id = await mark(page);
    await type(page, 'cat > notes.txt');
    await page.keyboard.press('Enter');
    await type(page, 'first line of notes');
    await page.keyboard.press('Enter');
    await type(page, 'second line, with spaces');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+d');
    await waitForPrompt(page, { afterMark: id });
    const out = await runCommand(page, 'cat notes.txt');
    expect(out).toEqual(['first line of notes', 'second line, with spaces']);
  });

  test('Ctrl-C ends sleep 100 within a second; $? is 130', async ({ page }) => {
    await waitForPrompt(page);
    const id = await mark(page);
    await type(page, 'sleep 100');
    await page.keyboard.press('Enter');
    // Let sleep start (the cursor leaves the command's row), then interrupt it.
    await page.waitForTimeout(500);
    expect((await cursorLine(page)).text).toBe('');
    const t0 = Date.now();
    await page.keyboard.press('Control+c');
    await waitForPrompt(page, { afterMark: id, timeout: 5_000 });
    const elapsed = Date.now() - t0;
    console.log(`[console] Ctrl-C → prompt in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1_000);
    expect(await runCommand(page, 'echo $?')).toEqual(['130']);
  });

  test('yes | head -n 3 prints three y lines and returns to the prompt', async ({ page }) => {
    const out = await runCommand(page, 'yes | head -n 3');
    expect(out).toEqual(['y', 'y', 'y']);
  });

  test('seq 1 100000 | sort -r | head -n 1 shows 99999', async ({ page }) => {
    const out = await runCommand(page, 'seq 1 100000 | sort -r | head -n 1', { timeout: 30_000 });
    expect(out).toEqual(['99999']);
  });

  test('Arrow-Up recalls the last command', async ({ page }) => {
    expect(await runCommand(page, 'echo recalled-once')).toEqual(['recalled-once']);
    await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await cursorLine(page)).text).toMatch(/\$ echo recalled-once$/);
    await page.keyboard.press('Enter');
    await waitForLine(page, /^recalled-once$/);
    await waitForPrompt(page);
    const lines = await screenLines(page);
    expect(lines.filter((l) => l === 'recalled-once')).toHaveLength(2);
  });

  test('Tab completes /bi to /bin/', async ({ page }) => {
    await waitForPrompt(page);
    await type(page, 'ls /bi');
    await page.keyboard.press('Tab');
    await expect.poll(async () => (await cursorLine(page)).text, { timeout: 5_000 }).toMatch(/\$ ls \/bin\/$/);
    // And the completed command runs.
    await page.keyboard.press('Enter');
    await waitForLine(page, /(^|\s)wc(\.wasm)?(\s|$)/);
    await waitForPrompt(page);
  });

  test('resizing the viewport changes the terminal size the kernel reports', async ({ page }) => {
    const before = await page.evaluate(() => ({ cols: window.wasmvisorConsole!.term.cols, rows: window.wasmvisorConsole!.term.rows }));
    expect(await runCommand(page, 'env | grep -E "^(COLUMNS|LINES)="')).toEqual(
      expect.arrayContaining([`COLUMNS=${before.cols}`, `LINES=${before.rows}`]),
    );

    await page.setViewportSize({ width: 700, height: 500 });
    await expect.poll(() => page.evaluate(() => window.wasmvisorConsole!.term.cols)).toBeLessThan(before.cols);
    const after = await page.evaluate(() => ({ cols: window.wasmvisorConsole!.term.cols, rows: window.wasmvisorConsole!.term.rows }));
    expect(after.rows).toBeLessThan(before.rows);
    await focusConsole(page);
    const out = await runCommand(page, 'env | grep COLUMNS');
    expect(out).toEqual([`COLUMNS=${after.cols}`]);
    expect(await runCommand(page, 'env | grep LINES')).toEqual([`LINES=${after.rows}`]);
  });

  test('a program printing 50 MB leaves the page responsive; wc -c counts every byte', async ({ page }) => {
    test.setTimeout(240_000);
    // 49 characters and a newline per line: 50 bytes, a million lines. (yes writes big blocks and
    // head -c passes them on in big writes; `seq` straight to the terminal writes one line per
    // call, which measures the kernel's tty write path instead of the console.)
    const bytes = 50_000_000;
    const line = '0123456789'.repeat(5).slice(0, 49);
    const command = `yes ${line} | head -c ${bytes}`;

    await waitForPrompt(page);
    const id = await mark(page);
    const received0 = await page.evaluate(() => window.wasmvisorConsole!.bytesReceived());
    await type(page, command);
    const t0 = Date.now();
    await page.keyboard.press('Enter');

    // While it runs, the page must keep answering: a script call and an animation frame.
    const probes: number[] = [];
    let done = false;
    const finished = waitForPrompt(page, { afterMark: id, timeout: 180_000 }).finally(() => {
      done = true;
    });
    while (!done) {
      const p0 = Date.now();
      await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(1))));
      probes.push(Date.now() - p0);
      await page.waitForTimeout(200);
    }
    await finished;
    const elapsed = Date.now() - t0;
    const received = (await page.evaluate(() => window.wasmvisorConsole!.bytesReceived())) - received0;
    const sorted = [...probes].sort((a, b) => a - b);
    console.log(
      `[console] ${bytes / 1e6} MB to the terminal: ${(elapsed / 1000).toFixed(1)} s ` +
        `(${(received / 1e6 / (elapsed / 1000)).toFixed(1)} MB/s); ${probes.length} responsiveness probes ` +
        `(requestAnimationFrame round trips): median ${sorted[Math.floor(sorted.length / 2)]} ms, worst ${sorted[sorted.length - 1]} ms`,
    );
    expect(probes.length).toBeGreaterThan(3);
    expect(sorted[sorted.length - 1], 'a requestAnimationFrame round trip while the output streams').toBeLessThan(1_000);
    // Every byte reached the terminal; the tty adds a "\r" before each of the million "\n".
    expect(received).toBeGreaterThanOrEqual(bytes + bytes / 50);
    const lastLines = (await screenLines(page)).filter((l) => l !== '');
    expect(lastLines.slice(-3, -1), await screenDump(page)).toEqual([line, line]);
    expect(await runCommand(page, 'echo still-here')).toEqual(['still-here']);

    const t1 = Date.now();
    expect(await runCommand(page, `${command} | wc -c`, { timeout: 120_000 })).toEqual([String(bytes)]);
    console.log(`[console] ${command} | wc -c: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    // The same count for seq's 50.9 MB (through a pipe, where its output is block-buffered).
    const n = 6_500_000;
    const t2 = Date.now();
    expect(await runCommand(page, `seq 1 ${n} | wc -c`, { timeout: 120_000 })).toEqual([String(seqBytes(n))]);
    console.log(`[console] seq 1 ${n} | wc -c (${seqBytes(n)} bytes): ${((Date.now() - t2) / 1000).toFixed(1)} s`);
  });

  test('the focused terminal has a focus ring; the status line shows the kernel figures', async ({ page }) => {
    const ring = () => page.locator('#terminal').evaluate((el) => getComputedStyle(el).outlineColor);
    // The ring fades in and out: compare settled colours.
    await expect.poll(ring).toBe('rgb(78, 161, 255)');
    await page.locator('header h1').click();
    await expect(page.locator('#terminal .xterm-helper-textarea')).not.toBeFocused();
    await expect.poll(ring).toBe('rgba(0, 0, 0, 0)');
    await focusConsole(page);
    await expect.poll(ring).toBe('rgb(78, 161, 255)');

    await expect(page.locator('#status')).toHaveText(/^kernel booted, version \S+$/);
    await expect(page.locator('#stats [data-stat="tasks"]')).toHaveText(/^\d+ tasks?$/);
    await expect(page.locator('#stats [data-stat="memory"]')).toHaveText(/^memory \d+(\.\d)? (B|KiB|MiB|GiB)$/);
    await expect(page.locator('#stats [data-stat="storage"]')).toHaveText(/^storage \d+(\.\d)? (B|KiB|MiB|GiB)$/);
    // A running program is one more task, and its memory shows, within a refresh or two.
    const tasksNow = async () => Number((await page.locator('#stats [data-stat="tasks"]').textContent())!.split(' ')[0]);
    const idle = await tasksNow();
    await type(page, 'sleep 5');
    await page.keyboard.press('Enter');
    await expect.poll(tasksNow, { timeout: 5_000 }).toBeGreaterThan(idle);
    await page.keyboard.press('Control+c');
    await waitForPrompt(page);
  });

  test('copy with Ctrl+Shift+C, paste with Ctrl+Shift+V', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await runCommand(page, 'echo copy-me-please');
    // Select the output row and copy it.
    await page.evaluate(() => {
      const c = window.wasmvisorConsole!;
      const row = c.lines().map((l) => l.trimEnd()).lastIndexOf('copy-me-please');
      c.term.selectLines(row, row);
    });
    await page.keyboard.press('Control+Shift+C');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^copy-me-please\s*$/);
    // Paste a command and run it.
    await page.evaluate(() => navigator.clipboard.writeText('echo pasted-text'));
    await page.keyboard.press('Control+Shift+V');
    await expect.poll(async () => (await cursorLine(page)).text).toMatch(/\$ echo pasted-text$/);
    await page.keyboard.press('Enter');
    await waitForLine(page, /^pasted-text$/);
  });
});

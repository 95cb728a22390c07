// Issue 11 in the console: test/programs/redirect.c moves its stdout (the terminal) aside,
// freopens an inner pass into a file, moves stdout back, and moves stderr onto a file's fd. On
// the screen every line must appear in the order the program wrote it: the pty's output queue
// is the one stream stdout and stderr share, so the one stderr line comes right after the line
// printed before it. (The page's `wasmvisor.run` is covered by e2e/conformance.spec.ts, which
// runs the same case.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { CASES } from '../test/conformance_cases.js';
import { openConsole, runCommand } from './console-helpers.js';
import { writeFile } from './helpers.js';

const WASM = fileURLToPath(new URL('../test/programs/build/redirect.wasm', import.meta.url));
const CASE = CASES.find((c) => c.program === 'redirect')!;

test('console: redirect.wasm keeps stdout and stderr in order across the swaps', async ({ page }) => {
  test.setTimeout(120_000);
  await openConsole(page);
  await writeFile(page, '/tmp/redirect.wasm', readFileSync(WASM));
  // The shell's programs have the root as their one preopen, named "/": the program works in /redir.
  const out = await runCommand(page, '/tmp/redirect.wasm /', { timeout: 30_000 });
  const expected: string[] = [];
  for (const line of CASE.expected!) {
    expected.push(line === 'fd_prestat_dir_name new number: ok /sandbox' ? 'fd_prestat_dir_name new number: ok /' : line);
    if (line === 'fdstat fd 2 after: errno 8') expected.push(CASE.expectedStderr!.trimEnd());
  }
  expect(out).toEqual(expected);
  expect(await runCommand(page, 'echo $?')).toEqual(['0']);
  // The program removed what it made.
  expect(await page.evaluate(() => window.wasmvisor.fs.readdir('/'))).not.toContain('redir');
});

// End-to-end: a long session in one page. Hundreds of programs run back to back must not run
// the renderer out of address space (each wasm memory reserves gigabytes of it; process
// workers are retired after a few programs so what they hold is freed).
import { expect, test } from '@playwright/test';
import { installProgram, openKernel, programs } from './helpers.js';

test('300 programs back to back in one page all run', async ({ page }) => {
  test.setTimeout(120_000);
  await openKernel(page);
  await installProgram(page, '/hello.wasm', programs.hello);
  const results = await page.evaluate(async () => {
    const codes: number[] = [];
    for (let i = 0; i < 300; i++) {
      const r = await window.wasmvisor.run({ argv: ['/hello.wasm'] });
      codes.push(r.exitCode);
      if (r.exitCode !== 0) return { codes, stderr: r.stderr };
    }
    return { codes, stderr: '' };
  });
  expect(results.stderr).toBe('');
  expect(results.codes.length).toBe(300);
  expect(results.codes.every((c) => c === 0)).toBe(true);
});

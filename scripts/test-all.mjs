#!/usr/bin/env node
// Runs every test suite without rebuilding (`npm test` builds first): the layering check, the unit tests (node:test
// over dist/), then the e2e tests (Playwright against the built page in web-dist/). Prints
// "N passed, N failed, N skipped" — the totals of both — as its last line, and exits non-zero if
// anything failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runUnitTests } from './run-unit-tests.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Runs `npx playwright test` and reads its counts from the JSON reporter. */
async function runE2eTests() {
  const scratch = mkdtempSync(join(tmpdir(), 'wasmvisor-e2e-'));
  const jsonFile = join(scratch, 'playwright.json');
  try {
    const exitCode = await new Promise((resolveExit, reject) => {
      const child = spawn('npx', ['playwright', 'test', '--reporter=list,json'], {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_FILE: jsonFile },
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolveExit(code ?? (signal ? 1 : 0)));
    });
    const counts = { passed: 0, failed: 0, skipped: 0 };
    if (existsSync(jsonFile)) {
      const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
      const stats = report.stats ?? {};
      counts.passed = (stats.expected ?? 0) + (stats.flaky ?? 0);
      counts.failed = stats.unexpected ?? 0;
      counts.skipped = stats.skipped ?? 0;
      // Errors outside any test (the web server did not start, a spec did not load) are failures.
      if (counts.failed === 0 && Array.isArray(report.errors) && report.errors.length > 0) {
        counts.failed = report.errors.length;
      }
    }
    if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
    return { ...counts, exitCode };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function line({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

/** Runs scripts/check-layers.mjs (the import rules between the kernel's folders): 3 checks. */
async function runLayerCheck() {
  const exitCode = await new Promise((resolveExit, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'check-layers.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /^(\d+) passed, (\d+) failed$/m.exec(out);
      resolveExit(m ? { passed: +m[1], failed: +m[2], skipped: 0, exitCode: code ?? 1 } : { passed: 0, failed: 1, skipped: 0, exitCode: 1 });
    });
  });
  return exitCode;
}

console.log('== layering (scripts/check-layers.mjs) ==');
const layers = await runLayerCheck();
console.log('\n== unit tests (node --test dist/) ==');
const unit = await runUnitTests({ root: ROOT });
console.log('\n== e2e tests (playwright, web-dist/) ==');
const e2e = await runE2eTests();

const total = {
  passed: layers.passed + unit.passed + e2e.passed,
  failed: layers.failed + unit.failed + e2e.failed,
  skipped: unit.skipped + e2e.skipped,
};
console.log(`\nlayers: ${line(layers)}`);
console.log(`unit: ${line(unit)}`);
console.log(`e2e:  ${line(e2e)}`);
console.log(line(total));
process.exit(total.failed > 0 || layers.exitCode !== 0 || unit.exitCode !== 0 || e2e.exitCode !== 0 ? 1 : 0);

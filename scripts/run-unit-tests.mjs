#!/usr/bin/env node
// Runs the unit tests: `node --test` over every compiled test file (dist/test/**/*.test.js and
// dist/worker/**/*.test.js, produced by `npm run build:kernel`). Prints the runner's spec output,
// then "N passed, N failed, N skipped" as its last line, and exits non-zero if anything failed.
// scripts/test-all.mjs imports runUnitTests() to add these counts to its own.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TEST_DIRS = ['dist/test', 'dist/worker'];
/** A single test that runs longer than this fails (instead of hanging the whole run). */
const TEST_TIMEOUT_MS = 300_000;

/** Every *.test.js under `dir`, sorted. */
function findTests(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(path);
  }
  return found.sort();
}

/** Reads `# pass N`-style counters from a TAP stream's closing summary. */
function tapSummary(tap) {
  const count = (name) => {
    const matches = [...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))];
    return matches.length ? Number(matches[matches.length - 1][1]) : 0;
  };
  return {
    passed: count('pass'),
    failed: count('fail') + count('cancelled'),
    skipped: count('skipped') + count('todo'),
  };
}

/**
 * Runs the unit tests, printing the runner's output to this process's stdout/stderr.
 * @returns {Promise<{passed: number, failed: number, skipped: number, exitCode: number}>}
 */
export async function runUnitTests({ root = ROOT } = {}) {
  if (!existsSync(join(root, 'dist'))) {
    console.error('run-unit-tests: no dist/ — run `npm run build:kernel` first');
    return { passed: 0, failed: 1, skipped: 0, exitCode: 1 };
  }
  const files = TEST_DIRS.flatMap((d) => findTests(join(root, d))).map((f) => relative(root, f));
  if (files.length === 0) {
    console.log(`run-unit-tests: no *.test.js under ${TEST_DIRS.join(' or ')}`);
    return { passed: 0, failed: 0, skipped: 0, exitCode: 0 };
  }
  console.log(`run-unit-tests: ${files.length} test file(s)`);

  const scratch = mkdtempSync(join(tmpdir(), 'wasmvisor-unit-'));
  const tapFile = join(scratch, 'unit.tap');
  try {
    const exitCode = await new Promise((resolveExit, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--test',
          `--test-timeout=${TEST_TIMEOUT_MS}`,
          '--test-reporter=spec',
          '--test-reporter-destination=stdout',
          '--test-reporter=tap',
          `--test-reporter-destination=${tapFile}`,
          ...files,
        ],
        { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
      );
      child.on('error', reject);
      child.on('close', (code, signal) => resolveExit(code ?? (signal ? 1 : 0)));
    });
    const counts = existsSync(tapFile) ? tapSummary(readFileSync(tapFile, 'utf8')) : { passed: 0, failed: 0, skipped: 0 };
    // A runner that failed without counting a failed test (a crash, a bad flag) still failed.
    if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
    return { ...counts, exitCode: counts.failed > 0 ? exitCode || 1 : exitCode };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { passed, failed, skipped, exitCode } = await runUnitTests();
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(exitCode);
}

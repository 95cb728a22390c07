// `wasmvisor run`'s host stdout and stderr, which the program's process writes itself on the
// command's fds (direct fds, platform/wasm/direct_fds.ts): the order the program wrote in is kept
// across fds and around big and gather writes; closing, moving or restricting fd 1 takes effect
// at once; a reader that goes away is an EPIPE the program sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cli, PROGRAMS } from '../helpers.js';

const PROG = PROGRAMS + 'write_behind.wasm';
const dir = mkdtempSync(join(tmpdir(), 'wasmvisor-stdio-'));

/** Runs the CLI with stdout and stderr both on one host file (2>&1); returns status and text. */
function runTwoToOne(args: string[]): Promise<{ code: number | null; text: string }> {
  const file = join(dir, `out-${Math.random().toString(36).slice(2)}.txt`);
  const fd = openSync(file, 'w');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', fd, fd] });
    p.on('error', reject);
    p.on('close', (code) => {
      closeSync(fd);
      resolve({ code, text: readFileSync(file, 'utf8') });
    });
  });
}

test('stdout and stderr keep the order the program wrote them in (2>&1), big and gather writes included', async () => {
  const n = 2000;
  const r = await runTwoToOne(['run', PROG, 'interleave', String(n)]);
  assert.equal(r.code, 0, r.text.slice(0, 200));
  const want: string[] = [];
  for (let k = 0; k < n; k++) {
    want.push(`out ${k}`, `err ${k}`);
    if (k === n / 2) want.push('gathered', 'B'.repeat(100 * 1024 - 1));
  }
  const got = r.text.split('\n');
  assert.equal(got.pop(), '');
  assert.equal(got.length, want.length);
  const firstDiff = got.findIndex((l, i) => l !== want[i]);
  assert.equal(firstDiff, -1, `line ${firstDiff}: ${got[firstDiff]?.slice(0, 40)} instead of ${want[firstDiff]?.slice(0, 40)}`);
});

test('a closed, restricted or renumbered fd 1 is no longer written directly', async () => {
  let r = await cli(['run', PROG, 'after-close']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'before\n', 'write after close: errno 8\n']); // EBADF
  r = await cli(['run', PROG, 'after-rights']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'before\n', 'write without FD_WRITE: errno 76\n']); // ENOTCAPABLE
  r = await cli(['run', PROG, 'after-renumber']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'to stdout\n', 'moved\nwrite to fd 2 after renumber: errno 8\n']);
});

test('a reader that goes away: the program gets EPIPE and nothing is lost before it', async () => {
  const p = spawn(process.execPath, [CLI, 'run', PROG, 'flood', '64'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  let got = '';
  await new Promise<void>((resolve) => {
    p.stdout.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.length >= 100_000) {
        p.stdout.destroy();
        resolve();
      }
    });
  });
  const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
  assert.equal(code, 3, stderr);
  assert.equal(stderr, 'flood write: errno 64\n'); // EPIPE
  assert.match(got, /^(y\n)+y?$/);
});

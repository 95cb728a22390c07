// Issue 11: stdout moved aside around an inner pass and moved back (test/programs/redirect.c)
// keeps every byte in the order the program wrote it, through each kind of stdout the kernel
// has: the command's host stdout (a file shared with stderr, and a pipe shared with stderr, so
// the interleaving of the two is checked too), api.run's collected buffer and api.spawn's
// stream (with a slow consumer, so chunks are delivered late and batched). The pty is
// checked in the page (e2e/redirect.spec.ts). The expected text is the conformance case's.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, outputLines } from '../conformance_cases.js';
import { nodeKernel, PROGRAMS, ROOT } from '../helpers.js';
import type { ProcessEvent } from '../../worker/api/types.js';

const CASE = CASES.find((c) => c.program === 'redirect')!;
const EXPECTED = CASE.expected!;
const STDERR = CASE.expectedStderr!;
const WASM = join(PROGRAMS, 'redirect.wasm');
const CLI = join(ROOT, 'bin', 'wasmvisor.js');

/** stdout and stderr as one stream: the stderr line comes right after the line before it. */
function merged(): string {
  const at = EXPECTED.indexOf('fdstat fd 2 after: errno 8');
  assert.ok(at >= 0);
  return [...EXPECTED.slice(0, at + 1), STDERR.trimEnd(), ...EXPECTED.slice(at + 1)].join('\n') + '\n';
}

function sandbox(): { base: string; dir: string } {
  const base = mkdtempSync(join(tmpdir(), 'wasmvisor-redirect-'));
  const dir = join(base, 'sandbox');
  mkdirSync(dir);
  return { base, dir };
}

async function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

test('wasmvisor run: stdout and stderr in one host file keep their order across the swaps', async () => {
  const { base, dir } = sandbox();
  try {
    const out = join(base, 'out.txt');
    const fd = openSync(out, 'w');
    const child = spawn(process.execPath, [CLI, 'run', '--dir', `${dir}::/sandbox`, '--', WASM], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    assert.equal(await exitOf(child), 0);
    assert.equal(readFileSync(out, 'utf8'), merged());
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('wasmvisor run: stdout and stderr in one pipe keep their order across the swaps', async () => {
  const { base, dir } = sandbox();
  try {
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = `exec ${quote(process.execPath)} ${quote(CLI)} run --dir ${quote(`${dir}::/sandbox`)} -- ${quote(WASM)} 2>&1`;
    const child = spawn('/bin/sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => { text += s; });
    assert.equal(await exitOf(child), 0);
    assert.equal(text, merged());
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

const { kernel, api } = nodeKernel();
after(() => kernel.shutdown());

async function prepare(): Promise<void> {
  await api.fs.mkdir('/sandbox').catch(() => {});
  await api.fs.writeFile('/redirect.wasm', readFileSync(WASM));
}

test('api.run: the collected stdout is the expected text, in order', async () => {
  await prepare();
  const r = await api.run({ argv: ['/redirect.wasm'], dirs: ['/sandbox'] });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.deepEqual(outputLines(r.stdout), EXPECTED);
  assert.equal(r.stderr, STDERR);
});

test('api.spawn with a slow consumer: the streamed stdout is the expected text, in order', async () => {
  await prepare();
  const events: ProcessEvent[] = [];
  let done!: () => void;
  const exited = new Promise<void>((r) => (done = r));
  let renderer = Promise.resolve();
  await api.spawn({ argv: ['/redirect.wasm'], dirs: ['/sandbox'] }, (e) => {
    events.push(e);
    if (e.type === 'exit') done();
    // Each chunk takes 5 ms to "render", so the program runs ahead of the consumer.
    return (renderer = renderer.then(() => new Promise((r) => setTimeout(r, 5))));
  });
  await exited;
  const decoder = new TextDecoder();
  const text = (t: 'stdout' | 'stderr'): string =>
    events.filter((e) => e.type === t).map((e) => decoder.decode((e as { data: Uint8Array }).data)).join('');
  assert.deepEqual(outputLines(text('stdout')), EXPECTED);
  assert.equal(text('stderr'), STDERR);
  const exit = events[events.length - 1]!;
  assert.equal(exit.type, 'exit');
  assert.equal((exit as { exitCode?: number }).exitCode, 0);
});

// api.spawn / stdin / kill under Node: output streamed in order as it is written, stdin fed while
// the program runs, end of file, kills, backpressure on a slow consumer, and bad calls refused
// with a message naming the problem.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeKernel, PROGRAMS, wat } from '../helpers.js';
import type { ProcessEvent } from '../../worker/api/types.js';

const { kernel, api } = nodeKernel();
after(() => kernel.shutdown());

const decoder = new TextDecoder();

/** Collects a spawned process's events; `exited` resolves with the exit event. */
function collector(slow = 0): { events: ProcessEvent[]; text: (t: 'stdout' | 'stderr') => string; exited: Promise<ProcessEvent>; sink: (e: ProcessEvent) => void | Promise<void> } {
  const events: ProcessEvent[] = [];
  let done!: (e: ProcessEvent) => void;
  const exited = new Promise<ProcessEvent>((r) => (done = r));
  // A slow consumer renders one chunk at a time, each taking `slow` ms after the one before.
  let renderer = Promise.resolve();
  return {
    events,
    exited,
    text: (t) => events.filter((e) => e.type === t).map((e) => decoder.decode((e as { data: Uint8Array }).data)).join(''),
    sink: (e) => {
      events.push(e);
      if (e.type === 'exit') done(e);
      if (slow) return (renderer = renderer.then(() => new Promise((r) => setTimeout(r, slow))));
      return undefined;
    },
  };
}

// cat: copies fd 0 to fd 1 until end of file, then writes "done" to fd 2.
const CAT = `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 300) "done")
  (func (export "_start")
    (block $done (loop $l
      (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 4096))
      (br_if $done (i32.ne (call $r (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 0)))
      (br_if $done (i32.eqz (i32.load (i32.const 8))))
      (i32.store (i32.const 4) (i32.load (i32.const 8)))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 12)))
      (br $l)))
    (i32.store (i32.const 0) (i32.const 300)) (i32.store (i32.const 4) (i32.const 4))
    (drop (call $w (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 12)))))`;

test('spawn streams stdout while stdin is fed, then exit after the last output', async () => {
  await api.fs.writeFile('/cat.wasm', await wat(CAT));
  const c = collector();
  const pid = await api.spawn({ argv: ['/cat.wasm'] }, c.sink);
  assert.ok(pid > 0);
  await api.stdin(pid, 'first\n');
  // The echo arrives before any more input is sent: output streams as it is written.
  for (let i = 0; i < 200 && !c.text('stdout').includes('first'); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(c.text('stdout'), 'first\n');
  await api.stdin(pid, new TextEncoder().encode('second\n'));
  await api.stdin(pid, null);
  const exit = await c.exited;
  assert.deepEqual(exit, { type: 'exit', pid, exitCode: 0 });
  assert.equal(c.text('stdout'), 'first\nsecond\n');
  assert.equal(c.text('stderr'), 'done');
  assert.equal(c.events.at(-1)!.type, 'exit', 'exit comes last');
  await assert.rejects(api.stdin(pid, 'late'), /no running process \d+ was started by spawn/);
});

test('spawn with stdin given up front reads it then end of file; stdin() is refused', async () => {
  const c = collector();
  const pid = await api.spawn({ argv: ['/cat.wasm'], stdin: 'all at once' }, c.sink);
  await assert.rejects(api.stdin(pid, 'more'), /given its whole standard input/).catch(() => {}); // may have exited already
  assert.equal(((await c.exited) as { exitCode: number }).exitCode, 0);
  assert.equal(c.text('stdout'), 'all at once');
});

test('kill ends a spinning spawned program with 128+signal; bad signals and pids are refused', async () => {
  await api.fs.writeFile('/spin.wasm', readFileSync(PROGRAMS + 'spin.wasm'));
  const c = collector();
  const pid = await api.spawn({ argv: ['/spin.wasm'] }, c.sink);
  await assert.rejects(api.kill(pid, 'SIGNOPE'), /invalid signal "SIGNOPE"/);
  await assert.rejects(api.kill(99999), /no running process 99999 was started by spawn/);
  await api.kill(pid, 'INT');
  const exit = (await c.exited) as { exitCode: number; reason?: string };
  assert.equal(exit.exitCode, 130);
  assert.match(exit.reason ?? '', /SIGINT/);
});

test('a slow consumer holds the writer back instead of piling up output', async () => {
  // yes: writes 64 KiB blocks of "y\n" forever.
  const src = `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 2)
    (func (export "_start") (local $i i32)
      (block $f (loop $l (br_if $f (i32.ge_u (local.get $i) (i32.const 65536)))
        (i32.store16 (i32.add (i32.const 1024) (local.get $i)) (i32.const 0x0a79))
        (local.set $i (i32.add (local.get $i) (i32.const 2))) (br $l)))
      (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 65536))
      (loop $l (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br $l))))`;
  await api.fs.writeFile('/yes.wasm', await wat(src));
  const c = collector(50); // each chunk takes 50 ms to "render"
  const pid = await api.spawn({ argv: ['/yes.wasm'] }, c.sink);
  await new Promise((r) => setTimeout(r, 1000));
  const received = c.events.reduce((n, e) => n + (e.type === 'stdout' ? e.data.length : 0), 0);
  // ~20 settled chunks of ≤ 64 KiB a second, plus at most 1 MiB in flight: far below what an
  // unthrottled writer produces in a second (hundreds of MiB).
  assert.ok(received <= 20 * 65536 + 2 * 1024 * 1024, `received ${received} bytes in 1 s with a slow consumer`);
  assert.ok(received > 0);
  await api.kill(pid, 'KILL');
  assert.equal(((await c.exited) as { exitCode: number }).exitCode, 137);
});

test('spawn refuses bad options and missing programs with a message', async () => {
  const sink = (): void => {};
  await assert.rejects(api.spawn({ argv: [] }, sink), /spawn: argv must be a non-empty array of strings/);
  await assert.rejects(api.spawn({ argv: ['/nope.wasm'] }, sink), /spawn: \/nope.wasm: .*(ENOENT|no such)/i);
  await assert.rejects(api.spawn({ argv: ['/cat.wasm'], env: { A: 1 as unknown as string } }, sink), /env must map names to strings/);
  await assert.rejects(api.spawn({ argv: ['/cat.wasm'] }, 'x' as unknown as () => void), /onEvent must be a function/);
});

test('spawn runs an image; its output streams too', async () => {
  await api.images.load(readFileSync(new URL('../../../base/images/wasi-hello.tar', import.meta.url)));
  const c = collector();
  const pid = await api.spawn({ image: 'younglook/wasi-hello' }, c.sink);
  assert.deepEqual(await c.exited, { type: 'exit', pid, exitCode: 0 });
  assert.equal(c.text('stdout'), 'hello world\n');
  await assert.rejects(api.spawn({ image: 'no/such-image' }, () => {}), /spawn: no\/such-image: /);
});

test('sh runs as a program through run and spawn: sh -c LINE and sh FILE (comments, exit, a missing file)', async () => {
  // (This machine has no base image: /cat.wasm is the test's own cat.)
  const line = await api.run({ argv: ['sh', '-c', 'echo one two | /cat.wasm'] });
  assert.equal(line.exitCode, 0, line.stderr);
  assert.equal(line.stdout, 'one two\n');
  await api.fs.writeFile('/tmp/script.sh', '#!/bin/sh\n# a comment\n\necho first\necho sec\\\nond\nexit 7\necho never\n');
  const file = await api.run({ argv: ['/bin/sh', '/tmp/script.sh'] });
  assert.deepEqual({ code: file.exitCode, out: file.stdout }, { code: 7, out: 'first\nsecond\n' });
  const missing = await api.run({ argv: ['sh', '/tmp/nope.sh'] });
  assert.equal(missing.exitCode, 127);
  assert.match(missing.stderr, /sh: \/tmp\/nope.sh: .*(ENOENT|no such)/i);
  const usage = await api.run({ argv: ['sh'] });
  assert.equal(usage.exitCode, 2);
  assert.match(usage.stderr, /sh: usage: sh -c LINE \| sh FILE/);
  const c = collector();
  await api.spawn({ argv: ['sh', '-c', 'echo streamed'] }, c.sink);
  assert.equal(((await c.exited) as { exitCode: number }).exitCode, 0);
  assert.equal(c.text('stdout'), 'streamed\n');
});

// The kernel under Node: running programs through the api, exit statuses, kills and timeouts,
// memory limits, and bad modules that must get a clear error and leave the kernel running.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeKernel, PROGRAMS, printWat, wat } from '../helpers.js';

const { kernel, api } = nodeKernel();
after(() => kernel.shutdown());

test('hello world runs through api.run', async () => {
  await api.fs.writeFile('/hello.wasm', readFileSync(PROGRAMS + 'hello.wasm'));
  const r = await api.run({ argv: ['/hello.wasm'] });
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, 'hello world\n');
  assert.equal(r.stderr, '');
});

test('proc_exit status is the exit code', async () => {
  await api.fs.writeFile('/exit3.wasm', readFileSync(PROGRAMS + 'exit3.wasm'));
  assert.equal((await api.run({ argv: ['/exit3.wasm'] })).exitCode, 3);
});

test('stdin reaches the program and env is exactly what was given', async () => {
  // cat: read fd 0 into a buffer, write it to fd 1, until EOF. Then print environ count.
  const src = `(module
    (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "environ_sizes_get" (func $es (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start")
      (block $done (loop $l
        (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 4096))
        (br_if $done (i32.ne (call $r (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 0)))
        (br_if $done (i32.eqz (i32.load (i32.const 8))))
        (i32.store (i32.const 4) (i32.load (i32.const 8)))
        (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 12)))
        (br $l)))
      (drop (call $es (i32.const 16) (i32.const 20)))
      (i32.store8 (i32.const 1024) (i32.add (i32.const 48) (i32.load (i32.const 16))))
      (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 1))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 12)))))`;
  await api.fs.writeFile('/cat.wasm', await wat(src));
  const r = await api.run({ argv: ['/cat.wasm'], stdin: 'abc\ndef', env: { A: '1', B: '2' } });
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, 'abc\ndef2');
});

test('a spinning program is killed by its timeout while another keeps running', async () => {
  await api.fs.writeFile('/spin.wasm', readFileSync(PROGRAMS + 'spin.wasm'));
  // The second program sleeps 1.5 s in poll_oneoff, then prints.
  const sleeper = `(module
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $p (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 200) "still here\\n")
    (func (export "_start")
      (i64.store (i32.const 0) (i64.const 1))       ;; userdata
      (i32.store8 (i32.const 8) (i32.const 0))      ;; clock
      (i32.store (i32.const 16) (i32.const 1))      ;; monotonic
      (i64.store (i32.const 24) (i64.const 1500000000))
      (drop (call $p (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 180)))
      (i32.store (i32.const 300) (i32.const 200)) (i32.store (i32.const 304) (i32.const 11))
      (drop (call $w (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 310)))))`;
  await api.fs.writeFile('/sleeper.wasm', await wat(sleeper));
  const t0 = performance.now();
  const [spin, slept] = await Promise.all([
    api.run({ argv: ['/spin.wasm'], timeoutSeconds: 0.5 }),
    api.run({ argv: ['/sleeper.wasm'] }),
  ]);
  assert.equal(spin.exitCode, 137);
  assert.match(spin.stderr, /killed by SIGKILL: timeout/);
  assert.equal(slept.exitCode, 0);
  assert.equal(slept.stdout, 'still here\n');
  assert.ok(performance.now() - t0 >= 1400);
});

test('kill ends a task mid-loop with 128+n', async () => {
  const program = await kernel.loadProgram(readFileSync(PROGRAMS + 'spin.wasm'));
  const { BufferSink, BufferSource } = await import('../../worker/kernel/stdio.js');
  const task = kernel.spawn({ program, argv: ['spin'], env: [], stdio: [new BufferSource(new Uint8Array()), new BufferSink(), new BufferSink()], preopens: [] });
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(kernel.kill(task.pid, 15));
  const st = await task.exited;
  assert.equal(st.code, 143);
  assert.equal(st.signal, 15);
});

test('memory.grow fails past the memory limit and the program goes on', async () => {
  await api.fs.writeFile('/grow.wasm', readFileSync(PROGRAMS + 'grow.wasm'));
  const r = await api.run({ argv: ['/grow.wasm'], memoryLimit: 8 * 1024 * 1024 });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /malloc returned NULL/);
});

test('a module that needs more memory at start than its limit gets a clear error', async () => {
  await api.fs.writeFile('/big.wasm', await wat('(module (memory (export "memory") 200) (func (export "_start")))'));
  const r = await api.run({ argv: ['/big.wasm'], memoryLimit: 1024 * 1024 });
  assert.equal(r.exitCode, 75);
  assert.match(r.stderr, /needs 12800 KiB of memory at start, the limit is 1024 KiB/);
});

test('bad modules get distinct exit codes and clear messages; the kernel keeps running', async () => {
  await api.fs.writeFile('/garbage.wasm', 'this is not wasm');
  let r = await api.run({ argv: ['/garbage.wasm'] });
  assert.equal(r.exitCode, 126);
  assert.match(r.stderr, /not a WebAssembly module/);

  await api.fs.writeFile('/unknown.wasm', await wat('(module (import "env" "foo" (func)) (func (export "_start")))'));
  r = await api.run({ argv: ['/unknown.wasm'] });
  assert.equal(r.exitCode, 69);
  assert.match(r.stderr, /unknown import env::foo/);

  await api.fs.writeFile('/nostart.wasm', await wat('(module (func (export "main")))'));
  r = await api.run({ argv: ['/nostart.wasm'] });
  assert.equal(r.exitCode, 78);
  assert.match(r.stderr, /no _start/);

  // Valid header, invalid body: compiles fail.
  const bad = await wat('(module (memory (export "memory") 1) (func (export "_start")))');
  const broken = bad.slice(0, bad.length - 2);
  await api.fs.writeFile('/broken.wasm', broken);
  r = await api.run({ argv: ['/broken.wasm'] });
  assert.ok(r.exitCode === 65, `exit ${r.exitCode}: ${r.stderr}`);

  r = await api.run({ argv: ['/missing.wasm'] });
  assert.equal(r.exitCode, 127);

  // The kernel still runs programs afterwards.
  await api.fs.writeFile('/ok.wasm', await wat(printWat('ok\n')));
  r = await api.run({ argv: ['/ok.wasm'] });
  assert.equal(r.stdout, 'ok\n');
});

test('a trap ends the program with 134 and says why', async () => {
  await api.fs.writeFile('/trap.wasm', await wat('(module (memory (export "memory") 1) (func (export "_start") unreachable))'));
  const r = await api.run({ argv: ['/trap.wasm'] });
  assert.equal(r.exitCode, 134);
  assert.match(r.stderr, /wasm trap: .*unreachable/);
});

test('an import declared with the wrong signature is refused before the program runs, not the kernel', async () => {
  await api.fs.writeFile('/badsig.wasm', await wat(`(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i64)))
    (memory (export "memory") 1) (func (export "_start") (call $w (i64.const 1))))`));
  const r = await api.run({ argv: ['/badsig.wasm'] });
  assert.equal(r.exitCode, 69);
  assert.match(r.stderr, /import wasi_snapshot_preview1::fd_write has type \(param i64\), but the kernel's fd_write is \(param i32 i32 i32 i32\) \(result i32\)/);
  await api.fs.writeFile('/ok2.wasm', await wat(printWat('fine\n')));
  assert.equal((await api.run({ argv: ['/ok2.wasm'] })).stdout, 'fine\n');
});

test('/proc and /dev are there', async () => {
  const names = await api.fs.readdir('/');
  assert.ok(names.includes('dev') && names.includes('proc') && names.includes('tmp'));
  const meminfo = new TextDecoder().decode(await api.fs.readFile('/proc/meminfo'));
  assert.match(meminfo, /^MemTotal:/);
  const mounts = new TextDecoder().decode(await api.fs.readFile('/proc/mounts'));
  assert.match(mounts, /proc \/proc proc/);
});

/** WAT that opens `path` under the preopen at fd 3, copies it to stdout, exits 0 (or 1 if open fails). */
function catWat(path: string): string {
  return `(module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 100) "${path}")
    (func (export "_start") (local $fd i32)
      (if (call $open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const ${path.length}) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 12))
        (then (call $exit (i32.const 1))))
      (local.set $fd (i32.load (i32.const 12)))
      (block $done (loop $l
        (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 8192))
        (br_if $done (i32.ne (call $r (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 16)) (i32.const 0)))
        (br_if $done (i32.eqz (i32.load (i32.const 16))))
        (i32.store (i32.const 4) (i32.load (i32.const 16)))
        (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20)))
        (br $l)))))`;
}

test('a program reads its own /proc/self/status and /proc/self/cmdline', async () => {
  await api.fs.writeFile('/catproc.wasm', await wat(catWat('proc/self/status')));
  const r = await api.run({ argv: ['/catproc.wasm', 'arg1'] });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^Name:\tcatproc\.wasm$/m);
  assert.match(r.stdout, /^VmPeak:\s+64 kB$/m);
  await api.fs.writeFile('/catcmd.wasm', await wat(catWat('proc/self/cmdline')));
  const c = await api.run({ argv: ['/catcmd.wasm', 'a b', 'c'] });
  assert.equal(c.stdout, '/catcmd.wasm\0a b\0c\0');
});

test('/dev/null, /dev/zero and /dev/stdout work from a program', async () => {
  await api.fs.writeFile('/catnull.wasm', await wat(catWat('dev/null')));
  assert.deepEqual(await api.run({ argv: ['/catnull.wasm'] }).then((r) => [r.exitCode, r.stdout]), [0, '']);
  await api.fs.writeFile('/catstdin.wasm', await wat(catWat('dev/stdin')));
  const r = await api.run({ argv: ['/catstdin.wasm'], stdin: 'through /dev/stdin' });
  assert.equal(r.stdout, 'through /dev/stdin');
});

test('a module that imports its memory (wasi-threads style) gets the kernel\'s shared memory', async () => {
  const src = printWat('imported memory\n').replace('(memory (export "memory") 1)', '(import "env" "memory" (memory 1 100 shared))');
  await api.fs.writeFile('/impmem.wasm', await wat(src));
  const r = await api.run({ argv: ['/impmem.wasm'] });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout, 'imported memory\n');
});

test('run rejects malformed options with a message', async () => {
  await assert.rejects(api.run({ argv: [] }), /argv must be a non-empty array/);
  await assert.rejects(api.run({ argv: ['/x'], dirs: ['relative'] }), /dirs must be an array of absolute/);
  const r = await api.run({ argv: ['/hello.wasm'], dirs: ['/nope'] });
  assert.equal(r.exitCode, 125);
  assert.match(r.stderr, /ENOENT/);
});

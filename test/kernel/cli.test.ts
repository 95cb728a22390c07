// The `wasmvisor` command: version, syscall table, usage errors, preopens, env, strace,
// timeout, and the distinct statuses for programs that cannot start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, PROGRAMS, printWat, wat, ROOT as ROOT_DIR } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wasmvisor-cli-'));

test('--version prints one line', async () => {
  const r = await cli(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^wasmvisor \d+\.\d+\.\d+\n$/);
});

test('syscalls lists all 46 preview1 functions with a support level', async () => {
  const r = await cli(['syscalls']);
  assert.equal(r.code, 0);
  const rows = r.stdout.split('\n').filter((l) => /^(args|environ|clock|fd|path|poll|proc|sched|random|sock)_/.test(l));
  assert.equal(rows.length, 46);
  for (const row of rows) assert.match(row, /\s(supported|partial|unsupported)\b/);
});

test('hello world and exit statuses', async () => {
  let r = await cli(['run', PROGRAMS + 'hello.wasm']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'hello world\n', '']);
  r = await cli(['run', PROGRAMS + 'exit3.wasm']);
  assert.equal(r.code, 3);
  r = await cli([PROGRAMS + 'hello.wasm']);
  assert.equal(r.stdout, 'hello world\n');
});

test('usage errors exit 2 and say what is wrong', async () => {
  for (const [args, msg] of [
    [['run'], /no program given/],
    [['run', '--bogus', 'x.wasm'], /unknown option --bogus/],
    [['run', '--env', 'NOEQUALS', 'x.wasm'], /expected KEY=VALUE/],
    [['run', '--memory', 'lots', 'x.wasm'], /cannot parse size/],
    [['run', '--timeout', '-1', 'x.wasm'], /positive number/],
    [['run', '--dir', '/definitely/not/here', 'x.wasm'], /no such directory/],
    [['frobnicate'], /unknown command/],
  ] as const) {
    const r = await cli([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
  }
});

test('programs that cannot start: distinct statuses, one clear line', async () => {
  writeFileSync(join(dir, 'garbage.wasm'), 'garbage');
  writeFileSync(join(dir, 'unknown.wasm'), await wat('(module (import "env" "foo" (func)) (func (export "_start")))'));
  writeFileSync(join(dir, 'nostart.wasm'), await wat('(module (func (export "main")))'));
  const cases: [string, number, RegExp][] = [
    [join(dir, 'missing.wasm'), 127, /no such file/],
    [join(dir, 'garbage.wasm'), 126, /not a WebAssembly module/],
    [join(dir, 'unknown.wasm'), 69, /unknown import env::foo/],
    [join(dir, 'nostart.wasm'), 78, /no _start/],
  ];
  for (const [file, code, msg] of cases) {
    const r = await cli(['run', file]);
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('--timeout ends a spinning program with 137 and a reason', async () => {
  const r = await cli(['run', '--timeout', '0.5', PROGRAMS + 'spin.wasm']);
  assert.equal(r.code, 137);
  assert.match(r.stderr, /killed by SIGKILL: --timeout of 0.5 s reached/);
});

test('a trap gives 134 and one line saying why', async () => {
  writeFileSync(join(dir, 'trap.wasm'), await wat('(module (memory (export "memory") 1) (func (export "_start") unreachable))'));
  const r = await cli(['run', join(dir, 'trap.wasm')]);
  assert.equal(r.code, 134);
  assert.match(r.stderr, /wasm trap: .*unreachable/);
});

test('--dir preopens exactly the given directories; files written land on the host', async () => {
  const host = join(dir, 'share');
  mkdirSync(host);
  writeFileSync(join(host, 'in.txt'), 'from the host\n');
  // Reads /data/in.txt via the preopen (fd 3) and writes out.txt next to it.
  const src = `(module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $pn (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_prestat_get" (func $pg (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 100) "in.txt")
    (data (i32.const 110) "out.txt")
    (func (export "_start")
      (local $fd i32) (local $n i32)
      ;; print the preopen name of fd 3 and whether fd 4 is a preopen
      (drop (call $pn (i32.const 3) (i32.const 200) (i32.const 5)))
      (i32.store (i32.const 0) (i32.const 200)) (i32.store (i32.const 4) (i32.const 5))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (i32.store8 (i32.const 300) (i32.add (i32.const 48) (call $pg (i32.const 4) (i32.const 310))))
      (i32.store (i32.const 0) (i32.const 300)) (i32.store (i32.const 4) (i32.const 1))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (drop (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 6) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 12)))
      (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 1000))
      (drop (call $r (i32.load (i32.const 12)) (i32.const 0) (i32.const 1) (i32.const 16)))
      (local.set $n (i32.load (i32.const 16)))
      (drop (call $open (i32.const 3) (i32.const 0) (i32.const 110) (i32.const 7) (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 12)))
      (i32.store (i32.const 4) (local.get $n))
      (drop (call $w (i32.load (i32.const 12)) (i32.const 0) (i32.const 1) (i32.const 16)))))`;
  writeFileSync(join(dir, 'copy.wasm'), await wat(src));
  const r = await cli(['run', '--dir', `${host}::/data`, join(dir, 'copy.wasm')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '/data8'); // fd 4 is not open: EBADF (8)
  assert.equal(readFileSync(join(host, 'out.txt'), 'utf8'), 'from the host\n');
});

test('--env sets exactly the environment; stdin is the command\'s', async () => {
  writeFileSync(join(dir, 'ok.wasm'), await wat(printWat('ok\n', 0)));
  const r = await cli(['run', '--env', 'A=1', '--env=B=x=y', '--', join(dir, 'ok.wasm')]);
  assert.equal(r.stdout, 'ok\n');
});

test('--strace logs each call with decoded arguments and result', async () => {
  const r = await cli(['run', '--strace', PROGRAMS + 'hello.wasm']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'hello world\n');
  assert.match(r.stderr, /\[1\] fd_write\(fd=1, iovs=0x[0-9a-f]+, iovs_len=1, nwritten=0x[0-9a-f]+\) = 0 SUCCESS/);
});

test('a relative guest name is a preopen of its own: "." and "/" together, relative paths go to "."', async () => {
  const rootHost = join(dir, 'r-root');
  const dotHost = join(dir, 'r-dot');
  mkdirSync(rootHost);
  mkdirSync(dotHost);
  writeFileSync(join(rootHost, 'where.txt'), 'root\n');
  writeFileSync(join(dotHost, 'where.txt'), 'dot\n');
  writeFileSync(join(dir, 'catwhere.wasm'), await wat(`(module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 100) "where.txt")
    (func $cat (param $dirfd i32)
      (drop (call $open (local.get $dirfd) (i32.const 0) (i32.const 100) (i32.const 9) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 12)))
      (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 100))
      (drop (call $r (i32.load (i32.const 12)) (i32.const 0) (i32.const 1) (i32.const 16)))
      (i32.store (i32.const 4) (i32.load (i32.const 16)))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))))
    (func (export "_start") (call $cat (i32.const 3)) (call $cat (i32.const 4))))`));
  const r = await cli(['run', '--dir', `${rootHost}::/`, '--dir', `${dotHost}::.`, join(dir, 'catwhere.wasm')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'root\ndot\n');
});

test('run --image runs an image archive headless; bad archives and flag mixes are refused', async () => {
  const archive = ROOT_DIR + 'base/images/wasi-hello.tar';
  let r = await cli(['run', '--image', archive]);
  assert.deepEqual({ code: r.code, out: r.stdout }, { code: 0, out: 'hello world\n' });
  r = await cli(['run', '--image', `${archive}:younglook/wasi-hello:latest`]);
  assert.equal(r.stdout, 'hello world\n');
  r = await cli(['run', '--image', `${archive}:nope`]);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /no such image: nope/);
  const dir = mkdtempSync(join(tmpdir(), 'wasmvisor-cli-'));
  writeFileSync(join(dir, 'trunc.tar'), readFileSync(archive).subarray(0, 3000));
  r = await cli(['run', '--image', join(dir, 'trunc.tar')]);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /truncated/);
  r = await cli(['run', '--image', join(dir, 'missing.tar')]);
  assert.equal(r.code, 127);
  r = await cli(['run', '--dir', dir, '--image', archive]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--dir cannot be used with --image/);
});

// The console end to end under Node: the login shell on the kernel's pty, programs in
// pipelines, redirections, Ctrl-C, background jobs, history and completion.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bootKernel, type KernelService } from '../../worker/api/api.js';
import { WasmPlatform } from '../../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../../worker/platform/wasm/host.node.js';
import { CAT_WAT, ConsoleDriver, PROGRAMS, printWat, wat } from '../helpers.js';

let svc: KernelService;
let con: ConsoleDriver;

before(async () => {
  svc = await bootKernel({
    platform: new WasmPlatform(new NodeWorkerHost()),
    baseImage: async () => new Map([
      ['cat', await wat(CAT_WAT)],
      ['hello', readFileSync(PROGRAMS + 'hello.wasm')],
      ['spin', readFileSync(PROGRAMS + 'spin.wasm')],
      ['exit3', readFileSync(PROGRAMS + 'exit3.wasm')],
      ['greet', await wat(printWat('greetings\n'))],
    ]),
  });
  con = new ConsoleDriver(svc);
  await con.attach();
  await con.waitFor(/\$ $/);
});
after(() => svc.kernel.shutdown());

test('a program runs and its status is $?', async () => {
  assert.equal(await con.run('hello'), 'hello world\n');
  assert.equal(await con.run('exit3; echo $?'), '3\n');
});

test('pipelines connect programs and builtins through kernel pipes', async () => {
  assert.equal(await con.run('echo piped | cat | cat'), 'piped\n');
  assert.equal(await con.run('hello | cat'), 'hello world\n');
});

test('redirections: >, >>, <, 2>&1, and relative paths follow cd', async () => {
  await con.run('cd /tmp');
  await con.run('echo one > f.txt; echo two >> f.txt');
  assert.equal(await con.run('cat < f.txt'), 'one\ntwo\n');
  assert.equal(new TextDecoder().decode(await svc.fs.readFile('/tmp/f.txt')), 'one\ntwo\n');
  assert.equal(await con.run('nosuchcmd 2>&1 | cat'), 'sh: nosuchcmd: command not found\n');
  assert.equal(await con.run('cat < /nope; echo $?'), 'sh: /nope: No such file or directory\n1\n');
  await con.run('cd');
});

test('exit statuses: 127 not found, 126 not a module, && and ||', async () => {
  await svc.fs.writeFile('/tmp/notwasm', 'text');
  assert.equal(await con.run('nosuch; echo $?'), 'sh: nosuch: command not found\n127\n');
  assert.equal(await con.run('/tmp/notwasm; echo $?'), 'sh: /tmp/notwasm: cannot execute: not a WebAssembly module\n126\n');
  assert.equal(await con.run('false && echo no || echo yes'), 'yes\n');
  assert.equal(await con.run('true && echo and'), 'and\n');
});

test('Ctrl-C ends the foreground job with 130 and returns to the prompt', async () => {
  const from = con.text.length;
  await con.type('spin\r');
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  await con.type('\x03');
  await con.waitFor(/\^C\n[^\n]*\$ $/, from);
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(await con.run('echo $?'), '130\n');
});

test('background jobs: &, jobs, kill %1', async () => {
  const started = await con.run('spin &');
  assert.match(started, /^\[1\] \d+\n$/);
  assert.match(await con.run('jobs'), /\[1\]\s+Running\s+spin &/);
  assert.match(await con.run('ps'), /spin/);
  const killed = (await con.run('kill %1')) + (await con.run('true'));
  assert.match(killed, /\[1\]\+\s+Killed \(143\)\s+spin/);
});

test('syntax errors are one line', async () => {
  assert.equal(await con.run('echo "open'), 'sh: syntax error: unterminated quote "\n');
  assert.equal(await con.run('| cat'), "sh: syntax error near unexpected token `|'\n");
});

test('arrow-up recalls the last command; Tab completes paths and commands', async () => {
  await con.run('echo recalled');
  const from = con.text.length;
  await con.type('\x1b[A\r');
  await con.waitFor(/recalled\n[^\n]*\$ $/, from);
  const from2 = con.text.length;
  await con.type('ls /bi\t');
  await con.waitFor(/\/bin\//, from2);
  await con.type('\x15');
  const from3 = con.text.length;
  await con.type('gre\t');
  await con.waitFor(/greet/, from3);
  await con.type('\r');
  await con.waitFor(/greetings\n/, from3);
});


test('cat reads the terminal until Ctrl-D', async () => {
  const from = con.text.length;
  await con.type('cat > /tmp/notes.txt\r');
  await con.type('first line\rsecond line\r\x04');
  await con.waitFor(/\$ $/, from + 25);
  assert.equal(new TextDecoder().decode(await svc.fs.readFile('/tmp/notes.txt')), 'first line\nsecond line\n');
});

test('a writer that ignores EPIPE is ended by SIGPIPE when its reader goes away', async () => {
  // "noisy" writes forever and ignores write errors; "first" reads one line and exits.
  await svc.fs.mkdir('/usr/local/bin');
  await svc.fs.writeFile('/usr/local/bin/noisy', await wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 64) "y\\n")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 2))
      (loop $l (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))) (br $l))))`));
  await svc.fs.writeFile('/usr/local/bin/first', await wat(`(module
    (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 2))
      (drop (call $r (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`));
  assert.equal(await con.run('noisy | first; echo $?'), 'y\n0\n');
  assert.equal(await con.run('noisy | first > /dev/null; echo done'), 'done\n');
});

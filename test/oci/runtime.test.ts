// Containers on the kernel (Node, in-memory machine): run an image through the api, runsc's
// lifecycle and its errors, each container's own root (writes kept in its upper, confined to it),
// its pid numbering and memory limit, OCI bundles, records that outlive a "reload", and the
// console's container commands.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bootKernel, type KernelService } from '../../worker/api/api.js';
import { WasmPlatform } from '../../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../../worker/platform/wasm/host.node.js';
import { ContainerRuntime } from '../../worker/oci/runtime.js';
import { containerRoots } from '../../worker/machine/container_roots.js';
import { procSource } from '../../worker/machine/machine.js';
import { ConsoleDriver, PROGRAMS, ROOT, wat } from '../helpers.js';
import { dockerSave } from './build.js';

let svc: KernelService;
let con: ConsoleDriver;
const enc = (s: string) => new TextEncoder().encode(s);

/** A program that writes "MSG" to /data/out then prints the file's contents (appending each run). */
const APPEND_WAT = `(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "data/out")
  (data (i32.const 200) "run\\n")
  (func (export "_start")
    ;; path_open(3, 0, "data/out", CREAT, rights: write|read, 0, APPEND, &fd@300)
    (drop (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 8) (i32.const 1)
      (i64.const 0x42) (i64.const 0) (i32.const 1) (i32.const 300)))
    (i32.store (i32.const 0) (i32.const 200)) (i32.store (i32.const 4) (i32.const 4))
    (drop (call $w (i32.load (i32.const 300)) (i32.const 0) (i32.const 1) (i32.const 8)))))`;

/** Exits with 100 + what memory.grow(4) returned (99 when the grow fails). */
const GROW_WAT = `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.add (i32.const 100) (memory.grow (i32.const 4))))))`;

before(async () => {
  const base = new Map<string, Uint8Array>([['hello', readFileSync(PROGRAMS + 'hello.wasm')]]);
  for (const name of ['cat', 'ls', 'echo', 'sleep']) base.set(name, readFileSync(`${ROOT}base/bin/${name}.wasm`));
  svc = await bootKernel({
    platform: new WasmPlatform(new NodeWorkerHost()),
    baseImage: async () => base,
    defaultImages: [{ ref: 'younglook/wasi-hello:latest', archive: async () => readFileSync(`${ROOT}base/images/wasi-hello.tar`) }],
  });
  // test/app: spin (runs until killed), append (writes /data/out), cat, an escaping symlink.
  const archive = await dockerSave([{
    tags: ['test/app:1'],
    config: { Entrypoint: [], Cmd: ['/bin/spin.wasm'], Env: ['PATH=/bin', 'GREETING=hi'] },
    layers: [[
      { path: 'bin/', type: 'dir' },
      { path: 'bin/spin.wasm', data: readFileSync(PROGRAMS + 'spin.wasm') },
      { path: 'bin/append.wasm', data: await wat(APPEND_WAT) },
      { path: 'bin/cat.wasm', data: readFileSync(`${ROOT}base/bin/cat.wasm`) },
      { path: 'bin/printenv.wasm', data: readFileSync(`${ROOT}base/bin/env.wasm`) },
      { path: 'data/', type: 'dir' },
      { path: 'etc/', type: 'dir' },
      { path: 'etc/motd', data: enc('from the image\n') },
      { path: 'etc/up', type: 'symlink', linkname: '/etc' },
      { path: 'bin/grow.wasm', data: await wat(GROW_WAT) },
    ]],
  } as never]);
  await svc.images.load(archive);
  con = new ConsoleDriver(svc);
  await con.attach(120, 40);
  await con.waitFor(/\$ $/);
});

after(() => svc.kernel.shutdown());

test('run({ image }) prints hello world from younglook/wasi-hello and leaves no container', async () => {
  const r = await svc.run({ image: 'younglook/wasi-hello' });
  assert.deepEqual({ code: r.exitCode, out: r.stdout }, { code: 0, out: 'hello world\n' });
  assert.equal((await svc.containers.list(true)).length, 0);
  const byId = await svc.run({ image: (await svc.images.list()).find((i) => i.refs.includes('younglook/wasi-hello:latest'))!.id });
  assert.equal(byId.stdout, 'hello world\n');
  const missing = await svc.run({ image: 'no/such-image' });
  assert.equal(missing.exitCode, 125);
  assert.match(missing.stderr, /no such image: no\/such-image/);
});

test('argv replaces Cmd, env is appended to the image Env', async () => {
  const r = await svc.run({ image: 'test/app:1', argv: ['/bin/printenv.wasm'], env: { EXTRA: '1', GREETING: 'hello' } });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^GREETING=hello$/m);
  assert.match(r.stdout, /^EXTRA=1$/m);
  assert.match(r.stdout, /^PATH=\/bin$/m);
});

test('lifecycle: create, start, state, kill, delete, with runsc errors', async () => {
  const rt = svc.sandbox.containers;
  const c = await rt.create({ image: 'test/app:1', name: 'spinner' });
  assert.equal(rt.state('spinner').status, 'created');
  assert.throws(() => rt.kill('spinner'), /not running/);
  await assert.rejects(rt.create({ image: 'test/app:1', name: 'spinner' }), /already in use/);
  const task = await rt.start(c.id);
  const st = rt.state(c.id.slice(0, 8));
  assert.equal(st.status, 'running');
  assert.equal(st.pid, task.pid);
  assert.equal(st.ociVersion, '1.0.2');
  assert.equal(rt.processes('spinner')[0]!.nsPid, 1, 'the first process is pid 1 inside the container');
  await assert.rejects(rt.start('spinner'), /cannot start container .* in state running/);
  assert.throws(() => rt.delete('spinner'), /it is running/);
  rt.kill('spinner', 'KILL');
  const status = await task.exited;
  assert.equal(status.code, 137);
  assert.equal(rt.state('spinner').status, 'stopped');
  assert.equal(rt.get('spinner').exitCode, 137);
  rt.delete('spinner');
  assert.throws(() => rt.state('spinner'), /container "spinner" does not exist/);
  assert.throws(() => rt.kill('nope'), /does not exist/);
  assert.throws(() => rt.kill(c.id, 'SIGNOPE'), /does not exist/);
});

test('delete -f kills a running container; kill with an unknown signal is refused', async () => {
  const rt = svc.sandbox.containers;
  const c = await rt.create({ image: 'test/app:1' });
  const task = await rt.start(c.id);
  assert.throws(() => rt.kill(c.id, 'SIGNOPE'), /invalid signal "SIGNOPE"/);
  rt.delete(c.id, true);
  assert.equal((await task.exited).code, 137);
  assert.equal(rt.list(true).some((r) => r.id === c.id), false);
});

test("a container's writes stay in its own upper layer and survive a restart of it", async () => {
  const rt = svc.sandbox.containers;
  const a = await rt.create({ image: 'test/app:1' });
  const b = await rt.create({ image: 'test/app:1' });
  // Run append twice in a (start, stop, start again): the file keeps both lines.
  const first = await rt.start(a.id);
  const t1 = await rt.exec(a.id, ['/bin/append.wasm']);
  await t1.exited;
  rt.kill(a.id, 9);
  await first.exited;
  const again = await rt.start(a.id);
  const t2 = await rt.exec(a.id, ['/bin/append.wasm']);
  await t2.exited;
  const { BufferSink, BufferSource } = await import('../../worker/kernel/stdio.js');
  const out = new BufferSink();
  const cat = await rt.exec(a.id, ['/bin/cat.wasm', '/data/out'], { stdin: new BufferSource(new Uint8Array(0)), stdout: out, stderr: out });
  await cat.exited;
  assert.equal(new TextDecoder().decode(out.contents()), 'run\nrun\n');
  assert.equal(rt.processes(a.id).find((p) => p.task === cat)?.nsPid ?? 'exited', 'exited');
  rt.kill(a.id, 9);
  await again.exited;
  // b never saw a's file; the image itself is unchanged.
  const bt = await rt.start(b.id);
  const out2 = new BufferSink();
  const cat2 = await rt.exec(b.id, ['/bin/cat.wasm', '/data/out'], { stdin: new BufferSource(new Uint8Array(0)), stdout: out2, stderr: out2 });
  assert.notEqual((await cat2.exited).code, 0);
  assert.match(new TextDecoder().decode(out2.contents()), /No such file|ENOENT|no such/i);
  rt.delete(b.id, true);
  await bt.exited;
  rt.delete(a.id);
});

test('a container cannot reach the machine: absolute paths and symlinks resolve inside its root', async () => {
  await svc.fs.writeFile('/secret.txt', 'machine secret\n');
  for (const p of ['/secret.txt', '/../../secret.txt', '/etc/up/../secret.txt']) {
    const r = await svc.run({ image: 'test/app:1', argv: ['/bin/cat.wasm', p] });
    assert.notEqual(r.exitCode, 0, `${p} must not be readable: ${r.stdout}`);
    assert.doesNotMatch(r.stdout, /machine secret/);
  }
  const motd = await svc.run({ image: 'test/app:1', argv: ['/bin/cat.wasm', '/etc/up/motd'] });
  assert.equal(motd.stdout, 'from the image\n', 'an absolute symlink resolves inside the container');
});

test('the memory limit is on the sum of the container: a process gets only what is left', async () => {
  const rt = svc.sandbox.containers;
  const c = await rt.create({ image: 'test/app:1', memoryLimit: 3 * 65536 });
  const init = await rt.start(c.id); // spin: 1 page
  // The second process starts with 1 page and may grow to the 2 pages the first left: grow 4 fails (-1 → 99).
  const { BufferSink, BufferSource } = await import('../../worker/kernel/stdio.js');
  const sink = new BufferSink();
  const t = await rt.exec(c.id, ['/bin/grow.wasm'], { stdin: new BufferSource(new Uint8Array(0)), stdout: sink, stderr: sink });
  assert.equal((await t.exited).code, 99, 'memory.grow past what the container has left fails');
  rt.delete(c.id, true);
  await init.exited;
});

test('OCI bundle: config.json args, env, cwd and a tmpfs mount; bad bundles are refused by name', async () => {
  await svc.fs.mkdir('/bundles/b1/rootfs/bin');
  await svc.fs.mkdir('/bundles/b1/rootfs/work');
  await svc.fs.writeFile('/bundles/b1/rootfs/bin/printenv.wasm', readFileSync(`${ROOT}base/bin/env.wasm`));
  await svc.fs.writeFile('/bundles/b1/config.json', JSON.stringify({
    ociVersion: '1.0.2',
    process: { terminal: false, args: ['/bin/printenv.wasm'], env: ['FROM=bundle'], cwd: '/work' },
    root: { path: 'rootfs', readonly: false },
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }, { destination: '/scratch', type: 'tmpfs', source: 'tmpfs' }],
  }));
  const rt = svc.sandbox.containers;
  const c = await rt.create({ bundle: '/bundles/b1', name: 'b1' });
  const { BufferSink, BufferSource } = await import('../../worker/kernel/stdio.js');
  const out = new BufferSink();
  const t = await rt.start(c.id, { stdin: new BufferSource(new Uint8Array(0)), stdout: out, stderr: out });
  assert.equal((await t.exited).code, 0);
  assert.match(new TextDecoder().decode(out.contents()), /^FROM=bundle$/m);
  assert.equal(rt.state('b1').bundle, '/bundles/b1');
  rt.delete('b1');
  await svc.fs.writeFile('/bundles/b1/config.json', '{"ociVersion":"1.0.2","process":{"args":[]}}');
  await assert.rejects(rt.create({ bundle: '/bundles/b1' }), /process.args is empty/);
  await svc.fs.writeFile('/bundles/b1/config.json', JSON.stringify({ ociVersion: '1.0.2', process: { args: ['/x'] }, mounts: [{ destination: '/n', type: 'nfs' }] }));
  await assert.rejects(rt.create({ bundle: '/bundles/b1' }), /mounts\[0\] has type "nfs"; only tmpfs and bind/);
  await assert.rejects(rt.create({ bundle: '/nowhere' }), /bundle \/nowhere: cannot read config.json/);
});

test('records outlive the runtime: a new runtime on the same files finds them, running ones stopped', async () => {
  const rt = svc.sandbox.containers;
  const c = await rt.create({ image: 'test/app:1', name: 'survivor' });
  const task = await rt.start(c.id);
  // A "reload": another runtime reads the same state directory.
  const k = svc.kernel;
  const again = new ContainerRuntime(k, svc.sandbox.images, containerRoots(k, procSource(k, 1 << 30)));
  again.init();
  const r = again.get('survivor');
  assert.equal(r.status, 'stopped');
  assert.equal(r.id, c.id);
  rt.delete(c.id, true);
  await task.exited;
});

test('console: run younglook/wasi-hello, images, ps -a, logs, state, delete, and their errors', async () => {
  assert.match(await con.run('run younglook/wasi-hello'), /^hello world$/m);
  assert.match(await con.run('images'), /younglook\/wasi-hello\s+latest\s+[0-9a-f]{12}/);
  const id = (await con.run('run -d --name bg younglook/wasi-hello')).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  await new Promise((r) => setTimeout(r, 300));
  assert.match(await con.run('ps -a'), /younglook\/wasi-hello .*Exited \(0\).*bg/);
  assert.equal(await con.run('logs bg'), 'hello world\n');
  assert.match(await con.run('state bg'), /"status": "stopped"/);
  assert.match(await con.run('docker ps -a'), /bg/);
  assert.match(await con.run('start bg; sleep 0.3; logs bg'), /hello world\nhello world\n/);
  assert.match(await con.run('delete bg && ps -a'), /CONTAINER ID/);
  assert.match(await con.run('state bg'), /state: container "bg" does not exist/);
  assert.match(await con.run('run'), /run: run needs an image\nusage: run/);
  assert.match(await con.run('run --rm no/such'), /no such image/);
  assert.match(await con.run('echo $?'), /^125$/m);
  assert.match(await con.run('load /nope.tar'), /load: \/nope.tar: No such file/);
});

test('console: Ctrl-C ends a foreground container', async () => {
  const from = con.text.length;
  await con.type('run --rm test/app:1\r');
  await new Promise((r) => setTimeout(r, 500));
  await con.type('\x03');
  await con.waitFor(/\$ $/, from + 10, 10000);
  assert.match(await con.run('echo $?'), /^130$/m);
  assert.equal((await svc.containers.list(false)).length, 0);
});


test('rmi refuses an image a container was made from', async () => {
  const rt = svc.sandbox.containers;
  const c = await rt.create({ image: 'test/app:1', name: 'holder' });
  await assert.rejects(rt.removeImage('test/app:1'), /image test\/app:1 is used by container [0-9a-f]{12} \(holder\): delete the container first/);
  assert.match(await con.run('rmi test/app:1'), /rmi: image test\/app:1 is used by container/);
  rt.delete(c.id);
  assert.ok((await svc.images.list()).some((i) => i.refs.includes('test/app:1')), 'the refused rmi left the image');
});

// Day-one commands on the console with the real base image (base/bin), under Node.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { bootKernel, type KernelService } from '../../worker/api/api.js';
import { loadBaseImage } from '../../worker/api/base_image.node.js';
import { WasmPlatform } from '../../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../../worker/platform/wasm/host.node.js';
import { ConsoleDriver } from '../helpers.js';

let svc: KernelService;
let con: ConsoleDriver;

before(async () => {
  svc = await bootKernel({ platform: new WasmPlatform(new NodeWorkerHost()), baseImage: loadBaseImage });
  con = new ConsoleDriver(svc);
  await con.attach();
  await con.waitFor(/\$ $/);
});
after(() => svc.kernel.shutdown());

test('the issue\'s pipelines', async () => {
  assert.equal(await con.run('echo hello | wc -c'), '6\n');
  assert.equal(await con.run('yes | head -n 3'), 'y\ny\ny\n');
  assert.equal(await con.run('seq 1 100000 | sort -r | head -n 1'), '99999\n');
  assert.equal(await con.run('seq 1 100000 | wc -l'), '100000\n');
});

test('ls -l /bin lists the utilities', async () => {
  const out = await con.run('ls -l /bin');
  for (const name of ['cat', 'wc', 'sort', 'grep', 'hexdump', 'yes']) assert.match(out, new RegExp(` ${name}\\n`));
});

test('relative paths follow cd in programs too', async () => {
  await con.run('mkdir -p /root/work && cd /root/work');
  await con.run('echo one > a.txt; cp a.txt b.txt; ln -s b.txt c.txt');
  assert.equal(await con.run('ls'), 'a.txt  b.txt  c.txt\n'); // columns: stdout is a terminal
  assert.equal(await con.run('ls | cat'), 'a.txt\nb.txt\nc.txt\n'); // one per line: a pipe
  assert.equal(await con.run('cat c.txt | tr a-z A-Z'), 'ONE\n');
  assert.equal(await con.run('cd ..; cat work/a.txt; pwd'), 'one\n/root\n');
});

test('errors read like Linux', async () => {
  assert.equal(await con.run('cat /bin; echo $?'), 'cat: /bin: Is a directory\n1\n');
  assert.equal(await con.run('cat /nope; echo $?'), 'cat: /nope: No such file or directory\n1\n');
  assert.match(await con.run('ls --bogus; echo $?'), /usage: .*\n2\n$/);
});

test('/proc from the shell: ps sees the pipeline, mounts are listed', async () => {
  assert.match(await con.run('cat /proc/mounts'), /proc \/proc proc/);
  assert.match(await con.run('grep -c . /proc/meminfo'), /^\d+\n$/);
});

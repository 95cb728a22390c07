// The library's Machine under Node (lib/node.ts over lib/machine.ts, from the repo's build): a
// spawned process's streams — backpressure reaching the kernel, stdin as a WritableStream, a
// cancelled reader, kill — and dispose ending what still runs and refusing later calls.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createMachine } from '../../lib/node.js';

const machine = await createMachine();
after(() => machine.dispose());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an unread stdout holds the program: yes writes about what the stream and the kernel buffer, not more', async () => {
  const yes = await machine.spawn({ argv: ['/bin/yes'] });
  void yes.stderr.cancel();
  await sleep(800); // unread: yes runs only until the buffers are full
  await yes.kill('SIGKILL');
  let bytes = 0;
  const reader = yes.stdout.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
  assert.deepEqual(await yes.exited, { exitCode: 137, reason: 'killed by SIGKILL' });
  assert.ok(bytes > 0 && bytes < 4 * 1024 * 1024, `yes wrote ${bytes} bytes while nobody read`);
});

test('a cancelled stdout drops the output and the program runs to its end', async () => {
  const seq = await machine.spawn({ argv: ['/bin/seq', '200000'] });
  await seq.stdout.cancel();
  const err = new Response(seq.stderr).text();
  assert.deepEqual(await seq.exited, { exitCode: 0 });
  assert.equal(await err, '');
});

test('stdin streams to the program; a write after it exited is refused, naming the process', async () => {
  const cat = await machine.spawn({ argv: ['/bin/cat'] });
  const out = new Response(cat.stdout).text();
  const w = cat.stdin.getWriter();
  await w.write('one ');
  await w.write(new TextEncoder().encode('two\n'));
  await w.close();
  assert.equal(await out, 'one two\n');
  assert.equal((await cat.exited).exitCode, 0);
  const done = await machine.spawn({ argv: ['/bin/true'] });
  await done.exited;
  await assert.rejects(done.stdin.getWriter().write('x'), new RegExp(`stdin: no running process ${done.pid}`));
});

test('spawn refuses bad options with the kernel message; run reports a missing program', async () => {
  await assert.rejects(machine.spawn({ argv: [] }), /spawn: argv must be a non-empty array of strings/);
  const r = await machine.run({ argv: ['/nope.wasm'] });
  assert.equal(r.exitCode, 127);
  assert.match(r.stderr, /nope\.wasm/);
});

test('dispose ends running processes (137) and later calls are refused', async () => {
  const m = await createMachine();
  const sleeper = await m.spawn({ argv: ['/bin/sleep', '30'] });
  await m.dispose();
  const status = await sleeper.exited;
  assert.equal(status.exitCode, 137);
  await assert.rejects(m.run({ argv: ['/bin/true'] }), /run: the machine was disposed/);
  await assert.rejects(m.fs.readdir('/'), /fs\.readdir: the machine was disposed/);
});

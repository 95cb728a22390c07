// The platform's count of calls served asynchronously (wasm_platform.ts): while it is above zero
// the kernel's loop never blocks its thread and sleeps in Atomics.waitAsync, whose wake-up costs
// an event-loop turn. Only live processes' calls count: proc_exit's answer never comes, and a
// read a process is killed in may never settle.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { wat, printWat, CAT_WAT } from '../helpers.js';
import { bootMachine } from '../../worker/machine/machine.js';
import { WasmPlatform } from '../../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../../worker/platform/wasm/host.node.js';
import { BufferSink, BufferSource } from '../../worker/kernel/stdio.js';
import { Pipe } from '../../worker/kernel/pipe.js';
import { Signal } from '../../worker/kernel/signals.js';
import type { FileDescription } from '../../worker/vfs/file_description.js';

const platform = new WasmPlatform(new NodeWorkerHost(), { warmWorkers: 1 });
const kernel = bootMachine({ platform });
after(() => kernel.shutdown());

async function spawn(source: string, stdin: FileDescription) {
  const program = await kernel.loadProgram(await wat(source));
  return kernel.spawn({ program, argv: ['/p.wasm'], env: [], preopens: [], stdio: [stdin, new BufferSink(), new BufferSink()] });
}

async function until(what: string, ok: () => boolean): Promise<void> {
  const end = Date.now() + 10000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a program that ends with proc_exit leaves no call counted as pending', async () => {
  for (let k = 0; k < 3; k++) {
    const task = await spawn(printWat('bye\n', 3), new BufferSource(new Uint8Array(0)));
    assert.equal((await task.exited).code, 3);
    assert.equal(platform.asyncCallsPending, 0, `after exit ${k + 1}`);
  }
});

test('a process killed in a blocked read stops counting; the read settling later changes nothing', async () => {
  const pipe = new Pipe();
  const task = await spawn(CAT_WAT, pipe.readEnd);
  await until('the read is pending', () => platform.asyncCallsPending === 1);
  task.handleSignal(Signal.KILL);
  assert.equal((await task.exited).signal, Signal.KILL);
  assert.equal(platform.asyncCallsPending, 0, 'after the kill');
  // The writer closes: the dead process's read settles (end of file) and must not count again.
  pipe.writeEnd.release();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(platform.asyncCallsPending, 0, 'after the read settled');
  // A program served after all this still runs to its end.
  const next = await spawn(printWat('ok\n'), new BufferSource(new Uint8Array(0)));
  assert.equal((await next.exited).code, 0);
  assert.equal(platform.asyncCallsPending, 0);
});

// Retiring process workers (wasm_platform.ts): a worker past its runs keeps running programs that
// come back to back (so its replacement is not spawned while the next program runs) and is retired
// at the first quiet moment, or at RETIRE_CAP_FACTOR times its runs if no quiet moment comes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { wat } from '../helpers.js';
import { bootMachine } from '../../worker/machine/machine.js';
import { WasmPlatform } from '../../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../../worker/platform/wasm/host.node.js';
import { BufferSink, BufferSource } from '../../worker/kernel/stdio.js';
import type { Program } from '../../worker/kernel/kernel.js';

/** A host whose workers run 2 programs each, counting spawns and terminations. */
class CountingHost extends NodeWorkerHost {
  spawned = 0;
  terminated = 0;
  constructor() {
    super();
    Object.defineProperty(this, 'runsPerWorker', { value: 2 });
  }
  override spawn() {
    this.spawned++;
    const w = super.spawn();
    const terminate = w.terminate;
    w.terminate = () => {
      this.terminated++;
      terminate.call(w);
    };
    return w;
  }
}

const host = new CountingHost();
const kernel = bootMachine({ platform: new WasmPlatform(host, { warmWorkers: 1 }) });
after(() => kernel.shutdown());

async function run(program: Program): Promise<void> {
  const task = kernel.spawn({
    program, argv: ['/nothing.wasm'], env: [], preopens: [],
    stdio: [new BufferSource(new Uint8Array(0)), new BufferSink(), new BufferSink()],
  });
  assert.equal((await task.exited).code, 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a worker past its runs is retired when no program has run for a while, or at the cap', async () => {
  const nothing = await kernel.loadProgram(await wat('(module (memory (export "memory") 1) (func (export "_start")))'));

  // Five programs back to back on a worker meant to run two: nobody is retired meanwhile.
  for (let k = 0; k < 5; k++) await run(nothing);
  assert.equal(host.terminated, 0, 'no worker retired while programs came back to back');

  // A quiet moment: the worker that ran them is retired (the pool still has a fresh one).
  await sleep(200);
  assert.equal(host.terminated, 1, 'the worker past its runs is retired once the platform is quiet');

  // Back to back without a pause: the next worker is retired at 3x its runs all the same.
  for (let k = 0; k < 7; k++) await run(nothing);
  assert.equal(host.terminated, 2, 'a worker is retired at the cap even without a quiet moment');
});

// One process worker running program after program: it builds its import object once per ABI set
// and vDSO/direct-fd choice and is sent the ABI tables only once, so each start must still point
// the stubs at the new program's channel, memory and arguments, and a program under strace (no
// vDSO) must not get the import object of one without it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { wat } from '../helpers.js';
import { bootMachine } from '../../worker/machine/machine.js';
import { WasmPlatform } from '../../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../../worker/platform/wasm/host.node.js';
import { BufferSink, BufferSource } from '../../worker/kernel/stdio.js';
import type { Program } from '../../worker/kernel/kernel.js';

/** Counts the workers the platform starts. */
class CountingHost extends NodeWorkerHost {
  spawned = 0;
  override spawn() {
    this.spawned++;
    return super.spawn();
  }
}

const host = new CountingHost();
const straced: string[] = [] as string[];
// No warm pool: every program runs on the one worker the first start made (it is recycled).
const kernel = bootMachine({ platform: new WasmPlatform(host, { warmWorkers: 0 }), straceSink: (l) => straced.push(l) });
after(() => kernel.shutdown());

/** Prints argv[1] and reads the monotonic clock; `abi` is the import module, `importMemory` imports env.memory. */
function echoArg(abi: string, importMemory = false): string {
  const memory = importMemory ? '(import "env" "memory" (memory 1 1 shared))' : '(memory (export "memory") 1)';
  return `(module
    (import "${abi}" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
    (import "${abi}" "args_get" (func $args (param i32 i32) (result i32)))
    (import "${abi}" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (import "${abi}" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
    ${memory}
    ${importMemory ? '(export "memory" (memory 0))' : ''}
    (func (export "_start")
      (drop (call $sizes (i32.const 8) (i32.const 12)))
      (drop (call $args (i32.const 0) (i32.const 64)))
      (drop (call $clock (i32.const 1) (i64.const 1) (i32.const 32)))
      ;; iovec at 16: argv[1], length = 64 + buf size - argv[1] - 1
      (i32.store (i32.const 16) (i32.load (i32.const 4)))
      (i32.store (i32.const 20) (i32.sub (i32.sub (i32.add (i32.const 64) (i32.load (i32.const 12))) (i32.load (i32.const 4))) (i32.const 1)))
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))`;
}

async function run(program: Program, arg: string, strace = false): Promise<string> {
  const out = new BufferSink();
  const err = new BufferSink();
  const task = kernel.spawn({
    program, argv: ['/echo.wasm', arg], env: [], strace, preopens: [],
    stdio: [new BufferSource(new Uint8Array(0)), out, err],
  });
  const status = await task.exited;
  const dec = new TextDecoder();
  assert.equal(status.code, 0, `${arg}: ${dec.decode(err.contents())} ${status.reason ?? ''}`);
  return dec.decode(out.contents());
}

test('one worker runs programs of both ABIs, with and without strace, each seeing its own arguments', async () => {
  const preview1 = await kernel.loadProgram(await wat(echoArg('wasi_snapshot_preview1')));
  const unstable = await kernel.loadProgram(await wat(echoArg('wasi_unstable')));
  const sharedMemory = await kernel.loadProgram(await wat(echoArg('wasi_snapshot_preview1', true)));

  assert.equal(await run(preview1, 'one'), 'one');
  assert.equal(straced.length, 0);

  // Under strace the clock is not answered in the process: the kernel sees (and logs) it.
  assert.equal(await run(preview1, 'second program', true), 'second program');
  assert.ok(straced.some((l) => l.includes('clock_time_get(')), straced.join('\n'));
  assert.ok(straced.some((l) => l.includes('fd_write(')), straced.join('\n'));

  // Back without strace: the vDSO answers the clock again, nothing is logged.
  straced.length = 0;
  assert.equal(await run(preview1, 'three'), 'three');
  assert.equal(straced.length, 0, straced.join('\n'));

  // The other ABI set (its tables sent to this worker now), then the first again.
  assert.equal(await run(unstable, 'unstable four'), 'unstable four');
  assert.equal(await run(unstable, 'unstable five', true), 'unstable five');
  assert.ok(straced.some((l) => l.includes('wasi_unstable.clock_time_get(')), straced.join('\n'));
  straced.length = 0;
  assert.equal(await run(preview1, 'six'), 'six');

  // A program importing its memory gets its own memory in a copy of the shared import object,
  // and the next program does not see that memory.
  assert.equal(await run(sharedMemory, 'seven'), 'seven');
  assert.equal(await run(preview1, 'eight'), 'eight');
  assert.equal(await run(sharedMemory, 'nine'), 'nine');

  assert.equal(host.spawned, 1, 'every program ran on the one recycled worker');
});

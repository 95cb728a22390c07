// The channel between a process and the kernel (platform/wasm/channel.ts): every call of both WASI
// tables fits its one 64-byte block with each 64-bit parameter at an even slot, a call that does
// not fit is refused by name, and 64-bit parameters placed among 32-bit ones reach the kernel
// whole (offsets past 2^32, negative offsets, two timestamps in one call, rights).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { wat } from '../helpers.js';
import { ARG0, CHANNEL_SLOTS, argSlots } from '../../worker/platform/wasm/channel.js';
import { WASI_PREVIEW1, WASI_UNSTABLE } from '../../worker/syscalls/wasi/dispatch.js';
import { bootMachine } from '../../worker/machine/machine.js';
import { WasmPlatform } from '../../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../../worker/platform/wasm/host.node.js';
import { BufferSink, BufferSource } from '../../worker/kernel/stdio.js';

test('every WASI call fits the channel, 64-bit parameters at even slots, none overlapping', () => {
  for (const table of [WASI_PREVIEW1, WASI_UNSTABLE]) {
    for (const f of table.imports.functions) {
      const slots = argSlots(f.wide);
      const used = new Set<number>();
      slots.forEach((s, k) => {
        const width = f.wide[k] ? 2 : 1;
        if (f.wide[k]) assert.equal(s % 2, 0, `${table.module}.${f.name} parameter ${k}`);
        for (let j = s; j < s + width; j++) {
          assert.ok(j >= ARG0 && j < CHANNEL_SLOTS, `${f.name} parameter ${k} at slot ${j}`);
          assert.ok(!used.has(j), `${f.name} parameter ${k} overlaps at slot ${j}`);
          used.add(j);
        }
      });
    }
  }
  // path_open: five 32-bit parameters, a padding slot, two rights, two more 32-bit ones: all 12.
  assert.deepEqual(argSlots([false, false, false, false, false, true, true, false, false]), [4, 5, 6, 7, 8, 10, 12, 14, 15]);
});

test('a call that does not fit the channel is refused with its shape named', () => {
  assert.throws(() => argSlots(Array(13).fill(false)), /13 parameters \(0 of them 64-bit\) does not fit a channel's 12 slots/);
  assert.throws(() => argSlots([false, true, true, true, true, true, true]), /7 parameters \(6 of them 64-bit\)/);
});

const kernel = bootMachine({ platform: new WasmPlatform(new NodeWorkerHost(), { warmWorkers: 0 }) });
after(() => kernel.shutdown());

// Exits 0 when every 64-bit parameter arrived whole, else with the number of the check that failed.
const WIDE_ARGS = `(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $times (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "fg")
  (func $check (param i32 i32) (if (i32.eqz (local.get 0)) (then (call $exit (local.get 1)))))
  (func (export "_start") (local $fd i32) (local $ro i32)
    ;; open "f" to read, write and seek (i64 rights between 32-bit parameters)
    (call $check (i32.eqz (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 1)
      (i64.const 0x7F) (i64.const 0) (i32.const 0) (i32.const 100))) (i32.const 10))
    (local.set $fd (i32.load (i32.const 100)))
    ;; seek past 2^32, then back 3 from there
    (call $check (i32.eqz (call $seek (local.get $fd) (i64.const 0x200000007) (i32.const 0) (i32.const 104))) (i32.const 11))
    (call $check (i64.eq (i64.load (i32.const 104)) (i64.const 0x200000007)) (i32.const 12))
    (call $check (i32.eqz (call $seek (local.get $fd) (i64.const -3) (i32.const 1) (i32.const 104))) (i32.const 13))
    (call $check (i64.eq (i64.load (i32.const 104)) (i64.const 0x200000004)) (i32.const 14))
    ;; two timestamps in one call, read back exactly
    (call $check (i32.eqz (call $times (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1)
      (i64.const 1700000000123456789) (i64.const 1600000000987654321) (i32.const 5))) (i32.const 15))
    (call $check (i32.eqz (call $stat (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 200))) (i32.const 16))
    (call $check (i64.eq (i64.load (i32.const 240)) (i64.const 1700000000123456789)) (i32.const 17))
    (call $check (i64.eq (i64.load (i32.const 248)) (i64.const 1600000000987654321)) (i32.const 18))
    ;; "g" opened with FD_READ only: seeking it is not allowed (the rights arrived as given)
    (call $check (i32.eqz (call $open (i32.const 3) (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1)
      (i64.const 0x2) (i64.const 0) (i32.const 0) (i32.const 100))) (i32.const 19))
    (local.set $ro (i32.load (i32.const 100)))
    (call $check (i32.eq (call $seek (local.get $ro) (i64.const 1) (i32.const 0) (i32.const 104)) (i32.const 76)) (i32.const 20))))`;

test('64-bit parameters among 32-bit ones reach the kernel whole', async () => {
  const program = await kernel.loadProgram(await wat(WIDE_ARGS));
  const err = new BufferSink();
  const task = kernel.spawn({
    program, argv: ['/wide.wasm'], env: [], preopens: [{ path: '/tmp', name: '/tmp' }],
    stdio: [new BufferSource(new Uint8Array(0)), new BufferSink(), err],
  });
  const status = await task.exited;
  assert.equal(status.code, 0, `check ${status.code} failed ${status.reason ?? ''} ${new TextDecoder().decode(err.contents())}`);
});

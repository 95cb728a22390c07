// The Node runtimes under test: wasmvisor (kernel on this thread, each process in a
// worker_thread, stdout the kernel's own /dev/null, files on its tmpfs) and Node's built-in
// node:wasi (preview1; stdout is the host's /dev/null, files in a real temporary directory).
// Both compile each program once; a run is start → exit of a fresh process/instance. Also the
// wasmvisor-only pipe rows (bench/lib/pipe.mjs) with the kernel booted as the app boots it.
import { WASI } from 'node:wasi';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wasmvisorRuntime as makeWasmvisor } from './wasmvisor_runtime.mjs';

const dist = new URL('../../dist/worker/', import.meta.url);
const load = (p) => import(new URL(p, dist).href);

/** programs: { name: Uint8Array } */
export async function wasmvisorRuntime(programs) {
  const { bootMachine } = await load('machine/machine.js');
  const { WasmPlatform } = await load('platform/wasm/wasm_platform.js');
  const { NodeWorkerHost } = await load('platform/wasm/host.node.js');
  const { BufferSink, BufferSource } = await load('kernel/stdio.js');
  return makeWasmvisor({ bootMachine, WasmPlatform, BufferSink, BufferSource }, new NodeWorkerHost(), programs);
}

/** `cat FILE | wc -c` through a kernel pipe and its context rows (bench/lib/pipe.mjs), wasmvisor only. */
export async function wasmvisorPipeBench(opts) {
  const { runPipeBench } = await import('./pipe.mjs');
  const { bootKernel } = await load('api/api.js');
  const { loadBaseImage } = await load('api/base_image.node.js');
  const { WasmPlatform } = await load('platform/wasm/wasm_platform.js');
  const { NodeWorkerHost } = await load('platform/wasm/host.node.js');
  const { Pipe } = await load('kernel/pipe.js');
  const { BufferSink } = await load('kernel/stdio.js');
  return runPipeBench({ bootKernel, loadBaseImage, WasmPlatform, Pipe, BufferSink }, new NodeWorkerHost(), opts);
}

/** programs: { name: WebAssembly.Module } */
export function nodeWasiRuntime(programs) {
  const dir = mkdtempSync(join(tmpdir(), 'wasmvisor-bench-'));
  const errPath = join(dir, '.stderr');
  return {
    name: 'node:wasi',
    async run(prog, args, { stdout = 'null' } = {}) {
      const module = programs[prog];
      if (!module) throw new Error(`no program ${prog}`);
      const errFd = openSync(errPath, 'w+');
      const outFd = openSync(stdout === 'null' ? '/dev/null' : join(dir, '.stdout'), 'w');
      const inFd = openSync('/dev/null', 'r');
      try {
        const t0 = performance.now();
        const wasi = new WASI({
          version: 'preview1', args: [`/${prog}.wasm`, ...args], env: {},
          preopens: { '/tmp': dir }, stdin: inFd, stdout: outFd, stderr: errFd, returnOnExit: true,
        });
        const instance = new WebAssembly.Instance(module, wasi.getImportObject());
        const code = wasi.start(instance);
        const ms = performance.now() - t0;
        return { code, stderr: readFileSync(errPath, 'utf8'), ms };
      } finally {
        closeSync(inFd);
        closeSync(outFd);
        ftruncateSync(errFd, 0);
        closeSync(errFd);
      }
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

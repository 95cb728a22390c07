// Runs the benchmark suite for one runtime inside a Web Worker: 'wasmvisor' (the kernel booted in
// this worker, as the real page does, each process a nested Web Worker) or 'shim'
// (browser_wasi_shim, the program running in this worker's thread).
import { runSuite } from '../lib/suite.mjs';
import { shimRuntime } from '../lib/shim_runtime.mjs';
import { wasmvisorRuntime } from '../lib/wasmvisor_runtime.mjs';
import { bootMachine } from '../../worker/machine/machine.ts';
import { WasmPlatform } from '../../worker/platform/wasm/wasm_platform.ts';
import { BrowserWorkerHost } from '../../worker/platform/wasm/host.browser.ts';
import { BufferSink, BufferSource } from '../../worker/kernel/stdio.ts';
import { busyLoad } from './busy.mjs';

self.onmessage = async (e) => {
  const { runtime, programs, scale, only = null } = e.data;
  const log = (m) => self.postMessage({ type: 'log', message: m });
  let rt;
  try {
    if (runtime === 'wasmvisor') {
      rt = await wasmvisorRuntime({ bootMachine, WasmPlatform, BufferSink, BufferSource }, new BrowserWorkerHost(), programs);
    } else {
      const modules = {};
      for (const [name, bytes] of Object.entries(programs)) modules[name] = await WebAssembly.compile(bytes);
      rt = shimRuntime(modules);
    }
    const results = await runSuite(rt, { scale, busy: busyLoad(), log, only });
    self.postMessage({ type: 'done', results });
  } catch (err) {
    self.postMessage({ type: 'error', message: String(err?.stack ?? err) });
  } finally {
    rt?.close();
  }
};

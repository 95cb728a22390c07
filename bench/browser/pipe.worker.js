// The pipe benchmark (bench/lib/pipe.mjs) in a Web Worker: the kernel boots here from the
// TypeScript sources with the base image fetched as the app's kernel worker fetches it (Vite emits
// base/bin/*.wasm as assets), each process a nested Web Worker.
import { runPipeBench } from '../lib/pipe.mjs';
import { bootKernel } from '../../worker/api/api.ts';
import { loadBaseImage } from '../../worker/api/base_image.browser.ts';
import { WasmPlatform } from '../../worker/platform/wasm/wasm_platform.ts';
import { BrowserWorkerHost } from '../../worker/platform/wasm/host.browser.ts';
import { Pipe } from '../../worker/kernel/pipe.ts';
import { BufferSink } from '../../worker/kernel/stdio.ts';

self.onmessage = async (e) => {
  const { scale } = e.data;
  const log = (m) => self.postMessage({ type: 'log', message: m });
  try {
    const results = await runPipeBench({ bootKernel, loadBaseImage, WasmPlatform, Pipe, BufferSink },
      new BrowserWorkerHost(), { scale, log });
    self.postMessage({ type: 'done', results });
  } catch (err) {
    self.postMessage({ type: 'error', message: String(err?.stack ?? err) });
  }
};

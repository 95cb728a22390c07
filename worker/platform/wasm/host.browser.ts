// The WorkerHost for browsers: process workers are module Web Workers (nested in the kernel
// worker). Vite bundles process.worker.ts from the URL below.
import type { ProcessWorker, WorkerHost } from './host.js';

export class BrowserWorkerHost implements WorkerHost {
  readonly cores = Math.max(1, navigator.hardwareConcurrency || 2);

  spawn(): ProcessWorker {
    const w = new Worker(new URL('./process.worker.ts', import.meta.url), { type: 'module', name: 'wasmvisor-process' });
    return {
      post: (msg) => w.postMessage(msg),
      onMessage: (cb) => w.addEventListener('message', (e) => cb(e.data)),
      onError: (cb) => w.addEventListener('error', (e) => cb(e.message || 'worker error')),
      terminate: () => w.terminate(),
      setKeepAlive: () => {},
    };
  }
}

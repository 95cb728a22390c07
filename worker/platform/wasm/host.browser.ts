// The WorkerHost for browsers: process workers are module Web Workers (nested in the kernel
// worker). Vite bundles process.worker.ts from the URL below.
import type { ProcessWorker, WorkerHost } from './host.js';
import type { ProcessMessage } from './channel.js';

export class BrowserWorkerHost implements WorkerHost {
  readonly cores = Math.max(1, navigator.hardwareConcurrency || 2);

  spawn(): ProcessWorker {
    const w = new Worker(new URL('./process.worker.ts', import.meta.url), { type: 'module', name: 'wasmvisor-process' });
    let onMessage: (msg: ProcessMessage) => void = () => {};
    let onError: (message: string) => void = () => {};
    w.addEventListener('message', (e) => onMessage(e.data));
    w.addEventListener('error', (e) => onError(e.message || 'worker error'));
    return {
      post: (msg) => w.postMessage(msg),
      setHandlers: (m, e) => {
        onMessage = m;
        onError = e;
      },
      terminate: () => w.terminate(),
      setKeepAlive: () => {},
    };
  }
}

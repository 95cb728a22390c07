// The WorkerHost for Node: process workers are worker_threads running the compiled
// process.worker.js that sits next to this file.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { ProcessWorker, WorkerHost } from './host.js';
import type { ProcessMessage } from './channel.js';

export class NodeWorkerHost implements WorkerHost {
  readonly cores = availableParallelism();

  spawn(): ProcessWorker {
    const w = new Worker(new URL('./process.worker.js', import.meta.url));
    w.unref();
    let onMessage: (msg: ProcessMessage) => void = () => {};
    let onError: (message: string) => void = () => {};
    w.on('message', (m) => onMessage(m));
    w.on('error', (e) => onError(e instanceof Error ? e.message : String(e)));
    return {
      post: (msg) => w.postMessage(msg),
      setHandlers: (m, e) => {
        onMessage = m;
        onError = e;
      },
      terminate: () => void w.terminate(),
      setKeepAlive: (on) => (on ? w.ref() : w.unref()),
    };
  }
}

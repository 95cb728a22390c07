// The WorkerHost for Node: process workers are worker_threads running the compiled
// process.worker.js that sits next to this file.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { ProcessWorker, WorkerHost } from './host.js';

export class NodeWorkerHost implements WorkerHost {
  readonly cores = availableParallelism();

  spawn(): ProcessWorker {
    const w = new Worker(new URL('./process.worker.js', import.meta.url));
    w.unref();
    return {
      post: (msg) => w.postMessage(msg),
      onMessage: (cb) => w.on('message', cb),
      onError: (cb) => void w.on('error', (e) => cb(e instanceof Error ? e.message : String(e))),
      terminate: () => void w.terminate(),
      setKeepAlive: (on) => (on ? w.ref() : w.unref()),
    };
  }
}

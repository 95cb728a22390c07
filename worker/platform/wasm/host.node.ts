// The WorkerHost for Node: process workers are worker_threads running the compiled
// process.worker.js that sits next to this file. A one-shot command may start its first worker
// before it has even loaded the kernel (prespawnProcessWorker), so the worker's own start-up
// (~50 ms of Node bootstrap) overlaps the kernel's module loading and boot.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { ProcessWorker, WorkerHost } from './host.js';
import type { ProcessMessage } from './channel.js';

/** A worker started ahead of need, and the error it hit before anyone took it. */
interface Prespawned {
  worker: Worker;
  early: string | null;
  stopWatching(): void;
}

const prespawned: Prespawned[] = [];

function newWorker(): Worker {
  const w = new Worker(new URL('./process.worker.js', import.meta.url));
  w.unref();
  return w;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Starts a process worker now, for the next NodeWorkerHost.spawn() of this thread to take. It
 * does not keep Node alive; if nothing takes it, it dies with the process.
 */
export function prespawnProcessWorker(): void {
  const worker = newWorker();
  const entry: Prespawned = { worker, early: null, stopWatching: () => worker.off('error', watch) };
  const watch = (e: unknown) => (entry.early ??= messageOf(e));
  worker.on('error', watch);
  prespawned.push(entry);
}

export class NodeWorkerHost implements WorkerHost {
  readonly cores = availableParallelism();
  // A Node worker's bootstrap is ~40-75 ms of CPU; Node has no per-process cap on wasm memory
  // reservations like Chromium's renderer (which ran out after ~124), so a worker runs 256 programs.
  readonly runsPerWorker = 256;

  spawn(): ProcessWorker {
    const pre = prespawned.shift();
    pre?.stopWatching();
    const w = pre?.worker ?? newWorker();
    let early = pre?.early ?? null;
    let onMessage: (msg: ProcessMessage) => void = () => {};
    let onError: (message: string) => void = () => {};
    w.on('message', (m) => onMessage(m));
    w.on('error', (e) => onError(messageOf(e)));
    return {
      post: (msg) => w.postMessage(msg),
      setHandlers: (m, e) => {
        onMessage = m;
        onError = e;
        // A prespawned worker that failed while it waited fails the first program given to it.
        if (early !== null) {
          const message = early;
          early = null;
          queueMicrotask(() => onError(message));
        }
      },
      terminate: () => void w.terminate(),
      setKeepAlive: (on) => (on ? w.ref() : w.unref()),
    };
  }
}

// WorkerHost: the thin adapter between the WASM platform and the JavaScript host's threads
// (Web Workers in a browser, worker_threads under Node). Everything else is the same code.
import type { ProcessMessage, StartMessage } from './channel.js';

export interface ProcessWorker {
  post(msg: StartMessage): void;
  /**
   * Routes the worker's messages and uncaught errors (not wasm traps, which arrive as messages)
   * to these handlers, replacing the previous ones: a worker serves one process after another.
   */
  setHandlers(onMessage: (msg: ProcessMessage) => void, onError: (message: string) => void): void;
  terminate(): void;
  /** Idle warm workers must not keep a Node process alive; running ones must. */
  setKeepAlive(on: boolean): void;
}

export interface WorkerHost {
  readonly cores: number;
  /**
   * Programs one worker may run before it is retired (default: the platform's, 16). A worker
   * started costs tens of milliseconds of CPU (its runtime's bootstrap), which competes with the
   * programs running meanwhile; a host where old memories cannot exhaust the address space keeps
   * its workers longer.
   */
  readonly runsPerWorker?: number;
  spawn(): ProcessWorker;
}

// WorkerHost: the thin adapter between the WASM platform and the JavaScript host's threads
// (Web Workers in a browser, worker_threads under Node). Everything else is the same code.
import type { ProcessMessage, StartMessage } from './channel.js';

export interface ProcessWorker {
  post(msg: StartMessage): void;
  onMessage(cb: (msg: ProcessMessage) => void): void;
  /** An uncaught error in the worker itself (not a wasm trap, which arrives as a message). */
  onError(cb: (message: string) => void): void;
  terminate(): void;
  /** Idle warm workers must not keep a Node process alive; running ones must. */
  setKeepAlive(on: boolean): void;
}

export interface WorkerHost {
  readonly cores: number;
  spawn(): ProcessWorker;
}

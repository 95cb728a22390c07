// The frame's side of the embed protocol (protocol.ts): serves requests from the origins it was
// told to trust — and from no one else: a message from any other origin reaches nothing but an
// error event naming that origin — streams a spawned program's output and exit to the window
// that spawned it, and tells the parent when the kernel is ready (or why it is not).
import { errorMessage, type WasmvisorClient } from '../client.js';
import type { MachineChoice, ProcessEvent } from '../../worker/api/types.js';
import { type Answer, BadRequest, type Event, type Id, PROTOCOL_VERSION, type Request, isForUs, parseRequest } from './protocol.js';

export interface EmbedServerOptions {
  /** Origins whose requests are served (the page's own origin is always among them). */
  trusted: readonly string[];
  /**
   * Serves `reset`: called after the answer is posted; starts the frame afresh (a new ready event
   * follows). Absent on the top-level playground, whose stored machine is never reset this way.
   */
  reset?: () => void;
}

function machineLabel(m: MachineChoice): string {
  return typeof m === 'string' ? m : `persist:${m.persist}`;
}

/** Buffers of the bytes in `value` that can be transferred rather than copied. */
function transferables(value: unknown): Transferable[] {
  return value instanceof Uint8Array && value.buffer instanceof ArrayBuffer && value.byteOffset === 0 &&
    value.byteLength === value.buffer.byteLength ? [value.buffer] : [];
}

/**
 * Serves `client` over postMessage on `win`, and posts the `ready` event to the parent frame (to each
 * trusted origin: a parent of any other origin is not told anything). Returns a function that stops.
 */
export function serveEmbed(client: WasmvisorClient, opts: EmbedServerOptions, win: Window = window): () => void {
  const trusted = new Set(opts.trusted);

  const onMessage = (event: MessageEvent): void => {
    if (!isForUs(event.data)) return;
    const source = event.source as Window | null;
    if (!source || typeof source.postMessage !== 'function' || source === win) return;
    const msg = event.data;
    if (msg.type !== undefined && msg.id === undefined) return; // an answer or event, not a request
    const post = (m: Answer | Event, targetOrigin: string, transfer: Transferable[] = []): void => {
      try {
        source.postMessage(m, { targetOrigin, transfer });
      } catch (err) {
        console.warn('wasmvisor: could not answer an embed message', err);
      }
    };
    if (!trusted.has(event.origin)) {
      // Nothing reaches the kernel. The reply names the origin so its author knows what to change;
      // it carries nothing of the machine's.
      const origin = event.origin && event.origin !== 'null' ? event.origin : '*';
      post({
        wasmvisor: PROTOCOL_VERSION, type: 'error',
        error: `origin ${event.origin || 'null'} is not trusted by this frame: nothing was done. ` +
          `The frame serves the origins given as origin= in its URL (add &origin=${encodeURIComponent(event.origin)}).`,
      }, origin);
      return;
    }
    const origin = event.origin;
    let request: Request;
    try {
      request = parseRequest(msg);
    } catch (err) {
      const id = err instanceof BadRequest ? err.id : null;
      post({ wasmvisor: PROTOCOL_VERSION, type: 'result', id, ok: false, error: errorMessage(err) }, origin);
      return;
    }
    const answer = (id: Id, value: unknown): void =>
      post({ wasmvisor: PROTOCOL_VERSION, type: 'result', id, ok: true, value }, origin, transferables(value));
    serve(client, request, (event) => {
      if (event.type === 'exit') post({ wasmvisor: PROTOCOL_VERSION, ...event }, origin);
      else post({ wasmvisor: PROTOCOL_VERSION, ...event }, origin, transferables(event.data));
    }).then(
      (value) => {
        answer(request.id, value);
        if (request.method === 'reset') opts.reset!();
      },
      (err: unknown) => post({ wasmvisor: PROTOCOL_VERSION, type: 'result', id: request.id, ok: false, error: errorMessage(err) }, origin),
    );
  };

  async function serve(c: WasmvisorClient, r: Request, stream: (e: ProcessEvent) => void): Promise<unknown> {
    switch (r.method) {
      case 'version':
        return c.version();
      case 'run':
        return c.run(r.params);
      case 'spawn':
        return { pid: await c.spawn(r.params, stream) };
      case 'stdin':
        if (r.params.data !== undefined) await c.stdin(r.params.pid, r.params.data);
        if (r.params.eof) await c.stdin(r.params.pid, null);
        return undefined;
      case 'kill':
        await c.kill(r.params.pid, r.params.signal);
        return undefined;
      case 'writeFile':
        await c.fs.writeFile(r.params.path, r.params.data);
        return undefined;
      case 'readFile':
        return c.fs.readFile(r.params.path);
      case 'readdir':
        return c.fs.readdir(r.params.path);
      case 'mkdir':
        await c.fs.mkdir(r.params.path);
        return undefined;
      case 'reset':
        if (!opts.reset) throw new Error('reset: only an embedded frame can be reset (this page runs the playground\'s stored machine)');
        return undefined;
    }
  }

  win.addEventListener('message', onMessage);

  if (win.parent && win.parent !== win) {
    const parent = win.parent;
    const tell = (msg: Event): void => {
      for (const origin of trusted) {
        try {
          parent.postMessage(msg, origin); // dropped by the browser unless the parent is of that origin
        } catch {
          /* the parent went away */
        }
      }
    };
    const isolated = globalThis.crossOriginIsolated === true;
    const machine = machineLabel(client.machine);
    client.ready.then(
      (version) => tell({ wasmvisor: PROTOCOL_VERSION, type: 'ready', ok: true, version, isolated, machine }),
      (err: unknown) => tell({ wasmvisor: PROTOCOL_VERSION, type: 'ready', ok: false, error: errorMessage(err), isolated, machine }),
    );
  }
  return () => win.removeEventListener('message', onMessage);
}

// The embed protocol, version 1: the messages a page that frames wasmvisor exchanges with it over
// postMessage, and the check of every incoming request (a malformed one gets an answer naming what
// was wrong). Documented in README.md ("Embedding").
//
//   request  (parent → frame)  { wasmvisor: 1, id, method, params? }
//   answer   (frame → parent)  { wasmvisor: 1, type: 'result', id, ok: true, value }
//                             { wasmvisor: 1, type: 'result', id, ok: false, error }
//   events   (frame → parent)  { wasmvisor: 1, type: 'ready', ok, version?, error?, isolated, machine }
//                             { wasmvisor: 1, type: 'stdout' | 'stderr', pid, data: Uint8Array }
//                             { wasmvisor: 1, type: 'exit', pid, exitCode, reason? }
//                             { wasmvisor: 1, type: 'error', error }   (a message that was not served)
import type { RunOptions } from '../../worker/api/types.js';

export const PROTOCOL_VERSION = 1;

export type Method = 'version' | 'run' | 'spawn' | 'stdin' | 'kill' | 'writeFile' | 'readFile' | 'readdir' | 'mkdir' | 'reset';
export const METHODS: readonly Method[] = ['version', 'run', 'spawn', 'stdin', 'kill', 'writeFile', 'readFile', 'readdir', 'mkdir', 'reset'];

export type Id = string | number;

export type Request =
  | { id: Id; method: 'version' | 'reset'; params: Record<string, never> }
  | { id: Id; method: 'run' | 'spawn'; params: RunOptions }
  | { id: Id; method: 'stdin'; params: { pid: number; data?: string | Uint8Array; eof: boolean } }
  | { id: Id; method: 'kill'; params: { pid: number; signal?: string | number } }
  | { id: Id; method: 'writeFile'; params: { path: string; data: string | Uint8Array } }
  | { id: Id; method: 'readFile' | 'readdir' | 'mkdir'; params: { path: string } };

export type Answer =
  | { wasmvisor: 1; type: 'result'; id: Id | null; ok: true; value: unknown }
  | { wasmvisor: 1; type: 'result'; id: Id | null; ok: false; error: string };

export type Event =
  | { wasmvisor: 1; type: 'ready'; ok: boolean; version?: string; error?: string; isolated: boolean; machine: string }
  | { wasmvisor: 1; type: 'stdout' | 'stderr'; pid: number; data: Uint8Array }
  | { wasmvisor: 1; type: 'exit'; pid: number; exitCode: number; reason?: string }
  | { wasmvisor: 1; type: 'error'; error: string };

/** A request that cannot be served: the answer names `problem`; `id` is echoed when it was valid. */
export class BadRequest extends Error {
  constructor(readonly id: Id | null, problem: string) {
    super(problem);
  }
}

/** Whether a message is addressed to wasmvisor at all (anything else on the window is ignored). */
export function isForUs(data: unknown): data is Record<string, unknown> {
  return !!data && typeof data === 'object' && 'wasmvisor' in data;
}

function bytesOf(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return undefined;
}

/** Checks a message for wasmvisor; throws BadRequest naming the first thing wrong. */
export function parseRequest(msg: Record<string, unknown>): Request {
  const rawId = msg.id;
  const id: Id | null = typeof rawId === 'string' || (typeof rawId === 'number' && Number.isFinite(rawId)) ? rawId : null;
  const bad = (problem: string): never => {
    throw new BadRequest(id, problem);
  };
  if (msg.wasmvisor !== PROTOCOL_VERSION) {
    if (typeof msg.wasmvisor === 'string') {
      bad(`this frame speaks protocol version 1: send { wasmvisor: 1, id, method: '${msg.wasmvisor}', params }`);
    }
    bad(`protocol version ${JSON.stringify(msg.wasmvisor)} is not supported (this frame speaks version 1)`);
  }
  if (msg.type !== undefined) bad(`a request has no 'type' (got ${JSON.stringify(msg.type)}): answers and events are sent by the frame`);
  if (id === null) bad('id must be a string or a finite number');
  const method = msg.method;
  if (typeof method !== 'string') bad(`method must be a string, one of ${METHODS.join(', ')}`);
  if (!METHODS.includes(method as Method)) bad(`unknown method '${String(method)}' (one of ${METHODS.join(', ')})`);
  const params = msg.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) bad(`${String(method)}: params must be an object`);
  const p = params as Record<string, unknown>;
  const str = (key: string): string => {
    const v = p[key];
    if (typeof v !== 'string' || v === '') bad(`${String(method)}: params.${key} must be a non-empty string`);
    return v as string;
  };
  const path = (): string => {
    const v = str('path');
    if (!v.startsWith('/')) bad(`${String(method)}: params.path must be absolute (got ${JSON.stringify(v)})`);
    return v;
  };
  const pid = (): number => {
    const v = p.pid;
    if (!Number.isInteger(v) || (v as number) <= 0) bad(`${String(method)}: params.pid must be the positive integer spawn answered`);
    return v as number;
  };
  const m = method as Method;
  switch (m) {
    case 'version':
    case 'reset':
      return { id: id!, method: m, params: {} };
    case 'run':
    case 'spawn': {
      const o = p as RunOptions & Record<string, unknown>;
      if (o.argv !== undefined && (!Array.isArray(o.argv) || o.argv.some((a) => typeof a !== 'string'))) bad(`${m}: params.argv must be an array of strings`);
      if (o.image === undefined && !Array.isArray(o.argv)) bad(`${m}: give params.argv (argv[0] is the program) or params.image`);
      if (o.image !== undefined && (typeof o.image !== 'string' || o.image === '')) bad(`${m}: params.image must be a non-empty string`);
      if (o.stdin !== undefined && typeof o.stdin !== 'string' && !bytesOf(o.stdin)) bad(`${m}: params.stdin must be a string, Uint8Array or ArrayBuffer`);
      const opts: RunOptions = { ...o };
      if (o.stdin !== undefined && typeof o.stdin !== 'string') opts.stdin = bytesOf(o.stdin)!;
      return { id: id!, method: m, params: opts };
    }
    case 'stdin': {
      const eof = p.eof === true;
      if (p.eof !== undefined && typeof p.eof !== 'boolean') bad('stdin: params.eof must be a boolean');
      if (p.data === undefined && !eof) bad('stdin: give params.data (string, Uint8Array or ArrayBuffer) and/or params.eof: true');
      const data = p.data === undefined ? undefined : typeof p.data === 'string' ? p.data : bytesOf(p.data);
      if (p.data !== undefined && data === undefined) bad('stdin: params.data must be a string, Uint8Array or ArrayBuffer');
      return { id: id!, method: m, params: { pid: pid(), data, eof } };
    }
    case 'kill': {
      const s = p.signal;
      if (s !== undefined && typeof s !== 'string' && !Number.isInteger(s)) bad('kill: params.signal must be a name ("SIGTERM") or a number');
      return { id: id!, method: m, params: { pid: pid(), signal: s as string | number | undefined } };
    }
    case 'writeFile': {
      const at = path();
      const data = typeof p.data === 'string' ? p.data : bytesOf(p.data);
      if (data === undefined) bad('writeFile: params.data must be a string, Uint8Array or ArrayBuffer');
      return { id: id!, method: m, params: { path: at, data: data! } };
    }
    case 'readFile':
    case 'readdir':
    case 'mkdir':
      return { id: id!, method: m, params: { path: path() } };
  }
}

// The tar writer: builds a ustar archive in memory, with a pax extended header for a path or link
// name that does not fit ustar's fields. Used by tests and by scripts/build-images.mjs (via dist/).
export interface TarWriteEntry {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  data?: Uint8Array | string;
  mode?: number;
  mtime?: number;
  linkname?: string;
  /** Writes this raw typeflag (say 'L', 'x', 'g') with `data` as the entry's data, for tests. */
  typeflag?: string;
}

const BLOCK = 512;
const enc = new TextEncoder();

function putString(h: Uint8Array, off: number, len: number, s: string): void {
  h.set(enc.encode(s).subarray(0, len), off);
}

function putOctal(h: Uint8Array, off: number, len: number, n: number): void {
  putString(h, off, len, n.toString(8).padStart(len - 1, '0') + '\0');
}

function header(name: string, flag: string, size: number, mode: number, mtime: number, linkname: string): Uint8Array {
  const h = new Uint8Array(BLOCK);
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, mode);
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156);
  h[156] = flag.charCodeAt(0);
  putString(h, 157, 100, linkname);
  putString(h, 257, 8, 'ustar\u000000');
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const b = enc.encode(body).length;
  let len = b + String(b).length;
  if (String(len).length !== String(b).length) len = b + String(len).length;
  return `${len}${body}`;
}

/** Writes `entries` as a tar archive (ending with two zero blocks). */
export function writeTar(entries: TarWriteEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const push = (h: Uint8Array, data?: Uint8Array) => {
    parts.push(h);
    if (data && data.length) {
      parts.push(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(new Uint8Array(pad));
    }
  };
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = type === 'file' || e.typeflag !== undefined ? (typeof e.data === 'string' ? enc.encode(e.data) : e.data ?? new Uint8Array()) : undefined;
    const linkname = e.linkname ?? '';
    const mtime = e.mtime ?? 0;
    const mode = e.mode ?? (type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644);
    const long = (s: string) => enc.encode(s).length > 100 || /[^\x20-\x7e]/.test(s);
    let pax = '';
    if (long(e.path)) pax += paxRecord('path', e.path);
    if (long(linkname)) pax += paxRecord('linkpath', linkname);
    if (pax && e.typeflag === undefined) {
      const body = enc.encode(pax);
      push(header('PaxHeaders/' + e.path.replace(/[^\x20-\x7e]/g, '_').slice(-80), 'x', body.length, 0o644, mtime, ''), body);
    }
    const flag = e.typeflag ?? { file: '0', dir: '5', symlink: '2', hardlink: '1' }[type];
    push(header(e.path, flag, data?.length ?? 0, mode, mtime, linkname), data);
  }
  parts.push(new Uint8Array(BLOCK * 2));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

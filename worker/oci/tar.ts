// The tar reader: walks a tar archive held in a Uint8Array (ustar and GNU headers, pax extended
// headers `x`/`g` with path/linkpath/size/mtime, GNU long names `L` and long link names `K`,
// base-256 sizes). Entry data are subarrays of the input, never copies. A truncated archive (a
// header or an entry's data running past the end) or a header with a bad checksum is an ImageError.
import { ImageError } from './errors.js';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** The path as stored (pax `path`, GNU long name or ustar prefix + name), not normalized. */
  path: string;
  type: TarEntryType;
  /** The raw typeflag character ('0', '5', '3', ...). */
  typeflag: string;
  mode: number;
  size: number;
  /** Target of a symlink or hard link ('' otherwise). */
  linkname: string;
  /** Seconds since the epoch. */
  mtime: number;
  /** The entry's bytes: a view into the archive. */
  data: Uint8Array;
}

const BLOCK = 512;
const utf8 = new TextDecoder();

function field(h: Uint8Array, off: number, len: number): string {
  const f = h.subarray(off, off + len);
  const nul = f.indexOf(0);
  return utf8.decode(nul >= 0 ? f.subarray(0, nul) : f);
}

/** An octal numeric field, or GNU base-256 when the high bit of the first byte is set. */
function numeric(h: Uint8Array, off: number, len: number, what: string): number {
  if (h[off]! & 0x80) {
    let v = h[off]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + h[off + i]!;
    return v;
  }
  const s = field(h, off, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new ImageError(`${what}: bad numeric header field ${JSON.stringify(s)}`);
  return parseInt(s, 8);
}

function checksumOk(h: Uint8Array): boolean {
  const stored = field(h, 148, 8).trim();
  if (!/^[0-7]+$/.test(stored)) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  const want = parseInt(stored, 8);
  return want === unsigned || want === signed;
}

/** Parses pax records `"<len> <key>=<value>\n"`. */
function parsePax(data: Uint8Array, what: string): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break;
    const space = data.indexOf(0x20, at);
    const len = space > at ? Number(utf8.decode(data.subarray(at, space))) : NaN;
    if (!Number.isInteger(len) || len <= 0 || at + len > data.length || data[at + len - 1] !== 0x0a) {
      throw new ImageError(`${what}: malformed pax extended header`);
    }
    const record = utf8.decode(data.subarray(space + 1, at + len - 1));
    const eq = record.indexOf('=');
    if (eq <= 0) throw new ImageError(`${what}: malformed pax record ${JSON.stringify(record)}`);
    out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0': case '\0': case '7': return 'file';
    case '1': return 'hardlink';
    case '2': return 'symlink';
    case '5': return 'dir';
    default: return 'other';
  }
}

/**
 * Reads every entry of a tar archive. `what` names the archive in errors. An archive may end
 * without its two zero blocks, but never inside a header or inside an entry's data.
 */
export function readTar(bytes: Uint8Array, what = 'tar archive'): TarEntry[] {
  const entries: TarEntry[] = [];
  const global = new Map<string, string>();
  let local = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let at = 0;
  while (at < bytes.length) {
    if (at + BLOCK > bytes.length) {
      throw new ImageError(`${what}: truncated: a header at offset ${at} runs past the end (${bytes.length} bytes)`);
    }
    const h = bytes.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break; // end of archive
    if (!checksumOk(h)) throw new ImageError(`${what}: corrupt tar header at offset ${at} (bad checksum)`);
    const flag = String.fromCharCode(h[156]!);
    const ustar = field(h, 257, 6).startsWith('ustar');
    let path = field(h, 0, 100);
    if (ustar && flag !== 'L' && flag !== 'K') {
      const prefix = field(h, 345, 155);
      if (prefix && h[257 + 5] === 0) path = `${prefix}/${path}`; // POSIX ustar only (not GNU)
    }
    const where = `${what}: entry ${JSON.stringify(path)} at offset ${at}`;
    let size = numeric(h, 124, 12, where);
    const override = (k: string) => local.get(k) ?? global.get(k);
    const paxSize = override('size');
    if (paxSize !== undefined && flag !== 'x' && flag !== 'g') {
      size = Number(paxSize);
      if (!Number.isSafeInteger(size) || size < 0) throw new ImageError(`${where}: bad pax size ${paxSize}`);
    }
    const start = at + BLOCK;
    const end = start + size;
    if (end > bytes.length) {
      throw new ImageError(
        `${what}: truncated: entry ${JSON.stringify(longName ?? override('path') ?? path)} needs ${size} bytes at offset ${start}, archive has ${bytes.length - start}`,
      );
    }
    const data = bytes.subarray(start, end);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    switch (flag) {
      case 'x': local = parsePax(data, where); continue;
      case 'g': for (const [k, v] of parsePax(data, where)) global.set(k, v); continue;
      case 'L': longName = field(data, 0, data.length); continue;
      case 'K': longLink = field(data, 0, data.length); continue;
    }
    const type = entryType(flag);
    const mtimePax = override('mtime');
    entries.push({
      path: override('path') ?? longName ?? path,
      type,
      typeflag: flag,
      mode: numeric(h, 100, 8, where) & 0o7777,
      size: type === 'file' ? size : 0,
      linkname: override('linkpath') ?? longLink ?? field(h, 157, 100),
      mtime: mtimePax !== undefined ? Math.floor(Number(mtimePax)) || 0 : numeric(h, 136, 12, where),
      data: type === 'file' ? data : data.subarray(0, 0),
    });
    local = new Map();
    longName = longLink = undefined;
  }
  return entries;
}

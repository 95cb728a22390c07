// Module loader: validates a WebAssembly binary's framing and rewrites it so that its linear
// memory is an imported *shared* WebAssembly.Memory owned by the kernel (so the kernel can read
// and write process memory in place from another thread). Owns the binary-level parsing of the
// import, memory and export sections; every other section is copied through byte for byte.
// Pure functions on Uint8Array: no DOM, no Node APIs.

export type LoadErrorCode = 'not-a-module' | 'malformed' | 'unsupported' | 'memory-too-large';

export class LoadError extends Error {
  constructor(readonly code: LoadErrorCode, message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

/** A function type, its value types written as WAT writes them (`i32`, `i64`, `externref`...). */
export interface FuncType {
  params: string[];
  results: string[];
}

export interface ModuleImport {
  module: string;
  name: string;
  kind: ExternKind;
  /** A function import's type; absent when the module's types are ones this loader does not
   *  read (GC's struct, array and recursive types): the engine then checks the import itself. */
  type?: FuncType;
}

export interface ModuleExport {
  name: string;
  kind: ExternKind;
  index: number;
}

export interface MemoryPlan {
  /** Pages the memory must have at instantiation. */
  initialPages: number;
  /** Maximum pages, after applying the limit; always >= initialPages. */
  maximumPages: number;
  /** True when the module imported its memory already (the import was kept, made shared). */
  imported: boolean;
  /** Where the host must supply the shared memory in the import object. */
  importModule: string;
  importName: string;
}

export interface PreparedModule {
  /**
   * The rewritten module binary, always backed by a plain ArrayBuffer so it can be handed to
   * WebAssembly.compile. When nothing had to change this is the input itself (or a copy of it, if
   * the input lived in a SharedArrayBuffer).
   */
  bytes: Uint8Array<ArrayBuffer>;
  /** The original module's imports (excluding the memory import the loader adds). */
  imports: ModuleImport[];
  exports: ModuleExport[];
  /** null when the module has no memory at all. */
  memory: MemoryPlan | null;
}

export const MEMORY_IMPORT_MODULE = 'wasmvisor';
export const MEMORY_IMPORT_NAME = 'memory';

/** Largest page count of a 32-bit memory (4 GiB). */
export const MAX_PAGES = 65536;

const KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

const SECTION_NAMES: Record<number, string> = {
  0: 'custom', 1: 'type', 2: 'import', 3: 'function', 4: 'table', 5: 'memory', 6: 'global',
  7: 'export', 8: 'start', 9: 'element', 10: 'code', 11: 'data', 12: 'data count', 13: 'tag',
};

/** Position of each known section id in the canonical order (custom sections excluded). */
const SECTION_RANK: Record<number, number> = {
  1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13,
};

const SEC_TYPE = 1;
const SEC_IMPORT = 2;
const SEC_MEMORY = 5;
const SEC_EXPORT = 7;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A bounds-checked cursor over bytes[pos, end) that names its context in errors. */
class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly where: string,
  ) {}

  fail(what: string, at = this.pos): never {
    throw new LoadError('malformed', `malformed ${this.where} at byte offset ${at}: ${what}`);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end');
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128, at most 32 bits (5 bytes, unused high bits zero). */
  u32(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.fail('unexpected end in LEB128 integer', start);
      const b = this.bytes[this.pos++]!;
      if (i === 4) {
        if (b & 0xf0) this.fail('LEB128 integer too large for u32', start);
        return (result + b * 2 ** 28) >>> 0;
      }
      result |= (b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return result >>> 0;
    }
    return this.fail('LEB128 integer too long', start);
  }

  /** Skips an LEB128 integer of at most `maxBytes` bytes (u64: 10, s33: 5). */
  skipLeb(maxBytes: number): void {
    const start = this.pos;
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) this.fail('unexpected end in LEB128 integer', start);
      if (!(this.bytes[this.pos++]! & 0x80)) return;
    }
    this.fail('LEB128 integer too long', start);
  }

  name(): string {
    const len = this.u32();
    const start = this.pos;
    if (len > this.end - start) this.fail('name extends past end', start);
    this.pos += len;
    try {
      return utf8.decode(this.bytes.subarray(start, start + len));
    } catch {
      return this.fail('name is not valid UTF-8', start);
    }
  }
}

interface Limits {
  min: number;
  max: number | null;
  shared: boolean;
}

/** Reads memory limits; rejects memory64. */
function readMemoryLimits(r: Reader): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (flags & 0x04 && flags < 0x08) {
    throw new LoadError('unsupported', 'memory64 is not supported');
  }
  if (flags > 0x07) {
    if (flags & 0x08 && flags < 0x10) {
      throw new LoadError('unsupported', 'custom memory page sizes are not supported');
    }
    r.fail(`invalid memory limits flags 0x${flags.toString(16)}`, at);
  }
  const min = r.u32();
  const max = flags & 0x01 ? r.u32() : null;
  return { min, max, shared: (flags & 0x02) !== 0 };
}

/** Skips table limits (table64 allowed: we never touch tables). */
function skipTableLimits(r: Reader): void {
  const at = r.pos;
  const flags = r.u8();
  if (flags > 0x07) r.fail(`invalid table limits flags 0x${flags.toString(16)}`, at);
  const leb = flags & 0x04 ? 10 : 5;
  r.skipLeb(leb);
  if (flags & 0x01) r.skipLeb(leb);
}

/** Skips a value type or reference type (numeric, vector, shorthand ref, or (ref null? ht)). */
function skipValType(r: Reader): void {
  const b = r.u8();
  if (b === 0x63 || b === 0x64) r.skipLeb(5); // (ref null ht) / (ref ht), ht is s33
}

const VALTYPE_NAMES: Record<number, string> = {
  0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref',
};

/** Reads a value type and names it (reference types other than funcref/externref are `ref`). */
function readValType(r: Reader): string {
  const b = r.u8();
  if (b === 0x63 || b === 0x64) r.skipLeb(5); // (ref null ht) / (ref ht), ht is s33
  return VALTYPE_NAMES[b] ?? 'ref';
}

/**
 * The function types of the type section, by type index; null when the section holds other
 * kinds of types (GC proposal), which this loader does not read.
 */
function parseTypes(bytes: Uint8Array, s: SectionInfo): FuncType[] | null {
  const r: Reader = new Reader(bytes, s.contentStart, s.end, 'type section');
  const count = r.u32();
  const types: FuncType[] = [];
  for (let i = 0; i < count; i++) {
    if (r.u8() !== 0x60) return null;
    const params: string[] = [];
    for (let n = r.u32(); n > 0; n--) params.push(readValType(r));
    const results: string[] = [];
    for (let n = r.u32(); n > 0; n--) results.push(readValType(r));
    types.push({ params, results });
  }
  if (r.pos !== s.end) r.fail('section size does not match its contents');
  return types;
}

/** A function type as WAT writes it: `(param i32 i64) (result i32)`. */
export function formatFuncType(t: FuncType): string {
  const parts: string[] = [];
  if (t.params.length > 0) parts.push(`(param ${t.params.join(' ')})`);
  if (t.results.length > 0) parts.push(`(result ${t.results.join(' ')})`);
  return parts.length > 0 ? parts.join(' ') : '(no params, no result)';
}

function encodeU32(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function encodeName(out: number[], s: string): void {
  const bytes = new TextEncoder().encode(s);
  encodeU32(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/** Shared limits with a maximum: flags 0x03. */
function encodeSharedLimits(out: number[], min: number, max: number): void {
  out.push(0x03);
  encodeU32(out, min);
  encodeU32(out, max);
}

interface SectionInfo {
  id: number;
  /** Offset of the section id byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the section. */
  end: number;
}

interface ImportScan {
  imports: ModuleImport[];
  count: number;
  /** Offset of the first import entry (just past the count). */
  entriesStart: number;
  /** The memory import, if any: where its limits are, and what they say. */
  memory: { module: string; name: string; limitsStart: number; limitsEnd: number; limits: Limits } | null;
}

function parseImports(bytes: Uint8Array, s: SectionInfo, types: FuncType[] | null): ImportScan {
  const r: Reader = new Reader(bytes, s.contentStart, s.end, 'import section');
  const count = r.u32();
  const entriesStart = r.pos;
  const imports: ModuleImport[] = [];
  let memory: ImportScan['memory'] = null;
  for (let i = 0; i < count; i++) {
    const module = r.name();
    const name = r.name();
    const kindAt = r.pos;
    const kindByte = r.u8();
    const kind = KINDS[kindByte];
    if (kind === undefined) r.fail(`unknown import kind 0x${kindByte.toString(16)}`, kindAt);
    let type: FuncType | undefined;
    switch (kind) {
      case 'func': {
        const typeAt = r.pos;
        const index = r.u32();
        if (types !== null) type = types[index] ?? r.fail(`function import refers to type ${index}, which does not exist`, typeAt);
        break;
      }
      case 'table':
        skipValType(r);
        skipTableLimits(r);
        break;
      case 'memory': {
        const limitsStart = r.pos;
        const limits = readMemoryLimits(r);
        if (memory !== null) {
          throw new LoadError('unsupported', 'multiple memories are not supported');
        }
        memory = { module, name, limitsStart, limitsEnd: r.pos, limits };
        break;
      }
      case 'global': {
        skipValType(r);
        const mutAt = r.pos;
        if (r.u8() > 1) r.fail('invalid global mutability', mutAt);
        break;
      }
      case 'tag': {
        const attrAt = r.pos;
        if (r.u8() !== 0) r.fail('invalid tag attribute', attrAt);
        r.u32();
        break;
      }
    }
    imports.push(type ? { module, name, kind, type } : { module, name, kind });
  }
  if (r.pos !== s.end) r.fail('section size does not match its contents');
  return { imports, count, entriesStart, memory };
}

function parseExports(bytes: Uint8Array, s: SectionInfo): ModuleExport[] {
  const r: Reader = new Reader(bytes, s.contentStart, s.end, 'export section');
  const count = r.u32();
  const exports: ModuleExport[] = [];
  for (let i = 0; i < count; i++) {
    const name = r.name();
    const kindAt = r.pos;
    const kindByte = r.u8();
    const kind = KINDS[kindByte];
    if (kind === undefined) r.fail(`unknown export kind 0x${kindByte.toString(16)}`, kindAt);
    exports.push({ name, kind, index: r.u32() });
  }
  if (r.pos !== s.end) r.fail('section size does not match its contents');
  return exports;
}

function parseMemories(bytes: Uint8Array, s: SectionInfo): Limits[] {
  const r: Reader = new Reader(bytes, s.contentStart, s.end, 'memory section');
  const count = r.u32();
  if (count > 1) throw new LoadError('unsupported', 'multiple memories are not supported');
  const memories: Limits[] = [];
  for (let i = 0; i < count; i++) memories.push(readMemoryLimits(r));
  if (r.pos !== s.end) r.fail('section size does not match its contents');
  return memories;
}

/** Applies the page limit to a memory's declared limits. */
function planLimits(limits: Limits, limitPages: number, what: string): { initial: number; maximum: number } {
  const { min, max } = limits;
  if (min > MAX_PAGES) {
    throw new LoadError('malformed', `${what} minimum of ${min} pages exceeds ${MAX_PAGES}`);
  }
  if (max !== null && max < min) {
    throw new LoadError('malformed', `${what} maximum (${max} pages) is below its minimum (${min} pages)`);
  }
  if (min > limitPages) {
    throw new LoadError('memory-too-large', `module needs ${min} pages of memory at start, limit is ${limitPages}`);
  }
  const maximum = Math.min(max ?? MAX_PAGES, limitPages, MAX_PAGES);
  return { initial: min, maximum };
}

function sectionHeader(id: number, contentLength: number): Uint8Array {
  const out = [id];
  encodeU32(out, contentLength);
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function checkHeader(bytes: Uint8Array): void {
  if (bytes.length < 4 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new LoadError('not-a-module', 'not a WebAssembly module (bad magic)');
  }
  if (bytes.length < 8) {
    throw new LoadError('malformed', 'malformed module header: truncated after the magic number');
  }
  const version = bytes[4]! | (bytes[5]! << 8);
  const layer = bytes[6]! | (bytes[7]! << 8);
  if (version === 1 && layer === 0) return;
  if (layer === 1) {
    throw new LoadError(
      'not-a-module',
      `this is a WebAssembly component (component model, version 0x${version.toString(16)}, layer 1), ` +
        'not a core module; only core WebAssembly modules are supported',
    );
  }
  throw new LoadError('not-a-module', `unsupported WebAssembly binary version ${version} (layer ${layer}); expected version 1`);
}

/** Splits the module into sections, checking sizes and the canonical order. */
function scanSections(bytes: Uint8Array): SectionInfo[] {
  const sections: SectionInfo[] = [];
  let pos = 8;
  let lastRank = 0;
  let lastId = 0;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos]!;
    const label = SECTION_NAMES[id];
    if (label === undefined) {
      throw new LoadError('malformed', `malformed module: unknown section id ${id} at byte offset ${start}`);
    }
    const r: Reader = new Reader(bytes, pos + 1, bytes.length, `${label} section header`);
    const size = r.u32();
    const contentStart = r.pos;
    if (size > bytes.length - contentStart) {
      throw new LoadError(
        'malformed',
        `malformed ${label} section at byte offset ${start}: size ${size} extends past the end of the module ` +
          `(${bytes.length - contentStart} bytes left)`,
      );
    }
    const end = contentStart + size;
    if (id !== 0) {
      const rank = SECTION_RANK[id]!;
      if (rank === lastRank) {
        throw new LoadError('malformed', `malformed module: duplicate ${label} section at byte offset ${start}`);
      }
      if (rank < lastRank) {
        throw new LoadError(
          'malformed',
          `malformed module: ${label} section at byte offset ${start} comes after the ${SECTION_NAMES[lastId]} section`,
        );
      }
      lastRank = rank;
      lastId = id;
    } else {
      // A custom section must at least hold its name.
      new Reader(bytes, contentStart, end, 'custom section').name();
    }
    sections.push({ id, start, contentStart, end });
    pos = end;
  }
  return sections;
}

/**
 * Parses `bytes` and rewrites it so its memory (if any) is an imported shared memory with at most
 * `limitPages` pages. Throws LoadError for anything that is not a loadable core module.
 */
export function prepareModule(bytes: Uint8Array, limitPages: number): PreparedModule {
  if (!Number.isInteger(limitPages) || limitPages < 0) {
    throw new RangeError(`limitPages must be a non-negative integer, got ${limitPages}`);
  }
  checkHeader(bytes);
  const sections = scanSections(bytes);

  let importSec: SectionInfo | null = null;
  let memorySec: SectionInfo | null = null;
  let scan: ImportScan | null = null;
  let exports: ModuleExport[] = [];
  let defined: Limits[] = [];
  // The type section comes before the import section (scanSections checks the order).
  let types: FuncType[] | null = [];
  for (const s of sections) {
    if (s.id === SEC_TYPE) {
      types = parseTypes(bytes, s);
    } else if (s.id === SEC_IMPORT) {
      importSec = s;
      scan = parseImports(bytes, s, types);
    } else if (s.id === SEC_MEMORY) {
      memorySec = s;
      defined = parseMemories(bytes, s);
    } else if (s.id === SEC_EXPORT) {
      exports = parseExports(bytes, s);
    }
  }
  const imports = scan?.imports ?? [];
  const importedMemory = scan?.memory ?? null;

  if (importedMemory !== null && defined.length > 0) {
    throw new LoadError('unsupported', 'multiple memories are not supported');
  }

  // Case 1: the module already imports its memory. Keep the import, make it shared and capped.
  if (importedMemory !== null) {
    const plan = planLimits(importedMemory.limits, limitPages, `imported memory "${importedMemory.module}" "${importedMemory.name}"`);
    const limits: number[] = [];
    encodeSharedLimits(limits, plan.initial, plan.maximum);
    const s = importSec!;
    const newLimits = Uint8Array.from(limits);
    const contentLength =
      s.end - s.contentStart - (importedMemory.limitsEnd - importedMemory.limitsStart) + newLimits.length;
    const out = concat([
      bytes.subarray(0, s.start),
      sectionHeader(SEC_IMPORT, contentLength),
      bytes.subarray(s.contentStart, importedMemory.limitsStart),
      newLimits,
      bytes.subarray(importedMemory.limitsEnd, bytes.length),
    ]);
    return {
      bytes: out,
      imports,
      exports,
      memory: {
        initialPages: plan.initial,
        maximumPages: plan.maximum,
        imported: true,
        importModule: importedMemory.module,
        importName: importedMemory.name,
      },
    };
  }

  // Case 2: no memory at all. Nothing to change.
  if (defined.length === 0) {
    const plain = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
    return { bytes: plain, imports, exports, memory: null };
  }

  // Case 3: the module defines its memory. Drop the memory section and import it instead; memory
  // index 0 and all function indices stay the same.
  const plan = planLimits(defined[0]!, limitPages, 'memory');
  const entry: number[] = [];
  encodeName(entry, MEMORY_IMPORT_MODULE);
  encodeName(entry, MEMORY_IMPORT_NAME);
  entry.push(0x02);
  encodeSharedLimits(entry, plan.initial, plan.maximum);
  const entryBytes = Uint8Array.from(entry);

  const count: number[] = [];
  encodeU32(count, (scan?.count ?? 0) + 1);
  const countBytes = Uint8Array.from(count);
  const oldEntries = importSec && scan ? bytes.subarray(scan.entriesStart, importSec.end) : new Uint8Array(0);
  const newImportContentLength = countBytes.length + oldEntries.length + entryBytes.length;
  const newImportSection = [sectionHeader(SEC_IMPORT, newImportContentLength), countBytes, oldEntries, entryBytes];

  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let copyFrom = 8;
  let inserted = false;
  const flush = (upTo: number): void => {
    if (upTo > copyFrom) parts.push(bytes.subarray(copyFrom, upTo));
  };
  for (const s of sections) {
    if (s.id === SEC_IMPORT) {
      flush(s.start);
      parts.push(...newImportSection);
      inserted = true;
      copyFrom = s.end;
    } else if (!inserted && s.id !== 0 && SECTION_RANK[s.id]! > SECTION_RANK[SEC_IMPORT]!) {
      flush(s.start);
      parts.push(...newImportSection);
      inserted = true;
      copyFrom = s.start;
    }
    if (s === memorySec) {
      flush(s.start);
      copyFrom = s.end;
    }
  }
  flush(bytes.length);
  if (!inserted) parts.push(...newImportSection); // unreachable: a memory section follows it
  return {
    bytes: concat(parts),
    imports,
    exports,
    memory: {
      initialPages: plan.initial,
      maximumPages: plan.maximum,
      imported: false,
      importModule: MEMORY_IMPORT_MODULE,
      importName: MEMORY_IMPORT_NAME,
    },
  };
}

// Unit tests for the module loader (worker/platform/wasm/loader.ts): rewriting a module's memory
// into an imported shared memory, and rejecting what it cannot load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import wabtInit from 'wabt';
import {
  formatFuncType,
  LoadError,
  MEMORY_IMPORT_MODULE,
  MEMORY_IMPORT_NAME,
  prepareModule,
  type LoadErrorCode,
} from '../worker/platform/wasm/loader.js';

const wabt = await wabtInit();

/** Assembles WAT (threads enabled; extra wabt features, including untyped ones like multi_memory). */
function wat(src: string, features: Record<string, boolean> = {}, debugNames = false): Uint8Array<ArrayBuffer> {
  const m = wabt.parseWat('test.wat', src, { threads: true, ...features });
  try {
    return new Uint8Array(m.toBinary({ write_debug_names: debugNames }).buffer);
  } finally {
    m.destroy();
  }
}

// ---- hand-crafted binaries ----

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...leb(b.length), ...b];
}

function sec(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

function custom(name: string, payload: number[]): number[] {
  return sec(0, [...str(name), ...payload]);
}

function mod(...sections: number[][]): Uint8Array {
  return Uint8Array.from([...HEADER, ...sections.flat()]);
}

/** Splits a binary into its sections (test-side, independent of the loader). */
function splitSections(bytes: Uint8Array): { id: number; raw: Uint8Array }[] {
  const out: { id: number; raw: Uint8Array }[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++]!;
    let size = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[pos++]!;
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    pos += size;
    out.push({ id, raw: bytes.subarray(start, pos) });
  }
  return out;
}

/** Inserts raw section bytes before the section at index `at` (or at the end). */
function insertSection(bytes: Uint8Array, at: number, raw: number[]): Uint8Array {
  const secs = splitSections(bytes);
  const offset = at < secs.length ? secs[at]!.raw.byteOffset - bytes.byteOffset : bytes.length;
  return Uint8Array.from([...bytes.subarray(0, offset), ...raw, ...bytes.subarray(offset)]);
}

function throwsLoad(fn: () => unknown, code: LoadErrorCode, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LoadError, `expected LoadError, got ${String(e)}`);
    assert.equal(e.code, code, `code (message: ${e.message})`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

function sharedMemory(initial: number, maximum: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial, maximum, shared: true });
}

/** Sections other than import and memory must come through byte for byte, in order. */
function assertOtherSectionsUntouched(input: Uint8Array, output: Uint8Array): void {
  const keep = (s: { id: number }) => s.id !== 2 && s.id !== 5;
  const a = splitSections(input).filter(keep).map((s) => [...s.raw]);
  const b = splitSections(output).filter(keep).map((s) => [...s.raw]);
  assert.deepEqual(b, a);
}

// ---- tests ----

const FULL = `
(module
  (type $v (func))
  (memory (export "memory") 1 10)
  (data (i32.const 16) "hello, wasmvisor")
  (func $start (i32.store (i32.const 0) (i32.const 42)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (start $start))`;

test('module with memory, data, exported memory and start function', () => {
  const input = wat(FULL);
  const p = prepareModule(input, 4);
  assert.deepEqual(p.memory, {
    initialPages: 1,
    maximumPages: 4,
    imported: false,
    importModule: MEMORY_IMPORT_MODULE,
    importName: MEMORY_IMPORT_NAME,
  });
  assert.equal(MEMORY_IMPORT_MODULE, 'wasmvisor');
  assert.equal(MEMORY_IMPORT_NAME, 'memory');
  assert.deepEqual(p.imports, []);
  assert.deepEqual(p.exports, [
    { name: 'memory', kind: 'memory', index: 0 },
    { name: 'grow', kind: 'func', index: 1 },
    { name: 'load', kind: 'func', index: 2 },
  ]);
  assertOtherSectionsUntouched(input, p.bytes);
  assert.equal(splitSections(p.bytes).filter((s) => s.id === 5).length, 0, 'memory section removed');

  const module = new WebAssembly.Module(p.bytes);
  assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'wasmvisor', name: 'memory', kind: 'memory' }]);

  const memory = sharedMemory(p.memory!.initialPages, p.memory!.maximumPages);
  const inst = new WebAssembly.Instance(module, { wasmvisor: { memory } });
  const ex = inst.exports as {
    memory: WebAssembly.Memory;
    grow(n: number): number;
    load(a: number): number;
  };
  const buffer: ArrayBufferLike = memory.buffer;
  assert.ok(buffer instanceof SharedArrayBuffer);
  assert.equal(ex.memory, memory, 'exported memory is the supplied one');
  assert.equal(new TextDecoder().decode(new Uint8Array(memory.buffer, 16, 16)), 'hello, wasmvisor');
  assert.equal(new DataView(memory.buffer).getInt32(0, true), 42, 'start function ran');
  assert.equal(ex.load(0), 42);
  assert.equal(ex.grow(3), 1, 'grow up to the max');
  assert.equal(ex.grow(1), -1, 'grow past the max fails inside wasm');
  assert.equal(memory.buffer.byteLength, 4 * 65536);

  // The import is shared: a non-shared memory must not link.
  assert.throws(
    () => new WebAssembly.Instance(module, { wasmvisor: { memory: new WebAssembly.Memory({ initial: 1, maximum: 4 }) } }),
    WebAssembly.LinkError,
  );
});

test('maximum is min(module max, limit); no max means the limit', () => {
  const cases: [string, number, number, number][] = [
    ['(memory 1 10)', 100, 1, 10],
    ['(memory 1 10)', 5, 1, 5],
    ['(memory 3)', 16, 3, 16],
    ['(memory 3)', 3, 3, 3],
    ['(memory 0)', 0, 0, 0],
    ['(memory 2)', 70000, 2, 65536],
    ['(memory 1 20 shared)', 8, 1, 8],
  ];
  for (const [decl, limit, initial, maximum] of cases) {
    const p = prepareModule(wat(`(module ${decl})`), limit);
    assert.equal(p.memory!.initialPages, initial, decl);
    assert.equal(p.memory!.maximumPages, maximum, decl);
    assert.ok(WebAssembly.validate(p.bytes), decl);
  }
});

test('module without an import (or type) section gets one in canonical position', () => {
  // Only memory + data: the import section must be first.
  const input = wat(`(module (memory 2) (data (i32.const 5) "\\01\\02\\03"))`);
  assert.ok(!splitSections(input).some((s) => s.id === 2 || s.id === 1));
  const p = prepareModule(input, 8);
  assert.deepEqual(splitSections(p.bytes).map((s) => s.id), [2, 11]);
  const memory = sharedMemory(2, 8);
  new WebAssembly.Instance(new WebAssembly.Module(p.bytes), { wasmvisor: { memory } });
  assert.deepEqual([...new Uint8Array(memory.buffer, 4, 5)], [0, 1, 2, 3, 0]);

  // Type + function + memory + export + code: import goes between type and function.
  const input2 = wat(`(module (memory 1) (func (export "f") (result i32) (i32.const 7)))`);
  const p2 = prepareModule(input2, 1);
  assert.deepEqual(splitSections(p2.bytes).map((s) => s.id), [1, 2, 3, 7, 10]);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(p2.bytes), { wasmvisor: { memory: sharedMemory(1, 1) } });
  assert.equal((inst.exports as { f(): number }).f(), 7);
});

test('existing imports keep working and function indices are unchanged', () => {
  const input = wat(`
    (module
      (import "env" "add1" (func $add1 (param i32) (result i32)))
      (import "env" "g" (global $g (mut i32)))
      (import "env" "tbl" (table 2 funcref))
      (memory 1 2)
      (func $twice (export "twice") (param i32) (result i32)
        (call $add1 (call $add1 (local.get 0))))
      (func (export "viaTable") (param i32) (result i32)
        (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))
      (func (export "storeG") (i32.store (i32.const 8) (global.get $g)))
      (elem (i32.const 0) $twice))`);
  const p = prepareModule(input, 2);
  assert.deepEqual(p.imports, [
    { module: 'env', name: 'add1', kind: 'func', type: { params: ['i32'], results: ['i32'] } },
    { module: 'env', name: 'g', kind: 'global' },
    { module: 'env', name: 'tbl', kind: 'table' },
  ]);
  assert.deepEqual(p.exports, [
    { name: 'twice', kind: 'func', index: 1 },
    { name: 'viaTable', kind: 'func', index: 2 },
    { name: 'storeG', kind: 'func', index: 3 },
  ]);
  assertOtherSectionsUntouched(input, p.bytes);
  const module = new WebAssembly.Module(p.bytes);
  assert.deepEqual(WebAssembly.Module.imports(module), [
    { module: 'env', name: 'add1', kind: 'function' },
    { module: 'env', name: 'g', kind: 'global' },
    { module: 'env', name: 'tbl', kind: 'table' },
    { module: 'wasmvisor', name: 'memory', kind: 'memory' },
  ]);
  const memory = sharedMemory(1, 2);
  const inst = new WebAssembly.Instance(module, {
    env: {
      add1: (x: number) => x + 1,
      g: new WebAssembly.Global({ value: 'i32', mutable: true }, 99),
      tbl: new WebAssembly.Table({ initial: 2, element: 'anyfunc' }),
    },
    wasmvisor: { memory },
  });
  const ex = inst.exports as { twice(x: number): number; viaTable(x: number): number; storeG(): void };
  assert.equal(ex.twice(5), 7);
  assert.equal(ex.viaTable(10), 12);
  ex.storeG();
  assert.equal(new DataView(memory.buffer).getInt32(8, true), 99);
});

test('tag imports are parsed', () => {
  const input = wat(
    `(module (import "env" "e" (tag (param i32))) (import "env" "f" (func)) (memory 1))`,
    { exceptions: true },
  );
  const p = prepareModule(input, 1);
  assert.deepEqual(p.imports, [
    { module: 'env', name: 'e', kind: 'tag' },
    { module: 'env', name: 'f', kind: 'func', type: { params: [], results: [] } },
  ]);
  assert.equal(p.memory!.imported, false);
});

test('a module that imports its memory keeps the import, made shared and capped', () => {
  // Non-shared import with a max above the limit.
  const input = wat(`
    (module
      (import "env" "f" (func $f (result i32)))
      (import "env" "mem" (memory 1 100))
      (func (export "g") (result i32) (i32.store (i32.const 0) (call $f)) (i32.load (i32.const 0))))`);
  const p = prepareModule(input, 8);
  assert.deepEqual(p.memory, { initialPages: 1, maximumPages: 8, imported: true, importModule: 'env', importName: 'mem' });
  assert.deepEqual(p.imports, [
    { module: 'env', name: 'f', kind: 'func', type: { params: [], results: ['i32'] } },
    { module: 'env', name: 'mem', kind: 'memory' },
  ]);
  assertOtherSectionsUntouched(input, p.bytes);
  const module = new WebAssembly.Module(p.bytes);
  assert.equal(WebAssembly.Module.imports(module).length, 2);
  const memory = sharedMemory(1, 8);
  const inst = new WebAssembly.Instance(module, { env: { f: () => 1234, mem: memory } });
  assert.equal((inst.exports as { g(): number }).g(), 1234);
  assert.equal(new DataView(memory.buffer).getInt32(0, true), 1234);
  assert.throws(
    () => new WebAssembly.Instance(module, { env: { f: () => 0, mem: new WebAssembly.Memory({ initial: 1, maximum: 8 }) } }),
    WebAssembly.LinkError,
  );

  // wasi-threads style: already shared, max 65536; and no max at all.
  const threads = prepareModule(wat(`(module (import "env" "memory" (memory 2 65536 shared)))`), 16);
  assert.deepEqual(threads.memory, { initialPages: 2, maximumPages: 16, imported: true, importModule: 'env', importName: 'memory' });
  new WebAssembly.Instance(new WebAssembly.Module(threads.bytes), { env: { memory: sharedMemory(2, 16) } });
  const noMax = prepareModule(wat(`(module (import "a" "b" (memory 3)))`), 5);
  assert.deepEqual(noMax.memory, { initialPages: 3, maximumPages: 5, imported: true, importModule: 'a', importName: 'b' });
  new WebAssembly.Instance(new WebAssembly.Module(noMax.bytes), { a: { b: sharedMemory(3, 5) } });

  throwsLoad(() => prepareModule(wat(`(module (import "a" "b" (memory 6)))`), 5), 'memory-too-large');
});

test('function imports carry their types, written as WAT writes them', () => {
  const p = prepareModule(wat(`(module
    (type $unused (func (param f32)))
    (import "m" "a" (func (param i32 i64 f64) (result i32)))
    (import "m" "b" (func (param externref funcref v128)))
    (import "m" "c" (func (result i64 i64)))
    (memory 1))`, { multi_value: true }), 1);
  assert.deepEqual(p.imports.map((i) => i.type), [
    { params: ['i32', 'i64', 'f64'], results: ['i32'] },
    { params: ['externref', 'funcref', 'v128'], results: [] },
    { params: [], results: ['i64', 'i64'] },
  ]);
  assert.deepEqual(p.imports.map((i) => formatFuncType(i.type!)), [
    '(param i32 i64 f64) (result i32)', '(param externref funcref v128)', '(result i64 i64)',
  ]);
  assert.equal(formatFuncType({ params: [], results: [] }), '(no params, no result)');
});

test('module with no memory is returned unchanged', () => {
  const input = wat(`(module (import "env" "f" (func)) (func (export "g") (call 0)))`);
  const p = prepareModule(input, 10);
  assert.equal(p.memory, null);
  assert.equal(p.bytes, input);
  assert.deepEqual(p.imports, [{ module: 'env', name: 'f', kind: 'func', type: { params: [], results: [] } }]);
  assert.deepEqual(p.exports, [{ name: 'g', kind: 'func', index: 1 }]);

  const empty = mod();
  assert.deepEqual(prepareModule(empty, 1), { bytes: empty, imports: [], exports: [], memory: null });
});

test('memory64 is rejected', () => {
  const m64 = wat(`(module (memory i64 1))`, { memory64: true });
  throwsLoad(() => prepareModule(m64, 10), 'unsupported', /^memory64 is not supported$/);
  const imported64 = wat(`(module (import "a" "b" (memory i64 1 2)))`, { memory64: true });
  throwsLoad(() => prepareModule(imported64, 10), 'unsupported', /memory64/);
  // Hand-crafted flags 0x04..0x07.
  for (const flags of [0x04, 0x05, 0x06, 0x07]) {
    const limits = flags & 1 ? [flags, 1, 2] : [flags, 1];
    throwsLoad(() => prepareModule(mod(sec(5, [1, ...limits])), 10), 'unsupported', /memory64/);
  }
});

test('multiple memories are rejected', () => {
  const two = wat(`(module (memory 1) (memory 1))`, { multi_memory: true });
  throwsLoad(() => prepareModule(two, 10), 'unsupported', /^multiple memories are not supported$/);
  const importAndDefine = wat(`(module (import "a" "b" (memory 1)) (memory 1))`, { multi_memory: true });
  throwsLoad(() => prepareModule(importAndDefine, 10), 'unsupported', /multiple memories/);
  const twoImports = wat(`(module (import "a" "b" (memory 1)) (import "a" "c" (memory 1)))`, { multi_memory: true });
  throwsLoad(() => prepareModule(twoImports, 10), 'unsupported', /multiple memories/);
  // Hand-crafted too, in case the assembler ever changes.
  throwsLoad(() => prepareModule(mod(sec(5, [2, 0, 1, 0, 1])), 10), 'unsupported', /multiple memories/);
});

test('initial memory above the limit is rejected', () => {
  throwsLoad(
    () => prepareModule(wat(`(module (memory 10 20))`), 5),
    'memory-too-large',
    /^module needs 10 pages of memory at start, limit is 5$/,
  );
  // Declared max below min, and min beyond 4 GiB, are malformed.
  throwsLoad(() => prepareModule(mod(sec(5, [1, 1, 5, 2])), 10), 'malformed', /maximum/);
  throwsLoad(() => prepareModule(mod(sec(5, [1, 0, ...leb(65537)])), 100000), 'malformed', /65536/);
});

test('garbage, bad magic, wrong version and truncation are rejected', () => {
  throwsLoad(() => prepareModule(new Uint8Array(0), 1), 'not-a-module', /bad magic/);
  throwsLoad(() => prepareModule(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 1), 'not-a-module', /bad magic/);
  const garbage = new Uint8Array(256);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 73 + 11) & 0xff;
  throwsLoad(() => prepareModule(garbage, 1), 'not-a-module');
  throwsLoad(() => prepareModule(Uint8Array.from([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]), 1), 'not-a-module', /bad magic/);
  // Component model binary: version 0x0d, layer 1.
  throwsLoad(() => prepareModule(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]), 1), 'not-a-module', /component/);
  throwsLoad(() => prepareModule(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), 1), 'not-a-module', /version 2/);
  throwsLoad(() => prepareModule(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0]), 1), 'malformed', /truncated/);

  // Truncating a valid module anywhere past the header is malformed (or, for a cut exactly
  // between sections, still a valid module prefix).
  const full = wat(FULL);
  const boundaries = new Set<number>([8]);
  for (const s of splitSections(full)) boundaries.add(s.raw.byteOffset - full.byteOffset + s.raw.length);
  for (let len = 9; len < full.length; len++) {
    if (boundaries.has(len)) continue;
    throwsLoad(() => prepareModule(full.subarray(0, len), 100), 'malformed');
  }

  // Messages name the section and the offset.
  const withImports = wat(`(module (import "environment" "function" (func)) (memory 1))`);
  const importSec = splitSections(withImports).find((s) => s.id === 2)!;
  const importStart = importSec.raw.byteOffset - withImports.byteOffset;
  // Cut the section short by patching its size byte down and the module after it off.
  const cut = Uint8Array.from(withImports.subarray(0, importStart + importSec.raw.length - 3));
  cut[importStart + 1] = importSec.raw.length - 2 - 3;
  throwsLoad(() => prepareModule(cut, 1), 'malformed', /import section at byte offset \d+/);
  // Section size running past the end of the module.
  throwsLoad(() => prepareModule(mod([1, 10, 0]), 1), 'malformed', /type section at byte offset 8: size 10 extends past/);
});

test('strict parsing: LEB128, order, duplicates, unknown ids, names, kinds', () => {
  // 6-byte LEB128 for a u32.
  throwsLoad(() => prepareModule(mod(sec(5, [1, 0, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00])), 10), 'malformed', /LEB128/);
  // 5th byte with bits beyond 32.
  throwsLoad(() => prepareModule(mod(sec(5, [1, 0, 0x81, 0x80, 0x80, 0x80, 0x10])), 10), 'malformed', /LEB128/);
  // Non-canonical (padded) but in-range LEB128 is allowed.
  const padded = prepareModule(mod(sec(5, [1, 0, 0x81, 0x80, 0x80, 0x80, 0x00])), 10);
  assert.equal(padded.memory!.initialPages, 1);
  // Memory before function is out of order; two memory sections are duplicates.
  throwsLoad(() => prepareModule(mod(sec(5, [1, 0, 1]), sec(3, [0])), 10), 'malformed', /function section .* after the memory section/);
  throwsLoad(() => prepareModule(mod(sec(5, [0]), sec(5, [1, 0, 1])), 10), 'malformed', /duplicate memory section/);
  throwsLoad(() => prepareModule(mod(sec(42, [])), 10), 'malformed', /unknown section id 42/);
  // Import name that is not UTF-8, unknown import/export kinds, trailing bytes in a section.
  throwsLoad(() => prepareModule(mod(sec(2, [1, 1, 0xff, ...str('x'), 0, 0])), 10), 'malformed', /UTF-8/);
  throwsLoad(() => prepareModule(mod(sec(2, [1, ...str('a'), ...str('b'), 9, 0])), 10), 'malformed', /import kind/);
  throwsLoad(() => prepareModule(mod(sec(7, [1, ...str('e'), 9, 0])), 10), 'malformed', /export kind/);
  throwsLoad(() => prepareModule(mod(sec(5, [1, 0, 1, 0])), 10), 'malformed', /memory section .* size does not match/);
  throwsLoad(() => prepareModule(mod(sec(5, [1, 0x10, 1])), 10), 'malformed', /limits flags/);
  throwsLoad(() => prepareModule(mod(sec(5, [1, 0x08, 1, 0])), 10), 'unsupported', /page sizes/);
  // Tag section (id 13) sits between memory and global.
  const tagOrder = prepareModule(mod(sec(1, [1, 0x60, 0, 0]), sec(5, [1, 0, 1]), sec(13, [1, 0, 0]), sec(6, [0])), 1);
  assert.ok(WebAssembly.validate(tagOrder.bytes));
  assert.deepEqual(splitSections(tagOrder.bytes).map((s) => s.id), [1, 2, 13, 6]);
});

test('custom sections are preserved byte for byte, wherever they are', () => {
  const base = wat(
    `(module (memory (export "m") 1) (func $f (export "f") (result i32) (i32.const 1)) (data (i32.const 0) "abc"))`,
    {},
    true, // emits a "name" custom section at the end
  );
  // Custom sections before everything, between type and function, and just before the memory.
  let input = insertSection(base, 0, custom('first', [1, 2, 3]));
  input = insertSection(input, 2, custom('between', [4, 5]));
  const memIndex = splitSections(input).findIndex((s) => s.id === 5);
  input = insertSection(input, memIndex, custom('before-memory', [6]));
  input = insertSection(input, Infinity, custom('last', [7, 8, 9, 10]));

  const p = prepareModule(input, 1);
  const module = new WebAssembly.Module(p.bytes);
  const read = (name: string) => WebAssembly.Module.customSections(module, name).map((b) => [...new Uint8Array(b)]);
  assert.deepEqual(read('first'), [[1, 2, 3]]);
  assert.deepEqual(read('between'), [[4, 5]]);
  assert.deepEqual(read('before-memory'), [[6]]);
  assert.deepEqual(read('last'), [[7, 8, 9, 10]]);
  assert.equal(read('name').length, 1);
  assertOtherSectionsUntouched(input, p.bytes);
  // The original order of custom vs. known sections is kept; the import section is placed before
  // the function section (after the custom section that followed the type section).
  assert.deepEqual(splitSections(p.bytes).map((s) => s.id), [0, 1, 0, 2, 3, 0, 7, 10, 11, 0, 0]);
  new WebAssembly.Instance(module, { wasmvisor: { memory: sharedMemory(1, 1) } });
});

test('a 30 MB module is rewritten in a few milliseconds', () => {
  const dataLen = 30 * 1024 * 1024;
  const pages = Math.ceil(dataLen / 65536) + 1;
  // (memory pages) (data (i32.const 0) <30 MB>)
  const segment = [1, 0, 0x41, 0, 0x0b, ...leb(dataLen)];
  const dataSection = [11, ...leb(segment.length + dataLen), ...segment];
  const head = [...HEADER, ...sec(5, [1, 0, ...leb(pages)])];
  const input = new Uint8Array(head.length + dataSection.length + dataLen);
  input.set(head, 0);
  input.set(dataSection, head.length);
  for (let i = 0; i < dataLen; i += 4096) input[head.length + dataSection.length + i] = (i >>> 12) & 0xff;

  prepareModule(input, 65536); // warm up
  const t0 = performance.now();
  const p = prepareModule(input, 65536);
  const elapsed = performance.now() - t0;
  assert.ok(elapsed < 250, `took ${elapsed.toFixed(1)} ms`);
  assert.equal(p.memory!.initialPages, pages);
  const out = splitSections(p.bytes);
  assert.deepEqual(out.map((s) => s.id), [2, 11]);
  const inData = splitSections(input)[1]!.raw;
  assert.ok(Buffer.compare(out[1]!.raw, inData) === 0, 'data section copied verbatim');
  assert.ok(WebAssembly.validate(p.bytes));
});

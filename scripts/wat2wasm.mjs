#!/usr/bin/env node
// Assemble a WebAssembly text file with the `wabt` npm package.
// Usage: node scripts/wat2wasm.mjs IN.wat OUT.wasm
import { readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: wat2wasm.mjs IN.wat OUT.wasm');
  process.exit(2);
}
const wabt = await wabtInit();
const mod = wabt.parseWat(input, readFileSync(input, 'utf8'));
mod.validate();
const { buffer } = mod.toBinary({ log: false, write_debug_names: true });
writeFileSync(output, buffer);
mod.destroy();

#!/usr/bin/env node
// The `wasmvisor` command. The kernel is TypeScript compiled to dist/ by `npm run build:kernel`
// (run automatically by `npm install` through the prepare script).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/worker/node/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('wasmvisor: not built yet; run `npm run build:kernel` first\n');
  process.exit(125);
}
const { main } = await import(cli.href);
const code = await main(process.argv.slice(2));
// Let stdout/stderr drain before exiting.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));

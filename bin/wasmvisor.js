#!/usr/bin/env node
// The `wasmvisor` command. The kernel is TypeScript compiled to dist/ by `npm run build:kernel`
// (run automatically by `npm install` through the prepare script).
import { existsSync } from 'node:fs';

const dist = new URL('../dist/worker/', import.meta.url);
const cli = new URL('node/cli.js', dist);
if (!existsSync(cli)) {
  process.stderr.write('wasmvisor: not built yet; run `npm run build:kernel` first\n');
  process.exit(125);
}
const argv = process.argv.slice(2);
// A command that runs a program starts its process worker first, so the worker's start-up
// overlaps the loading of the kernel (see bench/README.md, "where the CLI's start time goes").
if (argv[0] === 'run' || argv[0]?.endsWith('.wasm')) {
  const { prespawnProcessWorker } = await import(new URL('platform/wasm/host.node.js', dist).href);
  prespawnProcessWorker();
}
const { main } = await import(cli.href);
const code = await main(argv);
// Let stdout/stderr drain before exiting.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));

// The peer of `wasmvisor run` in the host rows (host_rows.mjs): a Node script that runs a WASI
// program with node:wasi, as a user would write one — stdio are the process's, `--dir
// HOST::GUEST` preopens, the exit status is the program's.
//   node bench/lib/node_wasi_run.mjs [--dir HOST::GUEST]... PROG.wasm [ARGS...]
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const preopens = {};
while (argv[0] === '--dir') {
  const [host, guest] = argv[1].split('::');
  preopens[guest ?? host] = host;
  argv.splice(0, 2);
}
const wasi = new WASI({ version: 'preview1', args: argv, env: {}, preopens, returnOnExit: true });
const module = new WebAssembly.Module(readFileSync(argv[0]));
process.exitCode = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));

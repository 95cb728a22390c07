// ExecError: why a program could not be started, with the distinct exit status the command
// line reports for it. One place, so `wasmvisor run`, api.run and the shell agree.

export const ExitStatusFor = {
  /** The program file does not exist (POSIX shells use 127 for "not found"). */
  notFound: 127,
  /** The file is not a WebAssembly module (POSIX: found but cannot execute). */
  notAModule: 126,
  /** A WebAssembly module that does not validate or that we cannot run (memory64, ...). */
  invalidModule: 65,
  /** The module imports something the kernel does not provide. */
  unknownImport: 69,
  /** The module imports a function the kernel provides, but declares it with another type. */
  importTypeMismatch: 69,
  /** The module exports no linear memory called `memory` (not a WASI command). */
  noMemoryExport: 78,
  /** The module has no `_start` export (not a WASI command). */
  noStart: 78,
  /** The module needs more memory at start than its limit. */
  memoryTooLarge: 75,
} as const;

export class ExecError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

// The kernel's signals: Linux's numbers and names (for messages, exit statuses and the shell's
// kill builtin). An ABI whose signal numbers differ (WASI's enum skips SIGSTKFLT) converts at
// its border (syscalls/wasi/abi.ts).

export const enum Signal {
  HUP = 1, INT = 2, QUIT = 3, ILL = 4, TRAP = 5, ABRT = 6, BUS = 7, FPE = 8, KILL = 9, USR1 = 10,
  SEGV = 11, USR2 = 12, PIPE = 13, ALRM = 14, TERM = 15, STKFLT = 16, CHLD = 17, CONT = 18, STOP = 19,
  TSTP = 20, TTIN = 21, TTOU = 22, URG = 23, XCPU = 24, XFSZ = 25, VTALRM = 26, PROF = 27, WINCH = 28,
  POLL = 29, PWR = 30, SYS = 31,
}

/** Indexed by signal number. */
export const SIGNAL_NAMES = ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL',
  'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP',
  'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGPOLL',
  'SIGPWR', 'SIGSYS'];

/** Signals whose default action is to ignore them. */
export const IGNORED_SIGNALS: ReadonlySet<number> = new Set([Signal.CHLD, Signal.CONT, Signal.URG, Signal.WINCH]);
/** Signals whose default action is to stop the process. */
export const STOPPING_SIGNALS: ReadonlySet<number> = new Set([Signal.STOP, Signal.TSTP, Signal.TTIN, Signal.TTOU]);

export function signalName(n: number): string {
  return SIGNAL_NAMES[n] ?? `signal ${n}`;
}

/** "SIGTERM", "TERM", "term" or "15" (or the number 15) as a signal number; undefined if it names none. */
export function signalNumber(s: string | number): number | undefined {
  if (typeof s === 'number') return Number.isInteger(s) && s >= 1 && s < SIGNAL_NAMES.length ? s : undefined;
  if (/^\d+$/.test(s)) return signalNumber(Number(s));
  const upper = s.toUpperCase();
  const n = SIGNAL_NAMES.indexOf(upper.startsWith('SIG') ? upper : 'SIG' + upper);
  return n > 0 ? n : undefined;
}

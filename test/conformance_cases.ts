// The WASI conformance cases: which program in test/programs/build/ runs with
// which arguments, environment, stdin and sandbox, and the exact output and
// exit status a spec-correct runtime gives. One table, two drivers:
//
//   - test/conformance.test.ts (node:test) runs every case under Node's
//     node:wasi (the reference) and under `node bin/wasmvisor.js run`, with
//     the sandbox a host directory (`--dir HOST::/sandbox`);
//   - e2e/conformance.spec.ts (Playwright) runs every case in Chromium, through
//     the page's `window.wasmvisor.run`, with the sandbox `/sandbox` in the
//     kernel's in-memory file system.
//
// So this file must stay plain data plus pure functions: no node: imports, no
// DOM. Sandbox preparation (`setup`) and the invariants checked after a run
// (`after`) are declarative, and each driver carries them out with its own
// file system calls (checkAfter takes the driver's view of the files).
//
// Paths in `setup`/`after` are relative to the sandbox's parent, the "base":
// the sandbox itself is `base/sandbox` (a temp directory on the host; `/` in
// the page, so the sandbox is `/sandbox` and the base is the kernel's root,
// outside the preopen).
//
// The node:wasi differences that `referenceDiffs` encode are listed, numbered,
// at the top of test/conformance.test.ts (and in test/programs/README.md).

/** The sandbox directory's name inside the base. */
export const SANDBOX = 'sandbox';

/** A finished run, as both drivers report it. */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The driver killed the program because its time ran out. */
  timedOut?: boolean;
}

/** One thing to create before the run, in the order given. */
export type SetupEntry =
  | { path: string; kind: 'dir' }
  | { path: string; kind: 'file'; content: string }
  /** `target` is the link's text as given, unless `absolute`: then `target`
   *  is a base-relative path and the link holds that path made absolute
   *  (`HOSTTMP/secret.txt` on the host, `/secret.txt` in the page). */
  | { path: string; kind: 'symlink'; target: string; absolute?: boolean };

/** Invariants on the files after the run; checkAfter reports violations. */
export interface AfterSpec {
  /** The names the sandbox holds after the run ([]: the program removed all
   *  it created). Otherwise: "sandbox left with: NAMES". */
  sandboxLeft: string[];
  /** Files of `setup` outside the sandbox that must still hold their content:
   *  otherwise "NAME outside the sandbox was deleted" / "... was modified". */
  intactOutside?: string[];
  /** Base-relative paths that must not exist after the run -> the violation. */
  absentOutside?: Record<string, string>;
}

/** Per-environment expectations for the page (e2e/conformance.spec.ts). */
export interface PageSpec {
  /** Like referenceDiffs: expected line -> what the page legitimately prints
   *  instead (null: nothing). Each entry must say why in a comment. */
  diffs?: Record<string, string | null>;
  /** `memoryLimit` for wasmvisor.run (bytes). */
  memoryLimit?: number;
  /** `timeoutSeconds` for wasmvisor.run (default: timeoutMs / 1000). */
  timeoutSeconds?: number;
  /** A known bug (in the kernel or in the program) that makes the page print
   *  something else than `expected`: the page must print exactly `expected`
   *  with these changes (so any other change fails), and the test fails, saying
   *  so, once the bug is fixed and this entry must go. */
  known?: {
    /** What is wrong and where it is to be fixed. */
    bug: string;
    /** As referenceDiffs. */
    diffs?: Record<string, string | null>;
    /** The page's stdout ends after this (expected) line. */
    stdoutEndsAfter?: string;
  };
}

export interface Case {
  /** Test title. */
  name: string;
  /** test/programs/build/PROGRAM.wasm */
  program: string;
  args?: string[];
  env?: Record<string, string>;
  stdin?: string;
  expectedExit: number;
  /** The complete stdout, as lines (a final newline is implied). */
  expected?: string[];
  expectedStderr?: string;
  /** Expected line -> what node:wasi prints instead (null: nothing; "\n"
   *  joins several lines). Applies to every occurrence of the line. */
  referenceDiffs?: Record<string, string | null>;
  /** Known wasmvisor deviations, in the same form as referenceDiffs: the
   *  wasmvisor run must print exactly `expected` with these applied (so any
   *  other change fails), and a TODO subtest asserts the spec-expected text
   *  (reported by node --test, but not failing the run) until fixed. */
  wasmvisorKnown?: Record<string, string | null>;
  /** A pattern (RegExp source) wasmvisor's stderr must match, CLI and page alike: the message
   *  of a module refused before it ran, or the reason a program was ended. */
  wasmvisorStderr?: string;
  /** node:wasi's exit code when it differs from expectedExit. */
  referenceExit?: number;
  /** Do not run under node:wasi, for this reason. */
  referenceSkip?: string;
  /** The program never ends: expect it to be killed after timeoutMs. */
  expectTimeout?: boolean;
  timeoutMs?: number;
  /** What to create in the base (and sandbox) before the run. */
  setup?: SetupEntry[];
  /** Invariants on the files after the run (both runtimes). */
  after?: AfterSpec;
  /** The violations node:wasi is known to cause (documented, asserted). */
  referenceAfter?: string[];
  /** How the page run differs from the CLI run (e2e/conformance.spec.ts). */
  page?: PageSpec;
}

/** The default time limit of a run, in ms. */
export const DEFAULT_TIMEOUT_MS = 20000;

const EFAULT_LINE = (label: string): Record<string, string> => ({
  [`${label}: errno 21`]: `${label}: errno 61`,
});

function efaultDiffs(...labels: string[]): Record<string, string> {
  return Object.assign({}, ...labels.map(EFAULT_LINE)) as Record<string, string>;
}

const lines = (s: string): string[] => s.split('\n').slice(0, -1);

// The sandbox layout for path_ops: symlinks lead out of the sandbox (the
// program checks that following them is refused), to a secret file next to
// the sandbox and to the sandbox's parent.
const SECRET = 'secret\n';
const ESCAPE_SETUP: SetupEntry[] = [
  { path: 'secret.txt', kind: 'file', content: SECRET },
  { path: `${SANDBOX}/secret_rel.lnk`, kind: 'symlink', target: '../secret.txt' },
  { path: `${SANDBOX}/secret_abs.lnk`, kind: 'symlink', target: 'secret.txt', absolute: true },
  { path: `${SANDBOX}/updir.lnk`, kind: 'symlink', target: '..' },
];
const ESCAPE_AFTER: AfterSpec = {
  sandboxLeft: ['secret_abs.lnk', 'secret_rel.lnk', 'updir.lnk'],
  intactOutside: ['secret.txt'],
  absentOutside: { escape: 'a directory was created outside the sandbox' },
};
/** The program removed everything it created. */
const CLEAN: AfterSpec = { sandboxLeft: [] };

export const CASES: Case[] = [
  {
    name: 'hello.wat: fd_write to stdout, return from _start',
    program: 'hello',
    expectedExit: 0,
    expected: ['hello world'],
  },
  {
    name: 'exit3.wat: proc_exit(3)',
    program: 'exit3',
    expectedExit: 3,
    expected: [],
  },
  {
    name: 'spin.wat: an infinite loop runs until killed',
    program: 'spin',
    expectedExit: -1,
    expectTimeout: true,
    // The CLI test kills the process from outside after timeoutMs; the page
    // passes timeoutMs as wasmvisor.run's timeoutSeconds (1.5), so the kernel
    // kills it: exit 128+9 with a reason naming the timeout.
    timeoutMs: 1500,
    expected: [],
  },
  {
    name: 'proc.c: proc_exit(0)',
    program: 'proc',
    args: ['0'],
    expectedExit: 0,
    expected: ['sched_yield: ok', 'exiting with 0'],
  },
  {
    name: 'proc.c: proc_exit(7)',
    program: 'proc',
    args: ['7'],
    expectedExit: 7,
    expected: ['sched_yield: ok', 'exiting with 7'],
  },
  {
    name: 'raise.c: proc_raise(SIGTERM) ends the process with 128+15',
    program: 'raise',
    expectedExit: 143,
    expected: ['raising 15'],
  },
  {
    name: 'args_env.c: args_*, environ_*',
    program: 'args_env',
    args: ['alpha', 'two words', 'ünï', ''],
    env: { WV_A: '1', WV_EMPTY: '', WV_EQ: 'a=b' },
    expectedExit: 0,
    expected: lines(`args_sizes_get: ok
argc: 5
args_get: ok
args sizes consistent: yes
argv0 nonempty: yes
arg 1: [alpha]
arg 2: [two words]
arg 3: [ünï]
arg 4: []
environ_sizes_get: ok
environ_get: ok
environ sizes consistent: yes
WV_ variables: 3
env: [WV_A=1]
env: [WV_EMPTY=]
env: [WV_EQ=a=b]
getenv WV_A: 1
getenv WV_MISSING: (null)
args_sizes_get bad argc ptr: errno 21
args_sizes_get bad size ptr: errno 21
args_get bad argv ptr: errno 21
args_get bad buf ptr: errno 21
environ_sizes_get bad ptr: errno 21
environ_get bad environ ptr: errno 21
environ_get bad buf ptr: errno 21
done
`),
    referenceDiffs: efaultDiffs('args_sizes_get bad argc ptr', 'args_sizes_get bad size ptr',
      'args_get bad argv ptr', 'args_get bad buf ptr', 'environ_sizes_get bad ptr',
      'environ_get bad environ ptr', 'environ_get bad buf ptr'),
  },
  {
    name: 'clock_random.c: clock_res_get, clock_time_get, random_get, sched_yield',
    program: 'clock_random',
    expectedExit: 0,
    expected: lines(`clock_res_get realtime: ok in (0, 1s]
clock_time_get realtime: ok nonzero
clock_res_get monotonic: ok in (0, 1s]
clock_time_get monotonic: ok nonzero
clock_res_get process_cputime: ok in (0, 1s]
clock_time_get process_cputime: ok nonzero
clock_res_get thread_cputime: ok in (0, 1s]
clock_time_get thread_cputime: ok nonzero
clock_time_get realtime plausible: ok yes
clock_time_get monotonic: monotonic ok
process_cputime advances: yes
clock_res_get invalid id: errno 28
clock_time_get invalid id: errno 28
clock_res_get bad ptr: errno 21
clock_time_get bad ptr: errno 21
random_get 4096: ok nonzero
random_get again: ok differs
random_get 16 in place: ok bounded
random_get 0: ok
random_get bad ptr: errno 21
random_get past end: errno 21
sched_yield: ok
done
`),
    referenceDiffs: efaultDiffs('clock_res_get bad ptr', 'clock_time_get bad ptr', 'random_get bad ptr',
      'random_get past end'),
  },
  {
    name: 'stdio.c: stdin pipe, stdout, stderr',
    program: 'stdio',
    stdin: 'line one\nline two\n',
    expectedExit: 0,
    expected: lines(`stdin bytes: 18
stdin: [line one]
stdin: [line two]
fd_read stdin at eof: ok 0
fd_seek stdin: errno 70
fd_tell stdin: errno 70
fd_fdstat_get 0: ok
fd_fdstat_get 1: ok
fd_fdstat_get 2: ok
stdin read right: yes
stdout write right: yes
poll_oneoff stdin: ok 1 event(s), userdata 42 type 1 error 0
fd_write stderr: ok 10
raw stdout line
fd_write stdout raw: ok 16
done
`),
    expectedStderr: 'to stderr\n',
    referenceDiffs: {
      'fd_seek stdin: errno 70': 'fd_seek stdin: errno 76',
      'fd_tell stdin: errno 70': 'fd_tell stdin: errno 76',
    },
  },
  {
    // Under the CLI the process writes host stdout itself (direct fds): dropping FD_WRITE must
    // stop that at once. The other modes (order across stdout/stderr, close,
    // renumber, EPIPE) are CLI-only: test/kernel/host_stdio.test.ts.
    name: 'write_behind.c: a write after fd_fdstat_set_rights drops FD_WRITE from stdout',
    program: 'write_behind',
    args: ['after-rights'],
    expectedExit: 0,
    expected: ['before'],
    expectedStderr: 'write without FD_WRITE: errno 76\n',
  },
  {
    // The CLI lets the process pread a readable host file itself (direct reads): every fd change
    // must reach it before the program's next call.
    name: 'pread_fds.c: fd_pread through writes, a write-only fd, renumber, dropped FD_READ, close',
    program: 'pread_fds',
    expectedExit: 0,
    after: CLEAN,
    expected: lines(`create p.txt: ok
pread 0: ok 5 [hello]
pread 6: ok 5 [world]
pread at end: ok 0 []
pread after pwrite: ok 5 [HELLO]
pread two iovecs: ok 7 [LLO| wor]
open write-only: ok
pread write-only fd: errno 76
open another: ok
pread other: ok 5 [world]
pread renumbered: ok 5 [world]
pread old number: errno 8
pread without FD_READ: errno 76
pread closed fd: errno 8
unlink: ok
done
`),
  },
  {
    name: 'fd_ops.c: fd_* on files and directories, rights, renumber, readdir',
    program: 'fd_ops',
    expectedExit: 0,
    after: CLEAN,
    expected: lines(`preopen /sandbox fd: 3
fd_prestat_get name_len: ok 8
fd_prestat_get tag: 0
fd_prestat_dir_name: ok /sandbox
fd_prestat_get stdout: errno 8
fd_prestat_get bad fd: errno 8
fd_prestat_dir_name bad fd: errno 8
fd_prestat_get bad ptr: errno 21
fd_prestat_dir_name bad ptr: errno 21
fd_fdstat_get preopen: ok dir
path_create_directory fdops: ok
fd_write 3 iovecs: ok 12
fd_tell after write: ok 12
fd_seek set 0: ok 0
fd_read 2 iovecs: ok 8 [hello| wo]
fd_seek cur -2: ok 6
fd_read rest bytes: ok 6
fd_read rest: [world]
fd_read at eof: ok 0
fd_seek end: ok 12
fd_seek end -6: ok 6
fd_seek cur 0: ok 6
fd_seek negative: errno 28
fd_seek bad whence: errno 28
fd_tell after failed seeks: ok 6
fd_seek past end: ok 100
fd_read past end: ok 0
fd_seek back: ok 6
fd_pread 6: ok world
fd_pwrite 0: ok 5
fd_tell after pread/pwrite: ok 6
fd_pread all: ok 12[HELLO world]
fd_pread past end: ok 0
fd_pwrite 20: ok 1
size after pwrite 20: 21
hole zero-filled: yes
fd_filestat_get type: ok file
fd_filestat_get nlink: 1
fd_filestat_get size: 21
fd_filestat_set_size 5: ok
size after set_size 5: 5
fd_tell after truncate: ok 6
fd_filestat_set_size 100: ok
size after set_size 100: 100
extended zero-filled: yes [HELLO]
fd_filestat_set_times: ok
atim: 1000000000000
mtim: 2000000000000
fd_filestat_set_times mtim only: ok
atim kept: yes, mtim: 1000000000000
fd_filestat_set_times now: ok
times now: yes
fd_filestat_set_times atim+atim_now: errno 28
fd_filestat_set_times mtim+mtim_now: errno 28
fd_advise 0: ok
fd_advise 1: ok
fd_advise 2: ok
fd_advise 3: ok
fd_advise 4: ok
fd_advise 5: ok
fd_advise invalid: errno 28
fd_allocate 0+200: ok
size after allocate: 200
fd_allocate 0+10: ok
size after small allocate: 200
fd_datasync: ok
fd_sync: ok
fd_fdstat_get type: ok file
fd_fdstat_get flags: 0
fd_fdstat_get rights read/write/seek: yes/yes/yes
fd_fdstat_get bad ptr: errno 21
fd_filestat_get bad ptr: errno 21
fd_fdstat_set_flags append: ok
flags after set append: 1
append write: ok 3
size after append: 203
fd_tell after append: ok 203
fd_fdstat_set_flags 0: ok
flags after clear: 0
fd_fdstat_set_flags bad fd: errno 8
fd_fdstat_set_rights drop write: ok
write right after drop: no
fd_write without right: errno 76
fd_pwrite without right: errno 76
fd_read still allowed: ok
fd_fdstat_set_rights regain: errno 76
fd_fdstat_set_rights drop seek: ok
fd_seek without right: errno 76
fd_close: ok
fd_close again: errno 8
fd_read closed: errno 8
fd_write bad fd: errno 8
fd_seek bad fd: errno 8
fd_tell bad fd: errno 8
fd_filestat_get bad fd: errno 8
fd_fdstat_get bad fd: errno 8
fd_sync bad fd: errno 8
fd_write read-only: errno 8
fd_filestat_set_size read-only: errno 8
fd_read read-only: ok HELLO
fd_close read-only: ok
fd_write on directory: errno 8
path_unlink_file data.txt: ok
fd_renumber one->two: ok
fd_read via new fd: ok one
fd_read via old fd: errno 8
fd_close old fd: errno 8
fd_renumber from bad fd: errno 8
fd_renumber to itself: ok
fd_read after self renumber: ok 0
fd_close new fd: ok
path_unlink_file one: ok
path_unlink_file two: ok
path_create_directory rd: ok
path_create_directory rd/c_dir: ok
path_symlink rd/d_link: ok
path_open directory for writing: errno 31
path_open rd as directory: ok
fd_fdstat_get rd: ok dir
fd_readdir: ok
fd_readdir entries: 4
  a.txt file
  b.txt file
  c_dir dir
  d_link symlink
fd_readdir small buffer: ok
fd_readdir small buffer entries: 4, several calls: yes
  a.txt file
  b.txt file
  c_dir dir
  d_link symlink
fd_readdir from end cookie: ok 0
fd_readdir bad ptr: errno 21
fd_readdir bad fd: errno 8
fd_readdir on file: errno 54
fd_read on directory: errno 31
fd_close rd: ok
path_unlink_file rd/d_link: ok
path_unlink_file rd/a.txt: ok
path_unlink_file rd/b.txt: ok
path_remove_directory rd/c_dir: ok
path_remove_directory rd: ok
path_remove_directory fdops: ok
done
`),
    referenceDiffs: {
      ...efaultDiffs('fd_prestat_get bad ptr', 'fd_prestat_dir_name bad ptr', 'fd_fdstat_get bad ptr',
        'fd_filestat_get bad ptr', 'fd_readdir bad ptr'),
      'fd_prestat_get stdout: errno 8': 'fd_prestat_get stdout: errno 28',
      'fd_fdstat_get flags: 0': 'fd_fdstat_get flags: 32770',
      'flags after set append: 1': 'flags after set append: 33794',
      'flags after clear: 0': 'flags after clear: 32770',
      'fd_write read-only: errno 8': 'fd_write read-only: errno 76',
      'fd_filestat_set_size read-only: errno 8': 'fd_filestat_set_size read-only: errno 76',
      'fd_write on directory: errno 8': 'fd_write on directory: errno 76',
      'fd_readdir on file: errno 54': 'fd_readdir on file: errno 76',
      'fd_read on directory: errno 31': 'fd_read on directory: errno 76',
    },
  },
  {
    name: 'path_ops.c: path_* and escapes from the preopen',
    program: 'path_ops',
    expectedExit: 0,
    setup: ESCAPE_SETUP,
    after: ESCAPE_AFTER,
    page: {
    },
    referenceAfter: [
      'secret.txt outside the sandbox was modified',
      'a directory was created outside the sandbox',
    ],
    expected: lines(`path_create_directory pathops: ok
path_create_directory existing: errno 20
path_create_directory missing parent: errno 44
path_create_directory sub: ok
path_filestat_get dir: dir
make pathops/f.txt: ok
path_filestat_get file: file size 4 nlink 1
path_filestat_get trailing slash dir: dir
path_filestat_get dot: dir
path_filestat_get dot dot inside: file size 4 nlink 1
path_filestat_get missing: errno 44
path_filestat_get file as dir: errno 54
path_filestat_get bad ptr: errno 21
path_filestat_get bad fd: errno 8
path_open missing: errno 44
path_open creat excl existing: errno 20
path_open directory flag on file: errno 54
path_open creat excl new: ok
path_filestat_get new: file size 0 nlink 1
path_open trunc: ok
path_filestat_get truncated: file size 0 nlink 1
remake pathops/f.txt: ok
path_open append: ok
append write: ok
path_filestat_get appended: file size 9 nlink 1
path_open dir without directory flag: ok
path_filestat_get via subdir fd: errno 76
path_open via subdir fd: errno 76
path_open empty path: errno 44
path_open bad path ptr: errno 21
path_filestat_get bad path ptr: errno 21
path_open bad fd ptr: errno 21
path_open bad dirfd: errno 8
path_open on file fd: errno 54
path_filestat_set_times: ok
atim: 1000000000000
mtim: 2000000000000
path_filestat_set_times now: ok
times now: yes
path_filestat_set_times missing: errno 44
path_link: ok
path_filestat_get f after link: file size 9 nlink 2
path_filestat_get g: file size 9 nlink 2
path_link existing target: errno 20
path_link missing source: errno 44
path_link directory: errno 63
path_symlink: ok
path_symlink existing: errno 20
path_symlink dangling: ok
path_filestat_get symlink nofollow: symlink size 5 nlink 1
path_filestat_get symlink follow: file size 9 nlink 2
path_filestat_get dangling follow: errno 44
path_readlink used: ok 5
path_readlink target: [f.txt]
path_readlink small buffer: ok 2
path_readlink truncated: [f.]
path_readlink not a link: errno 28
path_readlink missing: errno 44
path_readlink bad buf: errno 21
path_open through symlink: ok
read through symlink: ok data+more
path_open symlink nofollow: errno 32
path_symlink in subdir to ../f.txt: ok
path_filestat_get sub/up.lnk follow: file size 9 nlink 2
path_rename file: ok
path_filestat_get old name: errno 44
path_filestat_get new name: file size 9 nlink 2
make pathops/r.txt: ok
path_rename over file: ok
path_filestat_get replaced: file size 9 nlink 1
path_filestat_get f after replace: file size 9 nlink 1
path_rename missing: errno 44
path_create_directory d1: ok
path_rename dir: ok
path_filestat_get d1 after rename: errno 44
path_filestat_get d2: dir
make pathops/sub/inner.txt: ok
path_rename dir onto non-empty dir: errno 55
path_rename file onto dir: errno 31
path_rename dir onto file: errno 54
path_rename dir into itself: errno 28
path_create_directory d3: ok
path_rename dir onto empty dir: ok
path_filestat_get d3 after rename: errno 44
path_unlink_file h.txt: ok
path_unlink_file again: errno 44
path_unlink_file directory: errno 31
path_unlink_file symlink: ok
path_filestat_get f after unlinking symlink: file size 9 nlink 1
path_remove_directory non-empty: errno 55
path_remove_directory file: errno 54
path_remove_directory missing: errno 44
path_remove_directory d2: ok
path_unlink_file sub/inner.txt: ok
path_unlink_file sub/up.lnk: ok
path_remove_directory sub: ok
path_open ../../etc/passwd: errno 76
path_open ..: errno 76
path_open /etc/passwd: errno 76
path_open pathops/../../x: errno 76
path_filestat_get ..: errno 76
path_filestat_get /: errno 76
path_create_directory ../escape: errno 76
path_unlink_file ../x: errno 76
path_rename to ../x: errno 76
path_link to ../x: errno 76
path_symlink escaping relative target: ok
path_symlink absolute target: ok
path_filestat_get secret_rel.lnk nofollow: symlink size 13 nlink 1
path_readlink secret_rel.lnk used: ok 13
path_readlink secret_rel.lnk: [../secret.txt]
path_open via escaping symlink: errno 76
path_filestat_get via escaping symlink: errno 76
path_open via absolute symlink: errno 76
path_filestat_get via absolute symlink: errno 76
path_open through updir.lnk/secret.txt: errno 76
path_filestat_get updir.lnk/secret.txt: errno 76
path_open updir.lnk as directory: errno 76
path_create_directory through updir.lnk: errno 76
path_unlink_file through updir.lnk: errno 76
path_open creat trunc on escaping symlink nofollow: errno 32
path_open creat trunc on escaping symlink follow: errno 76
path_unlink_file f.txt: ok
path_unlink_file new.txt: ok
path_unlink_file dangling.lnk: ok
path_remove_directory pathops: ok
path_filestat_set_times bad flags: errno 28
done
`),
    referenceDiffs: {
      ...efaultDiffs('path_filestat_get bad ptr', 'path_open bad path ptr', 'path_filestat_get bad path ptr',
        'path_open bad fd ptr', 'path_readlink bad buf'),
      'path_open empty path: errno 44': 'path_open empty path: errno 28',
      'path_open on file fd: errno 54': 'path_open on file fd: errno 76',
      'path_readlink small buffer: ok 2': 'path_readlink small buffer: errno 42',
      'path_readlink truncated: [f.]': null,
      'path_open symlink nofollow: errno 32': 'path_open symlink nofollow: ok',
      'path_symlink in subdir to ../f.txt: ok': 'path_symlink in subdir to ../f.txt: errno 76',
      'path_filestat_get sub/up.lnk follow: file size 9 nlink 2': 'path_filestat_get sub/up.lnk follow: errno 44',
      'path_unlink_file sub/up.lnk: ok': null,
      'path_symlink escaping relative target: ok': 'path_symlink escaping relative target: errno 76',
      'path_symlink absolute target: ok': 'path_symlink absolute target: errno 63',
      // Sandbox escapes (see 10. above).
      'path_open through updir.lnk/secret.txt: errno 76': 'path_open through updir.lnk/secret.txt: ok',
      'path_filestat_get updir.lnk/secret.txt: errno 76': 'path_filestat_get updir.lnk/secret.txt: file size 7 nlink 1',
      'path_create_directory through updir.lnk: errno 76': 'path_create_directory through updir.lnk: ok',
      'path_unlink_file through updir.lnk: errno 76': 'path_unlink_file through updir.lnk: ok',
      'path_open creat trunc on escaping symlink nofollow: errno 32':
        'path_open creat trunc on escaping symlink nofollow: ok',
    },
  },
  {
    name: 'poll.c: poll_oneoff clocks and fds',
    program: 'poll',
    expectedExit: 0,
    timeoutMs: 30000,
    after: CLEAN,
    page: {
    },
    expected: lines(`poll_oneoff zero subscriptions: errno 28
poll_oneoff clock 10ms: ok 1 event(s)
  userdata 7 type clock error 0
slept >= 10ms: yes
slept < 5s: yes
poll_oneoff realtime clock 5ms: ok 1 event(s)
  userdata 3 type clock error 0
slept >= 5ms: yes
poll_oneoff abstime clock: ok 1 event(s)
  userdata 8 type clock error 0
reached deadline: yes
poll_oneoff abstime in the past: ok 1 event(s)
  userdata 9 type clock error 0
returned at once: yes
poll_oneoff two clocks: ok 1 event(s)
  userdata 2 type clock error 0
returned before the later: yes
make poll.txt: ok
path_open poll.txt: ok
poll_oneoff fd_read file: ok 1 event(s)
  userdata 4 type fd_read error 0
poll_oneoff fd_write file: ok 1 event(s)
  userdata 5 type fd_write error 0
poll_oneoff fd_read + clock: ok 1 event(s)
  userdata 4 type fd_read error 0
returned before the clock: yes
poll_oneoff fd_read bad fd: ok 1 event(s)
  userdata 10 type fd_read error 8
poll_oneoff invalid clock: errno 28
poll_oneoff bad in ptr: errno 21
poll_oneoff bad out ptr: errno 21
poll_oneoff bad nevents ptr: errno 21
sched_yield: ok
fd_close: ok
path_unlink_file poll.txt: ok
done
`),
    referenceDiffs: {
      ...efaultDiffs('poll_oneoff bad in ptr', 'poll_oneoff bad out ptr', 'poll_oneoff bad nevents ptr'),
      '  userdata 8 type clock error 0': '  userdata 13 type clock error 0',
      '  userdata 9 type clock error 0': '  userdata 13 type clock error 0',
      'returned at once: yes': 'returned at once: no',
      'poll_oneoff fd_read file: ok 1 event(s)': 'poll_oneoff fd_read file: errno 63',
      '  userdata 4 type fd_read error 0': null,
      'poll_oneoff fd_write file: ok 1 event(s)': 'poll_oneoff fd_write file: errno 63',
      '  userdata 5 type fd_write error 0': null,
      'poll_oneoff fd_read + clock: ok 1 event(s)': 'poll_oneoff fd_read + clock: errno 63',
      '  userdata 10 type fd_read error 8': '  userdata 0 type clock error 0',
      'poll_oneoff invalid clock: errno 28': 'poll_oneoff invalid clock: ok 1 event(s)\n  userdata 11 type clock error 0',
    },
  },
  {
    name: 'sock.c: sock_* on non-sockets and bad fds',
    program: 'sock',
    expectedExit: 0,
    after: CLEAN,
    expected: lines(`make sock.txt: ok
path_open sock.txt: ok
sock_accept file: errno 57
sock_recv file: errno 57
sock_send file: errno 57
sock_shutdown file: errno 57
sock_accept dir: errno 57
sock_recv dir: errno 57
sock_send dir: errno 57
sock_shutdown dir: errno 57
sock_accept bad fd: errno 8
sock_recv bad fd: errno 8
sock_send bad fd: errno 8
sock_shutdown bad fd: errno 8
fd_read after sock_*: ok not a socket
fd_close: ok
path_unlink_file sock.txt: ok
done
`),
    referenceDiffs: {
      'sock_accept file: errno 57': 'sock_accept file: errno 76',
      'sock_recv file: errno 57': 'sock_recv file: errno 76',
      'sock_send file: errno 57': 'sock_send file: errno 76',
      'sock_shutdown file: errno 57': 'sock_shutdown file: errno 58',
      'sock_accept dir: errno 57': 'sock_accept dir: errno 76',
      'sock_recv dir: errno 57': 'sock_recv dir: errno 76',
      'sock_send dir: errno 57': 'sock_send dir: errno 76',
      'sock_shutdown dir: errno 57': 'sock_shutdown dir: errno 58',
      'sock_shutdown bad fd: errno 8': 'sock_shutdown bad fd: errno 58',
    },
  },
  {
    name: 'efault.wat: out-of-range pointers give EFAULT and the program goes on',
    program: 'efault',
    expectedExit: 0,
    after: CLEAN,
    expected: lines(`fd_write iovs past end: errno 21
fd_write buf past end: errno 21
fd_write buf wraps around: errno 21
fd_write nwritten past end: errno 21
fd_write iovec straddles end: errno 21
fd_write iovs array past end: errno 21
fd_read iovs past end: errno 21
fd_read buf past end: errno 21
fd_pread buf past end: errno 21
args_sizes_get past end: errno 21
args_get past end: errno 21
environ_sizes_get past end: errno 21
clock_time_get straddles end: errno 21
random_get straddles end: errno 21
fd_prestat_dir_name past end: errno 21
fd_fdstat_get past end: errno 21
fd_filestat_get past end: errno 21
fd_readdir buf past end: errno 21
path_open path past end: errno 21
path_filestat_get buf past end: errno 21
poll_oneoff subscriptions past end: errno 21
fd_write good after faults: ok
still running: ok
`),
    referenceDiffs: efaultDiffs('fd_write iovs past end', 'fd_write buf past end', 'fd_write buf wraps around',
      'fd_write nwritten past end', 'fd_write iovec straddles end', 'fd_write iovs array past end',
      'fd_read iovs past end', 'fd_read buf past end', 'fd_pread buf past end', 'args_sizes_get past end',
      'args_get past end', 'environ_sizes_get past end', 'clock_time_get straddles end',
      'random_get straddles end', 'fd_prestat_dir_name past end', 'fd_fdstat_get past end',
      'fd_filestat_get past end', 'fd_readdir buf past end', 'path_open path past end',
      'path_filestat_get buf past end', 'poll_oneoff subscriptions past end'),
  },
  {
    name: 'unstable.wat: the wasi_unstable ABI (whence values, 56-byte filestat)',
    program: 'unstable',
    expectedExit: 0,
    after: CLEAN,
    referenceSkip: "node:wasi version 'unstable' keeps preview1 semantics (whence values, 64-byte filestat)",
    expected: lines(`fd_prestat_get 3 name_len: ok 8
path_open create: ok
fd_write: ok 12
fd_seek whence=1 (END) 0: ok 12
fd_seek whence=2 (SET) 6: ok 6
fd_seek whence=0 (CUR) +1: ok 7
fd_read 4 bytes: ok [orld]
fd_filestat_get: ok filetype 4 nlink 1 size 12
wrote only 56 bytes yes
fd_close: ok
path_filestat_get: ok filetype 4 nlink 1 size 12
wrote only 56 bytes yes
path_unlink_file: ok
done
`),
  },
  {
    name: 'dir_edges.c: absolute symlinks are created (only following them is confined); byte calls on directory fds',
    program: 'dir_edges',
    expectedExit: 0,
    after: CLEAN,
    expected: lines(`path_create_directory edges: ok
path_open edges: ok
path_symlink /etc/passwd from the preopen: ok
path_symlink / from a subdirectory fd: ok
path_symlink /sandbox/edges from a subdirectory fd: ok
path_symlink absolute onto an existing name: errno 20
path_readlink edges/passwd.lnk: ok /etc/passwd
path_readlink root.lnk: ok /
path_readlink self.lnk: ok /sandbox/edges
path_filestat_get passwd.lnk nofollow: symlink size 11
path_filestat_get root.lnk nofollow: symlink size 1
path_open via absolute symlink: errno 76
path_filestat_get via absolute symlink: errno 76
path_filestat_get through absolute symlink: errno 76
path_unlink_file passwd.lnk: ok
path_unlink_file root.lnk: ok
path_unlink_file self.lnk: ok
fd_read on a directory: errno 31
fd_pread on a directory: errno 31
fd_write on a directory: errno 8
fd_pwrite on a directory: errno 8
fd_seek set 0 on a directory: errno 8
fd_seek cur 0 on a directory: errno 8
fd_seek end 0 on a directory: errno 8
fd_tell on a directory: errno 8
fd_read on the preopen: errno 31
fd_pread on the preopen: errno 31
fd_write on the preopen: errno 8
fd_pwrite on the preopen: errno 8
fd_seek set 0 on the preopen: errno 8
fd_seek cur 0 on the preopen: errno 8
fd_seek end 0 on the preopen: errno 8
fd_tell on the preopen: errno 8
fd_readdir still works: ok
fd_close edges: ok
path_remove_directory edges: ok
done
`),
    // node:wasi refuses absolute symlink targets (63; see 9.) and answers every byte call on a
    // directory fd with ENOTCAPABLE (76; see 4.).
    referenceDiffs: {
      'path_symlink /etc/passwd from the preopen: ok': 'path_symlink /etc/passwd from the preopen: errno 63',
      'path_symlink / from a subdirectory fd: ok': 'path_symlink / from a subdirectory fd: errno 63',
      'path_symlink /sandbox/edges from a subdirectory fd: ok': 'path_symlink /sandbox/edges from a subdirectory fd: errno 63',
      'path_symlink absolute onto an existing name: errno 20': 'path_symlink absolute onto an existing name: errno 63',
      'path_readlink edges/passwd.lnk: ok /etc/passwd': 'path_readlink edges/passwd.lnk: errno 44',
      'path_readlink root.lnk: ok /': 'path_readlink root.lnk: errno 44',
      'path_readlink self.lnk: ok /sandbox/edges': 'path_readlink self.lnk: errno 44',
      'path_filestat_get passwd.lnk nofollow: symlink size 11': 'path_filestat_get passwd.lnk nofollow: errno 44',
      'path_filestat_get root.lnk nofollow: symlink size 1': 'path_filestat_get root.lnk nofollow: errno 44',
      'path_open via absolute symlink: errno 76': 'path_open via absolute symlink: errno 44',
      'path_filestat_get via absolute symlink: errno 76': 'path_filestat_get via absolute symlink: errno 44',
      'path_filestat_get through absolute symlink: errno 76': 'path_filestat_get through absolute symlink: errno 44',
      'path_unlink_file passwd.lnk: ok': 'path_unlink_file passwd.lnk: errno 44',
      'path_unlink_file root.lnk: ok': 'path_unlink_file root.lnk: errno 44',
      'path_unlink_file self.lnk: ok': 'path_unlink_file self.lnk: errno 44',
      'fd_read on a directory: errno 31': 'fd_read on a directory: errno 76',
      'fd_pread on a directory: errno 31': 'fd_pread on a directory: errno 76',
      'fd_write on a directory: errno 8': 'fd_write on a directory: errno 76',
      'fd_pwrite on a directory: errno 8': 'fd_pwrite on a directory: errno 76',
      'fd_seek set 0 on a directory: errno 8': 'fd_seek set 0 on a directory: errno 76',
      'fd_seek cur 0 on a directory: errno 8': 'fd_seek cur 0 on a directory: errno 76',
      'fd_seek end 0 on a directory: errno 8': 'fd_seek end 0 on a directory: errno 76',
      'fd_tell on a directory: errno 8': 'fd_tell on a directory: errno 76',
      'fd_read on the preopen: errno 31': 'fd_read on the preopen: errno 76',
      'fd_pread on the preopen: errno 31': 'fd_pread on the preopen: errno 76',
      'fd_write on the preopen: errno 8': 'fd_write on the preopen: errno 76',
      'fd_pwrite on the preopen: errno 8': 'fd_pwrite on the preopen: errno 76',
      'fd_seek set 0 on the preopen: errno 8': 'fd_seek set 0 on the preopen: errno 76',
      'fd_seek cur 0 on the preopen: errno 8': 'fd_seek cur 0 on the preopen: errno 76',
      'fd_seek end 0 on the preopen: errno 8': 'fd_seek end 0 on the preopen: errno 76',
      'fd_tell on the preopen: errno 8': 'fd_tell on the preopen: errno 76',
    },
  },
  {
    name: 'long_paths.c: 255/256-byte names, 4095/4096-byte paths, a tree deeper than PATH_MAX',
    program: 'long_paths',
    expectedExit: 0,
    after: CLEAN,
    expected: lines(`path_create_directory 255-byte name: ok
path_filestat_get 255-byte name: ok
path_remove_directory 255-byte name: ok
path_create_directory 256-byte name: errno 37
path_open creat 256-byte name: errno 37
path_symlink 256-byte link name: errno 37
path_filestat_get 256-byte name: errno 37
path_create_directory 127 x e-acute (254 bytes): ok
path_remove_directory 127 x e-acute: ok
path_create_directory 128 x e-acute (256 bytes): errno 37
make pm7.txt: ok
path of 4096 bytes
path_filestat_get 4096-byte path: errno 37
path of 4095 bytes
path_filestat_get 4095-byte path: ok
path_unlink_file pm7.txt: ok
deep chain: 20 levels, 5020 bytes from the preopen: ok
make file at the bottom: ok
path_open file at the bottom: ok
fd_read file at the bottom: ok deep down
fd_close: ok
path_filestat_get at the bottom: file size 10
fd_readdir at the bottom: ok deep.txt listed
path_filestat_get level 16 from the preopen: ok
path_filestat_get level 17 from the preopen: errno 37
path_unlink_file at the bottom: ok
removed 20 levels
done
`),
    // node:wasi (uvwasi) resolves every path into one host path: the chain stops at level 17
    // (ENAMETOOLONG, 37) and a 4096-byte path is ENOENT (44) (see 18.).
    referenceDiffs: {
      'path_filestat_get 4096-byte path: errno 37': 'path_filestat_get 4096-byte path: errno 44',
      'deep chain: 20 levels, 5020 bytes from the preopen: ok':
        'deep chain: 16 levels, 4016 bytes from the preopen: failed\ndeep chain level 17: errno 37',
      'removed 20 levels': 'removed 16 levels',
    },
  },
  {
    name: 'readdir_big.c: fd_readdir over 100,000 entries through a 64-byte buffer, resuming from cookies',
    program: 'readdir_big',
    expectedExit: 0,
    after: CLEAN,
    timeoutMs: 300000,
    referenceSkip: 'node:wasi scans the directory from the start on every fd_readdir call: 10,000 entries '
      + 'through a 64-byte buffer take ~20 s, 100,000 would take hours (see 19.)',
    expected: lines(`path_create_directory big: ok
made 100000 entries: ok
path_open big: ok
fd_readdir through 64 bytes: ok
entries: 100000
missing: 0, repeated: 0, others: 0
one whole entry a call: yes
an fd_readdir call costs under 10x an fd_fdstat_get call: yes
fd_readdir from the middle cookie again: ok same entry
fd_readdir from cookie 0: ok
fd_readdir from cookie 0 again: ok same first entry
fd_close big: ok
removed 100000 entries: ok
path_remove_directory big: ok
done
`),
  },
  {
    name: 'nomemory.wat: a module that exports no memory is refused before it runs',
    program: 'nomemory',
    expectedExit: 78,
    expected: [],
    wasmvisorStderr: 'module exports no memory named "memory"',
    // node:wasi instantiates it and fails in wasi.start, which the reference runner reports as a
    // trap (134).
    referenceExit: 134,
  },
  {
    name: 'badsig.wat: an import with the wrong signature is refused before it runs',
    program: 'badsig',
    expectedExit: 69,
    expected: [],
    wasmvisorStderr: 'import wasi_snapshot_preview1::fd_write has type \\(param i32 i64 i32\\) \\(result i32\\), '
      + "but the kernel's fd_write is \\(param i32 i32 i32 i32\\) \\(result i32\\)",
    // node:wasi links the JS function whatever its signature, runs the program and exits 0.
    referenceExit: 0,
  },
  {
    name: 'proc.c: proc_exit(255), the largest exit status',
    program: 'proc',
    args: ['255'],
    expectedExit: 255,
    expected: ['sched_yield: ok', 'exiting with 255'],
  },
  {
    name: 'proc.c: proc_exit(256) is an error (exit 1), never success',
    program: 'proc',
    args: ['256'],
    expectedExit: 1,
    expected: ['sched_yield: ok', 'exiting with 256'],
    wasmvisorStderr: 'proc_exit with invalid exit status 256 \\(outside 0\\.\\.255\\)',
    // node:wasi exits the process with 256, which the host truncates to 0: success.
    referenceExit: 0,
  },
  {
    name: 'proc.c: proc_exit(-1 as u32) is an error (exit 1)',
    program: 'proc',
    args: ['4294967295'],
    expectedExit: 1,
    expected: ['sched_yield: ok', 'exiting with 4294967295'],
    wasmvisorStderr: 'proc_exit with invalid exit status 4294967295 \\(outside 0\\.\\.255\\)',
    referenceExit: 255,
  },
  {
    name: 'memgrow.wat: WASI calls see memory grown by memory.grow',
    program: 'memgrow',
    expectedExit: 0,
    referenceSkip: 'node:wasi on Node 20 breaks after memory.grow (nodejs/node#51303)',
    expected: ['before grow', 'after grow', 'grew again'],
  },
  {
    name: 'grow.c: malloc until NULL, then exit 0',
    program: 'grow',
    expectedExit: 0,
    timeoutMs: 120000,
    referenceSkip: 'node:wasi on Node 20 breaks after memory.grow (nodejs/node#51303)',
    // The page run sets a memory limit (the CLI's is its 1 GiB default): malloc
    // reaches NULL after ~64 allocations, and a browser tab is spared 1 GiB.
    page: { memoryLimit: 64 * 1024 * 1024 },
    expected: ['malloc returned NULL', 'at least 1 MiB allocated: yes', 'memory pages: grew'],
  },
  {
    // Issue 11: stdout moved aside, the inner pass freopen'ed into a file, stdout moved back;
    // the dup/dup2 sequence (wasi-libc has neither: dup() here renumbers onto an unused
    // fd, which fd_renumber refuses); then fd_renumber onto an open fd, onto a closed number,
    // onto itself, from a bad fd, from a directory and from stderr, from the preopen. Expected
    // output reasoned from wasmtime's p1 fd_renumber (test/programs/README.md).
    name: 'redirect.c: saving and restoring stdout around a redirect; fd_renumber cases',
    program: 'redirect',
    expectedExit: 0,
    after: CLEAN,
    expected: lines(`mkdir redir: ok
mkdir redir/sub: ok
make sub/in_sub.txt: ok
2 before redirect
2 via the saved stdout
save stdout onto the slot fd: ok
write via the saved stdout's number: ok
fd 1 open while stdout is saved: no
freopen inner.txt as stdout: ok
fflush inner: ok
restore stdout: ok
slot fd closed by the move: yes
close(slot): errno 8 (EBADF)
2 after redirect
inner.txt: 102 lines, 5233 bytes
inner.txt first: 2 inner line 1
inner.txt last: 2 inner last line
slot file untouched: yes
1 before dup
dup(1) onto an unused fd: errno 8 (EBADF)
fd 1 still open: yes
open issue.txt: ok
1 after: stdout is still the same
3 before
save stdout: ok
dup2(tmpfd, 1) with fd 1 closed: errno 8
tmpfd still open: yes
saved stdout still open: yes
dup2(saved, 1) with fd 1 closed: errno 8
placeholder lands on fd 1: yes
restore stdout over the placeholder: ok
close(tmpfd): ok
3 after
renumber a onto open b: ok
fdstat a after: errno 8
write via b: ok
a.txt holds: written via b
b.txt size: 0
renumber onto never-opened fd: errno 8
fdstat a still: ok
close c: ok
renumber onto just-closed c: errno 8
fdstat just-closed c: errno 8
renumber from never-opened fd onto a: errno 8
fdstat a after bad renumber: ok
renumber a onto itself: ok
write after self renumber: ok
a.txt is both lines: yes
renumber never-opened onto itself: errno 8
open dir sub: ok
renumber dir onto stdin: ok
fd 0 filetype: ok dir
path_open relative to fd 0: ok
renumber stderr onto a file fd: ok
fdstat fd 2 after: errno 8
write via the moved stderr: ok
e.txt size: 0
close fd 0: ok
renumber preopen onto x: ok
fd_prestat_get old number: errno 8
fd_prestat_dir_name new number: ok /sandbox
path_open via the moved preopen: ok
unlink x.txt: ok
unlink a.txt: ok
unlink b.txt: ok
unlink c.txt: ok
unlink e.txt: ok
unlink sub/in_sub.txt: ok
rmdir sub: ok
rmdir redir: ok
done
`),
    // fd 2 was moved onto a file's fd, so this reached stderr through that fd.
    expectedStderr: 'to stderr via a moved fd\n',
    referenceDiffs: {
      // 17. uvwasi answers from == to before looking at either fd.
      'renumber never-opened onto itself: errno 8': 'renumber never-opened onto itself: ok',
    },
  },
];

/** Expected lines with some replaced (null: dropped; "\n": several lines). */
export function applyDiffs(expected: string[], diffs: Record<string, string | null> | undefined): string[] {
  const out: string[] = [];
  for (const line of expected) {
    if (diffs === undefined || !Object.hasOwn(diffs, line)) {
      out.push(line);
      continue;
    }
    const repl = diffs[line];
    if (repl !== null && repl !== undefined) out.push(...repl.split('\n'));
  }
  return out;
}

/** A program's stdout as lines (a final newline ends the last line). */
export function outputLines(stdout: string): string[] {
  const l = stdout.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** A driver's read-only view of the files, by base-relative path. */
export interface FilesView {
  /** The file's text, or undefined if there is nothing at `path`. */
  readText(path: string): string | undefined | Promise<string | undefined>;
  exists(path: string): boolean | Promise<boolean>;
  /** The names in a directory (without "." and ".."), in any order. */
  list(path: string): string[] | Promise<string[]>;
}

/** The violations of `c.after` (none if the case has no `after`). */
export async function checkAfter(c: Case, files: FilesView): Promise<string[]> {
  const spec = c.after;
  if (spec === undefined) return [];
  const v: string[] = [];
  for (const name of spec.intactOutside ?? []) {
    const entry = c.setup?.find((e) => e.path === name);
    if (entry?.kind !== 'file') throw new Error(`${c.program}: intactOutside ${name} is not a file of setup`);
    const text = await files.readText(name);
    if (text === undefined) v.push(`${name} outside the sandbox was deleted`);
    else if (text !== entry.content) v.push(`${name} outside the sandbox was modified`);
  }
  for (const [path, violation] of Object.entries(spec.absentOutside ?? {})) {
    if (await files.exists(path)) v.push(violation);
  }
  const left = (await files.list(SANDBOX)).sort();
  if (JSON.stringify(left) !== JSON.stringify([...spec.sandboxLeft].sort())) {
    v.push(`sandbox left with: ${left.join(' ')}`);
  }
  return v;
}

// The shell's builtins: commands that change the shell itself (cd, export, exit, ...) or read
// kernel state directly (ps, jobs, mount). Each gets argv and the stdio of its place in the
// pipeline, and resolves to an exit status.
import { FileType } from '../vfs/file_type.js';
import type { FileDescription } from '../vfs/file_description.js';
import { SIGNAL_NAMES, signalName } from '../kernel/signals.js';
import type { Shell, Job } from './shell.js';
import { errorText } from './util.js';
import { CONTAINER_BUILTINS, CONTAINER_HELP, containerTable } from './container_builtins.js';

export interface BuiltinIO {
  stdin: FileDescription | null;
  out(text: string): Promise<void>;
  err(text: string): Promise<void>;
  /** The command's stdin, stdout and stderr descriptions (for builtins that start programs). */
  fds: [FileDescription | null, FileDescription, FileDescription];
  /** A fresh /dev/null description (a stdin for a program when the command has none). */
  devNull(): FileDescription;
}

export type Builtin = (sh: Shell, argv: string[], io: BuiltinIO) => Promise<number>;

const HELP: Record<string, string> = {
  cd: 'cd [DIR]        change the working directory (default $HOME; `cd -` goes back)',
  pwd: 'pwd             print the working directory',
  export: 'export [K[=V]]  export variables to programs (no args: list them)',
  unset: 'unset K...      remove variables',
  exit: 'exit [N]        leave the shell with status N',
  kill: 'kill [-SIG] PID|%JOB...  send a signal (kill -l lists them); kill CONTAINER [SIG] signals a container',
  ps: 'ps [-a]         list processes (and running containers); -a: all containers',
  docker: 'docker VERB ...  the container commands under docker\'s name (docker ps, docker run, ...)',
  jobs: 'jobs            list background jobs',
  fg: 'fg [%N]         bring a job to the foreground',
  wait: 'wait [%N|PID]   wait for background jobs',
  history: 'history         list the command history',
  help: 'help            this list',
  clear: 'clear           clear the screen',
  type: 'type NAME...    say whether NAME is a builtin or a program',
  mount: 'mount           list the mounted file systems',
  true: 'true            succeed',
  false: 'false           fail',
  echo: 'echo [-n] ARG... print arguments (builtin; /bin/echo also exists)',
  sh: 'sh -c LINE | sh FILE   run a command line, or a script file line by line',
};

function jobOf(sh: Shell, spec: string | undefined): Job | undefined {
  if (spec === undefined) return sh.jobs[sh.jobs.length - 1];
  const n = Number(spec.replace(/^%/, ''));
  return sh.jobs.find((j) => j.id === n);
}

async function waitJob(sh: Shell, job: Job, foreground: boolean): Promise<number> {
  const pty = sh.opts.pty;
  if (foreground && pty && job.pgid) pty.foregroundPgid = job.pgid;
  const status = await job.done;
  if (foreground && pty) pty.foregroundPgid = sh.task.pgid;
  job.notified = true;
  sh.jobs.splice(sh.jobs.indexOf(job), 1);
  return status;
}

export const BUILTINS: Map<string, Builtin> = new Map<string, Builtin>([
  ['cd', async (sh, argv, io) => {
    let target = argv[1] ?? sh.vars.get('HOME') ?? '/';
    if (target === '-') {
      target = sh.vars.get('OLDPWD') ?? sh.cwd;
      await io.out(target + '\n');
    }
    const abs = sh.absolute(target);
    let chain;
    try {
      chain = sh.kernel.vfs.resolve([sh.kernel.vfs.root], abs, sh.kernel.vfs.rootScope);
    } catch (e) {
      await io.err(`cd: ${target}: ${errorText(e)}\n`);
      return 1;
    }
    if (chain[chain.length - 1]!.type !== FileType.DIRECTORY) {
      await io.err(`cd: ${target}: Not a directory\n`);
      return 1;
    }
    sh.setVar('OLDPWD', sh.cwd, true);
    sh.task.cwd = { path: abs, chain, scope: sh.kernel.vfs.rootScope };
    sh.setVar('PWD', abs, true);
    return 0;
  }],
  ['pwd', async (sh, _argv, io) => {
    await io.out(sh.cwd + '\n');
    return 0;
  }],
  ['export', async (sh, argv, io) => {
    if (argv.length === 1 || argv[1] === '-p') {
      for (const name of [...sh.exported].sort()) {
        const v = sh.vars.get(name);
        if (v !== undefined) await io.out(`export ${name}=${JSON.stringify(v)}\n`);
      }
      return 0;
    }
    let status = 0;
    for (const arg of argv.slice(1)) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(0, eq) : arg;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        await io.err(`export: \`${arg}': not a valid identifier\n`);
        status = 1;
        continue;
      }
      if (eq >= 0) sh.setVar(name, arg.slice(eq + 1), true);
      else sh.exported.add(name);
    }
    return status;
  }],
  ['unset', async (sh, argv) => {
    for (const name of argv.slice(1)) {
      sh.vars.delete(name);
      sh.exported.delete(name);
    }
    return 0;
  }],
  ['exit', async (sh, argv, io) => {
    const n = argv[1] === undefined ? sh.lastStatus : Number(argv[1]);
    if (!Number.isInteger(n)) {
      await io.err(`exit: ${argv[1]}: numeric argument required\n`);
      sh.exitRequested = 2;
      return 2;
    }
    sh.exitRequested = n & 0xff;
    return n & 0xff;
  }],
  ['kill', async (sh, argv, io) => {
    let sig = 15;
    let args = argv.slice(1);
    // kill CONTAINER [SIGNAL]: runsc's form, for an operand that is no pid or job.
    const host = sh.opts.containers;
    if (host && args.length >= 1 && args.length <= 2 && !/^[-%]|^\d+$/.test(args[0]!)) {
      try {
        host.containers.get(args[0]!);
      } catch {
        await io.err(`kill: ${args[0]}: no such container, pid or job\n`);
        return 1;
      }
      try {
        host.containers.kill(args[0]!, args[1]);
        return 0;
      } catch (e) {
        await io.err(`kill: ${errorText(e)}\n`);
        return 1;
      }
    }
    if (args[0] === '-l') {
      await io.out(SIGNAL_NAMES.slice(1).map((n, i) => `${i + 1}) ${n}`).join('\n') + '\n');
      return 0;
    }
    if (args[0] === '-s' && args[1]) {
      args = [`-${args[1]}`, ...args.slice(2)];
    }
    if (args[0]?.startsWith('-')) {
      const spec = args[0].slice(1).toUpperCase();
      const byNumber = Number(spec);
      const byName = SIGNAL_NAMES.indexOf(spec.startsWith('SIG') ? spec : 'SIG' + spec);
      sig = Number.isInteger(byNumber) && spec !== '' ? byNumber : byName;
      if (!(sig >= 0 && sig < SIGNAL_NAMES.length)) {
        await io.err(`kill: ${args[0].slice(1)}: invalid signal specification\n`);
        return 1;
      }
      args = args.slice(1);
    }
    if (args.length === 0) {
      await io.err('usage: kill [-s SIG | -SIG] PID|%JOB...\n');
      return 2;
    }
    let status = 0;
    for (const a of args) {
      if (a.startsWith('%')) {
        const job = jobOf(sh, a);
        if (!job) {
          await io.err(`kill: ${a}: no such job\n`);
          status = 1;
          continue;
        }
        sh.kernel.signalGroup(job.pgid, sig);
        continue;
      }
      const pid = Number(a);
      if (!Number.isInteger(pid) || !sh.kernel.kill(pid, sig, `killed by ${signalName(sig)}`)) {
        await io.err(`kill: (${a}) - No such process\n`);
        status = 1;
      }
    }
    return status;
  }],
  ['ps', async (sh, argv, io) => {
    const host = sh.opts.containers;
    if (argv[1] === '-a') {
      if (!host) {
        await io.err('ps: this shell has no container runtime\n');
        return 1;
      }
      await io.out(containerTable(host, true));
      return 0;
    }
    if (argv.length > 1) {
      await io.err(`ps: unknown option ${argv[1]}\nusage: ps [-a]\n`);
      return 2;
    }
    const now = performance.now();
    let out = '  PID  PPID STAT     TIME  MEM     CMD\n';
    for (const t of [...sh.kernel.tasks.values()].filter((x) => x.alive).sort((a, b) => a.pid - b.pid)) {
      const secs = Math.floor((now - t.startedAt) / 1000);
      const time = `${String(Math.floor(secs / 60)).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
      const stat = t.state === 'running' ? 'R' : t.state === 'sleeping' ? 'S' : 'Z';
      const mem = `${Math.round(t.memoryBytes() / 1024)}K`;
      const where = t.container ? ` [${t.container.slice(0, 12)}]` : '';
      out += `${String(t.pid).padStart(5)} ${String(t.ppid).padStart(5)} ${stat.padEnd(4)} ${time.padStart(8)}  ${mem.padEnd(7)} ${t.argv.join(' ')}${where}\n`;
    }
    if (host && host.containers.list(false).length > 0) out += '\n' + containerTable(host, false);
    await io.out(out);
    return 0;
  }],
  ['jobs', async (sh, _argv, io) => {
    for (const j of sh.jobs) {
      const state = j.status === null ? 'Running' : j.status === 0 ? 'Done' : `Exit ${j.status}`;
      await io.out(`[${j.id}]  ${state.padEnd(22)}${j.text} &\n`);
    }
    return 0;
  }],
  ['fg', async (sh, argv, io) => {
    const job = jobOf(sh, argv[1]);
    if (!job) {
      await io.err(`fg: ${argv[1] ?? 'current'}: no such job\n`);
      return 1;
    }
    await io.out(job.text + '\n');
    return waitJob(sh, job, true);
  }],
  ['wait', async (sh, argv, io) => {
    if (argv.length === 1) {
      let last = 0;
      for (const job of [...sh.jobs]) last = await waitJob(sh, job, false);
      return last;
    }
    let last = 0;
    for (const a of argv.slice(1)) {
      const job = a.startsWith('%') ? jobOf(sh, a) : sh.jobs.find((j) => j.tasks.some((t) => t.pid === Number(a)));
      if (!job) {
        await io.err(`wait: ${a}: no such job\n`);
        last = 127;
        continue;
      }
      last = await waitJob(sh, job, false);
    }
    return last;
  }],
  ['history', async (sh, _argv, io) => {
    await io.out(sh.history.map((l, i) => `${String(i + 1).padStart(5)}  ${l}\n`).join(''));
    return 0;
  }],
  ['help', async (sh, _argv, io) => {
    await io.out('wasmvisor shell builtins:\n' + Object.values(HELP).map((l) => '  ' + l + '\n').join('') +
      (sh.opts.containers ? 'containers:\n' + CONTAINER_HELP.map((l) => '  ' + l + '\n').join('') : '') +
      'Programs are looked up along $PATH (/bin). Pipes |, redirections < > >> 2> 2>&1, lists ; && || &, $VAR, ~, globs.\n');
    return 0;
  }],
  ['clear', async (_sh, _argv, io) => {
    await io.out('\x1b[H\x1b[2J\x1b[3J');
    return 0;
  }],
  ['type', async (sh, argv, io) => {
    let status = 0;
    for (const name of argv.slice(1)) {
      if (BUILTINS.has(name)) {
        await io.out(`${name} is a shell builtin\n`);
        continue;
      }
      try {
        const { path } = await sh.findProgram(name);
        await io.out(`${name} is ${path}\n`);
      } catch (e) {
        await io.err(`type: ${name}: not found\n`);
        status = 1;
      }
    }
    return status;
  }],
  ['mount', async (sh, _argv, io) => {
    for (const m of sh.kernel.vfs.mounts()) {
      if (m.hidden) continue;
      await io.out(`${m.source} on ${m.target} type ${m.fs.type} (${m.options})\n`);
    }
    return 0;
  }],
  ['true', async () => 0],
  ['false', async () => 1],
  ['echo', async (_sh, argv, io) => {
    const noNewline = argv[1] === '-n';
    const words = argv.slice(noNewline ? 2 : 1);
    await io.out(words.join(' ') + (noNewline ? '' : '\n'));
    return 0;
  }],
  ['sh', async (sh, argv) => {
    // Runs in this shell (like `.`), but an `exit` in the script ends the script, not the shell.
    const outer = sh.exitRequested;
    const status = await sh.main(argv);
    sh.exitRequested = outer;
    return status;
  }],
  ['docker', async (sh, argv, io) => {
    const verb = argv[1];
    if (verb === 'ps') {
      if (!sh.opts.containers) {
        await io.err('docker: this shell has no container runtime\n');
        return 125;
      }
      await io.out(containerTable(sh.opts.containers, argv[2] === '-a'));
      return 0;
    }
    const b: Builtin | undefined = verb === undefined ? undefined : verb === 'kill' ? BUILTINS.get(verb) : CONTAINER_BUILTINS.get(verb);
    if (!b) {
      await io.err(`docker: ${verb ? `unknown command "${verb}"` : 'a command is needed'}; try one of: ps, kill, ${[...CONTAINER_BUILTINS.keys()].join(', ')}\n`);
      return 2;
    }
    return b(sh, argv.slice(1), io);
  }],
  ...CONTAINER_BUILTINS,
]);

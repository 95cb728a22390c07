// ConsoleService: the console as the page sees it (ConsoleApi). Owns the machine's terminal
// (one Pty) and keeps a login shell running on it: when the shell exits, a new one starts.
import type { ConsoleApi } from './types.js';
import type { Kernel } from '../kernel/kernel.js';
import { Pty } from '../tty/pty.js';
import { Shell } from '../shell/shell.js';
import type { ContainerHost } from '../shell/container_builtins.js';
import type { Task } from '../kernel/task.js';

const encoder = new TextEncoder();

export class ConsoleService implements ConsoleApi {
  readonly pty: Pty;
  private shell: Task | null = null;

  constructor(private readonly kernel: Kernel, private readonly env: () => string[], private readonly containers?: ContainerHost) {
    this.pty = new Pty((pgid, sig) => kernel.signalGroup(pgid, sig));
    // While the page renders terminal output it needs a core: tell the platform not to spin.
    this.pty.onRenderingChange = (busy) => kernel.platform.setBackgroundLoad(busy ? 1 : 0);
  }

  async attach(cols: number, rows: number, onOutput: (chunk: Uint8Array) => void): Promise<void> {
    if (typeof onOutput !== 'function') throw new Error('console.attach: onOutput must be a function (wrap it with Comlink.proxy)');
    this.pty.resize(cols, rows);
    this.pty.attach(onOutput);
    if (!this.shell) this.startShell();
  }

  async input(data: string | Uint8Array): Promise<void> {
    this.pty.masterInput(typeof data === 'string' ? encoder.encode(data) : data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    this.pty.resize(cols, rows);
  }

  async ack(bytes: number): Promise<void> {
    if (!Number.isFinite(bytes) || bytes < 0) throw new Error('console.ack: bytes must be a non-negative number');
    this.pty.ack(bytes);
  }

  /** Starts a login shell on the terminal; restarts it whenever it exits. */
  private startShell(): void {
    const tty = this.pty.openSlave();
    const task = this.kernel.spawnKernelTask(
      { argv: ['/bin/sh', '-l'], env: this.env(), cwd: '/root', stdio: [tty, tty, tty], preopens: [] },
      (t) => new Shell(this.kernel, t, { pty: this.pty, containers: this.containers }).interactive(),
    );
    this.shell = task;
    this.pty.foregroundPgid = task.pgid;
    task.whenExited(() => {
      this.shell = null;
      setTimeout(() => this.startShell(), 0);
    });
  }
}

// The status line under the terminal: the kernel's live figures (tasks, memory of all processes,
// bytes stored, where the machine lives and how much of the origin's quota it uses), asked of the kernel with status() once a second. The boot state ("kernel booted,
// version X" or the boot error) is the page's #status element, which main.ts keeps; this owns only
// the figures beside it.
import type { KernelStatus } from '../client.js';

/** "1.5 MiB", "512 B": bytes in binary units, one decimal from KiB up. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Fills `element` with one <span> per figure and refreshes them every `periodMs`. */
export class StatusLine {
  private timer: ReturnType<typeof setInterval> | undefined;
  private inFlight = false;
  private readonly fields: Record<'tasks' | 'memory' | 'storage' | 'machine', HTMLElement>;

  constructor(
    private readonly element: HTMLElement,
    private readonly status: () => Promise<KernelStatus>,
    private readonly periodMs = 1000,
  ) {
    const field = (name: string, title: string): HTMLElement => {
      const span = document.createElement('span');
      span.className = 'stat';
      span.dataset.stat = name;
      span.title = title;
      element.append(span);
      return span;
    };
    this.fields = {
      tasks: field('tasks', 'live tasks (processes, including the shell)'),
      memory: field('memory', 'linear memory of all live processes'),
      storage: field('storage', 'bytes stored in the sandbox file systems'),
      machine: field('machine', 'where the machine lives'),
    };
  }

  /** Starts polling (the first refresh right away). */
  start(): void {
    if (this.timer !== undefined) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.periodMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Asks the kernel once; a slow answer is not overlapped by the next tick. */
  async refresh(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      this.show(await this.status());
    } catch {
      this.element.dataset.state = 'stale';
    } finally {
      this.inFlight = false;
    }
  }

  private show(s: KernelStatus): void {
    this.element.dataset.state = 'live';
    this.fields.tasks.textContent = `${s.tasks} ${s.tasks === 1 ? 'task' : 'tasks'}`;
    this.fields.memory.textContent = `memory ${formatBytes(s.memoryBytes)}`;
    this.fields.storage.textContent = `storage ${formatBytes(s.storageBytes)}`;
    const machine = machineText(s);
    this.fields.machine.textContent = machine.text;
    this.fields.machine.title = machine.title;
    this.fields.machine.dataset.machine = s.machine;
  }
}

/**
 * The machine's figure: "3.2 MiB of 1.2 GiB stored" (the origin's use and quota, when the browser
 * tells them) for a machine kept in IndexedDB, "in memory" for one that is gone on reload.
 */
export function machineText(s: KernelStatus): { text: string; title: string } {
  if (s.machine === 'memory') {
    return {
      text: 'in memory',
      title: `this machine lives in memory and is gone on reload${s.machineNote ? `: ${s.machineNote}` : ''}`,
    };
  }
  const usage = s.originUsageBytes;
  const quota = s.originQuotaBytes;
  const text = usage !== undefined && quota !== undefined
    ? `${formatBytes(usage)} of ${formatBytes(quota)} stored`
    : usage !== undefined ? `${formatBytes(usage)} stored` : 'stored';
  const kept = s.persisted === true
    ? 'persistent storage granted: the browser will not evict it'
    : s.persisted === false ? 'persistent storage not granted: the browser may evict it when space runs low' : '';
  return {
    text,
    title: `the machine is stored in this site's IndexedDB and kept across reloads` +
      `${usage !== undefined ? ` (the site uses ${formatBytes(usage)}${quota !== undefined ? ` of a ${formatBytes(quota)} quota` : ''})` : ''}` +
      `${kept ? `; ${kept}` : ''}`,
  };
}

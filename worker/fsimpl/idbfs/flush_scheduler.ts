// FlushScheduler: when idbfs writes back on its own. After a change the flush runs once the file
// system has been idle for `idleMs` (300 ms), and never later than `maxDelayMs` (1 s) after the
// first change that has not been flushed, so a steady stream of writes is still stored about
// once a second. poke() is on every write path, so it only notes the time: at most one timer is
// armed, and it re-arms itself while changes keep coming.

export interface AutoflushOptions {
  /** Quiet time after the last change before flushing (default 300 ms). */
  idleMs?: number;
  /** Longest time a change waits for a flush (default 1000 ms). */
  maxDelayMs?: number;
}

export class FlushScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private first = 0;
  private last = 0;
  private readonly idleMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly run: () => void, opts: AutoflushOptions = {}) {
    this.idleMs = opts.idleMs ?? 300;
    this.maxDelayMs = Math.max(this.idleMs, opts.maxDelayMs ?? 1000);
  }

  /** Notes a change: a flush will follow within maxDelayMs. */
  poke(): void {
    const now = Date.now();
    this.last = now;
    if (this.timer === null) {
      this.first = now;
      this.arm(this.idleMs);
    }
  }

  /** Runs the flush again after ms unless one is already due sooner (after a failed flush). */
  retryIn(ms: number): void {
    if (this.timer !== null) return;
    this.first = this.last = Date.now();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, ms);
  }

  /** Drops a pending flush (close). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    this.timer = null;
    const now = Date.now();
    const idleLeft = this.last + this.idleMs - now;
    const maxLeft = this.first + this.maxDelayMs - now;
    if (idleLeft > 0 && maxLeft > 0) {
      this.timer = setTimeout(() => this.fire(), Math.min(idleLeft, maxLeft));
      return;
    }
    this.run();
  }
}

// WaitQueue: where blocked syscalls park until something they wait on changes (gVisor's
// waiter.Queue). A waiter is a one-shot promise; notify() wakes everyone waiting now.

export class WaitQueue {
  private waiters: Array<() => void> = [];

  /** Resolves at the next notify(). */
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Registers a callback for the next notify(); returns a function that cancels it. */
  once(cb: () => void): () => void {
    this.waiters.push(cb);
    return () => {
      const i = this.waiters.indexOf(cb);
      if (i >= 0) this.waiters.splice(i, 1);
    };
  }

  notify(): void {
    if (this.waiters.length === 0) return;
    const w = this.waiters;
    this.waiters = [];
    for (const cb of w) cb();
  }
}

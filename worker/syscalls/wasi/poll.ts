// poll_oneoff: waits for clocks and fd readiness. It blocks the calling task (its promise
// settles later), never the kernel: other tasks' calls are served meanwhile.
import { Clockid, Eventrwflags, Eventtype, Subclockflags, wasiErrno } from './abi.js';
import type { Layout } from './layout.js';
import { Errno, fail, SysError } from '../../errors/errno.js';
import { Rights } from '../../kernel/rights.js';
import type { Task } from '../../kernel/task.js';
import type { FileDescription } from '../../vfs/file_description.js';
import type { Handler } from './util.js';

const EVENT_SIZE = 32;

interface ClockSub { userdata: bigint; kind: 'clock'; deadline: number /* ms, performance.now() base */ }
interface FdSub { userdata: bigint; kind: 'read' | 'write'; desc: FileDescription | null; error: number }
type Sub = ClockSub | FdSub;

export function nowNsFor(clock: number): number {
  switch (clock) {
    case Clockid.REALTIME: return (performance.timeOrigin + performance.now()) * 1e6;
    case Clockid.MONOTONIC: case Clockid.PROCESS_CPUTIME_ID: case Clockid.THREAD_CPUTIME_ID: return performance.now() * 1e6;
    default: fail(Errno.INVAL);
  }
}

function decode(t: Task, L: Layout, inPtr: number, n: number): Sub[] {
  const mem = t.mem;
  mem.check(inPtr, n * L.subscriptionSize);
  const subs: Sub[] = [];
  for (let k = 0; k < n; k++) {
    const p = inPtr + k * L.subscriptionSize;
    const userdata = mem.u64(p);
    const tag = mem.u8At(p + 8);
    if (tag === Eventtype.CLOCK) {
      const clock = mem.u32(p + L.clock.id);
      const timeout = mem.u64(p + L.clock.timeout);
      const flags = mem.u16(p + L.clock.flags);
      const nowNs = nowNsFor(clock);
      const timeoutNs = Number(timeout);
      const relNs = flags & Subclockflags.ABSTIME ? timeoutNs - nowNs : timeoutNs;
      subs.push({ userdata, kind: 'clock', deadline: performance.now() + Math.max(0, relNs) / 1e6 });
    } else if (tag === Eventtype.FD_READ || tag === Eventtype.FD_WRITE) {
      const fd = mem.u32(p + 16);
      let desc: FileDescription | null = null;
      let error = 0;
      try {
        const e = t.fds.get(fd);
        if ((e.rightsBase & Rights.POLL_FD_READWRITE) === 0) error = Errno.NOTCAPABLE;
        else desc = e.desc;
      } catch (err) {
        error = err instanceof SysError ? err.errno : Errno.BADF;
      }
      subs.push({ userdata, kind: tag === Eventtype.FD_READ ? 'read' : 'write', desc, error });
    } else {
      fail(Errno.INVAL);
    }
  }
  return subs;
}

/** Writes the events that are ready now; returns how many. */
function collect(t: Task, subs: Sub[], outPtr: number): number {
  const mem = t.mem;
  let n = 0;
  const now = performance.now();
  for (const s of subs) {
    let ready = false;
    let error = 0;
    let nbytes = 0n;
    let hangup = false;
    let type: Eventtype;
    if (s.kind === 'clock') {
      type = Eventtype.CLOCK;
      ready = now >= s.deadline;
    } else {
      type = s.kind === 'read' ? Eventtype.FD_READ : Eventtype.FD_WRITE;
      if (s.error) {
        ready = true;
        error = s.error;
      } else {
        const r = s.kind === 'read' ? s.desc!.readReadiness() : s.desc!.writeReadiness();
        ready = r.ready;
        nbytes = r.nbytes;
        hangup = r.hangup;
      }
    }
    if (!ready) continue;
    const p = outPtr + n * EVENT_SIZE;
    mem.u8.fill(0, p, p + EVENT_SIZE);
    mem.setU64(p, s.userdata);
    mem.setU16(p + 8, wasiErrno(error));
    mem.setU8(p + 10, type);
    if (type !== Eventtype.CLOCK) {
      mem.setU64(p + 16, nbytes);
      mem.setU16(p + 24, hangup ? Eventrwflags.FD_READWRITE_HANGUP : 0);
    }
    n++;
  }
  return n;
}

export const poll_oneoff: Handler = (t, a, L) => {
  const inPtr = a.u32(0);
  const outPtr = a.u32(1);
  const nsubs = a.u32(2);
  const neventsPtr = a.u32(3);
  if (nsubs === 0) fail(Errno.INVAL);
  t.mem.check(outPtr, nsubs * EVENT_SIZE);
  t.mem.check(neventsPtr, 4);
  const subs = decode(t, L, inPtr, nsubs);
  const n = collect(t, subs, outPtr);
  if (n > 0) {
    t.mem.setU32(neventsPtr, n);
    return Errno.SUCCESS;
  }
  return new Promise<number>((resolve) => {
    const cancels: Array<() => void> = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      if (!t.alive) return cleanup();
      t.mem.refresh();
      const got = collect(t, subs, outPtr);
      if (got === 0) return arm();
      cleanup();
      t.mem.setU32(neventsPtr, got);
      resolve(Errno.SUCCESS);
    };
    const cleanup = () => {
      for (const c of cancels.splice(0)) c();
      if (timer !== undefined) clearTimeout(timer);
    };
    const arm = () => {
      for (const c of cancels.splice(0)) c();
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      let deadline = Infinity;
      for (const s of subs) {
        if (s.kind === 'clock') deadline = Math.min(deadline, s.deadline);
        else if (s.desc) cancels.push(s.desc.watch(check));
      }
      if (deadline !== Infinity) timer = setTimeout(check, Math.max(0, deadline - performance.now()));
    };
    t.whenExited(() => cleanup());
    arm();
  });
};

// Storage-quota failures of IndexedDB, and the fault injection that imitates one. Browsers report
// a full origin by aborting the transaction with a DOMException named 'QuotaExceededError' (old
// Firefox: 'NS_ERROR_DOM_QUOTA_REACHED'); tests and e2e runs inject the same failure instead of
// filling a disk.

/** Faults to inject into the next flushes (Idbfs.open's `faults` option, Idbfs.injectFault). */
export interface IdbfsFaults {
  /**
   * The next N flushes write everything and then abort their transaction, failing with a
   * QuotaExceededError as a full origin would (Infinity: until cleared with 0).
   */
  quotaFailures?: number;
}

/** True for an error that says the origin's storage quota is exhausted. */
export function isQuotaError(e: unknown): boolean {
  const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** The error an injected quota fault fails a flush with. */
export function injectedQuotaError(): Error {
  return new DOMException('idbfs: storage quota exceeded (injected fault)', 'QuotaExceededError');
}

/**
 * The benchmark's workload and arithmetic: which tasks exist, what the engine must make of
 * them, the latency lower bound T*, and the statistics the table quotes.
 */
import type { EmulatorTaskSeed } from '../test/emulator/index.js';

/** DRS answers at most 100 items per batch-detail page (lib/drs/drsClient.ts MAX_PER_PAGE). */
export const PAGE_SIZE = 100;

/** One engine configuration under test. */
export interface Workload {
  /** Jobs requested (half retryable, half healthy). */
  n: number;
  /** Emulator latency added to every request, ms. */
  latencyMs: number;
  batchSize: number;
  concurrency: number;
}

/** A realistic DRS job id (a UUID plus the `jb01` suffix DRS uses), stable per index. */
export function jobId(index: number): string {
  const hex = index.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}jb01`;
}

/** Even indices are retryable (the two safe failed statuses, alternating); odd ones are healthy. */
export const isRetryable = (index: number): boolean => index % 2 === 0;

export function jobIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => jobId(i));
}

/** Interleaved, so every page and every retry batch mixes both kinds. */
export function seeds(n: number): EmulatorTaskSeed[] {
  return Array.from({ length: n }, (_, i): EmulatorTaskSeed => {
    if (!isRetryable(i)) return { id: jobId(i), status: 'INCRE_TRANSFER_STARTED' };
    const full = i % 4 === 0;
    return {
      id: jobId(i),
      status: full ? 'FULL_TRANSFER_FAILED' : 'INCRE_TRANSFER_FAILED',
      errorCode: 'DRS.M05011',
      errorMessage: full ? 'Full migration failed: network interrupted' : 'Incremental migration failed: binlog read timeout',
    };
  });
}

/** R: how many of the first n jobs are retryable. */
export const retryableCount = (n: number): number => Math.ceil(n / 2);

/** The requests an ideal engine makes: one token, one read per page, one retry per batch. */
export function idealRequests(w: Workload): { token: number; pages: number; batches: number } {
  return { token: 1, pages: Math.ceil(w.n / PAGE_SIZE), batches: Math.ceil(retryableCount(w.n) / w.batchSize) };
}

/**
 * T* = (⌈⌈N/100⌉/C⌉ + ⌈⌈R/B⌉/C⌉ + 1) × L: status pages and retry batches, each in rounds of C
 * requests, plus the token. No engine that reads before it retries can be faster.
 */
export function lowerBoundMs(w: Workload): number {
  const { pages, batches } = idealRequests(w);
  return (Math.ceil(pages / w.concurrency) + Math.ceil(batches / w.concurrency) + 1) * w.latencyMs;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Median of one numeric field over several runs. */
export const medianOf = <T>(runs: readonly T[], pick: (run: T) => number): number => median(runs.map(pick));

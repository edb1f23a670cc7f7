import type { BackoffPolicy } from '../shared/backoff';

/**
 * DigiCert allows about 100 requests per 5 s per key; 6 retries with ceilings 1, 2, 4, 8, 16, 20 s
 * (at most 51 s in all) ride out a burst window without hanging a workflow for minutes.
 */
export const DIGICERT_BACKOFF: BackoffPolicy = { maxRetries: 6, baseDelayMs: 1000, maxDelayMs: 20_000 };

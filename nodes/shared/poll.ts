/** Waiting for remote work: one loop, a deadline, an injectable clock so tests need not sleep. */
import { sleep } from 'n8n-workflow';

export interface PollOptions {
	intervalMs: number;
	timeoutMs: number;
	/** Injected in tests. */
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
}

/** A timeout is an expected outcome of waiting, not an exception: callers decide what it means. */
export type PollOutcome<T> =
	| { done: true; value: T; attempts: number }
	| { done: false; waitedMs: number; attempts: number };

/** "still not finished after 300 s (61 checks)" */
export const stillNotFinished = (outcome: { waitedMs: number; attempts: number }) =>
	`still not finished after ${Math.round(outcome.waitedMs / 1000)} s (${outcome.attempts} checks)`;

/**
 * Calls `check` until it returns a value other than undefined. The first check runs at once; the last
 * one runs no later than the deadline, so a job that finishes just before the timeout is still seen.
 */
export async function pollUntil<T>(check: (attempt: number) => Promise<T | undefined>, options: PollOptions): Promise<PollOutcome<T>> {
	const wait = options.sleep ?? sleep;
	const now = options.now ?? Date.now;
	const started = now();
	const deadline = started + options.timeoutMs;
	for (let attempt = 1; ; attempt++) {
		const value = await check(attempt);
		if (value !== undefined) return { done: true, value, attempts: attempt };
		const remaining = deadline - now();
		if (remaining <= 0) return { done: false, waitedMs: now() - started, attempts: attempt };
		await wait(Math.min(options.intervalMs, remaining));
	}
}

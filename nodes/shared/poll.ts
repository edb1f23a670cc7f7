/** Waiting for remote work: one loop, a deadline, an injectable clock so tests need not sleep. */

export interface PollOptions {
	intervalMs: number;
	timeoutMs: number;
	/** Injected in tests. */
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
}

export class PollTimeoutError extends Error {
	constructor(
		readonly waitedMs: number,
		readonly attempts: number,
	) {
		super(`still not finished after ${Math.round(waitedMs / 1000)} s (${attempts} checks)`);
		this.name = 'PollTimeoutError';
	}
}

export const sleep = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `check` until it returns a value other than undefined. The first check runs at once; the last
 * one runs no later than the deadline, so a job that finishes just before the timeout is still seen.
 */
export async function pollUntil<T>(check: (attempt: number) => Promise<T | undefined>, options: PollOptions): Promise<T> {
	const wait = options.sleep ?? sleep;
	const now = options.now ?? Date.now;
	const started = now();
	const deadline = started + options.timeoutMs;
	for (let attempt = 1; ; attempt++) {
		const result = await check(attempt);
		if (result !== undefined) return result;
		const remaining = deadline - now();
		if (remaining <= 0) throw new PollTimeoutError(now() - started, attempt);
		await wait(Math.min(options.intervalMs, remaining));
	}
}

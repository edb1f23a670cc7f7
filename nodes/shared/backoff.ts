/** Bounded exponential backoff with full jitter (AWS architecture blog's "full jitter"). */

export interface BackoffPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 20_000 };

/** Delay before retry number `retry` (1-based): random in [0, min(max, base·2^(retry-1))]. */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
	return Math.floor(random() * ceiling);
}

/** The largest total wait the policy can add: what a caller must be ready to spend. */
export function backoffBudgetMs(policy: BackoffPolicy): number {
	let total = 0;
	for (let retry = 1; retry <= policy.maxRetries; retry++) {
		total += Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
	}
	return total;
}

export interface RetryHooks<E> {
	isRetryable: (error: E) => boolean;
	onRetry?: (error: E, retry: number, delayMs: number) => void;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
}

export async function withBackoff<T>(attempt: () => Promise<T>, policy: BackoffPolicy, hooks: RetryHooks<any>): Promise<T> {
	const wait = hooks.sleep ?? (async (ms: number) => await new Promise<void>((r) => setTimeout(r, ms)));
	for (let retry = 0; ; retry++) {
		try {
			return await attempt();
		} catch (error) {
			if (retry >= policy.maxRetries || !hooks.isRetryable(error)) throw error;
			const delay = backoffDelay(retry + 1, policy, hooks.random);
			hooks.onRetry?.(error, retry + 1, delay);
			await wait(delay);
		}
	}
}

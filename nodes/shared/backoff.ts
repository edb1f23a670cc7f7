/** Bounded exponential backoff with full jitter (AWS architecture blog's "full jitter"). */
import { sleep } from 'n8n-workflow';

export interface BackoffPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

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

/**
 * What an attempt returns when it failed in a way worth another try. A value, not an exception: final
 * failures are thrown by the attempt itself (already as n8n errors) and pass through untouched.
 */
export class RetryableFailure {
	constructor(
		readonly reason: string,
		readonly detail?: unknown,
	) {}
}

export interface RetryHooks {
	onRetry?: (failure: RetryableFailure, retry: number, delayMs: number) => void;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
}

/** Calls `attempt` until it returns a result, at most 1 + maxRetries times; the last failure is returned. */
export async function withBackoff<T>(
	attempt: (attemptNumber: number) => Promise<T | RetryableFailure>,
	policy: BackoffPolicy,
	hooks: RetryHooks = {},
): Promise<T | RetryableFailure> {
	const wait = hooks.sleep ?? sleep;
	for (let retry = 0; ; retry++) {
		const outcome = await attempt(retry + 1);
		if (!(outcome instanceof RetryableFailure) || retry >= policy.maxRetries) return outcome;
		const delay = backoffDelay(retry + 1, policy, hooks.random);
		hooks.onRetry?.(outcome, retry + 1, delay);
		await wait(delay);
	}
}

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
export type PollOutcome<T> = { done: true; value: T; attempts: number } | { done: false; waitedMs: number; attempts: number };

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

/** Poll interval bounds in every node: at least 1 s (the service is not hammered), at most 10 min. */
export const POLL_INTERVAL_SECONDS = { min: 1, max: 600 };
/** Wait timeout bounds in every node: at most 24 h in one execution. */
export const WAIT_TIMEOUT_SECONDS = { min: 1, max: 86_400 };

/** A number of seconds from a field or an expression, bounded; anything not a number is the fallback. */
export function clampSeconds(value: unknown, fallback: number, min: number, max: number): number {
	const numeric = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	if (!Number.isFinite(numeric)) return fallback;
	return Math.min(max, Math.max(min, numeric));
}

/** A service's defaults for the Wait for Completion options. */
export interface WaitDefaults {
	pollInterval: number;
	timeout: number;
}

export interface WaitSeconds {
	intervalSeconds: number;
	timeoutSeconds: number;
}

/** The one clamp of the wait options: an interval of 0 from an expression would flood the service. */
export function waitSeconds(options: { pollInterval?: unknown; timeout?: unknown }, defaults: WaitDefaults): WaitSeconds {
	return {
		intervalSeconds: clampSeconds(options.pollInterval, defaults.pollInterval, POLL_INTERVAL_SECONDS.min, POLL_INTERVAL_SECONDS.max),
		timeoutSeconds: clampSeconds(options.timeout, defaults.timeout, WAIT_TIMEOUT_SECONDS.min, WAIT_TIMEOUT_SECONDS.max),
	};
}

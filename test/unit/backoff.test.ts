import { backoffBudgetMs, backoffDelay, withBackoff } from '../../nodes/shared/backoff';

const policy = { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 500 };

describe('backoff with full jitter', () => {
	test('the ceiling doubles per retry and stops at the maximum', () => {
		expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, policy, () => 0.999999))).toEqual([99, 199, 399, 499, 499]);
		expect(backoffDelay(3, policy, () => 0)).toBe(0);
		expect(backoffBudgetMs(policy)).toBe(100 + 200 + 400 + 500);
	});

	test('retries only what is retryable, at most maxRetries times', async () => {
		const sleeps: number[] = [];
		let calls = 0;
		const error = await withBackoff(
			async () => {
				calls++;
				throw new Error('503');
			},
			policy,
			{ isRetryable: () => true, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
		).catch((e) => e);
		expect(error.message).toBe('503');
		expect(calls).toBe(5);
		expect(sleeps).toEqual([50, 100, 200, 250]);

		calls = 0;
		await expect(withBackoff(async () => { calls++; throw new Error('400'); }, policy, { isRetryable: () => false, sleep: async () => {} })).rejects.toThrow('400');
		expect(calls).toBe(1);
	});

	test('returns as soon as an attempt succeeds', async () => {
		let calls = 0;
		const retries: number[] = [];
		const value = await withBackoff(
			async () => {
				if (++calls < 3) throw new Error('429');
				return 'ok';
			},
			policy,
			{ isRetryable: () => true, sleep: async () => {}, onRetry: (_e, retry) => retries.push(retry) },
		);
		expect(value).toBe('ok');
		expect(retries).toEqual([1, 2]);
	});
});

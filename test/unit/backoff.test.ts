import { backoffBudgetMs, backoffDelay, RetryableFailure, withBackoff } from '../../nodes/shared/backoff';

const policy = { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 500 };

describe('backoff with full jitter', () => {
	test('the ceiling doubles per retry and stops at the maximum', () => {
		expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, policy, () => 0.999999))).toEqual([99, 199, 399, 499, 499]);
		expect(backoffDelay(3, policy, () => 0)).toBe(0);
		expect(backoffBudgetMs(policy)).toBe(100 + 200 + 400 + 500);
	});

	test('retries only what the attempt reports as retryable, at most maxRetries times', async () => {
		const sleeps: number[] = [];
		let calls = 0;
		const outcome = await withBackoff(
			async () => {
				calls++;
				return new RetryableFailure('HTTP 503');
			},
			policy,
			{ sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
		);
		expect(outcome).toBeInstanceOf(RetryableFailure);
		expect((outcome as RetryableFailure).reason).toBe('HTTP 503');
		expect(calls).toBe(5);
		expect(sleeps).toEqual([50, 100, 200, 250]);

		calls = 0;
		await expect(
			withBackoff(
				async () => {
					calls++;
					throw new Error('400');
				},
				policy,
				{ sleep: async () => {} },
			),
		).rejects.toThrow('400');
		expect(calls).toBe(1);
	});

	test('returns as soon as an attempt succeeds', async () => {
		let calls = 0;
		const retries: number[] = [];
		const value = await withBackoff(async () => (++calls < 3 ? new RetryableFailure('429') : 'ok'), policy, {
			sleep: async () => {},
			onRetry: (_f, retry) => retries.push(retry),
		});
		expect(value).toBe('ok');
		expect(retries).toEqual([1, 2]);
	});
});

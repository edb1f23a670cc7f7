import { backoffBudgetMs, backoffDelay, withBackoff } from '../../nodes/shared/backoff';
import { DIGICERT_BACKOFF } from '../../nodes/DigiCertCodeSigning/retryPolicy';

describe('DigiCert backoff schedule', () => {
	it('ceilings double from the base and stop at the cap; jitter stays under the ceiling', () => {
		const ceilings = Array.from({ length: DIGICERT_BACKOFF.maxRetries }, (_, i) => backoffDelay(i + 1, DIGICERT_BACKOFF, () => 0.999999));
		expect(ceilings).toEqual([999, 1999, 3999, 7999, 15999, 19999]);
		expect(backoffDelay(3, DIGICERT_BACKOFF, () => 0)).toBe(0);
		expect(backoffDelay(3, DIGICERT_BACKOFF, () => 0.5)).toBe(2000);
		expect(backoffBudgetMs(DIGICERT_BACKOFF)).toBe(1000 + 2000 + 4000 + 8000 + 16000 + 20000);
	});
	it('withBackoff retries only retryable errors and gives up after maxRetries', async () => {
		const sleeps: number[] = [];
		let calls = 0;
		await expect(
			withBackoff(async () => { calls++; throw new Error('busy'); }, DIGICERT_BACKOFF, { isRetryable: () => true, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5 }),
		).rejects.toThrow('busy');
		expect(calls).toBe(DIGICERT_BACKOFF.maxRetries + 1);
		expect(sleeps).toEqual([500, 1000, 2000, 4000, 8000, 10000]);
		calls = 0;
		await expect(withBackoff(async () => { calls++; throw new Error('final'); }, DIGICERT_BACKOFF, { isRetryable: () => false })).rejects.toThrow('final');
		expect(calls).toBe(1);
	});
});

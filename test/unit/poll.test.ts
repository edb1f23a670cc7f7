import { pollUntil, stillNotFinished } from '../../nodes/shared/poll';

/** A fake clock: sleeping advances it, nothing waits for real. */
function fakeClock() {
	let now = 0;
	const sleeps: number[] = [];
	return {
		now: () => now,
		sleep: async (ms: number) => {
			sleeps.push(ms);
			now += ms;
		},
		advance: (ms: number) => (now += ms),
		sleeps,
	};
}

describe('pollUntil', () => {
	test('returns the first defined value and checks at once', async () => {
		const clock = fakeClock();
		const results = [undefined, undefined, 'done'];
		const outcome = await pollUntil(async (attempt) => results[attempt - 1], { intervalMs: 5000, timeoutMs: 60_000, ...clock });
		expect(outcome).toEqual({ done: true, value: 'done', attempts: 3 });
		expect(clock.sleeps).toEqual([5000, 5000]);
	});

	test('the last check runs at the deadline, never after it', async () => {
		const clock = fakeClock();
		const checkedAt: number[] = [];
		const outcome = await pollUntil(
			async () => {
				checkedAt.push(clock.now());
				return undefined;
			},
			{ intervalMs: 4000, timeoutMs: 10_000, ...clock },
		);
		expect(outcome).toEqual({ done: false, waitedMs: 10_000, attempts: 4 });
		expect(checkedAt).toEqual([0, 4000, 8000, 10_000]);
	});

	test('a check that takes time counts against the deadline', async () => {
		const clock = fakeClock();
		const outcome = await pollUntil(
			async () => {
				clock.advance(3000);
				return undefined;
			},
			{ intervalMs: 1000, timeoutMs: 5000, ...clock },
		);
		expect(outcome.done).toBe(false);
		expect(outcome.attempts).toBe(2);
		expect(stillNotFinished(outcome as { waitedMs: number; attempts: number })).toBe('still not finished after 7 s (2 checks)');
	});

	test('errors from the check propagate at once', async () => {
		const clock = fakeClock();
		await expect(
			pollUntil(
				async () => {
					throw new Error('boom');
				},
				{ intervalMs: 1, timeoutMs: 10, ...clock },
			),
		).rejects.toThrow('boom');
		expect(clock.sleeps).toEqual([]);
	});
});

import { dueHorizon, MAX_LIFETIME_DAYS } from '../../nodes/CertificateTrigger/planning';
import { assessRenewal } from '../../nodes/CertificateTrigger/renewalPolicy';

const now = new Date('2026-11-24T10:00:00Z');

describe('dueHorizon (the valid_till filter of a Renewal Due poll)', () => {
	it('daysBefore N: N + 1 days ahead', () => {
		expect(dueHorizon({ mode: 'daysBefore', days: 30 }, now)).toBe('2026-12-25');
	});

	it('fraction f: f × the longest lifetime + 1 day', () => {
		expect(dueHorizon({ mode: 'fractionRemaining' }, now)).toBe(
			new Date(now.getTime() + (Math.ceil(MAX_LIFETIME_DAYS / 3) + 1) * 86_400_000).toISOString().slice(0, 10),
		);
	});

	it('never leaves out an order that is due: the day after the horizon is not due, under either policy', () => {
		for (const policy of [
			{ mode: 'daysBefore' as const, days: 30 },
			{ mode: 'fractionRemaining' as const, fraction: 1 / 3 },
		]) {
			const horizon = dueHorizon(policy, now);
			const dayAfter = new Date(Date.parse(`${horizon}T23:59:59.999Z`) + 86_400_000);
			// The longest lifetime makes the window start earliest.
			const notBefore = new Date(dayAfter.getTime() - MAX_LIFETIME_DAYS * 86_400_000);
			expect(assessRenewal(notBefore, dayAfter, now, policy).due).toBe(false);
		}
	});
});

import { assessRenewal, describeFraction, normalizePolicy } from '../../nodes/CertificateTrigger/renewalPolicy';
import { DAY_MS } from '../../nodes/shared/time';

const NB = new Date('2026-01-10T12:00:00.000Z');
const at = (ms: number) => new Date(ms);
const plusDays = (d: Date, days: number) => at(d.getTime() + days * DAY_MS);

describe('assessRenewal: fractionRemaining (default 1/3)', () => {
	const cases: Array<[string, number]> = [
		['10 days', 10],
		['1 year', 365],
		['459 days', 459],
		['2 years', 730],
	];
	for (const [label, lifetime] of cases) {
		test(`${label}: not due 1 ms before the window start, due exactly at it`, () => {
			const notAfter = plusDays(NB, lifetime);
			const windowStartMs = notAfter.getTime() - Math.round((lifetime * DAY_MS) / 3);
			const before = assessRenewal(NB, notAfter, at(windowStartMs - 1), { mode: 'fractionRemaining' });
			const exact = assessRenewal(NB, notAfter, at(windowStartMs), { mode: 'fractionRemaining' });
			expect(before.due).toBe(false);
			expect(exact.due).toBe(true);
			expect(exact.windowStart).toBe(at(windowStartMs).toISOString());
			expect(exact.rule).toBe('fractionRemaining');
			expect(exact.ruleText).toBe('less than 1/3 of the lifetime left');
			expect(exact.lifetimeDays).toBeCloseTo(lifetime, 9);
			expect(exact.daysRemaining).toBe(Math.floor(lifetime / 3));
			expect(exact.expired).toBe(false);
			expect(exact.notYetValid).toBe(false);
		});
	}

	test('1 year: the window opens about 121.67 days before expiry', () => {
		const notAfter = plusDays(NB, 365);
		const a = assessRenewal(NB, notAfter, NB, { mode: 'fractionRemaining' });
		expect((notAfter.getTime() - Date.parse(a.windowStart)) / DAY_MS).toBeCloseTo(365 / 3, 6);
		expect(a.due).toBe(false);
		expect(a.daysRemaining).toBe(365);
	});

	test('custom fraction 1/2 on a 10-day certificate', () => {
		const notAfter = plusDays(NB, 10);
		expect(assessRenewal(NB, notAfter, plusDays(NB, 5), { mode: 'fractionRemaining', fraction: 0.5 }).due).toBe(true);
		expect(assessRenewal(NB, notAfter, at(plusDays(NB, 5).getTime() - 1), { mode: 'fractionRemaining', fraction: 0.5 }).due).toBe(false);
		expect(assessRenewal(NB, notAfter, NB, { mode: 'fractionRemaining', fraction: 0.5 }).ruleText).toBe(
			'less than 1/2 of the lifetime left',
		);
	});
});

describe('assessRenewal: daysBefore', () => {
	for (const lifetime of [365, 459, 730]) {
		test(`${lifetime}-day lifetime, 30 days before: boundary is inclusive`, () => {
			const notAfter = plusDays(NB, lifetime);
			const windowStart = plusDays(notAfter, -30);
			expect(assessRenewal(NB, notAfter, at(windowStart.getTime() - 1), { mode: 'daysBefore', days: 30 }).due).toBe(false);
			const exact = assessRenewal(NB, notAfter, windowStart, { mode: 'daysBefore', days: 30 });
			expect(exact.due).toBe(true);
			expect(exact.windowStart).toBe(windowStart.toISOString());
			expect(exact.daysRemaining).toBe(30);
			expect(exact.rule).toBe('daysBefore');
			expect(exact.ruleText).toBe('30 days before expiry');
		});
	}

	test('10-day lifetime with a 30-day lead: due as soon as it is valid, not before', () => {
		const notAfter = plusDays(NB, 10);
		const before = assessRenewal(NB, notAfter, at(NB.getTime() - 1), { mode: 'daysBefore', days: 30 });
		expect(before.due).toBe(false);
		expect(before.notYetValid).toBe(true);
		const atStart = assessRenewal(NB, notAfter, NB, { mode: 'daysBefore', days: 30 });
		expect(atStart.due).toBe(true);
		expect(atStart.windowStart).toBe(NB.toISOString());
		expect(atStart.daysRemaining).toBe(10);
	});

	test('10-day lifetime, 3 days before', () => {
		const notAfter = plusDays(NB, 10);
		expect(assessRenewal(NB, notAfter, plusDays(NB, 6.9), { mode: 'daysBefore', days: 3 }).due).toBe(false);
		const a = assessRenewal(NB, notAfter, plusDays(NB, 7), { mode: 'daysBefore', days: 3 });
		expect(a.due).toBe(true);
		expect(a.daysRemaining).toBe(3);
	});
});

describe('assessRenewal: expired and not yet valid', () => {
	test('already expired: due, expired, negative days remaining', () => {
		const notAfter = plusDays(NB, 365);
		for (const policy of [{ mode: 'daysBefore', days: 30 } as const, { mode: 'fractionRemaining' } as const]) {
			const exactlyAtExpiry = assessRenewal(NB, notAfter, notAfter, policy);
			expect(exactlyAtExpiry.expired).toBe(true);
			expect(exactlyAtExpiry.due).toBe(true);
			expect(exactlyAtExpiry.daysRemaining).toBe(0);
			const later = assessRenewal(NB, notAfter, plusDays(notAfter, 2.5), policy);
			expect(later.due).toBe(true);
			expect(later.expired).toBe(true);
			expect(later.daysRemaining).toBe(-3);
		}
		expect(assessRenewal(NB, notAfter, at(notAfter.getTime() - 1), { mode: 'daysBefore', days: 30 }).expired).toBe(false);
	});

	test('not yet valid: never due, even with a lead longer than the lifetime', () => {
		const notAfter = plusDays(NB, 2);
		for (const policy of [{ mode: 'daysBefore', days: 30 } as const, { mode: 'fractionRemaining', fraction: 0.9 } as const]) {
			const a = assessRenewal(NB, notAfter, plusDays(NB, -1), policy);
			expect(a.notYetValid).toBe(true);
			expect(a.due).toBe(false);
			expect(a.daysRemaining).toBe(3);
		}
	});

	test('accepts ISO strings as well as dates', () => {
		const a = assessRenewal('2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z', '2026-12-01T00:00:00Z', { mode: 'daysBefore', days: 30 });
		expect(a.due).toBe(true);
		expect(a.daysRemaining).toBe(30);
	});
});

describe('validation', () => {
	test('rejects bad dates and bad policies with the field named', () => {
		expect(() => assessRenewal('nope', NB, NB, { mode: 'daysBefore', days: 1 })).toThrow(/notBefore is not a valid date/);
		expect(() => assessRenewal(NB, NB, NB, { mode: 'daysBefore', days: 1 })).toThrow(/must be later than notBefore/);
		expect(() => normalizePolicy({ mode: 'daysBefore', days: 0 })).toThrow(/Days Before Expiry/);
		expect(() => normalizePolicy({ mode: 'daysBefore', days: Number.NaN })).toThrow(/Days Before Expiry/);
		expect(() => normalizePolicy({ mode: 'fractionRemaining', fraction: 1 })).toThrow(/Fraction of Lifetime Remaining/);
		expect(() => normalizePolicy({ mode: 'fractionRemaining', fraction: 0 })).toThrow(/Fraction of Lifetime Remaining/);
		expect(() => normalizePolicy({ mode: 'other' } as never)).toThrow(/Unknown renewal policy mode/);
		expect(normalizePolicy({ mode: 'fractionRemaining' })).toEqual({ mode: 'fractionRemaining', fraction: 1 / 3 });
	});

	test('describeFraction', () => {
		expect(describeFraction(1 / 3)).toBe('1/3');
		expect(describeFraction(0.25)).toBe('1/4');
		expect(describeFraction(0.4)).toBe('40%');
	});
});

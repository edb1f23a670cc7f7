import type { CandidateCertificate } from '../../nodes/CertificateTrigger/candidates';
import { planRenewalPoll } from '../../nodes/CertificateTrigger/planning';
import type { RenewalSettings } from '../../nodes/CertificateTrigger/settings';

const settings: RenewalSettings = {
	useDigiCert: true,
	usePem: false,
	product: '',
	containerId: 0,
	pems: [],
	policy: { mode: 'daysBefore', days: 30 },
	reminderEveryDays: 0,
};
const now = new Date('2026-11-24T12:00:00Z');
const candidate = (ref: string, notBefore: string, notAfter: string): CandidateCertificate => ({
	source: 'digicert',
	key: `issuer|${ref}`,
	ref,
	subject: `CN=${ref}`,
	issuer: 'issuer',
	serialNumber: ref,
	notBefore,
	notAfter,
	extra: {},
});

describe('one bad record never stops the Renewal Due trigger', () => {
	test('a certificate whose notAfter is not after notBefore is skipped and reported; the due one still fires', () => {
		const bad = candidate('1001', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z');
		const good = candidate('1002', '2026-01-01T00:00:00Z', '2026-12-10T23:59:59Z');
		const { items, skipped } = planRenewalPoll(undefined, [bad, good], ['digicert'], settings, now);
		expect(skipped).toEqual([{ source: 'digicert', ref: '1001', reason: expect.any(String) }]);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ event: 'renewalDue', skippedRecords: [expect.objectContaining({ ref: '1001' })] });
	});

	test('null or garbage entries in saved state are forgotten, the rest of the state kept', () => {
		const good = candidate('1002', '2026-01-01T00:00:00Z', '2026-12-10T23:59:59Z');
		const first = planRenewalPoll(undefined, [good], ['digicert'], settings, now);
		expect(first.items).toHaveLength(1);
		const damaged = { ...first.next, certs: { ...first.next.certs, broken: null, other: 42 } };
		const second = planRenewalPoll(damaged, [good], ['digicert'], settings, new Date(now.getTime() + 3_600_000));
		// Still remembered: no second event for the same window, and no throw on the damaged entries.
		expect(second.items).toHaveLength(0);
		expect(Object.keys(second.next.certs)).toEqual(Object.keys(first.next.certs));
	});
});

describe('the trigger state stays small for large accounts (#19)', () => {
	test('50,000 listed orders (1/3-lifetime policy: listed up to 154 days ahead, 1,000 of them due): state under 1 MB', () => {
		const fraction: RenewalSettings = { ...settings, policy: { mode: 'fractionRemaining', fraction: 1 / 3 } };
		const issuer = 'C=US, O=DigiCert Inc, CN=DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1';
		const DAY = 86_400_000;
		const candidates = Array.from({ length: 50_000 }, (_, i) => {
			// 1,000 due (expiring within 100 days); 49,000 listed but not due yet (125–150 days, window opens at ~122)
			const daysLeft = i < 1_000 ? 20 + (i % 80) : 125 + (i % 25);
			const notAfter = new Date(now.getTime() + daysLeft * DAY);
			const notBefore = new Date(notAfter.getTime() - 365 * DAY);
			return {
				...candidate(String(1_000_000 + i), notBefore.toISOString(), notAfter.toISOString()),
				key: `${issuer}#${(0x1a2b3c4d5e6f + i).toString(16).toUpperCase()}0A0B0C0D0E0F`,
			};
		});
		const first = planRenewalPoll(undefined, candidates, ['digicert'], fraction, now);
		expect(first.items).toHaveLength(1_000);
		const size = JSON.stringify(first.next).length;
		// Before: one entry per listed order, due or not (8.4 MB at 50,000). Now: only the due ones are remembered.
		expect(Object.keys(first.next.certs)).toHaveLength(1_000);
		expect(size).toBeLessThan(1_000_000);
		// and the next poll remembers them: nothing fires twice
		expect(planRenewalPoll(first.next, candidates, ['digicert'], fraction, new Date(now.getTime() + 3_600_000)).items).toHaveLength(0);
	});
});

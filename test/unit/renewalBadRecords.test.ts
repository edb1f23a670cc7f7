import { planRenewalPoll, type CandidateCertificate, type RenewalSettings } from '../../nodes/CertificateTrigger/renewalDue';

const settings: RenewalSettings = { useDigiCert: true, usePem: false, productNameId: '', containerId: 0, pems: [], policy: { mode: 'daysBefore', days: 30 }, reminderEveryDays: 0 };
const now = new Date('2026-11-24T12:00:00Z');
const candidate = (ref: string, notBefore: string, notAfter: string): CandidateCertificate => ({
	source: 'digicert', key: `issuer|${ref}`, ref, subject: `CN=${ref}`, issuer: 'issuer', serialNumber: ref, notBefore, notAfter, extra: {},
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

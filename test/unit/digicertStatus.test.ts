import { daysUntil, normalizeStatus } from '../../nodes/DigiCertCodeSigning/protocol/status';
import { digicertBaseUrl } from '../../nodes/DigiCertCodeSigning/transport/region';

describe('normalizeStatus', () => {
	const now = new Date('2026-06-01T12:00:00Z');
	it.each([
		['pending', 'pending'],
		['needs_approval', 'pending'],
		['processing', 'pending'],
		['waiting_pickup', 'pending'],
		['reissue_pending', 'pending'],
		['issued', 'issued'],
		['rejected', 'rejected'],
		['denied', 'rejected'],
		['canceled', 'canceled'],
		['cancelled', 'canceled'],
		['revoked', 'revoked'],
		['expired', 'expired'],
		['ISSUED', 'issued'],
	])('%s → %s', (raw, normalized) => {
		expect(normalizeStatus(raw, '2027-01-01', now)).toBe(normalized);
	});
	it('an issued order past valid_till is expired; unknown statuses are pending', () => {
		expect(normalizeStatus('issued', '2026-05-31', now)).toBe('expired');
		expect(normalizeStatus('issued', '2026-06-01', now)).toBe('issued');
		expect(normalizeStatus('something_new', null, now)).toBe('pending');
		expect(normalizeStatus(undefined)).toBe('pending');
	});
	it('daysUntil counts whole days to the end of valid_till', () => {
		expect(daysUntil('2026-06-11', now)).toBe(10);
		expect(daysUntil('2026-05-30', now)).toBe(-2);
		expect(daysUntil(null, now)).toBeNull();
		expect(daysUntil('garbage', now)).toBeNull();
	});
});

describe('digicertBaseUrl', () => {
	it('maps regions', () => {
		expect(digicertBaseUrl('us')).toBe('https://www.digicert.com/services/v2');
		expect(digicertBaseUrl('eu')).toBe('https://certcentral.digicert.eu/services/v2');
		expect(digicertBaseUrl('custom', 'http://127.0.0.1:4000/services/v2/')).toBe('http://127.0.0.1:4000/services/v2');
		expect(digicertBaseUrl(undefined)).toBe('https://www.digicert.com/services/v2');
		expect(() => digicertBaseUrl('custom', '')).toThrow(/Base URL/);
	});
});

describe('one reading of a bare DigiCert date, shared by the node and the trigger', () => {
	test('valid_till YYYY-MM-DD is valid through the end of that day; both report the same days remaining at any hour', () => {
		const { assessRenewal } = jest.requireActual(
			'../../nodes/CertificateTrigger/renewalPolicy',
		) as typeof import('../../nodes/CertificateTrigger/renewalPolicy');
		const { daysUntil, digiCertInstant } = jest.requireActual(
			'../../nodes/DigiCertCodeSigning/protocol/status',
		) as typeof import('../../nodes/DigiCertCodeSigning/protocol/status');
		expect(new Date(digiCertInstant('2026-12-01', 'end')).toISOString()).toBe('2026-12-01T23:59:59.999Z');
		expect(new Date(digiCertInstant('2026-01-01', 'start')).toISOString()).toBe('2026-01-01T00:00:00.000Z');
		for (const now of ['2026-11-24T00:30:00Z', '2026-11-24T12:00:00Z', '2026-11-24T23:30:00Z']) {
			const node = daysUntil('2026-12-01', new Date(now));
			// What the trigger computes from the same order (renewalDue reads dates with digiCertInstant).
			const trigger = assessRenewal(new Date(digiCertInstant('2026-01-01', 'start')), new Date(digiCertInstant('2026-12-01', 'end')), now, {
				mode: 'daysBefore',
				days: 30,
			}).daysRemaining;
			expect({ now, node }).toEqual({ now, node: trigger });
			expect(node).toBe(7);
		}
		expect(Number.isNaN(digiCertInstant('', 'end'))).toBe(true);
	});
});

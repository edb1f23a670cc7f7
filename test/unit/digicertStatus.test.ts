import { daysUntil, normalizeStatus } from '../../nodes/shared/digicertStatus';
import { digicertBaseUrl } from '../../nodes/shared/digicertRegion';

describe('normalizeStatus', () => {
	const now = new Date('2026-06-01T12:00:00Z');
	it.each([
		['pending', 'pending'], ['needs_approval', 'pending'], ['processing', 'pending'], ['waiting_pickup', 'pending'],
		['reissue_pending', 'pending'], ['issued', 'issued'], ['rejected', 'rejected'], ['denied', 'rejected'],
		['canceled', 'canceled'], ['cancelled', 'canceled'], ['revoked', 'revoked'], ['expired', 'expired'], ['ISSUED', 'issued'],
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

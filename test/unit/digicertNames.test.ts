import { listIssuedOrders, MAX_PAGES } from '../../nodes/CertificateTrigger/digicert';
import { safeFileName } from '../../nodes/DigiCertCodeSigning/transport';

describe('names and lists from the server are bounded', () => {
	test('a Content-Disposition file name keeps its last segment only, without control characters or ..', () => {
		expect(safeFileName('code_signing_123.zip')).toBe('code_signing_123.zip');
		expect(safeFileName('../../../../etc/passwd')).toBe('passwd');
		expect(safeFileName('..\\..\\windows\\system.ini')).toBe('system.ini');
		expect(safeFileName('a\u0000b\nc.pem')).toBe('abc.pem');
		expect(safeFileName('cert..pem')).toBe('cert.pem');
		expect(safeFileName('$&.pem')).toBe('$&.pem');
		expect(safeFileName('..')).toBeUndefined();
		expect(safeFileName('dir/')).toBeUndefined();
		expect(safeFileName(undefined)).toBeUndefined();
	});

	test('an order listing that never ends stops at the page cap, saying so', async () => {
		let calls = 0;
		const endless = async () => {
			calls++;
			return { orders: Array.from({ length: 500 }, (_, i) => ({ id: calls * 1000 + i })), page: { total: 10_000_000 } };
		};
		await expect(listIssuedOrders(endless, {})).rejects.toThrow(/more than 50000 issued orders \(100 pages\)/);
		expect(calls).toBe(MAX_PAGES);
	});
});

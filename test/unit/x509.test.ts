import { X509Certificate } from 'node:crypto';

import { parseCertificate, splitPemCertificates } from '../../nodes/shared/x509';
import { TestCa } from '../support/testCa';

describe('certificate summary', () => {
	const ca = new TestCa();
	afterAll(() => ca.dispose());

	test('reports what the certificate says, with days remaining against the given clock', () => {
		const notBefore = new Date('2026-01-01T00:00:00Z');
		const issued = ca.issue({ subject: '/CN=demo/serialNumber=CUIT 20111111112', notBefore, days: 730 });
		const summary = parseCertificate(issued.certPem, new Date('2026-12-31T12:00:00Z'));
		expect(summary.notBefore).toBe('2026-01-01T00:00:00.000Z');
		expect(summary.notAfter).toBe('2028-01-01T00:00:00.000Z');
		expect(summary.lifetimeDays).toBe(730);
		// 2028-01-01 minus 2026-12-31T12:00 = 365.5 days → 365 whole days
		expect(summary.daysRemaining).toBe(365);
		expect(summary.subject).toBe('CN=demo, serialNumber=CUIT 20111111112');
		expect(summary.issuer).toContain('CN=Certsign Test Root');
		expect(summary.serialNumber).toBe(issued.serialHex);
		const fingerprint = new X509Certificate(issued.certPem).fingerprint256;
		expect(summary.fingerprintSha256).toBe(fingerprint);
	});

	test('an expired certificate has negative days remaining', () => {
		const issued = ca.issue({ subject: '/CN=old', notBefore: new Date('2020-01-01T00:00:00Z'), days: 10 });
		expect(parseCertificate(issued.certPem, new Date('2020-01-21T00:00:00Z')).daysRemaining).toBe(-10);
	});

	test('splits a bundle into its certificates and ignores keys', () => {
		const a = ca.issue({ subject: '/CN=a', keyFormat: 'pkcs1' });
		const b = ca.issue({ subject: '/CN=b' });
		const bundle = `${a.keyPem}\n${a.certPem}\r\n${b.certPem}`;
		const parts = splitPemCertificates(bundle);
		expect(parts).toHaveLength(2);
		expect(parseCertificate(parts[1]).subject).toBe('CN=b');
	});

	test('garbage is refused', () => {
		expect(() => parseCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow();
	});
});

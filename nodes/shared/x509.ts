import { createHash, X509Certificate } from 'node:crypto';

import { assertPemSize, pemBlocks } from './pemBlocks';
import { DAY_MS } from './time';

export interface CertificateSummary {
	subject: string;
	issuer: string;
	serialNumber: string;
	notBefore: string;
	notAfter: string;
	daysRemaining: number;
	fingerprintSha256: string;
	/** Lifetime in days, notBefore → notAfter. */
	lifetimeDays: number;
}

/** Every PEM certificate block in a text (a chain, or a bundle with a key), in order. Linear; size capped. */
export function splitPemCertificates(text: string): string[] {
	assertPemSize(text, 'The PEM text');
	return pemBlocks(text, ['CERTIFICATE']).map((b) => b.block);
}

/** Node prints distinguished names one attribute per line; a comma list reads better in a JSON field. */
function flattenDn(dn: string): string {
	return dn
		.split('\n')
		.map((part) => part.trim())
		.filter(Boolean)
		.join(', ');
}

export function parseCertificate(pemOrDer: string | Buffer, now: Date = new Date()): CertificateSummary {
	const cert = new X509Certificate(pemOrDer);
	const notBefore = new Date(cert.validFrom);
	const notAfter = new Date(cert.validTo);
	return {
		subject: flattenDn(cert.subject),
		issuer: flattenDn(cert.issuer),
		serialNumber: cert.serialNumber.toUpperCase(),
		notBefore: notBefore.toISOString(),
		notAfter: notAfter.toISOString(),
		daysRemaining: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
		fingerprintSha256: createHash('sha256')
			.update(cert.raw)
			.digest('hex')
			.toUpperCase()
			.replace(/(..)(?!$)/g, '$1:'),
		lifetimeDays: Math.round((notAfter.getTime() - notBefore.getTime()) / DAY_MS),
	};
}

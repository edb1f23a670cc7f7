/**
 * PKCS#10 certificate signing requests (RFC 2986) read with the shared DER reader: node:crypto parses
 * certificates and keys but not CSRs. Extracts the subject and the public key (algorithm, RSA modulus
 * size or EC curve) and checks the request's self-signature with node:crypto.
 */
import { createPublicKey, verify } from 'node:crypto';

import { DerReader, type DerNode } from '../../shared/der';
import { MAX_PEM_INPUT_BYTES, pemBlocks } from '../../shared/pemBlocks';

export class CsrError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CsrError';
	}
}

const csrError = (message: string) => new CsrError(message);

const ATTRIBUTE_NAMES: Record<string, string> = {
	'2.5.4.3': 'CN',
	'2.5.4.4': 'SN',
	'2.5.4.5': 'serialNumber',
	'2.5.4.6': 'C',
	'2.5.4.7': 'L',
	'2.5.4.8': 'ST',
	'2.5.4.9': 'street',
	'2.5.4.10': 'O',
	'2.5.4.11': 'OU',
	'2.5.4.12': 'title',
	'2.5.4.42': 'GN',
	'1.2.840.113549.1.9.1': 'emailAddress',
	'0.9.2342.19200300.100.1.25': 'DC',
	'1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
	'2.5.4.15': 'businessCategory',
};

const CURVES: Record<string, string> = {
	'1.2.840.10045.3.1.7': 'P-256',
	'1.3.132.0.34': 'P-384',
	'1.3.132.0.35': 'P-521',
	'1.3.132.0.10': 'secp256k1',
};

/** Signature algorithm OID → digest for node:crypto.verify (null: the algorithm has none, e.g. Ed25519). */
const SIGNATURE_ALGORITHMS: Record<string, { name: string; digest: string | null }> = {
	'1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', digest: 'sha1' },
	'1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', digest: 'sha256' },
	'1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', digest: 'sha384' },
	'1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', digest: 'sha512' },
	'1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', digest: 'sha256' },
	'1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', digest: 'sha384' },
	'1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', digest: 'sha512' },
	'1.3.101.112': { name: 'Ed25519', digest: null },
};

function decodeString(der: DerReader, node: DerNode): string {
	const bytes = der.content(node);
	switch (node.tag) {
		case 0x0c: // UTF8String
			return bytes.toString('utf8');
		case 0x13: // PrintableString
		case 0x16: // IA5String
		case 0x12: // NumericString
			return bytes.toString('ascii');
		case 0x14: // T61String: latin1 is what every real-world decoder does
			return bytes.toString('latin1');
		case 0x1e: {
			// BMPString: UTF-16BE
			const swapped = Buffer.from(bytes);
			swapped.swap16();
			return swapped.toString('utf16le');
		}
		default:
			return bytes.toString('hex');
	}
}

export interface CsrSubjectAttribute {
	type: string;
	oid: string;
	value: string;
}

export interface ParsedCsr {
	/** e.g. `CN=Example Corp, O=Example Corp, C=US` (in the CSR's order). */
	subject: string;
	subjectAttributes: CsrSubjectAttribute[];
	/** First value of each attribute type, by short name. */
	subjectFields: Record<string, string>;
	publicKeyAlgorithm: 'rsa' | 'ec' | 'ed25519' | 'other';
	publicKeyOid: string;
	/** RSA modulus size in bits. */
	rsaBits?: number;
	/** EC named curve, e.g. P-256. */
	ecCurve?: string;
	signatureAlgorithm: string;
	/** Whether the CSR's own signature verifies with its public key. */
	signatureValid: boolean;
	/** Normalised PEM (what the API expects). */
	pem: string;
	der: Buffer;
}

/** Accepts PEM text (either header), a Buffer holding PEM or DER, or bare base64 of the DER. */
export function csrToDer(input: string | Buffer): Buffer {
	if (Buffer.isBuffer(input)) {
		if (input.length > 0 && input[0] === 0x30) return input;
		input = input.toString('utf8');
	}
	if (input.length > MAX_PEM_INPUT_BYTES)
		throw new CsrError(
			`the CSR is ${Math.ceil(input.length / 1024)} KB; a CSR is a few KB (at most ${MAX_PEM_INPUT_BYTES / 1024} KB accepted)`,
		);
	const text = input.trim();
	if (text === '') throw new CsrError('the CSR is empty');
	const [match] = pemBlocks(text, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
	let base64: string;
	if (match) {
		base64 = match.body;
	} else if (text.includes('-----BEGIN ')) {
		const start = text.indexOf('-----BEGIN ') + 11;
		const label = /^([A-Z0-9 ]{1,40})-----/.exec(text.slice(start, start + 46))?.[1] ?? 'unknown';
		throw new CsrError(`expected a CERTIFICATE REQUEST, found a PEM "${label}" block`);
	} else {
		base64 = text;
	}
	const compact = base64.replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new CsrError('the CSR is neither PEM nor base64 DER');
	const der = Buffer.from(compact, 'base64');
	if (der.length === 0 || der[0] !== 0x30) throw new CsrError('the CSR does not start with a DER SEQUENCE');
	return der;
}

function derToPem(der: Buffer): string {
	const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
	return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}

export function parseCsr(input: string | Buffer): ParsedCsr {
	const der = csrToDer(input);
	const r = new DerReader(der, csrError);
	const root = r.root('the CSR');
	r.expect(root, 0x30, 'CertificationRequest');
	const [info, sigAlg, signature, extra] = r.children(root);
	if (extra) throw new CsrError('CertificationRequest has more than three elements');
	r.expect(info, 0x30, 'certificationRequestInfo');
	r.expect(sigAlg, 0x30, 'signatureAlgorithm');
	r.expect(signature, 0x03, 'signature');

	const [version, subject, spki, attributes, more] = r.children(info);
	r.expect(version, 0x02, 'version');
	const versionBytes = r.content(version);
	if (versionBytes.length !== 1 || versionBytes[0] !== 0) throw new CsrError('version must be 0 (v1)');
	r.expect(subject, 0x30, 'subject');
	r.expect(spki, 0x30, 'subjectPublicKeyInfo');
	r.expect(attributes, 0xa0, 'attributes [0]');
	if (more) throw new CsrError('certificationRequestInfo has unexpected extra elements');
	r.children(attributes); // must be well-formed

	const subjectAttributes: CsrSubjectAttribute[] = [];
	for (const rdn of r.children(subject)) {
		r.expect(rdn, 0x31, 'subject RDN (SET)');
		for (const atv of r.children(rdn)) {
			r.expect(atv, 0x30, 'subject attribute');
			const [oidNode, valueNode] = r.children(atv);
			const oid = r.oid(oidNode, 'attribute type');
			if (!valueNode) throw new CsrError('subject attribute value is missing');
			subjectAttributes.push({ type: ATTRIBUTE_NAMES[oid] ?? oid, oid, value: decodeString(r, valueNode) });
		}
	}
	const subjectFields: Record<string, string> = {};
	for (const attribute of subjectAttributes) subjectFields[attribute.type] ??= attribute.value;

	const [keyAlg, keyBits] = r.children(spki);
	r.expect(keyAlg, 0x30, 'public key algorithm');
	r.expect(keyBits, 0x03, 'subjectPublicKey');
	const [keyOidNode, keyParams] = r.children(keyAlg);
	const publicKeyOid = r.oid(keyOidNode, 'public key algorithm OID');
	const keyBitString = r.content(keyBits);
	if (keyBitString.length < 2 || keyBitString[0] !== 0) throw new CsrError('subjectPublicKey BIT STRING is malformed');

	let publicKeyAlgorithm: ParsedCsr['publicKeyAlgorithm'] = 'other';
	let rsaBits: number | undefined;
	let ecCurve: string | undefined;
	if (publicKeyOid === '1.2.840.113549.1.1.1') {
		publicKeyAlgorithm = 'rsa';
		const keyDer = keyBitString.subarray(1);
		const k = new DerReader(keyDer, csrError);
		const rsaKey = k.node(0);
		if (rsaKey.end !== keyDer.length) throw new CsrError('trailing bytes after the RSA public key');
		const [modulus, exponent] = k.children(k.expect(rsaKey, 0x30, 'RSAPublicKey'));
		k.expect(modulus, 0x02, 'RSA modulus');
		k.expect(exponent, 0x02, 'RSA exponent');
		let bytes = k.content(modulus);
		if (bytes[0] & 0x80) throw new CsrError('RSA modulus is negative');
		while (bytes.length > 0 && bytes[0] === 0) bytes = bytes.subarray(1);
		if (bytes.length === 0) throw new CsrError('RSA modulus is zero');
		rsaBits = (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]));
	} else if (publicKeyOid === '1.2.840.10045.2.1') {
		publicKeyAlgorithm = 'ec';
		if (!keyParams || keyParams.tag !== 0x06) throw new CsrError('EC key without a named curve');
		const curveOid = r.oid(keyParams);
		ecCurve = CURVES[curveOid] ?? curveOid;
	} else if (publicKeyOid === '1.3.101.112') {
		publicKeyAlgorithm = 'ed25519';
	}

	const sigOidNode = r.children(sigAlg)[0];
	const sigOid = r.oid(sigOidNode, 'signature algorithm OID');
	const sigInfo = SIGNATURE_ALGORITHMS[sigOid];
	const sigBits = r.content(signature);
	if (sigBits.length < 2 || sigBits[0] !== 0) throw new CsrError('signature BIT STRING is malformed');

	let signatureValid = false;
	if (sigInfo) {
		try {
			const key = createPublicKey({ key: der.subarray(spki.start, spki.end), format: 'der', type: 'spki' });
			signatureValid = verify(sigInfo.digest, der.subarray(info.start, info.end), key, sigBits.subarray(1));
		} catch {
			signatureValid = false;
		}
	}

	return {
		subject: subjectAttributes.map((a) => `${a.type}=${a.value}`).join(', '),
		subjectAttributes,
		subjectFields,
		publicKeyAlgorithm,
		publicKeyOid,
		rsaBits,
		ecCurve,
		signatureAlgorithm: sigInfo?.name ?? sigOid,
		signatureValid,
		pem: derToPem(der),
		der,
	};
}

export interface CsrPolicy {
	minRsaBits: number;
	allowedCurves: string[];
}

/** Code signing since 2023: RSA ≥ 3072 bits or ECDSA P-256/P-384 (CA/B Forum CS baseline requirements). */
const CODE_SIGNING_CSR_POLICY: CsrPolicy = { minRsaBits: 3072, allowedCurves: ['P-256', 'P-384', 'P-521'] };

/** Problems that make the CSR unusable for the policy; empty when it is fine. */
export function csrProblems(csr: ParsedCsr, policy: CsrPolicy = CODE_SIGNING_CSR_POLICY): string[] {
	const problems: string[] = [];
	if (!csr.signatureValid) problems.push(`its signature (${csr.signatureAlgorithm}) does not verify with its own public key`);
	if (csr.publicKeyAlgorithm === 'rsa' && (csr.rsaBits ?? 0) < policy.minRsaBits) {
		problems.push(`its RSA key has ${csr.rsaBits} bits; code signing needs at least ${policy.minRsaBits}`);
	}
	if (csr.publicKeyAlgorithm === 'ec' && !policy.allowedCurves.includes(csr.ecCurve ?? '')) {
		problems.push(`its EC curve ${csr.ecCurve} is not allowed (use ${policy.allowedCurves.join(', ')})`);
	}
	if (csr.publicKeyAlgorithm === 'ed25519' || csr.publicKeyAlgorithm === 'other') {
		problems.push(`its key algorithm (${csr.publicKeyOid}) is not accepted for code signing (use RSA or ECDSA)`);
	}
	return problems;
}

/**
 * CMS SignedData against OpenSSL, both ways: OpenSSL verifies what signCms writes, and what OpenSSL signs
 * (RSA PKCS#1 v1.5, RSA-PSS, ECDSA; SHA-1..SHA-512; with and without signed attributes) is parsed and
 * verified here. Each tampered byte must turn the verdict false, on both sides.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { CmsError, OID, parseSignedData, readCertificateFields, signCms, verifySignerInfo } from '../../nodes/shared/cms';
import { DerReader } from '../../nodes/shared/der';
import { issueLeaf, opensslCmsSign, opensslCmsVerify, runOpenssl } from '../support/signingCerts';
import { TestCa, type IssuedCertificate } from '../support/testCa';

const TRA = Buffer.from(
	'<?xml version="1.0" encoding="UTF-8"?><loginTicketRequest version="1.0"><header><uniqueId>1765000000</uniqueId>' +
		'<generationTime>2026-12-06T10:00:00-03:00</generationTime><expirationTime>2026-12-06T10:20:00-03:00</expirationTime></header>' +
		'<service>wsfe</service></loginTicketRequest>',
);

let ca: TestCa;
let rsa: IssuedCertificate;
let ec: IssuedCertificate;
let caFile: string;

beforeAll(() => {
	ca = new TestCa();
	caFile = join(ca.dir, 'ca.pem');
	rsa = issueLeaf(ca, { subject: '/C=AR/CN=Juan Perez/serialNumber=CUIT 20123456786' });
	ec = issueLeaf(ca, { subject: '/C=AR/CN=Ana EC/serialNumber=CUIL 27123456780', keyType: 'ec' });
});

afterAll(() => ca.dispose());

/** One byte flipped at `index` (negative counts from the end). */
function flip(bytes: Buffer, index: number): Buffer {
	const copy = Buffer.from(bytes);
	const at = index < 0 ? copy.length + index : index;
	copy[at] ^= 0x01;
	return copy;
}

/** The CMS with one byte of the first signer's signature value flipped. */
function tamperSignature(cms: Buffer): Buffer {
	const signature = parseSignedData(cms).signers[0].signature;
	const at = cms.lastIndexOf(signature);
	expect(at).toBeGreaterThan(0);
	return flip(cms, at + 10);
}

describe('signCms: OpenSSL accepts what we sign', () => {
	test.each(['sha256', 'sha1'] as const)('attached RSA with %s verifies against the CA and returns the content', (digest) => {
		const cms = signCms({ content: TRA, certificatePem: rsa.certPem, privateKeyPem: rsa.keyPem, digest });
		const verified = opensslCmsVerify(ca.dir, cms, { caFile });
		expect(verified.stderr).toBe('');
		expect(verified.ok).toBe(true);
		expect(verified.content.equals(TRA)).toBe(true);
		const printed = runOpenssl(['cms', '-cmsout', '-print', '-inform', 'DER'], ca.dir, cms).stdout.toString();
		expect(printed).toContain(`algorithm: ${digest}`);
		expect(printed).toContain('object: signingTime');
		expect(printed).toContain('object: messageDigest');
		expect(printed).toContain('eContentType: pkcs7-data');
	});

	test('tampering with what we sign makes OpenSSL refuse it', () => {
		const cms = signCms({ content: TRA, certificatePem: rsa.certPem, privateKeyPem: rsa.keyPem, digest: 'sha256' });
		expect(opensslCmsVerify(ca.dir, tamperSignature(cms), { caFile }).ok).toBe(false);
		const contentAt = cms.indexOf(TRA);
		expect(opensslCmsVerify(ca.dir, flip(cms, contentAt + 5), { caFile }).ok).toBe(false);
	});

	test('ECDSA and detached signatures verify too; a certificate from another CA does not chain', () => {
		const ecCms = signCms({ content: TRA, certificatePem: ec.certPem, privateKeyPem: ec.keyPem, digest: 'sha256' });
		expect(opensslCmsVerify(ca.dir, ecCms, { caFile }).ok).toBe(true);
		const detached = signCms({ content: TRA, certificatePem: rsa.certPem, privateKeyPem: rsa.keyPem, digest: 'sha256', detached: true });
		expect(parseSignedData(detached).content).toBeUndefined();
		expect(opensslCmsVerify(ca.dir, detached, { content: TRA, caFile }).ok).toBe(true);
		expect(opensslCmsVerify(ca.dir, detached, { content: flip(TRA, 3), caFile }).ok).toBe(false);
		const other = new TestCa('/CN=Other Root');
		try {
			expect(opensslCmsVerify(ca.dir, ecCms, { caFile: join(other.dir, 'ca.pem') }).ok).toBe(false);
		} finally {
			other.dispose();
		}
	});

	test('what we sign reads back with the fields we wrote', () => {
		const signingTime = new Date(Date.UTC(2026, 11, 6, 13, 0, 0));
		const cms = signCms({ content: TRA, certificatePem: rsa.certPem, privateKeyPem: rsa.keyPem, digest: 'sha256', signingTime });
		const parsed = parseSignedData(cms);
		expect(parsed.contentType).toBe(OID.data);
		expect(parsed.content?.equals(TRA)).toBe(true);
		expect(parsed.digestAlgorithms.map((a) => a.name)).toEqual(['sha256']);
		expect(parsed.certificates).toHaveLength(1);
		expect(new X509Certificate(parsed.certificates[0]).subject).toContain('CN=Juan Perez');
		const [signer] = parsed.signers;
		expect(signer.sid).toMatchObject({
			type: 'issuerAndSerialNumber',
			serialNumber: new X509Certificate(rsa.certPem).serialNumber.toUpperCase().replace(/^(00)+(?=..)/, ''),
		});
		expect(signer.signingTime).toEqual(signingTime);
		expect(signer.contentType).toBe(OID.data);
		expect(signer.messageDigest?.equals(createHash('sha256').update(TRA).digest())).toBe(true);
		expect(signer.signatureAlgorithm.name).toBe('rsaEncryption');
		expect(signer.signedAttributes?.[0]).toBe(0x31);
		expect(verifySignerInfo(parsed, signer)).toMatchObject({ digestMatches: true, signatureValid: true, problems: [] });
	});

	test('an ARCA-style key ("BEGIN RSA PRIVATE KEY") signs a TRA that openssl smime, as ARCA\'s own guide uses, verifies', () => {
		const arca = ca.issue({ subject: '/C=AR/O=Empresa SA/CN=wsaa-test/serialNumber=CUIT 30712345671', keyFormat: 'pkcs1' });
		expect(arca.keyPem).toContain('BEGIN RSA PRIVATE KEY');
		const cms = signCms({ content: TRA, certificatePem: arca.certPem, privateKeyPem: arca.keyPem, digest: 'sha256' });
		const input = join(ca.dir, 'tra.cms');
		writeFileSync(input, cms);
		const smime = runOpenssl(['smime', '-verify', '-inform', 'DER', '-in', input, '-CAfile', caFile, '-purpose', 'any'], ca.dir);
		expect(smime.stderr).toBe('');
		expect(smime.stdout.equals(TRA)).toBe(true);
		// what loginCms receives: base64 of the DER, which decodes back to the same SignedData
		expect(parseSignedData(Buffer.from(cms.toString('base64'), 'base64')).content?.equals(TRA)).toBe(true);
	});

	test("refuses a key that is not the certificate's and a digest it does not offer", () => {
		expect(() => signCms({ content: TRA, certificatePem: rsa.certPem, privateKeyPem: ec.keyPem, digest: 'sha256' })).toThrow(
			/does not belong/,
		);
		expect(() => signCms({ content: TRA, certificatePem: rsa.certPem, privateKeyPem: rsa.keyPem, digest: 'md5' as 'sha1' })).toThrow(
			/sha256 or sha1/,
		);
	});
});

describe('parseSignedData + verifySignerInfo: we accept what OpenSSL signs', () => {
	const cases: Array<[string, () => IssuedCertificate, Parameters<typeof opensslCmsSign>[3], string]> = [
		['RSA sha1', () => rsa, { md: 'sha1' }, 'rsaEncryption'],
		['RSA sha256', () => rsa, { md: 'sha256' }, 'rsaEncryption'],
		['RSA sha384', () => rsa, { md: 'sha384' }, 'rsaEncryption'],
		['RSA sha512', () => rsa, { md: 'sha512' }, 'rsaEncryption'],
		['RSA-PSS sha256', () => rsa, { md: 'sha256', pss: true }, 'RSASSA-PSS'],
		['RSA-PSS sha512', () => rsa, { md: 'sha512', pss: true }, 'RSASSA-PSS'],
		['ECDSA sha256', () => ec, { md: 'sha256' }, 'ecdsa-with-SHA256'],
		['ECDSA sha384', () => ec, { md: 'sha384' }, 'ecdsa-with-SHA384'],
		['ECDSA sha1', () => ec, { md: 'sha1' }, 'ecdsa-with-SHA1'],
		['RSA without signed attributes', () => rsa, { md: 'sha256', noAttributes: true }, 'rsaEncryption'],
		['ECDSA without signed attributes', () => ec, { md: 'sha384', noAttributes: true }, 'ecdsa-with-SHA384'],
		['RSA identified by subjectKeyIdentifier', () => rsa, { md: 'sha256', keyId: true }, 'rsaEncryption'],
	];

	test.each(cases)('%s: valid, and a changed content or signature byte is caught', (_name, signer, options, algorithmName) => {
		const cms = opensslCmsSign(ca.dir, signer(), TRA, options);
		const parsed = parseSignedData(cms);
		expect(parsed.content?.equals(TRA)).toBe(true);
		const [info] = parsed.signers;
		expect(info.signatureAlgorithm.name).toBe(algorithmName);
		expect(info.digestAlgorithm.name).toBe(options?.md);
		expect(info.sid.type).toBe(options?.keyId ? 'subjectKeyIdentifier' : 'issuerAndSerialNumber');
		if (options?.pss) expect(info.signatureAlgorithm.pss?.hash).toBe(options.md);
		if (options?.noAttributes) expect(info.signedAttributes).toBeUndefined();
		else expect(info.signingTime).toBeInstanceOf(Date);

		const good = verifySignerInfo(parsed, info);
		expect(good).toMatchObject({ digestMatches: true, signatureValid: true, problems: [] });
		expect(good.certificate?.subject).toBe(new X509Certificate(signer().certPem).subject);

		const changedContent = verifySignerInfo(parsed, info, { content: flip(TRA, 20) });
		expect(changedContent.digestMatches).toBe(false);
		if (options?.noAttributes) expect(changedContent.signatureValid).toBe(false);
		else expect(changedContent.signatureValid).toBe(true); // the attributes are intact; only the digest differs

		const forged = parseSignedData(tamperSignature(cms));
		expect(verifySignerInfo(forged, forged.signers[0]).signatureValid).toBe(false);
		// OpenSSL agrees on both tampered forms
		expect(opensslCmsVerify(ca.dir, tamperSignature(cms)).ok).toBe(false);
		expect(opensslCmsVerify(ca.dir, cms).ok).toBe(true);
	});

	test('detached OpenSSL signature over two pieces (as a PDF ByteRange gives them)', () => {
		const cms = opensslCmsSign(ca.dir, rsa, TRA, { md: 'sha256', detached: true });
		const parsed = parseSignedData(cms);
		expect(parsed.content).toBeUndefined();
		const pieces = [TRA.subarray(0, 40), TRA.subarray(40)];
		expect(verifySignerInfo(parsed, parsed.signers[0], { content: pieces })).toMatchObject({ digestMatches: true, signatureValid: true });
		expect(verifySignerInfo(parsed, parsed.signers[0]).problems).toEqual([
			'the signature is detached and no content was given to check it against',
		]);
		expect(verifySignerInfo(parsed, parsed.signers[0], { content: [pieces[0], flip(pieces[1], 0)] }).digestMatches).toBe(false);
	});

	test('a signer certificate that is not in the CMS is reported, and can be passed in', () => {
		const cms = opensslCmsSign(ca.dir, rsa, TRA, { md: 'sha256' });
		const parsed = parseSignedData(cms);
		const withoutCerts = { ...parsed, certificates: [] };
		const missing = verifySignerInfo(withoutCerts, parsed.signers[0]);
		expect(missing.signatureValid).toBe(false);
		expect(missing.problems).toContain('the signer certificate is not in the signature');
		expect(verifySignerInfo(withoutCerts, parsed.signers[0], { certificate: new X509Certificate(rsa.certPem) }).signatureValid).toBe(true);
		// the wrong certificate does not verify
		expect(verifySignerInfo(withoutCerts, parsed.signers[0], { certificate: new X509Certificate(ec.certPem) }).signatureValid).toBe(false);
	});
});

describe('malformed CMS', () => {
	test('fails with CmsError, not a crash', () => {
		const cms = opensslCmsSign(ca.dir, rsa, TRA, { md: 'sha256' });
		expect(() => parseSignedData(cms.subarray(0, cms.length - 1))).toThrow(CmsError);
		expect(() => parseSignedData(Buffer.concat([cms, Buffer.alloc(10)]))).toThrow(/10 trailing bytes/);
		expect(parseSignedData(Buffer.concat([cms, Buffer.alloc(10)]), { allowZeroPadding: true }).signers).toHaveLength(1);
		expect(() => parseSignedData(Buffer.concat([cms, Buffer.from([1])]), { allowZeroPadding: true })).toThrow(/trailing bytes/);
		expect(() => parseSignedData(Buffer.from('hello'))).toThrow(CmsError);
		expect(() => parseSignedData(Buffer.alloc(0))).toThrow(CmsError);
		// a ContentInfo of another type
		const data = Buffer.from('300d06092a864886f70d010701a000', 'hex');
		expect(() => parseSignedData(data)).toThrow(/not SignedData/);
		// random garbage never escapes as anything but CmsError
		for (let i = 0; i < 300; i++) {
			const noisy = Buffer.from(cms);
			for (let k = 0; k < 4; k++) noisy[Math.floor(Math.random() * noisy.length)] = Math.floor(Math.random() * 256);
			try {
				const parsed = parseSignedData(noisy);
				for (const signer of parsed.signers) verifySignerInfo(parsed, signer);
			} catch (error) {
				expect(error).toBeInstanceOf(CmsError);
			}
		}
	});

	test('certificate fields read with the shared DER reader match node:crypto', () => {
		const cert = new X509Certificate(rsa.certPem);
		const fields = readCertificateFields(cert.raw);
		expect(fields.notAfter.getTime()).toBe(new Date(cert.validTo).getTime());
		expect(fields.subjectAttributes).toContainEqual({ oid: OID.serialNumber, value: 'CUIT 20123456786' });
		expect(fields.subjectAttributes).toContainEqual({ oid: OID.commonName, value: 'Juan Perez' });
		const r = new DerReader(fields.issuerDer);
		r.checkTree(r.root());
	});
});

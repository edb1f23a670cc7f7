/**
 * verifyPdfSignatures on PDFs signed by OpenSSL (test/support/signedPdfs.ts): for every signature the
 * digest/signature verdict must agree with `openssl cms -verify -binary -inform DER -content <ranges>`
 * over the same bytes, and with poppler's pdfsig when it is installed (scripts/ensure-system-deps.sh
 * installs it). Certificate dates, CUIL, chain and later changes are checked field by field.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	parsePdfDate,
	taxIdFromSerialNumber,
	verifyPdfSignatures,
	type PdfSignatureReport,
	type PdfVerification,
} from '../../nodes/shared/pdfSignatures';
import {
	appendAnnotation,
	appendSignatureField,
	basePdf,
	issueTsa,
	signatureParts,
	signPlaceholder,
	timestampPlaceholder,
} from '../support/signedPdfs';
import { issueIntermediate, issueLeaf, issueUnderIntermediate, opensslCmsVerify, runOpenssl } from '../support/signingCerts';
import { TestCa, type IssuedCertificate } from '../support/testCa';

const DAY = 86_400_000;
const HAS_PDFSIG = spawnSync('pdfsig', ['-v']).error === undefined;

let ca: TestCa;
let otherCa: TestCa;
let rsaLeaf: IssuedCertificate;
let ecLeaf: IssuedCertificate;
let expiredLeaf: IssuedCertificate;
let foreignLeaf: IssuedCertificate;
const pdfs: Record<string, Buffer> = {};

beforeAll(() => {
	ca = new TestCa();
	otherCa = new TestCa('/C=AR/O=Otra CA/CN=Otra Root');
	const subject = '/C=AR/CN=Juan Perez/serialNumber=CUIL 20123456786';
	rsaLeaf = issueLeaf(ca, { subject });
	ecLeaf = issueLeaf(ca, { subject: '/C=AR/CN=Ana Gomez/serialNumber=CUIT 27123456780', keyType: 'ec' });
	expiredLeaf = issueLeaf(ca, { subject, notBefore: new Date(Date.now() - 400 * DAY), days: 30 });
	foreignLeaf = issueLeaf(otherCa, { subject });
	const sign = (pdf: Buffer, leaf: IssuedCertificate, md: 'sha1' | 'sha256' = 'sha256') => signPlaceholder(pdf, leaf, { dir: ca.dir, md });
	pdfs.valid = sign(basePdf(), rsaLeaf);
	pdfs.sha1 = sign(basePdf(), rsaLeaf, 'sha1');
	pdfs.ecdsa = sign(basePdf(), ecLeaf);
	pdfs.ecdsaSha1 = sign(basePdf(), ecLeaf, 'sha1');
	pdfs.tampered = Buffer.from(pdfs.valid);
	const at = pdfs.tampered.indexOf('Contrato de prueba');
	pdfs.tampered[at + 7] = 'e'.charCodeAt(0); // "Contrate": one byte inside the first range
	pdfs.appended = appendAnnotation(pdfs.valid);
	pdfs.expired = sign(basePdf(), expiredLeaf);
	pdfs.foreign = sign(basePdf(), foreignLeaf);
	pdfs.twoSignatures = sign(appendSignatureField(pdfs.valid), ecLeaf, 'sha1');
	pdfs.pkcs7Sha1 = signPlaceholder(basePdf(true, 'adbe.pkcs7.sha1'), rsaLeaf, { dir: ca.dir, sha1Content: true });
	pdfs.timestamp = timestampPlaceholder(basePdf(true, 'ETSI.RFC3161'), ca, issueTsa(ca));
});

afterAll(() => {
	ca.dispose();
	otherCa.dispose();
});

/** The signature/digest verdict of `openssl cms -verify -noverify` over the same ranges. */
function opensslAgrees(pdf: Buffer, report: PdfSignatureReport, n: number) {
	const { ranges, cms, byteRange } = signatureParts(pdf, n);
	expect(report.byteRange).toEqual(byteRange);
	const openssl = opensslCmsVerify(ca.dir, cms, { content: ranges });
	expect({ n, ok: openssl.ok }).toEqual({ n, ok: report.digestMatches && report.signatureValid });
	return cms;
}

/** pdfsig's per-signature "Signature Validation" and "Total document signed" lines. */
function pdfsigVerdicts(pdf: Buffer): Array<{ valid: boolean; digestMismatch: boolean; whole: boolean }> {
	const file = join(ca.dir, `check-${Date.now()}-${Math.random().toString(16).slice(2)}.pdf`);
	writeFileSync(file, pdf);
	const run = spawnSync('pdfsig', [file], { encoding: 'utf8' });
	return run.stdout
		.split(/Signature #\d+:/)
		.slice(1)
		.map((block) => ({
			valid: /Signature Validation: Signature is Valid\./.test(block),
			digestMismatch: /Signature Validation: Digest Mismatch/.test(block),
			whole: /Total document signed/.test(block) && !/Not total document signed/.test(block),
		}));
}

function checkAgainstReferences(pdf: Buffer, result: PdfVerification) {
	result.signatures.forEach((report, n) => opensslAgrees(pdf, report, n));
	if (!HAS_PDFSIG) return;
	const verdicts = pdfsigVerdicts(pdf);
	expect(verdicts).toHaveLength(result.signatures.length);
	result.signatures.forEach((report, n) => {
		expect({ n, valid: verdicts[n].valid, whole: verdicts[n].whole }).toEqual({
			n,
			valid: report.digestMatches && report.signatureValid,
			whole: report.coversWholeDocument,
		});
	});
}

const verify = (name: string, roots: string = ca.certPem) => verifyPdfSignatures(pdfs[name], { trustedRootsPem: roots });

describe('verifyPdfSignatures agrees with openssl cms (and pdfsig) on OpenSSL-signed PDFs', () => {
	test.each([
		['valid', 'sha256', 'rsaEncryption', 'Juan Perez', 'CUIL', '20123456786'],
		['sha1', 'sha1', 'rsaEncryption', 'Juan Perez', 'CUIL', '20123456786'],
		['ecdsa', 'sha256', 'ecdsa-with-SHA256', 'Ana Gomez', 'CUIT', '27123456780'],
		['ecdsaSha1', 'sha1', 'ecdsa-with-SHA1', 'Ana Gomez', 'CUIT', '27123456780'],
	])('%s: valid, whole document, fields from the certificate', (name, digest, algorithm, signerName, kind, number) => {
		const result = verify(name);
		checkAgainstReferences(pdfs[name], result);
		expect(result.signed).toBe(true);
		expect(result.valid).toBe(true);
		expect(result.signatures).toHaveLength(1);
		const [signature] = result.signatures;
		const leaf = new X509Certificate(signerName === 'Juan Perez' ? rsaLeaf.certPem : ecLeaf.certPem);
		expect(signature).toMatchObject({
			kind: 'signature',
			subFilter: 'adbe.pkcs7.detached',
			signerName,
			taxId: { kind, number, checkDigitValid: true },
			subjectSerialNumber: `${kind} ${number}`,
			digestAlgorithm: digest,
			signatureAlgorithm: algorithm,
			digestMatches: true,
			signatureValid: true,
			coversWholeDocument: true,
			chain: 'trusted',
			valid: true,
			problems: [],
			certificateNotBefore: new Date(leaf.validFrom).toISOString(),
			certificateNotAfter: new Date(leaf.validTo).toISOString(),
			certificateValidAtSigningTime: true,
		});
		expect(signature.appended).toBeUndefined();
		// the verdict first in the JSON a workflow shows
		expect(Object.keys(signature).slice(0, 4)).toEqual(['index', 'kind', 'valid', 'problems']);
		expect(Math.abs(Date.parse(signature.signingTime!) - Date.now())).toBeLessThan(10 * 60_000);
	});

	test('one byte changed inside the signed range: digest mismatch, not valid', () => {
		const result = verify('tampered');
		checkAgainstReferences(pdfs.tampered, result);
		if (HAS_PDFSIG) expect(pdfsigVerdicts(pdfs.tampered)[0].digestMismatch).toBe(true);
		const [signature] = result.signatures;
		expect(signature).toMatchObject({ digestMatches: false, signatureValid: true, coversWholeDocument: true, valid: false });
		expect(signature.problems.join(' | ')).toMatch(/signed bytes do not match the signed digest/);
		expect(result.valid).toBe(false);
	});

	test('bytes appended after signing (an annotation as an incremental update): signature intact, changes reported', () => {
		const result = verify('appended');
		checkAgainstReferences(pdfs.appended, result);
		const [signature] = result.signatures;
		expect(signature).toMatchObject({ digestMatches: true, signatureValid: true, coversWholeDocument: false, valid: true });
		expect(signature.appended).toMatchObject({
			bytes: pdfs.appended.length - pdfs.valid.length,
			objects: 2,
			newSignatures: 0,
			annotations: true,
		});
		expect(signature.problems).toEqual([
			expect.stringMatching(/changed after this signature \(\d+ bytes appended: 2 objects, annotations\)/),
		]);
		expect(result.valid).toBe(false); // the document as a whole is not what was signed
	});

	test('an expired certificate: the signature verifies but the certificate was not valid when it signed', () => {
		const result = verify('expired');
		checkAgainstReferences(pdfs.expired, result);
		// OpenSSL's chain check (at the current time) refuses the expired certificate too
		const { ranges, cms } = signatureParts(pdfs.expired);
		expect(opensslCmsVerify(ca.dir, cms, { content: ranges, caFile: join(ca.dir, 'ca.pem') }).ok).toBe(false);
		const [signature] = result.signatures;
		expect(signature).toMatchObject({
			digestMatches: true,
			signatureValid: true,
			certificateValidAtSigningTime: false,
			chain: 'trusted',
			valid: false,
		});
		expect(Date.parse(signature.certificateNotAfter!)).toBeLessThan(Date.now() - 300 * DAY);
		expect(signature.problems.join(' | ')).toMatch(/not valid when it signed/);
	});

	test('a certificate from another CA: untrusted against our root; trusted against its own; not checked without roots', () => {
		const result = verify('foreign');
		checkAgainstReferences(pdfs.foreign, result);
		const { ranges, cms } = signatureParts(pdfs.foreign);
		expect(opensslCmsVerify(ca.dir, cms, { content: ranges, caFile: join(ca.dir, 'ca.pem') }).ok).toBe(false);
		expect(opensslCmsVerify(ca.dir, cms, { content: ranges, caFile: join(otherCa.dir, 'ca.pem') }).ok).toBe(true);
		expect(result.signatures[0]).toMatchObject({ digestMatches: true, signatureValid: true, chain: 'untrusted', valid: false });
		expect(result.signatures[0].problems.join(' | ')).toMatch(/does not chain/);
		expect(verify('foreign', otherCa.certPem).signatures[0]).toMatchObject({ chain: 'trusted', valid: true });
		expect(verify('foreign', ca.certPem + otherCa.certPem).signatures[0].chain).toBe('trusted');
		expect(verifyPdfSignatures(pdfs.foreign).signatures[0]).toMatchObject({ chain: 'not checked', valid: true });
		// our valid file against the other root only
		expect(verify('valid', otherCa.certPem).signatures[0].chain).toBe('untrusted');
	});

	test('two signatures, the second an incremental update: both valid, the first reports the new signature', () => {
		const result = verify('twoSignatures');
		checkAgainstReferences(pdfs.twoSignatures, result);
		expect(result.valid).toBe(true);
		const [first, second] = result.signatures;
		expect(first).toMatchObject({ index: 1, signerName: 'Juan Perez', digestAlgorithm: 'sha256', valid: true, coversWholeDocument: false });
		expect(first.appended).toMatchObject({ newSignatures: 1, annotations: true, formFields: true, objects: 4 });
		expect(second).toMatchObject({
			index: 2,
			signerName: 'Ana Gomez',
			digestAlgorithm: 'sha1',
			signatureAlgorithm: 'ecdsa-with-SHA1',
			valid: true,
			coversWholeDocument: true,
			problems: [],
		});
	});

	test('adbe.pkcs7.sha1: the CMS carries the SHA-1 of the ranges; a changed byte is caught', () => {
		const { ranges, cms } = signatureParts(pdfs.pkcs7Sha1);
		const openssl = opensslCmsVerify(ca.dir, cms);
		expect(openssl.ok).toBe(true);
		expect(openssl.content.equals(createHash('sha1').update(ranges).digest())).toBe(true);
		const result = verify('pkcs7Sha1');
		expect(result.signatures[0]).toMatchObject({
			subFilter: 'adbe.pkcs7.sha1',
			digestMatches: true,
			signatureValid: true,
			valid: true,
			problems: [],
		});
		// Not compared with pdfsig: poppler 22.12 prints "Digest Mismatch" for this file, as it hashes the ranges with the
		// CMS digest instead of reading the encapsulated SHA-1 (ISO 32000-1 12.8.3.3.1); openssl above is the reference here.
		const changed = Buffer.from(pdfs.pkcs7Sha1);
		changed[changed.indexOf('Contrato') + 2] ^= 1;
		expect(verifyPdfSignatures(changed).signatures[0]).toMatchObject({ digestMatches: false, signatureValid: true, valid: false });
	});

	test('a document timestamp (ETSI.RFC3161) from openssl ts: the stamped hash and the TSA signature check out', () => {
		const { ranges, cms } = signatureParts(pdfs.timestamp);
		const stamped = join(ca.dir, 'token.tst');
		const data = join(ca.dir, 'stamped.data');
		writeFileSync(stamped, cms);
		writeFileSync(data, ranges);
		const tsVerify = (file: string) =>
			spawnSync(
				'openssl',
				[
					'ts',
					'-verify',
					'-data',
					file,
					'-in',
					stamped,
					'-token_in',
					'-CAfile',
					join(ca.dir, 'ca.pem'),
					'-untrusted',
					join(ca.dir, 'tsa.pem'),
				],
				{ encoding: 'utf8' },
			);
		expect(tsVerify(data).stdout).toMatch(/Verification: OK/);
		const [signature] = verify('timestamp').signatures;
		expect(signature).toMatchObject({
			kind: 'timestamp',
			subFilter: 'ETSI.RFC3161',
			signerName: 'Test TSA',
			digestMatches: true,
			signatureValid: true,
			chain: 'trusted',
			valid: true,
			problems: [],
		});
		expect(Math.abs(Date.parse(signature.signingTime!) - Date.now())).toBeLessThan(10 * 60_000);
		// one byte changed: openssl ts and we both refuse it
		const changed = Buffer.from(pdfs.timestamp);
		changed[changed.indexOf('Contrato') + 2] ^= 1;
		writeFileSync(data, signatureParts(changed).ranges);
		expect(tsVerify(data).stdout).not.toMatch(/Verification: OK/);
		const [broken] = verifyPdfSignatures(changed).signatures;
		expect(broken).toMatchObject({ digestMatches: false, signatureValid: true, valid: false });
		expect(broken.problems.join(' ')).toMatch(/does not match the hash of the signed bytes/);
	});

	test('a leaf under an intermediate: trusted when the CMS carries the intermediate, untrusted when it does not', () => {
		const intermediate = issueIntermediate(ca);
		const leaf = issueUnderIntermediate(ca, intermediate, '/C=AR/CN=Maria Lopez/serialNumber=CUIL 27234567891');
		const withIntermediate = signPlaceholder(basePdf(), leaf, { dir: ca.dir, extraCertsPem: intermediate.certPem });
		const without = signPlaceholder(basePdf(), leaf, { dir: ca.dir });
		const caFile = join(ca.dir, 'ca.pem');
		for (const [pdf, chain] of [
			[withIntermediate, 'trusted'],
			[without, 'untrusted'],
		] as const) {
			const result = verifyPdfSignatures(pdf, { trustedRootsPem: ca.certPem });
			checkAgainstReferences(pdf, result);
			const { ranges, cms } = signatureParts(pdf);
			expect(opensslCmsVerify(ca.dir, cms, { content: ranges, caFile }).ok).toBe(chain === 'trusted');
			expect(result.signatures[0]).toMatchObject({
				signerName: 'Maria Lopez',
				digestMatches: true,
				signatureValid: true,
				chain,
				valid: chain === 'trusted',
			});
		}
		// the intermediate given as a root is enough on its own; the leaf is not a root of anything else
		expect(verifyPdfSignatures(without, { trustedRootsPem: intermediate.certPem }).signatures[0].chain).toBe('trusted');
		expect(verifyPdfSignatures(withIntermediate, { trustedRootsPem: otherCa.certPem }).signatures[0].chain).toBe('untrusted');
		expect(verifyPdfSignatures(withIntermediate).signatures[0].taxId).toEqual({
			kind: 'CUIL',
			number: '27234567891',
			checkDigitValid: true,
		});
	});

	test('no signingTime attribute: the time comes from the signature timestamp, else from /M; a timestamp of something else is caught', () => {
		const tsa = issueTsa(ca);
		const stamped = signPlaceholder(basePdf(), rsaLeaf, { dir: ca.dir, noAttributes: true, timestamp: { ca, tsa } });
		const bare = signPlaceholder(basePdf(), rsaLeaf, { dir: ca.dir, noAttributes: true });
		const wrongStamp = signPlaceholder(basePdf(), rsaLeaf, {
			dir: ca.dir,
			noAttributes: true,
			timestamp: { ca, tsa, overData: Buffer.from('other') },
		});
		for (const pdf of [stamped, bare, wrongStamp]) checkAgainstReferences(pdf, verifyPdfSignatures(pdf));

		const [withStamp] = verifyPdfSignatures(stamped, { trustedRootsPem: ca.certPem }).signatures;
		expect(withStamp).toMatchObject({
			signingTimeSource: 'timestamp',
			digestMatches: true,
			signatureValid: true,
			certificateValidAtSigningTime: true,
			valid: true,
			problems: [],
		});
		expect(withStamp.timestamp).toMatchObject({ matchesSignature: true, signatureValid: true, authority: 'Test TSA' });
		expect(withStamp.signingTime).toBe(withStamp.timestamp?.time);
		// openssl reads the stamped CMS and finds the token over the signature value
		const { cms } = signatureParts(stamped);
		expect(runOpenssl(['cms', '-cmsout', '-print', '-inform', 'DER'], ca.dir, cms).stdout.toString()).toContain(
			'id-smime-aa-timeStampToken',
		);

		const [withoutStamp] = verifyPdfSignatures(bare).signatures;
		expect(withoutStamp).toMatchObject({ signingTimeSource: 'PDF /M entry', digestMatches: true, signatureValid: true, valid: true });
		expect(withoutStamp.timestamp).toBeUndefined();
		expect(Math.abs(Date.parse(withoutStamp.signingTime!) - Date.now())).toBeLessThan(10 * 60_000);

		const [wrong] = verifyPdfSignatures(wrongStamp).signatures;
		expect(wrong.timestamp).toMatchObject({ matchesSignature: false, signatureValid: true });
		expect(wrong.signingTimeSource).toBe('PDF /M entry');
		expect(wrong.problems).toContain('its timestamp stamps something else, not this signature');
	});

	test('an unsigned PDF is not an error; an unfilled placeholder is reported as such', () => {
		expect(verifyPdfSignatures(basePdf(false))).toEqual({ signed: false, signatures: [] });
		const [placeholder] = verifyPdfSignatures(basePdf(true)).signatures;
		expect(placeholder).toMatchObject({ valid: false, problems: ['an empty signature placeholder: the signing never finished'] });
	});

	test('pdfsig (when installed) names the same signers and hash algorithms', () => {
		if (!HAS_PDFSIG) {
			console.warn('pdfsig (poppler-utils) is not installed: compared with openssl only; scripts/ensure-system-deps.sh installs it');
			return;
		}
		const file = join(ca.dir, 'two.pdf');
		writeFileSync(file, pdfs.twoSignatures);
		const printed = execFileSync('pdfsig', [file], { encoding: 'utf8' });
		const names = [...printed.matchAll(/Signer Certificate Common Name: (.*)/g)].map((m) => m[1]);
		const hashes = [...printed.matchAll(/Signing Hash Algorithm: (.*)/g)].map((m) => m[1].replace('-', '').toLowerCase());
		const ours = verify('twoSignatures').signatures;
		expect(names).toEqual(ours.map((s) => s.signerName));
		expect(hashes).toEqual(ours.map((s) => s.digestAlgorithm));
	});
});

describe('parsePdfDate', () => {
	test('reads D:YYYYMMDDHHmmSS with Z, offsets, or fewer parts', () => {
		expect(parsePdfDate("D:20261206150000-03'00'")?.toISOString()).toBe('2026-12-06T18:00:00.000Z');
		expect(parsePdfDate('D:20261206180000Z')?.toISOString()).toBe('2026-12-06T18:00:00.000Z');
		expect(parsePdfDate('D:2026')?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
		expect(parsePdfDate('yesterday')).toBeUndefined();
	});
});

describe('taxIdFromSerialNumber', () => {
	test('reads CUIL/CUIT from the subject serialNumber and checks the digit', () => {
		expect(taxIdFromSerialNumber('CUIL 20123456786')).toEqual({ kind: 'CUIL', number: '20123456786', checkDigitValid: true });
		expect(taxIdFromSerialNumber('cuit 27-12345678-0')).toEqual({ kind: 'CUIT', number: '27123456780', checkDigitValid: true });
		expect(taxIdFromSerialNumber('CUIL 20123456787')).toEqual({ kind: 'CUIL', number: '20123456787', checkDigitValid: false });
		expect(taxIdFromSerialNumber('DNI 12345678')).toBeUndefined();
		expect(taxIdFromSerialNumber(undefined)).toBeUndefined();
	});
});

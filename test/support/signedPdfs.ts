/**
 * Signed PDFs made the way signing tools make them, independently of the verifier under test: a small
 * document with a signature field whose value has a /ByteRange placeholder and /Contents <000…>; the
 * ByteRange is filled in, the two ranges are signed with `openssl cms -sign -binary -outform DER`
 * (detached) and the hex goes into /Contents. Later changes are incremental updates (new objects, an
 * xref section with /Prev, a new trailer), as a viewer saves them.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { derExplicit, derOid, DerReader, derSequence, derSet } from '../../nodes/shared/der';
import { opensslCmsSign } from './signingCerts';
import type { IssuedCertificate, TestCa } from './testCa';

/** Room for the CMS in /Contents: 8 KiB of DER (a certificate chain and a signature fit easily). */
const CONTENTS_BYTES = 8192;
const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0000000000 0000000000 0000000000 0000000000]';

type PdfObject = [number, string];

function pdfDate(date: Date): string {
	return `D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

export type PdfSubFilter = 'adbe.pkcs7.detached' | 'adbe.pkcs7.sha1' | 'ETSI.RFC3161';

function signatureValue(subFilter: PdfSubFilter = 'adbe.pkcs7.detached'): string {
	const type = subFilter === 'ETSI.RFC3161' ? 'DocTimeStamp' : 'Sig';
	return `<< /Type /${type} /Filter /Adobe.PPKLite /SubFilter /${subFilter} ${BYTE_RANGE_PLACEHOLDER} /Contents <${'0'.repeat(CONTENTS_BYTES * 2)}> /M (${pdfDate(new Date())}) /Reason (Test) >>`;
}

function lastStartXref(pdf: Buffer): number {
	const text = pdf.subarray(Math.max(0, pdf.length - 64)).toString('latin1');
	const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
	if (!match) throw new Error('no startxref at the end of the PDF');
	return Number(match[1]);
}

/** Writes objects after `prefix`, then an xref section and trailer (with /Prev when appending). */
function writeSection(prefix: Buffer, objects: PdfObject[], size: number): Buffer {
	const appending = prefix.length > 0 && prefix.includes('%%EOF');
	const parts: Buffer[] = [prefix];
	let offset = prefix.length;
	const offsets = new Map<number, number>();
	for (const [number, body] of objects) {
		const text = Buffer.from(`${number} 0 obj\n${body}\nendobj\n`, 'latin1');
		offsets.set(number, offset);
		parts.push(text);
		offset += text.length;
	}
	const entry = (at: number) => `${String(at).padStart(10, '0')} 00000 n \n`;
	let xref = 'xref\n';
	if (appending) {
		for (const [number] of [...objects].sort((x, y) => x[0] - y[0])) xref += `${number} 1\n${entry(offsets.get(number)!)}`;
	} else {
		xref += `0 ${size}\n0000000000 65535 f \n`;
		for (let n = 1; n < size; n++) xref += entry(offsets.get(n)!);
	}
	const prev = appending ? ` /Prev ${lastStartXref(prefix)}` : '';
	parts.push(Buffer.from(`${xref}trailer\n<< /Size ${size} /Root 1 0 R${prev} >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
	return Buffer.concat(parts);
}

const PAGE_CONTENT = 'BT /F1 18 Tf 20 150 Td (Contrato de prueba) Tj ET';

/** One page, one text line; with `signatureField`, an empty signature field (placeholder) in the form. */
export function basePdf(signatureField = true, subFilter: PdfSubFilter = 'adbe.pkcs7.detached'): Buffer {
	const header = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
	const fields = signatureField ? ' /AcroForm << /Fields [4 0 R] /SigFlags 3 >>' : '';
	const annots = signatureField ? ' /Annots [4 0 R]' : '';
	const objects: PdfObject[] = [
		[1, `<< /Type /Catalog /Pages 2 0 R${fields} >>`],
		[2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'],
		[3, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >>${annots} >>`],
		[4, signatureField ? '<< /Type /Annot /Subtype /Widget /FT /Sig /T (Firma1) /Rect [0 0 0 0] /F 132 /P 3 0 R /V 5 0 R >>' : '<< >>'],
		[5, signatureField ? signatureValue(subFilter) : '<< >>'],
		[6, `<< /Length ${PAGE_CONTENT.length} >>\nstream\n${PAGE_CONTENT}\nendstream`],
		[7, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'],
	];
	return writeSection(header, objects, 8);
}

/** An incremental update adding a second signature field (objects 8, 9) with an empty placeholder. */
export function appendSignatureField(pdf: Buffer): Buffer {
	return writeSection(
		pdf,
		[
			[1, '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 8 0 R] /SigFlags 3 >> >>'],
			[
				3,
				'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> /Annots [4 0 R 8 0 R] >>',
			],
			[8, '<< /Type /Annot /Subtype /Widget /FT /Sig /T (Firma2) /Rect [0 0 0 0] /F 132 /P 3 0 R /V 9 0 R >>'],
			[9, signatureValue()],
		],
		10,
	);
}

/** An incremental update adding a sticky-note annotation to the page (what a viewer saves after "add comment"). */
export function appendAnnotation(pdf: Buffer): Buffer {
	const size = pdf.includes('/T (Firma2)') ? 11 : 9;
	const note = size - 1;
	const annots = size === 11 ? '[4 0 R 8 0 R 10 0 R]' : '[4 0 R 8 0 R]';
	return writeSection(
		pdf,
		[
			[
				3,
				`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> /Annots ${annots} >>`,
			],
			[note, '<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (agregado despues de firmar) >>'],
		],
		size,
	);
}

export interface SignPdfOptions {
	md?: 'sha1' | 'sha256';
	/** Where openssl's files go (the CA's folder). */
	dir: string;
	/** adbe.pkcs7.sha1: the CMS carries the SHA-1 of the ranges as attached content instead of signing them detached. */
	sha1Content?: boolean;
	/** Certificates to embed besides the signer's (an intermediate), PEM. */
	extraCertsPem?: string;
	/** No signed attributes (so no signingTime): the signature is over the ranges themselves. */
	noAttributes?: boolean;
	/** Add an RFC 3161 signature timestamp from this TSA as an unsigned attribute (as PAdES signers do). */
	timestamp?: { ca: TestCa; tsa: Tsa; overData?: Buffer };
}

/** Fills the last empty placeholder: ByteRange around /Contents, then the detached CMS from openssl over the two ranges. */
export function signPlaceholder(pdf: Buffer, signer: IssuedCertificate, options: SignPdfOptions): Buffer {
	return fillPlaceholder(pdf, (signed) => {
		const common = { md: options.md ?? 'sha256', extraCertsPem: options.extraCertsPem, noAttributes: options.noAttributes };
		const cms = options.sha1Content
			? opensslCmsSign(options.dir, signer, createHash('sha1').update(signed).digest(), common)
			: opensslCmsSign(options.dir, signer, signed, { ...common, detached: true });
		return options.timestamp ? addSignatureTimestamp(cms, options.timestamp) : cms;
	});
}

/** Asks the TSA (`openssl ts`) for a token over `data`; DER. */
export function opensslTimestamp(ca: TestCa, tsa: Tsa, data: Buffer): Buffer {
	const id = randomBytes(6).toString('hex');
	writeFileSync(join(ca.dir, `${id}.data`), data);
	const run = (args: string[]) => execFileSync('openssl', args, { cwd: ca.dir, stdio: ['pipe', 'pipe', 'pipe'] });
	run(['ts', '-query', '-data', `${id}.data`, '-sha256', '-cert', '-out', `${id}.tsq`]);
	run([
		'ts',
		'-reply',
		'-config',
		tsa.configFile,
		'-queryfile',
		`${id}.tsq`,
		'-signer',
		tsa.certFile,
		'-inkey',
		tsa.keyFile,
		'-token_out',
		'-out',
		`${id}.tst`,
	]);
	return readFileSync(join(ca.dir, `${id}.tst`));
}

/**
 * The CMS with a signatureTimeStampToken (RFC 3161 appendix A) added to its one SignerInfo as an unsigned
 * attribute; the token stamps the signature value (or `overData`, to make a wrong one). Unsigned attributes
 * are outside the signature, so the CMS still verifies (openssl cms -verify says so in the tests).
 */
export function addSignatureTimestamp(cms: Buffer, stamp: { ca: TestCa; tsa: Tsa; overData?: Buffer }): Buffer {
	const r = new DerReader(cms);
	const [contentType, wrapped] = r.children(r.root());
	const [signedData] = r.children(wrapped);
	const parts = r.children(signedData);
	const signerInfos = parts[parts.length - 1];
	const [signerInfo] = r.children(signerInfos);
	const fields = r.children(signerInfo);
	const signature = r.content(fields[fields.length - 1]);
	const token = opensslTimestamp(stamp.ca, stamp.tsa, stamp.overData ?? signature);
	const attribute = derSequence(derOid('1.2.840.113549.1.9.16.2.14'), derSet([token]));
	const unsignedAttributes = derSet([attribute]);
	unsignedAttributes[0] = 0xa1; // [1] IMPLICIT SET OF Attribute
	const stampedSignerInfo = derSequence(...fields.map((field) => r.encoding(field)), unsignedAttributes);
	const rebuilt = derSequence(...parts.slice(0, -1).map((part) => r.encoding(part)), derSet([stampedSignerInfo]));
	return derSequence(r.encoding(contentType), derExplicit(0, rebuilt));
}

export interface Tsa {
	certFile: string;
	keyFile: string;
	configFile: string;
}

/** A time-stamping authority made by the test CA (extendedKeyUsage timeStamping, critical, as RFC 3161 requires). */
export function issueTsa(ca: TestCa): Tsa {
	const run = (args: string[]) => execFileSync('openssl', args, { cwd: ca.dir, stdio: ['pipe', 'pipe', 'pipe'] });
	writeFileSync(join(ca.dir, 'tsa-ext.cnf'), 'extendedKeyUsage = critical,timeStamping\nbasicConstraints = CA:FALSE\n');
	run([
		'req',
		'-new',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-keyout',
		'tsa.key',
		'-subj',
		'/C=AR/O=Certsign Test/CN=Test TSA',
		'-out',
		'tsa.csr',
	]);
	run([
		'x509',
		'-req',
		'-in',
		'tsa.csr',
		'-CA',
		'ca.pem',
		'-CAkey',
		'ca.key',
		'-set_serial',
		'4242',
		'-days',
		'30',
		'-extfile',
		'tsa-ext.cnf',
		'-out',
		'tsa.pem',
	]);
	writeFileSync(join(ca.dir, 'tsa-serial'), '01\n');
	writeFileSync(
		join(ca.dir, 'tsa.cnf'),
		[
			'[tsa]',
			'default_tsa = test_tsa',
			'[test_tsa]',
			'serial = tsa-serial',
			'signer_digest = sha256',
			'default_policy = 1.2.3.4.1',
			'digests = sha256, sha384, sha512',
			'accuracy = secs:1',
			'ess_cert_id_alg = sha256',
			'certs = tsa.pem',
			'',
		].join('\n'),
	);
	return { certFile: 'tsa.pem', keyFile: 'tsa.key', configFile: 'tsa.cnf' };
}

/** Fills the last placeholder with an RFC 3161 timestamp token from `openssl ts -reply` over the ranges (a document timestamp). */
export function timestampPlaceholder(pdf: Buffer, ca: TestCa, tsa: Tsa): Buffer {
	return fillPlaceholder(pdf, (signed) => opensslTimestamp(ca, tsa, signed));
}

function fillPlaceholder(pdf: Buffer, signRanges: (signed: Buffer) => Buffer): Buffer {
	const at = pdf.lastIndexOf(BYTE_RANGE_PLACEHOLDER);
	if (at === -1) throw new Error('no empty signature placeholder in the PDF');
	const holeStart = pdf.indexOf('/Contents <', at) + '/Contents '.length;
	const holeEnd = pdf.indexOf('>', holeStart) + 1;
	const out = Buffer.from(pdf);
	const range = `/ByteRange [0 ${holeStart} ${holeEnd} ${out.length - holeEnd}]`;
	out.write(range.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), at, 'latin1');
	const signed = Buffer.concat([out.subarray(0, holeStart), out.subarray(holeEnd)]);
	const cms = signRanges(signed);
	if (cms.length > CONTENTS_BYTES) throw new Error(`the CMS (${cms.length} bytes) does not fit the placeholder`);
	out.write(cms.toString('hex').padEnd(CONTENTS_BYTES * 2, '0'), holeStart + 1, 'latin1');
	return out;
}

/** The two signed ranges and the CMS (without its zero padding) of the n-th signature, read with plain string search. */
export function signatureParts(pdf: Buffer, n = 0): { ranges: Buffer; cms: Buffer; byteRange: number[] } {
	const text = pdf.toString('latin1');
	const all = [...text.matchAll(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/g)];
	const byteRange = all[n].slice(1, 5).map(Number);
	const [a, b, c, d] = byteRange;
	const ranges = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
	const hex = text.slice(a + b + 1, c - 1).replace(/(00)+$/, '');
	let cms = Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex');
	// the DER header says how long the CMS is; a trailing 00 of the signature itself may have been trimmed above
	const lengthBytes = cms[1] & 0x7f;
	const total = cms[1] < 0x80 ? 2 + cms[1] : 2 + lengthBytes + cms.subarray(2, 2 + lengthBytes).readUIntBE(0, lengthBytes);
	cms = Buffer.from(text.slice(a + b + 1, a + b + 1 + total * 2), 'hex');
	return { ranges, cms, byteRange };
}

/**
 * Finds and checks every signature in a PDF by scanning its bytes (no PDF library, no object graph:
 * references are never followed, so nothing can loop). A signature is a /ByteRange [a b c d] whose
 * hole [a+b, c) is its /Contents <hex>: a CMS SignedData over the two ranges (adbe.pkcs7.detached,
 * ETSI.CAdES.detached), over their SHA-1 (adbe.pkcs7.sha1) or a document timestamp (ETSI.RFC3161).
 * Every loop is bounded by a count or by the file size, so hostile files end quickly.
 */
import { createHash, X509Certificate } from 'node:crypto';

import {
	digestName,
	MAX_CMS_BYTES,
	OID,
	parseSignedData,
	readCertificateFields,
	verifySignerInfo,
	type CmsDigest,
	type ParsedSignedData,
	type SignerVerification,
} from './cms';
import { checkCuit } from './cuit';
import { DER_TAG, DerReader } from './der';
import { pemBlocks } from './pemBlocks';

export class PdfSignatureError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PdfSignatureError';
	}
}

export const PDF_SIGNATURE_LIMITS = {
	/** More /ByteRange entries than this is not a real document. */
	maxSignatures: 64,
	/** Bytes hashed over all signatures (each covers most of the file): bounds the time a many-signature file takes (about 0.3 s of SHA-256). */
	maxHashedBytes: 512 * 1024 * 1024,
	/** How far from its /ByteRange a signature's /Contents may lie (both sit in one small dictionary). */
	maxDictionarySpan: 64 * 1024,
	/** "obj" tokens looked at in bytes appended after a signature before saying "more than". */
	maxCountedObjects: 100_000,
	/** Embedded certificates considered when building a chain (real signatures carry a handful). */
	maxEmbeddedCertificates: 50,
	/** Certificates walked up a chain. */
	maxChainLength: 10,
};

const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const SIGNATURE_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

export type ChainStatus = 'trusted' | 'untrusted' | 'not checked';

export interface TaxId {
	kind: 'CUIL' | 'CUIT' | 'CDI';
	number: string;
	/** Whether the 11 digits carry a correct check digit. */
	checkDigitValid: boolean;
}

export interface SignatureTimestamp {
	time: string;
	/** The timestamp's message imprint is the hash of this signature's value. */
	matchesSignature: boolean;
	/** The timestamp authority's signature on the token verifies. */
	signatureValid: boolean;
	/** The authority's certificate CN. */
	authority?: string;
}

export interface AppendedChanges {
	bytes: number;
	/** Indirect objects defined after the signed range. */
	objects: number;
	/** Signatures (or document timestamps) added after this one. */
	newSignatures: number;
	annotations: boolean;
	formFields: boolean;
	/** e.g. "812 bytes appended: 3 objects, 1 new signature, annotations". */
	description: string;
}

export interface PdfSignatureReport {
	/** 1-based, in file order. */
	index: number;
	byteRange: [number, number, number, number];
	kind: 'signature' | 'timestamp';
	subFilter?: string;
	/** The certificate subject's CN. */
	signerName?: string;
	/** The subject's serialNumber attribute (2.5.4.5) as written, e.g. `CUIL 20123456786`. */
	subjectSerialNumber?: string;
	taxId?: TaxId;
	subject?: string;
	issuer?: string;
	/** ISO time of signing, from `signingTimeSource`. */
	signingTime?: string;
	/**
	 * Where signingTime comes from, best first: the signed signingTime attribute; else the signature's RFC 3161
	 * timestamp (PAdES signatures carry no signingTime); else the dictionary's /M, which nothing vouches for.
	 * A document timestamp's own time is its 'timestamp'.
	 */
	signingTimeSource?: 'signed attribute' | 'timestamp' | 'PDF /M entry';
	/** The signature's RFC 3161 timestamp (unsigned attribute signatureTimeStampToken), when present. */
	timestamp?: SignatureTimestamp;
	certificateNotBefore?: string;
	certificateNotAfter?: string;
	/** Whether signingTime falls inside the certificate's validity; undefined without a signing time. */
	certificateValidAtSigningTime?: boolean;
	digestAlgorithm?: string;
	signatureAlgorithm?: string;
	/** The signed digest equals the digest of the ByteRange bytes. */
	digestMatches: boolean;
	signatureValid: boolean;
	/** The ByteRange spans the whole file except the /Contents hole. */
	coversWholeDocument: boolean;
	/** What was added after the signed range (incremental updates). */
	appended?: AppendedChanges;
	chain: ChainStatus;
	/** Intact, signed while its certificate was valid, and not 'untrusted'. Later changes are in `appended` and `problems`. */
	valid: boolean;
	problems: string[];
}

export interface PdfVerification {
	signed: boolean;
	/** Only when signed: every signature valid and the last one covers the whole document. */
	valid?: boolean;
	signatures: PdfSignatureReport[];
}

export interface VerifyPdfOptions {
	/** Trusted root certificates (PEM; bundles allowed). None: chain is 'not checked'. */
	trustedRootsPem?: string | string[];
}

export interface LocatedSignature {
	/** Offset of the /ByteRange token. */
	at: number;
	byteRange?: [number, number, number, number];
	problem?: string;
}

const BYTE_RANGE = Buffer.from('/ByteRange');

/** Every /ByteRange in the file, with its four numbers when they parse. */
function locateSignatures(pdf: Buffer): LocatedSignature[] {
	const found: LocatedSignature[] = [];
	for (let at = pdf.indexOf(BYTE_RANGE); at !== -1; at = pdf.indexOf(BYTE_RANGE, at + BYTE_RANGE.length)) {
		if (found.length >= PDF_SIGNATURE_LIMITS.maxSignatures) {
			throw new PdfSignatureError(
				`the file has more than ${PDF_SIGNATURE_LIMITS.maxSignatures} signature byte ranges; not a document to verify`,
			);
		}
		const text = pdf.subarray(at + BYTE_RANGE.length, at + BYTE_RANGE.length + 120).toString('latin1');
		const match = /^\s*\[\s*(\d{1,15})\s+(\d{1,15})\s+(\d{1,15})\s+(\d{1,15})\s*\]/.exec(text);
		if (match) found.push({ at, byteRange: [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])] });
		else found.push({ at, problem: 'its /ByteRange is not four numbers (an unfinished signature field?)' });
	}
	return found;
}

/** The dictionary around a /ByteRange, without the /Contents hole: where /SubFilter lives. */
function dictionaryText(pdf: Buffer, at: number, holeStart: number, holeEnd: number): string {
	const span = PDF_SIGNATURE_LIMITS.maxDictionarySpan;
	const before = pdf.subarray(Math.max(0, Math.min(at, holeStart) - 2048), Math.min(at, holeStart));
	const between = at < holeStart ? pdf.subarray(at, holeStart) : pdf.subarray(holeEnd, at);
	const after = pdf.subarray(Math.max(at, holeEnd), Math.min(pdf.length, Math.max(at, holeEnd) + 2048));
	const text = [before, between.subarray(0, span), after].map((b) => b.toString('latin1')).join(' ');
	// only this object: cut at the object boundaries nearest the ByteRange
	const start = text.lastIndexOf(' obj', before.length);
	const end = text.indexOf('endobj', before.length);
	return text.slice(start === -1 ? 0 : start, end === -1 ? undefined : end);
}

function pdfName(dictionary: string, key: string): string | undefined {
	return new RegExp(`/${key}\\s*/([^\\s/<>\\[\\]()]+)`).exec(dictionary)?.[1];
}

/** Indirect objects (`12 0 obj`) in the bytes; stops at the token limit so a file of "objobjobj…" stays fast. */
function countObjects(bytes: Buffer): { count: number; capped: boolean } {
	let count = 0;
	let tokens = 0;
	const token = Buffer.from('obj');
	for (let at = bytes.indexOf(token); at !== -1; at = bytes.indexOf(token, at + 3)) {
		if (++tokens > PDF_SIGNATURE_LIMITS.maxCountedObjects) return { count, capped: true };
		const before = bytes.subarray(Math.max(0, at - 24), at).toString('latin1');
		if (/\d+\s+\d+\s+$/.test(before) && !isLetter(bytes[at + 3])) count++;
	}
	return { count, capped: false };
}

const isLetter = (byte: number | undefined) => byte !== undefined && ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));

function describeAppended(pdf: Buffer, from: number, laterSignatures: number): AppendedChanges {
	const bytes = pdf.subarray(from);
	const { count: objects, capped } = countObjects(bytes);
	const annotations = bytes.includes('/Annot');
	const formFields = bytes.includes('/AcroForm') || bytes.includes('/FT');
	const parts = [`${capped ? 'at least ' : ''}${objects} object${objects === 1 ? '' : 's'}`];
	if (laterSignatures > 0) parts.push(`${laterSignatures} new signature${laterSignatures === 1 ? '' : 's'}`);
	if (annotations) parts.push('annotations');
	if (formFields) parts.push('form fields');
	return {
		bytes: bytes.length,
		objects,
		newSignatures: laterSignatures,
		annotations,
		formFields,
		description: `${bytes.length} bytes appended: ${parts.join(', ')}`,
	};
}

/** `CUIL 20123456786`, `CUIT 30-12345678-1` → kind and digits. */
export function taxIdFromSerialNumber(value: string | undefined): TaxId | undefined {
	const match = /^\s*(CUIL|CUIT|CDI)\s*:?\s*(\d{2}-?\d{8}-?\d)\s*$/i.exec(value ?? '');
	if (!match) return undefined;
	const number = match[2].replace(/-/g, '');
	return { kind: match[1].toUpperCase() as TaxId['kind'], number, checkDigitValid: checkCuit(number).valid };
}

function loadRoots(input: VerifyPdfOptions['trustedRootsPem']): X509Certificate[] {
	const texts = input === undefined ? [] : Array.isArray(input) ? input : [input];
	const roots: X509Certificate[] = [];
	for (const text of texts) {
		for (const block of pemBlocks(text, ['CERTIFICATE'])) {
			const root = x509OrUndefined(block.block);
			if (!root) throw new PdfSignatureError(`trusted root ${roots.length + 1} is not a readable certificate`);
			roots.push(root);
		}
	}
	return roots;
}

/** Issued by and signed with the key of `issuer`. */
function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
	try {
		return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
	} catch {
		return false;
	}
}

/** Walks up from the signer through the CMS's certificates until a given root signs (trusted) or nothing does. */
function chainStatus(signer: X509Certificate, embedded: X509Certificate[], roots: X509Certificate[]): ChainStatus {
	if (roots.length === 0) return 'not checked';
	let current = signer;
	const seen = new Set<string>();
	for (let step = 0; step < PDF_SIGNATURE_LIMITS.maxChainLength; step++) {
		if (roots.some((root) => root.fingerprint256 === current.fingerprint256 || issuedBy(current, root))) return 'trusted';
		seen.add(current.fingerprint256);
		const next = embedded.find((candidate) => !seen.has(candidate.fingerprint256) && issuedBy(current, candidate));
		if (!next) return 'untrusted';
		current = next;
	}
	return 'untrusted';
}

function x509OrUndefined(der: Buffer | string): X509Certificate | undefined {
	try {
		return new X509Certificate(der);
	} catch {
		return undefined;
	}
}

const flatDn = (dn: string) =>
	dn
		.split('\n')
		.map((part) => part.trim())
		.filter(Boolean)
		.join(', ');

/** A document timestamp's TSTInfo: the hash it stamps and when. */
function readTstInfo(content: Buffer): { digest?: CmsDigest; hashedMessage: Buffer; genTime: Date } {
	const r = new DerReader(content);
	const [, , imprint, , genTime] = r.children(r.expect(r.root('the TSTInfo'), DER_TAG.SEQUENCE, 'TSTInfo'));
	const [algorithm, hashed] = r.children(r.expect(imprint, DER_TAG.SEQUENCE, 'messageImprint'));
	const oid = r.oid(r.children(r.expect(algorithm, DER_TAG.SEQUENCE, 'hashAlgorithm'))[0]);
	return {
		digest: digestName(oid),
		hashedMessage: Buffer.from(r.content(r.expect(hashed, DER_TAG.OCTET_STRING, 'hashedMessage'))),
		genTime: r.time(genTime, 'genTime'),
	};
}

/** The signature's own timestamp token: when, whether it stamps this signature value, and whether the TSA signature holds. */
function readSignatureTimestamp(signature: Buffer, token: Buffer): SignatureTimestamp {
	const stamp = parseSignedData(token);
	if (stamp.contentType !== TST_INFO || !stamp.content || !stamp.signers[0])
		throw new PdfSignatureError('the signature timestamp is not an RFC 3161 token');
	const tst = readTstInfo(stamp.content);
	const verification = verifySignerInfo(stamp, stamp.signers[0]);
	const cn = verification.certificate
		? readCertificateFields(verification.certificate.raw).subjectAttributes.find((a) => a.oid === OID.commonName)?.value
		: undefined;
	return {
		time: tst.genTime.toISOString(),
		matchesSignature: tst.digest !== undefined && hashRanges(tst.digest, [signature]).equals(tst.hashedMessage),
		signatureValid: verification.digestMatches && verification.signatureValid,
		authority: cn,
	};
}

/** A PDF date string `D:YYYYMMDDHHmmSSOHH'mm` (ISO 32000-1 7.9.4); later parts optional. */
export function parsePdfDate(text: string | undefined): Date | undefined {
	const match = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?/.exec(text ?? '');
	if (!match) return undefined;
	const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', , sign, offsetHours = '0', offsetMinutes = '0'] =
		match;
	const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
	const offset = sign ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000 : 0;
	const date = new Date(utc - offset);
	return Number.isNaN(date.getTime()) ? undefined : date;
}

function hashRanges(digest: CmsDigest, ranges: Buffer[]): Buffer {
	const hash = createHash(digest);
	for (const range of ranges) hash.update(range);
	return hash.digest();
}

interface CheckContext {
	pdf: Buffer;
	roots: X509Certificate[];
	/** Remaining hashing budget, shared by all signatures. */
	budget: { bytes: number };
	all: LocatedSignature[];
}

function checkSignature(located: LocatedSignature, index: number, context: CheckContext): PdfSignatureReport {
	const { pdf } = context;
	const problems: string[] = [];
	const report: PdfSignatureReport = {
		index,
		byteRange: located.byteRange ?? [0, 0, 0, 0],
		kind: 'signature',
		digestMatches: false,
		signatureValid: false,
		coversWholeDocument: false,
		chain: 'not checked',
		valid: false,
		problems,
	};
	if (!located.byteRange) {
		problems.push(located.problem!);
		return report;
	}
	const [a, b, c, d] = located.byteRange;
	if (b === 0 && c === 0 && d === 0) {
		problems.push('an empty signature placeholder: the signing never finished');
		return report;
	}
	if (a !== 0 || b === 0 || c < a + b + 2 || c + d > pdf.length) {
		problems.push(
			c + d > pdf.length
				? `its /ByteRange reaches byte ${c + d} but the file has ${pdf.length} bytes (truncated or forged)`
				: `its /ByteRange [${a} ${b} ${c} ${d}] is malformed`,
		);
		return report;
	}
	const holeStart = a + b;
	const holeEnd = c;
	if (pdf[holeStart] !== 0x3c || pdf[holeEnd - 1] !== 0x3e) {
		problems.push('the gap its /ByteRange leaves is not a <hex> string (not the signature /Contents)');
		return report;
	}
	const distance = located.at < holeStart ? holeStart - located.at : located.at - holeEnd;
	const between = located.at < holeStart ? pdf.subarray(located.at, holeStart) : pdf.subarray(holeEnd, located.at);
	if (located.at >= holeStart && located.at < holeEnd) {
		problems.push('its /ByteRange lies inside its own /Contents');
		return report;
	}
	if (
		distance > PDF_SIGNATURE_LIMITS.maxDictionarySpan ||
		between.includes('endobj') ||
		!pdf
			.subarray(Math.max(0, holeStart - 32), holeStart)
			.toString('latin1')
			.includes('/Contents')
	) {
		problems.push('its /ByteRange does not point at its own /Contents');
		return report;
	}
	const dictionary = dictionaryText(pdf, located.at, holeStart, holeEnd);
	report.subFilter = pdfName(dictionary, 'SubFilter');
	report.coversWholeDocument = c + d === pdf.length;
	if (!report.coversWholeDocument) {
		const later = context.all.filter((other) => other.at >= c + d).length;
		report.appended = describeAppended(pdf, c + d, later);
		problems.push(`the document was changed after this signature (${report.appended.description})`);
	}

	const hexLength = holeEnd - holeStart - 2;
	if (hexLength > MAX_CMS_BYTES * 2) {
		problems.push(`its /Contents is ${hexLength} hex digits; a signature is at most ${MAX_CMS_BYTES * 2}`);
		return report;
	}
	const hex = pdf
		.subarray(holeStart + 1, holeEnd - 1)
		.toString('latin1')
		.replace(/[\s]+/g, '');
	if (!/^[0-9a-fA-F]*$/.test(hex)) {
		problems.push('its /Contents is not hexadecimal');
		return report;
	}
	if (report.subFilter === 'adbe.x509.rsa_sha1') {
		problems.push('adbe.x509.rsa_sha1 signatures (raw PKCS#1, no CMS) are not supported');
		return report;
	}
	let signedData: ParsedSignedData;
	try {
		signedData = parseSignedData(Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex'), { allowZeroPadding: true });
	} catch (error) {
		problems.push(`its /Contents is not a CMS signature: ${(error as Error).message}`);
		return report;
	}
	const signer = signedData.signers[0];
	if (!signer) {
		problems.push('the CMS has no signer');
		return report;
	}
	if (signedData.signers.length > 1) problems.push(`the CMS has ${signedData.signers.length} signers; only the first is checked`);
	const ranges = [pdf.subarray(0, b), pdf.subarray(c, c + d)];
	const rangeBytes = b + d;
	if (rangeBytes > context.budget.bytes) {
		problems.push('not checked: the file asks for more hashing than allowed (too many signatures over too many bytes)');
		return report;
	}
	context.budget.bytes -= rangeBytes;

	// What the CMS signs: the ranges themselves (detached), or encapsulated content that must stand for them.
	let verification: SignerVerification;
	let timeStamped: Date | undefined;
	if (signedData.content !== undefined) {
		// Attached content stands for the ranges: their SHA-1 (adbe.pkcs7.sha1) or a timestamp's TSTInfo over their hash.
		let rangeMatches = false;
		try {
			if (signedData.contentType === TST_INFO) {
				report.kind = 'timestamp';
				const tst = readTstInfo(signedData.content);
				timeStamped = tst.genTime;
				rangeMatches = tst.digest !== undefined && hashRanges(tst.digest, ranges).equals(tst.hashedMessage);
			} else {
				rangeMatches = hashRanges('sha1', ranges).equals(signedData.content);
			}
		} catch (error) {
			problems.push(`the timestamp token is malformed: ${(error as Error).message}`);
		}
		if (!rangeMatches)
			problems.push('the signed content does not match the hash of the signed bytes (the document was changed after signing)');
		verification = verifySignerInfo(signedData, signer, { content: signedData.content });
		report.digestMatches = rangeMatches && verification.digestMatches;
		problems.push(...verification.problems);
	} else {
		verification = verifySignerInfo(signedData, signer, { content: ranges });
		report.digestMatches = verification.digestMatches;
		problems.push(
			...verification.problems.map((p) =>
				p.replace('the content does not match the signed digest', 'the signed bytes do not match the signed digest'),
			),
		);
	}
	report.signatureValid = verification.signatureValid;

	const token = signer.unsignedAttributeList.find((attribute) => attribute.oid === SIGNATURE_TIMESTAMP_TOKEN);
	if (token) {
		try {
			report.timestamp = readSignatureTimestamp(signer.signature, token.values[0]);
			if (!report.timestamp.matchesSignature) problems.push('its timestamp stamps something else, not this signature');
			if (!report.timestamp.signatureValid) problems.push("its timestamp authority's signature does not verify");
		} catch (error) {
			problems.push(`its timestamp could not be read: ${(error as Error).message}`);
		}
	}
	const trustedStamp = report.timestamp?.matchesSignature && report.timestamp.signatureValid ? new Date(report.timestamp.time) : undefined;
	const claimed = parsePdfDate(/\/M\s*\(([^)]{0,64})\)/.exec(dictionary)?.[1]);
	let signingTime: Date | undefined;
	if (signer.signingTime) [signingTime, report.signingTimeSource] = [signer.signingTime, 'signed attribute'];
	else if (timeStamped ?? trustedStamp) [signingTime, report.signingTimeSource] = [timeStamped ?? trustedStamp, 'timestamp'];
	else if (claimed) {
		[signingTime, report.signingTimeSource] = [claimed, 'PDF /M entry'];
		problems.push('its signing time is only the /M entry of the PDF, which the signature does not cover');
	}
	finishCertificate(report, signedData, verification.certificate, signingTime, context, problems);
	report.digestAlgorithm = signer.digestAlgorithm.name ?? signer.digestAlgorithm.oid;
	report.signatureAlgorithm = signer.signatureAlgorithm.name ?? signer.signatureAlgorithm.oid;
	report.valid =
		report.digestMatches && report.signatureValid && report.certificateValidAtSigningTime === true && report.chain !== 'untrusted';
	return report;
}

function finishCertificate(
	report: PdfSignatureReport,
	signedData: ParsedSignedData,
	certificate: X509Certificate | undefined,
	signingTime: Date | undefined,
	context: CheckContext,
	problems: string[],
): void {
	if (signingTime) report.signingTime = signingTime.toISOString();
	else problems.push('the signature has no signing time');
	if (!certificate) return;
	report.subject = flatDn(certificate.subject);
	report.issuer = flatDn(certificate.issuer);
	try {
		const fields = readCertificateFields(certificate.raw);
		report.signerName = fields.subjectAttributes.find((attribute) => attribute.oid === OID.commonName)?.value;
		report.subjectSerialNumber = fields.subjectAttributes.find((attribute) => attribute.oid === OID.serialNumber)?.value;
		report.taxId = taxIdFromSerialNumber(report.subjectSerialNumber);
		report.certificateNotBefore = fields.notBefore.toISOString();
		report.certificateNotAfter = fields.notAfter.toISOString();
		if (signingTime) {
			report.certificateValidAtSigningTime = signingTime >= fields.notBefore && signingTime <= fields.notAfter;
			if (!report.certificateValidAtSigningTime) {
				problems.push(
					`the certificate was not valid when it signed (signed ${signingTime.toISOString()}, valid ${fields.notBefore.toISOString()} to ${fields.notAfter.toISOString()})`,
				);
			}
		}
	} catch (error) {
		problems.push(`the signer certificate could not be read: ${(error as Error).message}`);
	}
	const embedded = signedData.certificates
		.slice(0, PDF_SIGNATURE_LIMITS.maxEmbeddedCertificates)
		.map(x509OrUndefined)
		.filter((cert): cert is X509Certificate => cert !== undefined);
	report.chain = chainStatus(certificate, embedded, context.roots);
	if (report.chain === 'untrusted') problems.push('the certificate does not chain to any of the given trusted roots');
}

const REPORT_KEYS: Array<keyof PdfSignatureReport> = [
	'index',
	'kind',
	'valid',
	'problems',
	'signerName',
	'taxId',
	'subjectSerialNumber',
	'signingTime',
	'signingTimeSource',
	'timestamp',
	'digestMatches',
	'signatureValid',
	'certificateValidAtSigningTime',
	'chain',
	'coversWholeDocument',
	'appended',
	'subject',
	'issuer',
	'certificateNotBefore',
	'certificateNotAfter',
	'subFilter',
	'digestAlgorithm',
	'signatureAlgorithm',
	'byteRange',
];

/** The verdict and who signed first, details after: the order a person reads the JSON in. */
function inReadingOrder(report: PdfSignatureReport): PdfSignatureReport {
	const ordered: Record<string, unknown> = {};
	for (const key of REPORT_KEYS) if (report[key] !== undefined) ordered[key] = report[key];
	return ordered as unknown as PdfSignatureReport;
}

/** Every signature in the PDF, each checked. A PDF without signatures gives `{ signed: false, signatures: [] }`. */
export function verifyPdfSignatures(pdf: Buffer, options: VerifyPdfOptions = {}): PdfVerification {
	if (!Buffer.isBuffer(pdf)) throw new PdfSignatureError('the PDF must be a Buffer');
	if (pdf.subarray(0, 1024).indexOf('%PDF-') === -1) throw new PdfSignatureError('not a PDF: no %PDF- header in the first 1024 bytes');
	const roots = loadRoots(options.trustedRootsPem);
	const all = locateSignatures(pdf);
	if (all.length === 0) return { signed: false, signatures: [] };
	const context: CheckContext = { pdf, roots, budget: { bytes: PDF_SIGNATURE_LIMITS.maxHashedBytes }, all };
	// One dictionary rewritten by a later update repeats the same ByteRange: report it once.
	const seen = new Set<string>();
	const unique = all.filter((located) => {
		const key = located.byteRange ? located.byteRange.join(' ') : `at ${located.at}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
	const signatures = unique.map((located, i) => inReadingOrder(checkSignature(located, i + 1, context)));
	const last = signatures[signatures.length - 1];
	return { signed: true, valid: signatures.every((s) => s.valid) && last.coversWholeDocument, signatures };
}

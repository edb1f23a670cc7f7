/**
 * Hostile input for verifyPdfSignatures: every case must return a result or throw PdfSignatureError
 * (nothing else), within a generous time bound, whatever the bytes are: non-PDF, truncated, ByteRange past
 * the end, huge or nested /Contents, looping objects, a CMS stuffed with certificates, too many signatures,
 * 100 MB files, and random mutations of a real two-signature file.
 */
import { DER_TAG, derExplicit, derImplicit, derInteger, derOid, DerReader, derSequence } from '../../nodes/shared/der';
import { PDF_SIGNATURE_LIMITS, PdfSignatureError, verifyPdfSignatures, type PdfVerification } from '../../nodes/shared/pdfSignatures';
import { appendSignatureField, basePdf, signatureParts, signPlaceholder } from '../support/signedPdfs';
import { issueLeaf } from '../support/signingCerts';
import { TestCa, type IssuedCertificate } from '../support/testCa';

/** Per case; the machine is shared, so generous. */
const BOUND_MS = 2000;
const MB = 1024 * 1024;

let ca: TestCa;
let leaf: IssuedCertificate;
let signed: Buffer;
let twoSignatures: Buffer;

beforeAll(() => {
	ca = new TestCa();
	leaf = issueLeaf(ca, { subject: '/C=AR/CN=Juan Perez/serialNumber=CUIL 20123456786' });
	signed = signPlaceholder(basePdf(), leaf, { dir: ca.dir });
	twoSignatures = signPlaceholder(appendSignatureField(signed), leaf, { dir: ca.dir, md: 'sha1' });
});

afterAll(() => ca.dispose());

type Outcome = { result: PdfVerification; error?: undefined } | { result?: undefined; error: Error };

/** Runs one case: asserts the time bound and that any throw is a PdfSignatureError with a message. */
function bounded(what: string, pdf: unknown, roots?: string): Outcome {
	const started = performance.now();
	let outcome: Outcome;
	try {
		outcome = { result: verifyPdfSignatures(pdf as Buffer, { trustedRootsPem: roots }) };
	} catch (error) {
		outcome = { error: error as Error };
	}
	const ms = performance.now() - started;
	expect({ what, withinBound: ms < BOUND_MS, ms: ms < BOUND_MS ? 'ok' : Math.round(ms) }).toEqual({ what, withinBound: true, ms: 'ok' });
	if (outcome.error) {
		const type =
			outcome.error instanceof PdfSignatureError ? 'PdfSignatureError' : `${outcome.error.constructor.name}: ${outcome.error.message}`;
		expect({ what, type }).toEqual({ what, type: 'PdfSignatureError' });
		expect(outcome.error.message.length).toBeGreaterThan(10);
	}
	return outcome;
}

function mustReturn(what: string, pdf: Buffer, roots?: string): PdfVerification {
	const outcome = bounded(what, pdf, roots);
	if (!outcome.result) throw new Error(`${what}: expected a result, got ${outcome.error?.message}`);
	return outcome.result;
}

const ascii = (text: string) => Buffer.from(text, 'latin1');
const pad10 = (n: number) => String(n).padStart(10, '0');

/** A PDF-looking file whose signature dictionaries each hold `hex` and point their ByteRange around it. */
function hostileSignatures(count: number, hex: string, filler = 0): Buffer {
	const head = Buffer.concat([ascii('%PDF-1.7\n%'), Buffer.alloc(filler, 0x41), ascii('\n')]);
	const dicts: string[] = [];
	for (let i = 0; i < count; i++)
		dicts.push(
			`${i + 1} 0 obj\n<< /Type /Sig /SubFilter /adbe.pkcs7.detached /Contents <${hex}> /ByteRange [0 @B${i}@ @C${i}@ @D${i}@] >>\nendobj\n`,
		);
	// every number is 10 digits, so offsets do not move when they are filled in
	let text = dicts.join('').replace(/@[BCD]\d+@/g, '0000000000');
	const total = head.length + text.length + 6;
	let offset = head.length;
	const parts = dicts.map((dict) => {
		const holeStart = offset + dict.indexOf('/Contents <') + '/Contents '.length;
		const holeEnd = holeStart + hex.length + 2;
		const filled = dict
			.replace(/@B\d+@/, pad10(holeStart))
			.replace(/@C\d+@/, pad10(holeEnd))
			.replace(/@D\d+@/, pad10(total - holeEnd));
		offset += filled.length;
		return filled;
	});
	text = parts.join('');
	return Buffer.concat([head, ascii(text), ascii('%%EOF\n')]);
}

describe('verifyPdfSignatures on hostile input', () => {
	test('not a PDF, empty, not a Buffer: a clear PdfSignatureError', () => {
		expect(bounded('random bytes', Buffer.alloc(MB, 0x5a)).error?.message).toMatch(/not a PDF/);
		expect(bounded('empty', Buffer.alloc(0)).error?.message).toMatch(/not a PDF/);
		expect(bounded('a string', '%PDF-1.7').error?.message).toMatch(/must be a Buffer/);
		expect(bounded('bad roots', signed, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').error?.message).toMatch(
			/trusted root/,
		);
	});

	test('truncated anywhere: never valid, never a crash', () => {
		expect(bounded('cut inside the header', signed.subarray(0, 4)).error?.message).toMatch(/not a PDF/);
		for (let cut = 8; cut < signed.length; cut += Math.ceil(signed.length / 60)) {
			const result = mustReturn(`cut at ${cut}`, signed.subarray(0, cut));
			for (const signature of result.signatures) expect(signature.valid).toBe(false);
			if (result.signatures.length > 0)
				expect(result.signatures[0].problems.join(' ')).toMatch(/file has|not a <hex>|not four numbers|own \/Contents|malformed/);
		}
	});

	test('ByteRange past the end, or not around /Contents, or inside it', () => {
		const at = signed.indexOf('/ByteRange [') + 12;
		const end = signed.indexOf(']', at);
		const withRange = (range: string) => Buffer.concat([signed.subarray(0, at), ascii(range.padEnd(end - at, ' ')), signed.subarray(end)]);
		const [, b, c] = signatureParts(signed).byteRange;
		const cases: Array<[string, RegExp]> = [
			[`0 ${b} ${c} 999999999999`, /reaches byte \d+ but the file has/],
			[`0 ${b} 999999999999999 1`, /reaches byte/],
			[`0 10 20 ${signed.length - 20}`, /not a <hex> string/],
			[`0 ${b + 2} ${c - 2} ${signed.length - c + 2}`, /not a <hex> string|inside its own/],
			[`5 ${b} ${c} 1`, /malformed/],
			[`0 0 0 0`, /empty signature placeholder/],
		];
		for (const [range, problem] of cases) {
			const result = mustReturn(`ByteRange [${range}]`, withRange(range));
			expect(result.signatures[0].valid).toBe(false);
			expect(result.signatures[0].problems.join(' ')).toMatch(problem);
		}
	});

	test('huge, non-hex, nested and empty /Contents', () => {
		const huge = mustReturn('20 MB of hex', hostileSignatures(1, 'ab'.repeat(10 * MB)));
		expect(huge.signatures[0].problems.join(' ')).toMatch(/hex digits; a signature is at most/);
		expect(mustReturn('not hex', hostileSignatures(1, 'zz'.repeat(100))).signatures[0].problems.join(' ')).toMatch(/not hexadecimal/);
		expect(mustReturn('empty', hostileSignatures(1, '')).signatures[0].problems.join(' ')).toMatch(/not a CMS signature/);
		// 100,000 nested definite-length SEQUENCEs (600 KB of DER)
		const levels = 100_000;
		const nested = Buffer.alloc(levels * 6 + 2);
		for (let i = 0; i < levels; i++) {
			nested[i * 6] = DER_TAG.SEQUENCE;
			nested[i * 6 + 1] = 0x84;
			nested.writeUInt32BE((levels - i - 1) * 6 + 2, i * 6 + 2);
		}
		nested[levels * 6] = 0x05; // NULL at the bottom
		const deep = mustReturn('nested DER', hostileSignatures(1, nested.toString('hex')));
		expect(deep.signatures[0].problems.join(' ')).toMatch(/nests deeper than/);
		expect(mustReturn('BER indefinite', hostileSignatures(1, '3080' + '00'.repeat(50))).signatures[0].problems.join(' ')).toMatch(
			/indefinite/,
		);
	});

	test('looping and deeply nested objects are never followed', () => {
		const loops = ascii(
			'%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 1 0 R /Parent 1 0 R /Kids [1 0 R 1 0 R] >> endobj\n' +
				'xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer << /Size 2 /Root 1 0 R /Prev 100 >>\nstartxref\n100\n%%EOF\n',
		);
		expect(mustReturn('self references and /Prev loop', loops)).toEqual({ signed: false, signatures: [] });
		const deep = Buffer.concat([
			ascii('%PDF-1.7\n1 0 obj '),
			Buffer.alloc(5 * MB, '<'),
			ascii('/ByteRange [0 1 2 3]'),
			Buffer.alloc(5 * MB, '>'),
			ascii(' endobj\n%%EOF'),
		]);
		expect(mustReturn('10 MB of << >> nesting', deep).signatures[0].valid).toBe(false);
	});

	test('a CMS stuffed with 30,000 junk certificates still verifies, in bounded time', () => {
		// Re-encode a real detached signature with junk before the signer's certificate.
		const { cms } = signatureParts(signed);
		const r = new DerReader(cms);
		const [, wrapped] = r.children(r.root());
		const [signedData] = r.children(wrapped);
		const [, digestAlgorithms, encapsulated, certificates, signerInfos] = r.children(signedData);
		const junk = Buffer.concat(Array.from({ length: 30_000 }, () => derSequence(derInteger(1))));
		const stuffed = derSequence(
			derOid('1.2.840.113549.1.7.2'),
			derExplicit(
				0,
				derSequence(
					derInteger(1),
					r.encoding(digestAlgorithms),
					r.encoding(encapsulated),
					derImplicit(0, Buffer.concat([junk, r.content(certificates)]), true),
					r.encoding(signerInfos),
				),
			),
		);
		const hex = stuffed.toString('hex');
		// in another file: the signed attributes still verify, the digest cannot match
		const result = mustReturn('stuffed certificates', hostileSignatures(1, hex), ca.certPem);
		expect(result.signatures[0].signatureValid).toBe(true); // signed attributes untouched
		expect(result.signatures[0].digestMatches).toBe(false); // different bytes around it
		expect(result.signatures[0].signerName).toBe('Juan Perez');
	});

	test(`more than ${PDF_SIGNATURE_LIMITS.maxSignatures} signatures is refused; many big ones stop at the hashing budget`, () => {
		const cmsHex = signatureParts(signed).cms.toString('hex');
		expect(bounded('65 signatures', hostileSignatures(65, cmsHex)).error?.message).toMatch(/more than 64 signature byte ranges/);
		// 64 signatures each over a 20 MB file: 1.25 GB asked, the budget stops it
		const many = mustReturn('64 signatures over 20 MB', hostileSignatures(64, cmsHex, 20 * MB));
		expect(many.signatures).toHaveLength(64);
		const notChecked = many.signatures.filter((s) => s.problems.some((p) => /more hashing than allowed/.test(p)));
		expect(notChecked.length).toBeGreaterThan(30);
		expect(many.signatures.every((s) => !s.valid)).toBe(true);
	});

	test('100 MB files: one signature over all of it, 100 MB appended, 100 MB without signatures', () => {
		const base = basePdf();
		const headerEnd = base.indexOf('\n', 10) + 1;
		const big = Buffer.concat([
			base.subarray(0, headerEnd),
			ascii('%'),
			Buffer.alloc(100 * MB, 0x20),
			ascii('\n'),
			base.subarray(headerEnd),
		]);
		const bigSigned = signPlaceholder(big, leaf, { dir: ca.dir });
		const whole = mustReturn('100 MB signed', bigSigned, ca.certPem);
		expect(whole.signatures[0]).toMatchObject({ digestMatches: true, signatureValid: true, coversWholeDocument: true, valid: true });

		const appended = mustReturn('100 MB appended', Buffer.concat([signed, Buffer.alloc(100 * MB, 'obj ')]));
		expect(appended.signatures[0].appended?.description).toMatch(/at least 0 objects/);
		const spam = mustReturn('100 MB of objects appended', Buffer.concat([signed, Buffer.alloc(100 * MB, '1 0 obj\n')]));
		expect(spam.signatures[0].appended?.description).toMatch(/at least 100000 objects/);
		expect(mustReturn('100 MB unsigned', Buffer.concat([ascii('%PDF-1.4\n'), Buffer.alloc(100 * MB, 7)]))).toEqual({
			signed: false,
			signatures: [],
		});
	});

	test('random mutations of a real two-signature file: results or PdfSignatureError, never anything else', () => {
		// mulberry32: reproducible noise
		let seed = 0x5eed1234;
		const random = () => {
			seed = (seed + 0x6d2b79f5) | 0;
			let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
		const interesting = [
			twoSignatures.indexOf('/ByteRange'),
			twoSignatures.lastIndexOf('/ByteRange'),
			twoSignatures.indexOf('/Contents <') + 11,
		];
		let valid = 0;
		for (let i = 0; i < 300; i++) {
			const copy = Buffer.from(twoSignatures);
			const flips = 1 + Math.floor(random() * 6);
			for (let k = 0; k < flips; k++) {
				const near = interesting[Math.floor(random() * interesting.length)];
				const at = random() < 0.5 ? near + Math.floor(random() * 80) : Math.floor(random() * copy.length);
				copy[at] = random() < 0.5 ? Math.floor(random() * 256) : '0123456789 []<>'.charCodeAt(Math.floor(random() * 15));
			}
			const cut = random() < 0.2 ? Math.floor(random() * copy.length) : copy.length;
			const outcome = bounded(`mutation ${i}`, copy.subarray(0, cut), ca.certPem);
			if (outcome.result?.valid) valid++;
		}
		// a flipped byte almost always breaks something; a few land where no check looks (e.g. after %%EOF)
		expect(valid).toBeLessThan(60);
	});
});

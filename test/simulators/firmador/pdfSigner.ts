/**
 * How the Firmador simulator signs a PDF: an incremental update appended to the uploaded bytes (a signature
 * dictionary, a signature field, the catalog with an /AcroForm when it can be found, an xref section and a
 * trailer with /Prev), whose /ByteRange covers the whole file except /Contents, which holds a detached CMS
 * (`signCms` of the package, node:crypto only) over those two ranges. Uploads that are not a well-formed PDF
 * (the tests' `%PDF-1.4` + random bytes) still get a signature a verifier accepts: objects are numbered after
 * every object the file defines, and the catalog is left alone when it is not found.
 */
import { signCms } from '../../../nodes/shared/cms';

/** Room for the CMS in /Contents: 8 KiB of DER (one certificate and an RSA signature need about 1.5 KiB). */
const CONTENTS_BYTES = 8192;
const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0000000000 0000000000 0000000000 0000000000]';

export interface PdfSigner {
	certPem: string;
	keyPem: string;
	/** Written into the dictionary's /Name. */
	name: string;
}

function pdfDate(date: Date): string {
	return `D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** A PDF literal string: only printable ASCII, with \ ( ) escaped. */
function pdfText(text: string): string {
	return `(${text.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/** The last match of `pattern` (global) in the file's text, or undefined. */
function lastMatch(text: string, pattern: RegExp): RegExpMatchArray | undefined {
	let found: RegExpMatchArray | undefined;
	for (const match of text.matchAll(pattern)) found = match;
	return found;
}

export function signPdf(pdf: Buffer, signer: PdfSigner, options: { reason?: string; signingTime?: Date } = {}): Buffer {
	const signingTime = options.signingTime ?? new Date();
	const text = pdf.toString('latin1');
	// New objects are numbered after every existing one (a hand-made PDF may have no /Size, or a wrong one).
	let size = Number(lastMatch(text, /\/Size\s+(\d{1,9})/g)?.[1] ?? 1) || 1;
	for (const match of text.matchAll(/(?:^|[^\d])(\d{1,9})\s+\d{1,5}\s+obj\b/g)) size = Math.max(size, Number(match[1]) + 1);
	const root = lastMatch(text, /\/Root\s+(\d{1,9})\s+(\d{1,5})\s+R/g);
	const startXref = lastMatch(text, /startxref\s+(\d{1,15})/g)?.[1];
	const signatureObject = size;
	const fieldObject = size + 1;
	const objects: Array<[number, number, string]> = [
		[
			signatureObject,
			0,
			`<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached ${BYTE_RANGE_PLACEHOLDER} /Contents <${'0'.repeat(CONTENTS_BYTES * 2)}> ` +
				`/M (${pdfDate(signingTime)}) /Name ${pdfText(signer.name)}${options.reason ? ` /Reason ${pdfText(options.reason)}` : ''} >>`,
		],
		[
			fieldObject,
			0,
			`<< /Type /Annot /Subtype /Widget /FT /Sig /T (Firmador${signatureObject}) /Rect [0 0 0 0] /F 132 /V ${signatureObject} 0 R >>`,
		],
	];
	if (root) {
		// The catalog as last written (an uncompressed object); it gains a form with the new field unless it has one.
		const catalog = lastMatch(text, new RegExp(`(?:^|[^\\d])${root[1]}\\s+${root[2]}\\s+obj\\s*(<<[\\s\\S]*?>>)\\s*endobj`, 'g'));
		if (catalog && !catalog[1].includes('/AcroForm')) {
			const body = catalog[1].replace(/\s*>>\s*$/, ` /AcroForm << /Fields [${fieldObject} 0 R] /SigFlags 3 >> >>`);
			objects.push([Number(root[1]), Number(root[2]), body]);
		}
	}

	const parts: Buffer[] = [pdf];
	let offset = pdf.length;
	if (pdf[pdf.length - 1] !== 0x0a) {
		parts.push(Buffer.from('\n'));
		offset++;
	}
	const offsets = new Map<number, number>();
	for (const [number, generation, body] of objects) {
		const chunk = Buffer.from(`${number} ${generation} obj\n${body}\nendobj\n`, 'latin1');
		offsets.set(number, offset);
		parts.push(chunk);
		offset += chunk.length;
	}
	let xref = 'xref\n';
	for (const [number, generation] of [...objects].sort((x, y) => x[0] - y[0])) {
		xref += `${number} 1\n${String(offsets.get(number)).padStart(10, '0')} ${String(generation).padStart(5, '0')} n \n`;
	}
	const trailer = `<< /Size ${fieldObject + 1}${root ? ` /Root ${root[1]} ${root[2]} R` : ''}${startXref ? ` /Prev ${startXref}` : ''} >>`;
	parts.push(Buffer.from(`${xref}trailer\n${trailer}\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
	const out = Buffer.concat(parts);

	// ByteRange around /Contents <…>, then the detached CMS over the two ranges.
	const at = out.lastIndexOf(BYTE_RANGE_PLACEHOLDER);
	const holeStart = out.indexOf('/Contents <', at) + '/Contents '.length;
	const holeEnd = out.indexOf('>', holeStart) + 1;
	out.write(`/ByteRange [0 ${holeStart} ${holeEnd} ${out.length - holeEnd}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), at, 'latin1');
	const cms = signCms({
		content: Buffer.concat([out.subarray(0, holeStart), out.subarray(holeEnd)]),
		certificatePem: signer.certPem,
		privateKeyPem: signer.keyPem,
		digest: 'sha256',
		signingTime,
		detached: true,
	});
	if (cms.length > CONTENTS_BYTES) throw new Error(`the CMS (${cms.length} bytes) does not fit the signature's /Contents`);
	out.write(cms.toString('hex').padEnd(CONTENTS_BYTES * 2, '0'), holeStart + 1, 'latin1');
	return out;
}

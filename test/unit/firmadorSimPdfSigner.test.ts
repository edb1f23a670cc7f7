/**
 * The Firmador simulator's signer (test/simulators/firmador/pdfSigner.ts) on the kinds of upload the tests and
 * examples send: a well-formed PDF, a hand-made one without /Size (the examples' Code node), `%PDF-` + random bytes.
 * Each signed copy starts with the upload's bytes, numbers its new objects after the existing ones, and verifies
 * (also with poppler's pdfsig, when installed).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { verifyPdfSignatures } from '../../nodes/shared/pdfSignatures';
import { signPdf } from '../simulators/firmador/pdfSigner';
import { basePdf } from '../support/signedPdfs';
import { TestCa } from '../support/testCa';

const ca = new TestCa('/C=AR/O=Signer Test/CN=Signer Test Root');
const leaf = ca.issue({ subject: '/C=AR/CN=Ana Perez/serialNumber=CUIL 20111111112' });
afterAll(() => ca.dispose());

const handMade = Buffer.from(
	'%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% contrato 1\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

test.each([
	['a well-formed PDF', basePdf(false), 8],
	['a hand-made PDF without /Size', handMade, 3],
	['%PDF- and random bytes', Buffer.concat([Buffer.from('%PDF-1.4\n% x\n'), randomBytes(3000)]), 1],
])('%s: appended, numbered after the existing objects, valid', (_name, upload, firstNew) => {
	const signed = signPdf(upload, { certPem: leaf.certPem, keyPem: leaf.keyPem, name: 'Ana Perez' }, { reason: 'Conforme (100%)' });
	expect(signed.subarray(0, upload.length).equals(upload)).toBe(true);
	const added = signed.subarray(upload.length).toString('latin1');
	expect(added).toContain(`${firstNew} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 `);
	expect(added).toContain('/Name (Ana Perez) /Reason (Conforme \\(100%\\))');
	expect(added).toMatch(/trailer\n<< \/Size \d+.*>>\nstartxref\n\d+\n%%EOF\n$/);
	const result = verifyPdfSignatures(signed, { trustedRootsPem: ca.certPem });
	expect(result).toMatchObject({ signed: true, valid: true });
	expect(result.signatures[0]).toMatchObject({
		signerName: 'Ana Perez',
		taxId: { kind: 'CUIL', number: '20111111112' },
		chain: 'trusted',
		coversWholeDocument: true,
		signingTimeSource: 'signed attribute',
	});
});

test('the catalog gains the signature field when it can be found', () => {
	const signed = signPdf(handMade, { certPem: leaf.certPem, keyPem: leaf.keyPem, name: 'Ana Perez' }).toString('latin1');
	expect(signed).toContain('1 0 obj\n<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>\nendobj');
	expect(signed).toContain('/Root 1 0 R');
});

const HAS_PDFSIG = spawnSync('pdfsig', ['-v']).error === undefined;

(HAS_PDFSIG ? test : test.skip)("poppler's pdfsig agrees: the signature is valid and covers the whole document", () => {
	for (const upload of [basePdf(false), handMade]) {
		const file = join(ca.dir, `sim-signed-${Math.random().toString(16).slice(2)}.pdf`);
		writeFileSync(file, signPdf(upload, { certPem: leaf.certPem, keyPem: leaf.keyPem, name: 'Ana Perez' }));
		const out = spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout;
		expect(out).toMatch(/Signer Certificate Common Name: Ana Perez/);
		expect(out).toMatch(/Signature Validation: Signature is Valid\./);
		expect(out).toMatch(/Total document signed/);
		expect(out).not.toMatch(/Not total document signed/);
	}
});

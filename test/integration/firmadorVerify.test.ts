/**
 * Firmador → Document → Verify through the node's execute(): a PDF signed by the Firmador simulator (Sign,
 * wait, Download Signed against the simulator and a real OpenSSH), then checked with and without the
 * simulator's CA as trusted root, after changes, unsigned, not a PDF. Verify runs with no credential at all.
 */
import { X509Certificate } from 'node:crypto';
import path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import { MAX_VERIFY_PDF_BYTES } from '../../nodes/Firmador/actions/document/verify';
import { Firmador } from '../../nodes/Firmador/Firmador.node';
import { startFirmadorSimulator, type FirmadorSimulator } from '../simulators/firmador/server';
import { fileBinary, memoryBinary, runFirmador, type Param } from '../support/nodeContext';
import { appendAnnotation, basePdf } from '../support/signedPdfs';
import { startSshd, type SshdServer } from '../support/sshd';
import { TestCa } from '../support/testCa';

jest.setTimeout(120_000);

const CUIL = '20111111112';
const CUIT = '30500010912';

describe('Firmador → Document → Verify', () => {
	let sshd: SshdServer;
	let sim: FirmadorSimulator;
	let otherCa: TestCa;
	let signed: Buffer;

	beforeAll(async () => {
		sshd = await startSshd();
		const uploadFolder = path.join(sshd.root, 'upload');
		const signedFolder = path.join(sshd.root, 'signed');
		sim = await startFirmadorSimulator({ uploadFolder, signedFolder });
		otherCa = new TestCa('/C=AR/O=Other CA/CN=Some Other Root');
		const app = sim.apps[0];
		const credentials = {
			firmadorApi: { baseUrl: sim.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat },
			firmadorSftp: {
				host: sshd.host,
				port: sshd.port,
				username: sshd.username,
				privateKey: sshd.privateKey,
				hostKeyFingerprint: sshd.hostKeyFingerprint,
				uploadFolder,
				signedFolder,
			},
		};
		const sent = await runFirmador({
			credentials,
			parameters: {
				resource: 'document',
				operation: 'sign',
				binaryPropertyName: 'data',
				fileName: '',
				signerCuil: CUIL,
				companyCuit: CUIT,
				reason: 'Conforme',
				visible: false,
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 30 },
			},
			items: [{ json: {}, binary: { data: fileBinary(basePdf(false), 'contrato.pdf') } }],
		});
		expect(sent[0].json.status).toBe('signed');
		const down = await runFirmador({
			credentials,
			parameters: {
				resource: 'document',
				operation: 'downloadSigned',
				fileName: 'contrato.pdf',
				signedFileName: '{name}',
				signedFolder: '',
				binaryPropertyName: 'data',
			},
			items: [{ json: sent[0].json }],
		});
		signed = Buffer.from(down[0].binary!.data.data, 'base64');
	});
	afterAll(async () => {
		await sim?.close();
		await sshd?.stop();
		otherCa?.dispose();
	});

	/** Verify with NO credential: any credential read would throw. */
	const verify = async (items: INodeExecutionData[], parameters: Record<string, Param> = {}, continueOnFail = false) =>
		await runFirmador({
			credentials: {},
			continueOnFail,
			parameters: { resource: 'document', operation: 'verify', binaryPropertyName: 'data', trustedRoots: '', options: {}, ...parameters },
			items,
		});
	const pdfItem = (content: Buffer, fileName = 'contrato.pdf') => ({ json: {}, binary: { data: memoryBinary(content, fileName) } });

	test('needs no credential: both Firmador credentials are hidden for Verify', () => {
		const credentials = new Firmador().description.credentials!;
		const api = credentials.find((c) => c.name === 'firmadorApi')!;
		const sftp = credentials.find((c) => c.name === 'firmadorSftp')!;
		expect(api.displayOptions).toEqual({ hide: { operation: ['downloadSigned', 'verify'] } });
		expect(sftp.displayOptions).toEqual({ show: { resource: ['document'], operation: ['sign', 'downloadSigned'] } });
	});

	test('a simulator-signed PDF with the simulator CA as root: valid, the CUIL and name of the signer, chain trusted', async () => {
		const out = await verify([{ json: { before: true }, binary: { data: fileBinary(signed, 'contrato.pdf') } }], {
			trustedRoots: sim.caPem,
		});
		expect(out).toHaveLength(1);
		const { json } = out[0];
		expect(json).toMatchObject({ fileName: 'contrato.pdf', signed: true, valid: true, signatureCount: 1, problems: [] });
		expect(json.signatures).toEqual([
			expect.objectContaining({
				index: 1,
				valid: true,
				problems: [],
				signerName: `Firmante Simulado ${CUIL}`,
				cuil: CUIL,
				taxIdCheckDigitValid: true,
				subjectSerialNumber: `CUIL ${CUIL}`,
				signingTimeSource: 'signed attribute',
				certificateValidAtSigningTime: true,
				digestMatches: true,
				signatureValid: true,
				coversWholeDocument: true,
				chain: 'trusted',
				subFilter: 'adbe.pkcs7.detached',
			}),
		]);
		const signature = (json.signatures as Array<Record<string, unknown>>)[0];
		expect(Date.now() - Date.parse(String(signature.signingTime))).toBeLessThan(10 * 60_000);
		expect(Date.parse(String(signature.certificateNotBefore))).toBeLessThan(Date.parse(String(signature.signingTime)));
		expect(Date.parse(String(signature.certificateNotAfter))).toBeGreaterThan(Date.now());
		expect(signature.appended).toBeUndefined();
		// the input's binary goes on (for an e-mail attachment); pairedItem from the router
		expect(out[0].binary?.data.fileName).toBe('contrato.pdf');
		expect(out[0].pairedItem).toEqual({ item: 0 });
		// the simulator's incremental update also put the field in the document's form
		expect(signed.toString('latin1')).toMatch(/\/AcroForm << \/Fields \[\d+ 0 R\] \/SigFlags 3 >>/);
	});

	test('without roots the chain is "not checked" (never trusted); with another root it is "untrusted" and not valid', async () => {
		const [none] = await verify([pdfItem(signed)]);
		expect(none.json).toMatchObject({
			signed: true,
			valid: true,
			signatures: [expect.objectContaining({ chain: 'not checked', valid: true })],
		});
		const [other] = await verify([pdfItem(signed)], { trustedRoots: otherCa.certPem });
		expect(other.json).toMatchObject({
			signed: true,
			valid: false,
			signatures: [expect.objectContaining({ chain: 'untrusted', valid: false })],
		});
		expect(other.json.problems).toEqual([
			`Signature 1 (Firmante Simulado ${CUIL}): the certificate does not chain to any of the given trusted roots`,
		]);
		// both roots: the simulator's one counts
		const [both] = await verify([pdfItem(signed)], { trustedRoots: otherCa.certPem + sim.caPem });
		expect(both.json).toMatchObject({ valid: true, signatures: [expect.objectContaining({ chain: 'trusted' })] });
	});

	test('roots from a binary field: a PEM file or one DER certificate', async () => {
		const der = new X509Certificate(sim.caPem).raw;
		for (const roots of [Buffer.from(sim.caPem), der]) {
			const [out] = await verify(
				[{ json: {}, binary: { data: memoryBinary(signed, 'c.pdf'), roots: memoryBinary(roots, 'roots.pem', 'application/x-pem-file') } }],
				{
					options: { trustedRootsBinaryField: 'roots' },
				},
			);
			expect(out.json).toMatchObject({ valid: true, signatures: [expect.objectContaining({ chain: 'trusted' })] });
		}
	});

	test('bytes appended after signing: coversWholeDocument false, what was appended described, the document not valid', async () => {
		const [out] = await verify([pdfItem(appendAnnotation(signed))], { trustedRoots: sim.caPem });
		expect(out.json).toMatchObject({ signed: true, valid: false, signatureCount: 1 });
		const signature = (out.json.signatures as Array<Record<string, any>>)[0];
		expect(signature).toMatchObject({ coversWholeDocument: false, digestMatches: true, signatureValid: true, chain: 'trusted' });
		expect(signature.appended).toMatchObject({ objects: 2, annotations: true, newSignatures: 0 });
		expect(signature.appended.description).toMatch(/^\d+ bytes appended: 2 objects, annotations$/);
		expect(String((out.json.problems as string[])[0])).toMatch(/the document was changed after this signature/);
	});

	test('a byte changed inside the signed range: digestMatches false, not valid', async () => {
		const tampered = Buffer.from(signed);
		const at = tampered.indexOf('Contrato de prueba');
		expect(at).toBeGreaterThan(0);
		tampered.write('Contrato de PRUEBA', at, 'latin1');
		const [out] = await verify([pdfItem(tampered)], { trustedRoots: sim.caPem });
		expect(out.json).toMatchObject({
			signed: true,
			valid: false,
			signatures: [expect.objectContaining({ digestMatches: false, valid: false, coversWholeDocument: true })],
		});
		expect((out.json.problems as string[]).join('\n')).toMatch(/do not match the signed digest/);
	});

	test('an unsigned PDF: signed false, not an error', async () => {
		const [out] = await verify([pdfItem(basePdf(false), 'plain.pdf')]);
		expect(out.json).toEqual({
			fileName: 'plain.pdf',
			signed: false,
			valid: false,
			signatureCount: 0,
			signatures: [],
			problems: ['the PDF has no signature'],
		});
	});

	test('bytes that are not a PDF: an error naming the item and the field; continue-on-fail keeps the other items', async () => {
		const items = [pdfItem(signed), pdfItem(Buffer.from('PK\u0003\u0004 a zip, not a PDF'), 'x.zip'), pdfItem(basePdf(false))];
		await expect(verify(items)).rejects.toThrow(
			'Input Binary Field "data" cannot be verified: not a PDF: no %PDF- header in the first 1024 bytes (item 2)',
		);
		const out = await verify(items, {}, true);
		expect(out.map((item) => [item.pairedItem, item.json.signed ?? item.json.error])).toEqual([
			[{ item: 0 }, true],
			[{ item: 1 }, 'Input Binary Field "data" cannot be verified: not a PDF: no %PDF- header in the first 1024 bytes (item 2)'],
			[{ item: 2 }, false],
		]);
	});

	test('Fail When Not Valid: a changed or unsigned PDF fails its item with the problems; a valid one passes', async () => {
		const options = { failWhenNotValid: true };
		const [ok] = await verify([pdfItem(signed)], { trustedRoots: sim.caPem, options });
		expect(ok.json.valid).toBe(true);
		const changed = appendAnnotation(signed);
		const out = await verify(
			[pdfItem(changed, 'changed.pdf'), pdfItem(basePdf(false), 'plain.pdf'), pdfItem(signed)],
			{ trustedRoots: sim.caPem, options },
			true,
		);
		expect(out[0].json.error).toBe('The PDF "changed.pdf" is not validly signed (item 1)');
		expect(out[0].json.errorDescription).toMatch(/^Signature 1 \(Firmante Simulado \d+\): the document was changed after this signature/);
		expect(out[1].json.error).toBe('The PDF "plain.pdf" is not signed (item 2)');
		expect(out[2].json.valid).toBe(true);
		await expect(verify([pdfItem(changed, 'changed.pdf')], { options })).rejects.toThrow(
			'The PDF "changed.pdf" is not validly signed (item 1)',
		);
	});

	test('bad input: a missing binary field, Trusted Roots without a certificate, a PDF over the size bound', async () => {
		const bad = await verify(
			[
				{ json: {}, binary: { other: memoryBinary(signed, 'c.pdf') } },
				pdfItem(signed),
				{ json: {}, binary: { data: { ...memoryBinary(Buffer.from('%PDF-1.7\n'), 'huge.pdf'), bytes: MAX_VERIFY_PDF_BYTES + 1 } } },
			],
			{ trustedRoots: (i: number) => (i === 1 ? 'not a certificate' : '') },
			true,
		);
		expect(bad.map((item) => item.json.error)).toEqual([
			'Input Binary Field "data" is missing from the input item (item 1)',
			'Trusted Roots holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----) (item 2)',
			'Input Binary Field "data" is 100.0 MB; Verify reads PDFs of at most 100 MB (item 3)',
		]);
	});
});

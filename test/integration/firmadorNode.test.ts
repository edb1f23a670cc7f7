/**
 * The Firmador node's execute() against the Firmador simulator and a real OpenSSH sftp server sharing
 * the upload/signed folders. HTTP goes through n8n-core's httpRequestWithAuthentication and the
 * credential's authenticate().
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import { verifyPdfSignatures } from '../../nodes/shared/pdfSignatures';
import { PHRASES, startFirmadorSimulator, type FirmadorSimulator } from '../simulators/firmador/server';
import { fileBinary, memoryBinary, runFirmador, type Param } from '../support/nodeContext';
import { startSshd, type SshdServer } from '../support/sshd';

jest.setTimeout(120_000);

const CUIL = '20111111112';
const CUIT = '30500010912';
const NO_OTP_CUIL = '27123456780';

const pdf = (label: string) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${label}\n`), randomBytes(2000), Buffer.from('\n%%EOF\n')]);

describe('Firmador node (simulator + real OpenSSH)', () => {
	let sshd: SshdServer;
	let sim: FirmadorSimulator;
	let uploadFolder: string;
	let signedFolder: string;
	let credentials: Record<string, any>;

	beforeAll(async () => {
		sshd = await startSshd();
		uploadFolder = path.join(sshd.root, 'upload');
		signedFolder = path.join(sshd.root, 'signed');
		sim = await startFirmadorSimulator({ uploadFolder, signedFolder, noOtpCuils: [NO_OTP_CUIL] });
		const app = sim.apps[0];
		credentials = {
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
	});
	afterAll(async () => {
		await sim?.close();
		await sshd?.stop();
	});

	const run = async (parameters: Record<string, Param>, items: INodeExecutionData[], continueOnFail = false, creds = credentials) =>
		await runFirmador({ parameters, items, credentials: creds, continueOnFail });

	const signParams = (extra: Record<string, Param> = {}) => ({
		resource: 'document',
		operation: 'sign',
		binaryPropertyName: 'data',
		fileName: '',
		signerCuil: CUIL,
		companyCuit: CUIT,
		reason: 'Conforme',
		visible: false,
		options: {},
		...extra,
	});

	it('signs one streamed PDF (HMAC accepted), waits for the signature and downloads the signed copy', async () => {
		const content = pdf('one');
		const out = await run(
			signParams({
				visible: true,
				page: 1,
				x: 10,
				y: 20,
				width: 150,
				height: 50,
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 30 },
			}),
			[{ json: {}, binary: { data: fileBinary(content, 'contrato uno.pdf') } }],
		);
		expect(out).toHaveLength(1);
		const json = out[0].json;
		expect(json.sessionId).toMatch(/^[0-9a-f-]{36}$/);
		expect(json.fileName).toBe('contrato uno.pdf');
		expect(json.hash).toBe(createHash('sha1').update(content).digest('hex').toUpperCase());
		expect(json.status).toBe('signed');
		expect(json.statusCode).toBe(4);
		expect(json.statusFrom).toBe('code');
		expect(json.statusMessage).toBe('El archivo ya está firmado.');
		expect(out[0].pairedItem).toEqual({ item: 0 });
		// what went on the wire: the seed's field names and types
		const post = sim.control.requests().find((r) => r.url === '/api/Firmador')!;
		expect(post.status).toBe(200);
		expect(JSON.parse(post.body)).toEqual({
			CUILPersona: CUIL,
			NombreArchivo: 'contrato uno.pdf',
			Razon: 'Conforme',
			CoordenadaX: 10,
			CoordenadaY: 20,
			Ancho: 150,
			Alto: 50,
			NumeroPagina: 1,
			Visible: true,
			HashArchivo: json.hash,
			CUITEmpresa: CUIT,
		});
		const down = await run(
			{
				resource: 'document',
				operation: 'downloadSigned',
				fileName: 'contrato uno.pdf',
				signedFileName: '{name}',
				signedFolder: '',
				binaryPropertyName: 'data',
			},
			[{ json }],
		);
		const signed = Buffer.from(down[0].binary!.data.data, 'base64');
		expect(signed.subarray(0, content.length).equals(content)).toBe(true);
		// a real signature of the signer's CUIL, appended as an incremental update, with the Razon sent
		const verified = verifyPdfSignatures(signed, { trustedRootsPem: sim.caPem });
		expect(verified).toMatchObject({ signed: true, valid: true });
		expect(verified.signatures[0]).toMatchObject({
			taxId: { kind: 'CUIL', number: CUIL, checkDigitValid: true },
			chain: 'trusted',
			coversWholeDocument: true,
		});
		expect(signed.toString('latin1')).toContain('/Reason (Conforme)');
		expect(down[0].json.hash).toBe(createHash('sha1').update(signed).digest('hex').toUpperCase());
	});

	it('rejects a replayed request with 401 and reports a bad signature without leaking the secret', async () => {
		const entry = sim.control.requests().find((r) => r.url === '/api/Firmador' && r.status === 200)!;
		const replay = await new Promise<number>((resolve, reject) => {
			const req = http.request(
				{
					host: '127.0.0.1',
					port: sim.port,
					method: 'POST',
					path: entry.url,
					headers: { Authorization: entry.authorization, 'Content-Type': 'application/json; charset=utf-8' },
				},
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
				},
			);
			req.on('error', reject);
			req.end(entry.body);
		});
		expect(replay).toBe(401);
		expect(sim.control.requests().at(-1)!.status).toBe(401);
		// a wrong secret surfaces as a signature error, without the secret in the message
		const bad = { ...credentials, firmadorApi: { ...credentials.firmadorApi, secret: Buffer.from('wrong-secret').toString('base64') } };
		const error = await run(
			{ resource: 'request', operation: 'getStatus', sessionIds: 'x', options: {} },
			[{ json: {} }],
			false,
			bad,
		).catch((e) => e);
		expect(error.message).toMatch(/rejected the request signature/);
		expect(error.message).not.toContain(bad.firmadorApi.secret);
		expect(JSON.stringify(error)).not.toContain(bad.firmadorApi.secret);
		// a secret that is not Base64 with Secret Encoding = Base64 is named as such, nothing is sent
		const before = sim.control.requests().length;
		const notBase64 = { ...credentials, firmadorApi: { ...credentials.firmadorApi, secret: 'plain text secret!' } };
		const formatError = await run(
			{ resource: 'request', operation: 'getStatus', sessionIds: 'x', options: {} },
			[{ json: {} }],
			false,
			notBase64,
		).catch((e) => e);
		expect(formatError.message).toMatch(/not valid Base64/);
		expect(formatError.message).not.toContain('plain text secret!');
		expect(sim.control.requests().length).toBe(before);
	});

	it('signs 20 PDFs in one FirmadorMasivo request and collects the 20 signed copies', async () => {
		const files = Array.from({ length: 20 }, (_, i) => ({
			name: `lote-${String(i + 1).padStart(2, '0')}.pdf`,
			content: pdf(`batch ${i}`),
		}));
		const before = sim.control.requests().length;
		const out = await run(
			signParams({ waitForCompletion: true, options: { batch: true, batchSize: 50, pollInterval: 1, timeout: 30 } }),
			files.map((f, i) => ({
				json: { i },
				binary: { data: i % 2 ? fileBinary(f.content, f.name) : memoryBinary(f.content, f.name) },
			})),
		);
		expect(out).toHaveLength(20);
		const ids = new Set(out.map((o) => o.json.sessionId));
		expect(ids.size).toBe(1);
		expect(out.every((o) => o.json.status === 'signed')).toBe(true);
		expect(out.map((o) => (o.pairedItem as { item: number }).item)).toEqual(files.map((_, i) => i));
		const posts = sim.control
			.requests()
			.slice(before)
			.filter((r) => r.method === 'POST');
		expect(posts.map((p) => p.url)).toEqual(['/api/FirmadorMasivo']);
		expect(JSON.parse(posts[0].body).Archivos).toHaveLength(20);
		expect(readdirSync(uploadFolder).filter((f) => f.endsWith('.part'))).toEqual([]);
		const down = await run(
			{
				resource: 'document',
				operation: 'downloadSigned',
				fileName: (i: number) => out[i].json.fileName,
				signedFileName: '{name}',
				signedFolder: '',
				binaryPropertyName: 'signed',
			},
			out.map((o) => ({ json: o.json })),
		);
		expect(down).toHaveLength(20);
		down.forEach((item, i) => {
			const signed = Buffer.from(item.binary!.signed.data, 'base64');
			expect(signed.subarray(0, files[i].content.length).equals(files[i].content)).toBe(true);
		});
	});

	it('chunks a batch by Batch Size and marks every item of a rejected chunk (continue on fail)', async () => {
		const files = Array.from({ length: 5 }, (_, i) => memoryBinary(pdf(`chunk ${i}`), `chunk-${i}.pdf`));
		sim.control.failNext(1, '/api/FirmadorMasivo');
		const out = await run(
			signParams({ options: { batch: true, batchSize: 2 } }),
			files.map((b) => ({ json: {}, binary: { data: b } })),
			true,
		);
		expect(out).toHaveLength(5);
		expect(out[0].json.error).toMatch(/Error de servidor/);
		expect(out[1].json.error).toMatch(/Error de servidor/);
		expect(out[2].json.sessionId).toBeDefined();
		expect(out[2].json.sessionId).toBe(out[3].json.sessionId);
		expect(out[4].json.sessionId).not.toBe(out[2].json.sessionId);
	});

	it('surfaces the 204 reason phrases as item errors', async () => {
		const out = await run(
			signParams({
				signerCuil: (i: number) => (i === 0 ? NO_OTP_CUIL : CUIL),
				options: { uploadFolder: 'elsewhere' },
			}),
			[
				{ json: {}, binary: { data: memoryBinary(pdf('otp'), 'otp.pdf') } },
				{ json: {}, binary: { data: memoryBinary(pdf('wrong folder'), 'wrong-folder.pdf') } },
			],
			true,
		);
		expect(out[0].json.error).toBe(`${PHRASES.noOtp} (item 1)`);
		expect(out[0].json.httpCode).toBe('204');
		expect(out[1].json.error).toBe(`${PHRASES.fileError} (item 2)`);
		// without continue on fail the phrase is the node error
		const error = await run(signParams({ signerCuil: NO_OTP_CUIL }), [
			{ json: {}, binary: { data: memoryBinary(pdf('x'), 'x.pdf') } },
		]).catch((e) => e);
		expect(error.message).toBe(`${PHRASES.noOtp} (item 1)`);
	});

	it('repairs a reason phrase sent as UTF-8 bytes (read as Latin-1 by the HTTP client)', async () => {
		const utf8Sim = await startFirmadorSimulator({ uploadFolder, signedFolder, noOtpCuils: [NO_OTP_CUIL], reasonPhraseEncoding: 'utf8' });
		try {
			const app = utf8Sim.apps[0];
			const creds = {
				...credentials,
				firmadorApi: { baseUrl: utf8Sim.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat },
			};
			const error = await run(
				{
					resource: 'hash',
					operation: 'sign',
					hashSource: 'field',
					hash: 'CC282B2E077BBB17E81BB529DE3FA81F964A104F',
					signerCuil: NO_OTP_CUIL,
					companyCuit: CUIT,
					options: {},
				},
				[{ json: {} }],
				false,
				creds,
			).catch((e) => e);
			expect(error.message).toBe(`${PHRASES.noOtp} (item 1)`);
		} finally {
			await utf8Sim.close();
		}
	});

	it('stops bad input before any request or upload', async () => {
		const before = sim.control.requests().length;
		const uploadsBefore = readdirSync(uploadFolder).length;
		const out = await run(
			signParams({
				signerCuil: (i: number) => (i === 2 ? '20111111113' : CUIL),
				visible: (i: number) => i === 3,
				page: 1,
				x: '',
				y: 5,
				width: 10,
				height: 10,
			}),
			[
				{ json: {}, binary: { data: memoryBinary(Buffer.from('PK\u0003\u0004 not a pdf'), 'a.pdf') } },
				{ json: {} },
				{ json: {}, binary: { data: memoryBinary(pdf('bad cuil'), 'c.pdf') } },
				{ json: {}, binary: { data: memoryBinary(pdf('no coords'), 'd.pdf') } },
			],
			true,
		);
		expect(out.map((o) => o.json.error)).toEqual([
			expect.stringMatching(/is not a PDF.*\(item 1\)/),
			expect.stringMatching(/Input Binary Field "data" is missing.*\(item 2\)/),
			expect.stringMatching(/Signer CUIL .*check digit.*\(item 3\)/),
			expect.stringMatching(/X is required for a visible signature \(item 4\)/),
		]);
		expect(sim.control.requests().length).toBe(before);
		expect(readdirSync(uploadFolder).length).toBe(uploadsBefore);
		// without continue-on-fail the first bad item stops the run before any request
		await expect(
			run(signParams({ companyCuit: '30500010911' }), [{ json: {}, binary: { data: memoryBinary(pdf('x'), 'x.pdf') } }]),
		).rejects.toThrow(/Company CUIT/);
		expect(sim.control.requests().length).toBe(before);
	});

	it('refuses an SFTP server whose host key does not match, with a clear error', async () => {
		const wrong = { ...credentials, firmadorSftp: { ...credentials.firmadorSftp, hostKeyFingerprint: 'SHA256:' + 'A'.repeat(43) } };
		const error = await run(signParams(), [{ json: {}, binary: { data: memoryBinary(pdf('k'), 'k.pdf') } }], false, wrong).catch((e) => e);
		expect(error.message).toMatch(/host key does not match/);
		expect(error.message).toContain(sshd.hostKeyFingerprint);
		expect(existsSync(path.join(uploadFolder, 'k.pdf'))).toBe(false);
	});

	it('signs hashes (single and batch) and reads the signed hashes', async () => {
		const hexes = [
			'CC282B2E077BBB17E81BB529DE3FA81F964A104F',
			createHash('sha1').update('b').digest('hex'),
			createHash('sha1').update('c').digest('hex'),
		];
		const single = await run(
			{ resource: 'hash', operation: 'sign', hashSource: 'field', hash: hexes[0], signerCuil: CUIL, companyCuit: CUIT, options: {} },
			[{ json: {} }],
		);
		const sent = JSON.parse(
			sim.control
				.requests()
				.filter((r) => r.url === '/api/FirmadorHash')
				.at(-1)!.body,
		);
		expect(sent.Hash.slice(0, 6)).toEqual([67, 0, 67, 0, 50, 0]);
		expect(sent.Hash).toHaveLength(80);
		const batch = await run(
			{
				resource: 'hash',
				operation: 'sign',
				hashSource: (i: number) => (i === 2 ? 'binary' : 'field'),
				hash: (i: number) => hexes[i],
				binaryPropertyName: 'data',
				signerCuil: CUIL,
				companyCuit: CUIT,
				waitForCompletion: true,
				options: { batch: true, pollInterval: 1, timeout: 30 },
			},
			[{ json: {} }, { json: {} }, { json: {}, binary: { data: memoryBinary(Buffer.from('c'), 'c.txt', 'text/plain') } }],
		);
		expect(batch.map((b) => b.json.hash)).toEqual(hexes.map((h) => h.toUpperCase()));
		expect(batch[0].json.status).toBe('signed');
		const signed = await run(
			{
				resource: 'hash',
				operation: 'getSigned',
				sessionId: (i: number) => batch[i].json.sessionId,
				matchHash: (i: number) => batch[i].json.hash,
			},
			batch,
		);
		expect(signed).toHaveLength(3);
		expect(signed.every((s) => s.json.signed === true && typeof s.json.signedHash === 'string' && s.json.signedHash !== '')).toBe(true);
		expect(signed[1].json.hash).toBe(hexes[1].toUpperCase());
		expect((signed[1].json.response as { Hash: string }).Hash).toBe(hexes[1].toUpperCase());
		// one GET for the shared session
		expect(sim.control.requests().filter((r) => r.url.startsWith('/api/HashFirmado')).length).toBe(1);
		// not yet signed: the service's DetalleError is an item error that keeps the detail (continue on fail)
		const pending = await run(
			{ resource: 'hash', operation: 'getSigned', sessionId: single[0].json.sessionId, matchHash: '' },
			[{ json: {} }],
			true,
		);
		expect(pending[0].json.error).toMatch(
			/^Firmador reports for hash CC282B2E077BBB17E81BB529DE3FA81F964A104F of session .*: La Solicitud no ha sido validada aún .* \(item 1\)$/,
		);
		expect(pending[0].json.errorDetail).toBe('La Solicitud no ha sido validada aún con el OTP/PIN correspondiente');
		expect(pending[0].json.sessionId).toBe(single[0].json.sessionId);
		await expect(
			run({ resource: 'hash', operation: 'getSigned', sessionId: single[0].json.sessionId, matchHash: '' }, [{ json: {} }]),
		).rejects.toThrow(/Firmador reports for hash/);
	});

	it('signs XML (FirmadorXmlMasivo) and reads the signed XML', async () => {
		const docs = ['<factura><n>1</n></factura>', '<factura><n>2</n></factura>'];
		const out = await run(
			{
				resource: 'xml',
				operation: 'sign',
				xmlSource: 'field',
				xml: (i: number) => docs[i],
				signerCuil: CUIL,
				companyCuit: CUIT,
				reason: 'Conforme',
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 30 },
			},
			[{ json: {} }, { json: {} }],
		);
		expect(out[0].json.sessionId).toBe(out[1].json.sessionId);
		const sent = JSON.parse(
			sim.control
				.requests()
				.filter((r) => r.url === '/api/FirmadorXmlMasivo')
				.at(-1)!.body,
		);
		expect(Object.keys(sent.Xml[0])).toEqual(['Hash', 'xml', 'HashControl', 'Razon']);
		expect(sent.Xml[0].HashControl).toBe(createHash('sha256').update(docs[0]).digest('hex').toUpperCase());
		const signed = await run(
			{
				resource: 'xml',
				operation: 'getSigned',
				sessionId: out[0].json.sessionId,
				matchHash: (i: number) => out[i].json.hash,
				asBinary: true,
				binaryPropertyName: 'data',
			},
			out,
		);
		expect(signed).toHaveLength(2);
		expect(String(signed[1].json.signedXml)).toMatch(/^<factura><n>2<\/n><Signature/);
		expect(Buffer.from(signed[0].binary!.data.data, 'base64').toString()).toContain('<SignatureValue>');
	});

	it('gets many statuses in chunks and waits for all pending ids together; 1 and 5 are final', async () => {
		const mk = async (outcome: 4 | 1 | 5) => {
			sim.control.setNextOutcome(outcome);
			const r = await run(
				{
					resource: 'hash',
					operation: 'sign',
					hashSource: 'field',
					hash: createHash('sha1').update(String(outcome)).digest('hex'),
					signerCuil: CUIL,
					companyCuit: CUIT,
					options: {},
				},
				[{ json: {} }],
			);
			return r[0].json.sessionId as string;
		};
		const ids = [await mk(4), await mk(1), await mk(5)];
		sim.control.setNextOutcome(4);
		const before = sim.control.requests().length;
		const status = await run(
			{
				resource: 'request',
				operation: 'getStatus',
				sessionIds: (i: number) => (i === 0 ? `${ids[0]}, ${ids[1]}` : [ids[2], 'unknown-id']),
				options: { chunkSize: 2 },
			},
			[{ json: {} }, { json: {} }],
		);
		expect(
			sim.control
				.requests()
				.slice(before)
				.map((r) => r.url.split('?')[0]),
		).toEqual(['/api/EstadoSolicitud', '/api/EstadoSolicitud']);
		expect(sim.control.requests().at(-2)!.url).toBe(`/api/EstadoSolicitud?SessionsID[]=${ids[0]}&SessionsID[]=${ids[1]}`);
		expect(status.map((s) => s.json.status)).toEqual(['queued', 'validationExpired', 'queued', 'notFound']);
		expect(status.map((s) => (s.pairedItem as { item: number }).item)).toEqual([0, 0, 1, 1]);
		const waited = await run(
			{ resource: 'request', operation: 'waitForCompletion', sessionIds: ids.join(','), options: { pollInterval: 1, timeout: 30 } },
			[{ json: {} }],
		);
		expect(waited.map((w) => [w.json.statusCode, w.json.status, w.json.final])).toEqual([
			[4, 'signed', true],
			[1, 'validationExpired', true],
			[5, 'failed', true],
		]);
		expect(waited[2].json.statusMessage).toBe('Se produjo un error al intentar firmar el archivo.');
	});

	it('times out waiting with a clear per-item error (continue on fail) or returns timedOut items', async () => {
		const r = await run(
			{
				resource: 'hash',
				operation: 'sign',
				hashSource: 'field',
				hash: createHash('sha1').update('slow').digest('hex'),
				signerCuil: CUIL,
				companyCuit: CUIT,
				options: {},
			},
			[{ json: {} }],
		);
		const id = r[0].json.sessionId as string;
		sim.control.hold(id);
		const failed = await run(
			{ resource: 'request', operation: 'waitForCompletion', sessionIds: id, options: { pollInterval: 1, timeout: 2 } },
			[{ json: {} }],
			true,
		);
		expect(failed[0].json.error).toMatch(/Not finished after \d+ s: .*pendingValidation/);
		const returned = await run(
			{
				resource: 'request',
				operation: 'waitForCompletion',
				sessionIds: id,
				options: { pollInterval: 1, timeout: 1, errorOnTimeout: false },
			},
			[{ json: {} }],
		);
		expect(returned[0].json).toMatchObject({ sessionId: id, status: 'pendingValidation', timedOut: true });
	});
});

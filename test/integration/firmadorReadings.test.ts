/**
 * Issue #9 and #10 (Firmador): every place the provider's document allows two readings, exercised with the
 * simulator switched to each reading; and the SFTP/HTTP holes, each with the case that used to get through.
 * The node runs through its execute() (n8n-core's real HTTP + the credential's authenticate()) against the
 * Firmador simulator and a real OpenSSH sftp server sharing the upload/signed folders.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_SWITCHES, startFirmadorSimulator, type FirmadorSimulator, type ResponseHashEncoding } from '../simulators/firmador/server';
import { memoryBinary, runFirmador, type Param } from '../support/nodeContext';
import { startSshd, type SshdServer } from '../support/sshd';

jest.setTimeout(120_000);

const CUIL = '20111111112';
const CUIT = '30500010912';
const pdf = (label: string) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${label}\n`), randomBytes(500), Buffer.from('\n%%EOF\n')]);
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex').toUpperCase();

describe("Firmador: the seed's two readings and the SFTP/HTTP holes", () => {
	let sshd: SshdServer;
	let sim: FirmadorSimulator;
	let uploadFolder: string;
	let signedFolder: string;
	let credentials: Record<string, any>;

	beforeAll(async () => {
		sshd = await startSshd();
		uploadFolder = path.join(sshd.root, 'upload');
		signedFolder = path.join(sshd.root, 'signed');
		sim = await startFirmadorSimulator({ uploadFolder, signedFolder });
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
	afterEach(() => {
		sim.control.configure({ ...DEFAULT_SWITCHES });
	});

	const run = async (parameters: Record<string, Param>, items: INodeExecutionData[], continueOnFail = false, creds = credentials) =>
		await runFirmador({ parameters, items, credentials: creds, continueOnFail });
	const withApi = (extra: Record<string, unknown>) => ({ ...credentials, firmadorApi: { ...credentials.firmadorApi, ...extra } });
	const withSftp = (extra: Record<string, unknown>) => ({ ...credentials, firmadorSftp: { ...credentials.firmadorSftp, ...extra } });
	const hashSign = (hash: Param, { waitForCompletion, ...options }: Record<string, unknown> = {}) => ({
		resource: 'hash',
		operation: 'sign',
		hashSource: 'field',
		hash,
		signerCuil: CUIL,
		companyCuit: CUIT,
		waitForCompletion: waitForCompletion === true,
		options,
	});
	const newSession = async (label: string, creds = credentials) =>
		(await run(hashSign(sha1(label)), [{ json: {} }], false, creds))[0].json.sessionId as string;
	const signParams = (extra: Record<string, Param> = {}) => ({
		resource: 'document',
		operation: 'sign',
		binaryPropertyName: 'data',
		fileName: '',
		signerCuil: CUIL,
		companyCuit: CUIT,
		reason: '',
		visible: false,
		options: {},
		...extra,
	});
	const download = (extra: Record<string, Param> = {}) => ({
		resource: 'document',
		operation: 'downloadSigned',
		fileName: 'x.pdf',
		signedFileName: '{name}',
		signedFolder: '',
		binaryPropertyName: 'data',
		...extra,
	});
	const requestCount = () => sim.control.requests().filter((r) => r.url.startsWith('/api/')).length;

	describe('string to sign: absolute URL (default) or path and query', () => {
		it.each([
			['absoluteUrl', 'absoluteUrl'],
			['pathAndQuery', 'pathAndQuery'],
		] as const)('server signs the %s: the credential set to %s is accepted, the other reading gets 401', async (server, matching) => {
			sim.control.configure({ signedUri: server });
			const other = matching === 'absoluteUrl' ? 'pathAndQuery' : 'absoluteUrl';
			const ok = await run(hashSign(sha1(`uri ${server}`)), [{ json: {} }], false, withApi({ uriToSign: matching }));
			expect(ok[0].json.sessionId).toBeDefined();
			const refused = await run(hashSign(sha1(`uri ${server} 2`)), [{ json: {} }], true, withApi({ uriToSign: other }));
			expect(refused[0].json.error).toMatch(/^Firmador rejected the request signature: Signature does not match/);
			expect(refused[0].json.httpCode).toBe('401');
		});
	});

	describe('SessionsID[] on the wire, and which form of the URI the server signs', () => {
		// ASP.NET binds SessionsID[] and SessionsID%5b%5d alike; what differs between servers is whether the HMAC covers the raw or the decoded URI.
		it.each(['literal', 'encoded'] as const)(
			'%s brackets: the server binds the ids whatever form it signs; encoded brackets need URI Form Signed to match',
			async (form) => {
				const id = await newSession(`form ${form}`);
				for (const server of ['raw', 'decoded'] as const) {
					sim.control.configure({ signedUriForm: server });
					const creds = withApi({ queryBrackets: form, signedQueryForm: server === 'raw' ? 'asSent' : 'decoded' });
					const found = await run(
						{ resource: 'request', operation: 'getStatus', sessionIds: id, options: {} },
						[{ json: {} }],
						false,
						creds,
					);
					expect(found[0].json.status).not.toBe('notFound');
					const url = sim.control
						.requests()
						.filter((r) => r.url.startsWith('/api/EstadoSolicitud'))
						.at(-1)!.url;
					expect(url).toBe(form === 'literal' ? `/api/EstadoSolicitud?SessionsID[]=${id}` : `/api/EstadoSolicitud?SessionsID%5b%5d=${id}`);
					// the other URI form: with literal brackets raw and decoded are the same string, with encoded ones the server refuses the signature
					const other = await run(
						{ resource: 'request', operation: 'getStatus', sessionIds: id, options: {} },
						[{ json: {} }],
						true,
						withApi({ queryBrackets: form, signedQueryForm: server === 'raw' ? 'decoded' : 'asSent' }),
					);
					if (form === 'literal') expect(other[0].json.status).not.toBe('notFound');
					else expect(other[0].json).toMatchObject({ httpCode: '401' });
				}
			},
		);
	});

	describe('CodigoEstado 1 with "Pendiente de Validacion" (the seed\'s sample)', () => {
		it('keeps waiting when the message says pending, says the message decided, and still stops on a real expiry', async () => {
			sim.control.configure({ code1Pending: true });
			const id = await newSession('code1 pending');
			const first = await run({ resource: 'request', operation: 'getStatus', sessionIds: id, options: {} }, [{ json: {} }]);
			// the simulator moves one step per poll: the first poll moved it to 2, so look at a held one
			expect(first[0].json.statusCode).toBe(2);
			const held = await newSession('code1 held');
			sim.control.hold(held);
			const pending = await run({ resource: 'request', operation: 'getStatus', sessionIds: held, options: {} }, [{ json: {} }]);
			expect(pending[0].json).toMatchObject({
				statusCode: 1,
				status: 'pendingValidation',
				final: false,
				statusFrom: 'message',
				statusMessage: 'Pendiente de Validacion',
			});
			sim.control.hold(held, false);
			const waited = await run(
				{ resource: 'request', operation: 'waitForCompletion', sessionIds: held, options: { pollInterval: 1, timeout: 30 } },
				[{ json: {} }],
			);
			expect(waited[0].json).toMatchObject({ status: 'signed', statusCode: 4, statusFrom: 'code' });
			sim.control.setNextOutcome(1);
			const expiring = await newSession('code1 expired');
			sim.control.setNextOutcome(4);
			const expired = await run(
				{ resource: 'request', operation: 'waitForCompletion', sessionIds: expiring, options: { pollInterval: 1, timeout: 30 } },
				[{ json: {} }],
			);
			expect(expired[0].json).toMatchObject({
				statusCode: 1,
				status: 'validationExpired',
				final: true,
				statusFrom: 'message',
				statusMessage: 'El tiempo para validar la Solicitud ha expirado',
			});
		});
	});

	describe('HTTP 204 on the GET endpoints', () => {
		it('a 204 without a phrase is "no result yet": the wait goes on, Get Status says noResultYet, Get Signed says not signed yet', async () => {
			const id = await newSession('204 wait');
			sim.control.inject('noContent', 2, '/api/EstadoSolicitud');
			const waited = await run(
				{ resource: 'request', operation: 'waitForCompletion', sessionIds: id, options: { pollInterval: 1, timeout: 30 } },
				[{ json: {} }],
			);
			expect(waited[0].json.status).toBe('signed');
			sim.control.inject('noContent', 1, '/api/EstadoSolicitud');
			const status = await run(
				{ resource: 'request', operation: 'getStatus', sessionIds: id, options: {} },
				[{ json: {} }, { json: {} }],
				true,
			);
			expect(status.map((s) => s.json.status)).toEqual(['noResultYet', 'noResultYet']);
			sim.control.inject('noContent', 1, '/api/HashFirmado');
			const signed = await run(
				{ resource: 'hash', operation: 'getSigned', sessionId: id, matchHash: '' },
				[{ json: {} }, { json: {} }],
				true,
			);
			expect(signed.map((s) => s.json.error)).toEqual([
				`Session ID ${id} is not signed yet (Firmador has no result for it) (item 1)`,
				`Session ID ${id} is not signed yet (Firmador has no result for it) (item 2)`,
			]);
			expect(signed.map((s) => s.json.errorDescription)).toEqual([
				expect.stringMatching(/^Run Request → Wait for Completion first/),
				expect.stringMatching(/^Run Request → Wait for Completion first/),
			]);
			expect(signed.map((s) => s.json.signed)).toEqual([false, false]);
		});

		it('a 204 with a phrase during Wait for Completion fails the items concerned at once with the phrase; the others finish', async () => {
			const refused = await newSession('204 phrase refused');
			const fine = await newSession('204 phrase fine');
			// one id per status request: the phrase answers the first request only (the refused id's)
			sim.control.inject('noContentPhrase', 1, '/api/EstadoSolicitud');
			const started = Date.now();
			const out = await run(
				{
					resource: 'request',
					operation: 'waitForCompletion',
					sessionIds: (i: number) => [refused, fine][i],
					options: { pollInterval: 1, timeout: 300, chunkSize: 1 },
				},
				[{ json: {} }, { json: {} }],
				true,
			);
			expect(Date.now() - started).toBeLessThan(20_000);
			expect(out[0].json.error).toBe(`Firmador refused the status query for ${refused}: El CUIL ingresado no es valido (item 1)`);
			expect(out[0].json).toMatchObject({ reasonPhrase: 'El CUIL ingresado no es valido', sessionIds: [refused], signed: false });
			expect(out[1].json).toMatchObject({ sessionId: fine, status: 'signed' });
			// without continue-on-fail the node stops with the phrase
			const again = await newSession('204 phrase thrown');
			sim.control.inject(
				'noContentPhrase',
				1,
				'/api/EstadoSolicitud',
				0,
				'Debe enviar un número de CUIL de la persona que debe firmar el documento',
			);
			const thrown = await run(
				{ resource: 'request', operation: 'waitForCompletion', sessionIds: again, options: { pollInterval: 1, timeout: 300 } },
				[{ json: {} }],
			).catch((e) => e);
			expect(thrown.message).toBe(
				`Firmador refused the status query for ${again}: Debe enviar un número de CUIL de la persona que debe firmar el documento (item 1)`,
			);
		});

		it('Sign with Wait for Completion: a 204 with a phrase fails the item with the phrase and keeps its session id', async () => {
			sim.control.inject('noContentPhrase', 1, '/api/EstadoSolicitud');
			const out = await run(
				hashSign(sha1('sign wait phrase'), { waitForCompletion: true, pollInterval: 1, timeout: 300 }),
				[{ json: {} }],
				true,
			);
			expect(out[0].json.error).toMatch(/^Firmador refused the status query for [\w-]+: El CUIL ingresado no es valido \(item 1\)$/);
			expect(out[0].json.sessionId).toEqual(expect.any(String));
		});
	});

	describe('DetalleError', () => {
		it('without a signature is an item error that keeps the detail, ends in one full stop, and leaves the other items alone', async () => {
			const done = await newSession('detail done');
			await run({ resource: 'request', operation: 'waitForCompletion', sessionIds: done, options: { pollInterval: 1, timeout: 30 } }, [
				{ json: {} },
			]);
			const queued = await newSession('detail queued');
			await run({ resource: 'request', operation: 'getStatus', sessionIds: queued, options: {} }, [{ json: {} }]); // → 2, "…firmado."
			const out = await run(
				{ resource: 'hash', operation: 'getSigned', sessionId: (i: number) => [done, queued][i], matchHash: '' },
				[{ json: {} }, { json: {} }],
				true,
			);
			expect(out).toHaveLength(2);
			expect(out[0].json).toMatchObject({ sessionId: done, signed: true, hash: sha1('detail done') });
			expect(out[1].json.error).toBe(
				`Firmador reports for hash ${sha1('detail queued')} of session ${queued}: La Solicitud fue encolada pero el archivo aún no ha sido firmado (item 2)`,
			);
			expect(out[1].json.errorDetail).toBe('La Solicitud fue encolada pero el archivo aún no ha sido firmado.');
			expect(out[1].json.signed).toBe(false);
			expect(String(out[1].json.errorDescription)).not.toMatch(/\.\.$/);
			expect(String(out[1].json.error)).not.toContain('..');
		});
	});

	describe('Hash in the answers, whatever its encoding', () => {
		it.each(['hex', 'lowerHex', 'base64Utf16', 'base64Raw', 'bytes'] as ResponseHashEncoding[])(
			'%s: Get Signed matches every item by its bytes, and without Only Hash 3 items give 3 results',
			async (encoding) => {
				const hexes = [sha1(`${encoding} a`), sha1(`${encoding} b`), sha1(`${encoding} c`)];
				const signed = await run(
					hashSign((i: number) => hexes[i], { batch: true, waitForCompletion: true, pollInterval: 1, timeout: 30 }),
					[{ json: {} }, { json: {} }, { json: {} }],
				);
				sim.control.configure({ responseHashEncoding: encoding });
				const matched = await run(
					{
						resource: 'hash',
						operation: 'getSigned',
						sessionId: (i: number) => signed[i].json.sessionId,
						matchHash: (i: number) => signed[i].json.hash,
					},
					signed,
				);
				expect(matched.map((m) => m.json.hash)).toEqual(hexes);
				expect(matched.every((m) => m.json.signed === true)).toBe(true);
				expect(matched.map((m) => m.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
				if (encoding === 'base64Utf16')
					expect((matched[0].json.response as { Hash: string }).Hash).toBe(Buffer.from(hexes[0], 'utf16le').toString('base64'));
				const all = await run(
					{ resource: 'hash', operation: 'getSigned', sessionId: (i: number) => signed[i].json.sessionId, matchHash: '' },
					signed,
				);
				expect(all.map((m) => m.json.hash)).toEqual(hexes);
				expect(all[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			},
		);
	});

	describe('continue-on-fail and the item number', () => {
		it('an SFTP connection failure reaches every item (continue on fail) and names item 0 otherwise', async () => {
			const dead = withSftp({ port: 1 });
			const items = [0, 1, 2].map((i) => ({ json: {}, binary: { data: memoryBinary(pdf(`dead ${i}`), `dead-${i}.pdf`) } }));
			const out = await run(signParams(), items, true, dead);
			expect(out).toHaveLength(3);
			out.forEach((o, i) =>
				expect(o.json.error).toMatch(new RegExp(`^Could not connect to the SFTP server 127\\.0\\.0\\.1:1: .* \\(item ${i + 1}\\)$`)),
			);
			const downloads = await run(download({ fileName: (i: number) => `dead-${i}.pdf` }), [{ json: {} }, { json: {} }], true, dead);
			expect(downloads.map((d) => d.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(downloads.every((d) => /Could not connect to the SFTP server/.test(String(d.json.error)))).toBe(true);
			const thrown = await run(signParams(), items, false, dead).catch((e) => e);
			expect(thrown.message).toMatch(/Could not connect to the SFTP server.*\(item 1\)/);
		});

		it('a rejected second chunk without continue-on-fail names its first item', async () => {
			sim.control.inject('status500', 1, '/api/FirmadorHashMasivo', 1);
			const hexes = [0, 1, 2, 3].map((i) => sha1(`chunk item ${i}`));
			const error = await run(
				hashSign((i: number) => hexes[i], { batch: true, batchSize: 2 }),
				hexes.map(() => ({ json: {} })),
			).catch((e) => e);
			expect(error.message).toMatch(/Error de servidor/);
			expect(error.context.itemIndex).toBe(2);
		});
	});

	describe('SFTP: the host key', () => {
		it('an empty fingerprint is refused unless Accept Any Host Key is on, and then every item says so', async () => {
			const before = readdirSync(uploadFolder).length;
			const refused = await run(
				signParams(),
				[{ json: {}, binary: { data: memoryBinary(pdf('hk'), 'hk.pdf') } }],
				true,
				withSftp({ hostKeyFingerprint: '  ' }),
			);
			expect(refused[0].json.error).toBe('The Firmador SFTP credential has no Host Key Fingerprint (item 1)');
			expect(readdirSync(uploadFolder).length).toBe(before);
			const allowed = await run(
				signParams(),
				[0, 1].map((i) => ({ json: {}, binary: { data: memoryBinary(pdf(`hk ${i}`), `hk-${i}.pdf`) } })),
				false,
				withSftp({ hostKeyFingerprint: '', allowAnyHostKey: true }),
			);
			expect(allowed).toHaveLength(2);
			for (const item of allowed) {
				expect(item.json.sessionId).toBeDefined();
				expect(item.json.warnings).toEqual([expect.stringMatching(/host key was not verified/)]);
			}
			const pinned = await run(signParams(), [{ json: {}, binary: { data: memoryBinary(pdf('hk pinned'), 'hk-pinned.pdf') } }]);
			expect(pinned[0].json.warnings).toBeUndefined();
		});
	});

	describe("SFTP: paths stay inside the credential's folders", () => {
		it('Download Signed refuses a traversing name pattern, an outside folder and control characters, per item, before connecting', async () => {
			mkdirSync(signedFolder, { recursive: true });
			writeFileSync(path.join(signedFolder, 'ok.pdf'), '%PDF-ok');
			const out = await run(
				download({
					fileName: (i: number) => ['ok.pdf', 'ok.pdf', 'ok.pdf', 'a\u0000.pdf', 'ok.pdf'][i],
					signedFileName: (i: number) => (i === 1 ? '../../../../../../etc/passwd' : '{name}'),
					signedFolder: (i: number) => (i === 2 ? '/etc' : i === 4 ? '../signed' : ''),
				}),
				[0, 1, 2, 3, 4].map(() => ({ json: {} })),
				true,
			);
			expect(out.map((o) => o.json.error ?? o.json.remotePath)).toEqual([
				path.join(signedFolder, 'ok.pdf'),
				'Signed File Name "../../../../../../etc/passwd" must be a plain file name without folders (item 2)',
				`Signed Folder "/etc" is outside the credential's folder ${signedFolder} (item 3)`,
				'File Name contains a control character (U+0000) (item 4)',
				`Signed Folder "../signed" contains .. (it must stay inside the credential's folder ${signedFolder}) (item 5)`,
			]);
		});

		it('a $& in a file name stays literal in the signed-name pattern', async () => {
			writeFileSync(path.join(signedFolder, 'a$&b_firmado.pdf'), '%PDF-dollar');
			const out = await run(download({ fileName: 'a$&b.pdf', signedFileName: '{base}_firmado.pdf' }), [{ json: {} }]);
			expect(out[0].json.signedFileName).toBe('a$&b_firmado.pdf');
			expect(Buffer.from(out[0].binary!.data.data, 'base64').toString()).toBe('%PDF-dollar');
		});

		it("Sign refuses an Upload Folder outside the credential's and a NUL in the name; no request, no file", async () => {
			const before = requestCount();
			const files = readdirSync(uploadFolder).length;
			const out = await run(
				signParams({
					fileName: (i: number) => (i === 2 ? 'x\u0000y.pdf' : ''),
					options: (i: number) => ({ uploadFolder: ['../../etc', '/tmp', ''][i] }),
				}),
				[0, 1, 2].map((i) => ({ json: {}, binary: { data: memoryBinary(pdf(`out ${i}`), `out-${i}.pdf`) } })),
				true,
			);
			expect(out.map((o) => o.json.error)).toEqual([
				`Options → Upload Folder "../../etc" contains .. (it must stay inside the credential's folder ${uploadFolder}) (item 1)`,
				`Options → Upload Folder "/tmp" is outside the credential's folder ${uploadFolder} (item 2)`,
				'File Name contains a control character (U+0000) (item 3)',
			]);
			expect(requestCount()).toBe(before);
			expect(readdirSync(uploadFolder).length).toBe(files);
		});

		it('an upload does not replace an existing file unless asked; two items with one name fail the second before any upload', async () => {
			const first = pdf('first');
			await run(signParams({ fileName: 'same.pdf' }), [{ json: {}, binary: { data: memoryBinary(first, 'a.pdf') } }]);
			const second = await run(
				signParams({ fileName: 'same.pdf' }),
				[{ json: {}, binary: { data: memoryBinary(pdf('second'), 'a.pdf') } }],
				true,
			);
			expect(second[0].json.error).toBe(`${path.join(uploadFolder, 'same.pdf')} already exists on the SFTP server (item 1)`);
			expect(second[0].json.errorDescription).toMatch(/Replace Existing File/);
			expect(readFileSync(path.join(uploadFolder, 'same.pdf')).equals(first)).toBe(true);
			const third = pdf('third');
			const replaced = await run(signParams({ fileName: 'same.pdf', options: { overwrite: true } }), [
				{ json: {}, binary: { data: memoryBinary(third, 'a.pdf') } },
			]);
			expect(replaced[0].json.sessionId).toBeDefined();
			// the file on the SFTP server now holds the new bytes (not the first file's), whole, and the signature request names them
			const onServer = readFileSync(path.join(uploadFolder, 'same.pdf'));
			expect(onServer.equals(third)).toBe(true);
			expect(onServer.equals(first)).toBe(false);
			expect(replaced[0].json).toMatchObject({ size: third.length, hash: createHash('sha1').update(third).digest('hex').toUpperCase() });
			expect(readdirSync(uploadFolder).filter((f) => f.endsWith('.part'))).toEqual([]);
			expect(
				JSON.parse(
					sim.control
						.requests()
						.filter((r) => r.url === '/api/Firmador')
						.at(-1)!.body,
				).HashArchivo,
			).toBe(replaced[0].json.hash);
			const before = requestCount();
			const twins = await run(
				signParams({ fileName: 'twin.pdf' }),
				[0, 1].map((i) => ({ json: {}, binary: { data: memoryBinary(pdf(`twin ${i}`), 'x.pdf') } })),
				true,
			);
			expect(twins[0].json.sessionId).toBeDefined();
			expect(twins[1].json.error).toBe(
				`File Name "twin.pdf" is also uploaded by (item 1) to ${path.join(uploadFolder, 'twin.pdf')}; give each item its own name (item 2)`,
			);
			expect(requestCount()).toBe(before + 1);
		});
	});

	describe('names from the server and option values', () => {
		it("the signed XML file name keeps only safe characters of the server's Hash", async () => {
			const out = await run(
				{
					resource: 'xml',
					operation: 'sign',
					xmlSource: 'field',
					xml: '<a>1</a>',
					signerCuil: CUIL,
					companyCuit: CUIT,
					reason: '',
					waitForCompletion: true,
					options: { hash: '../../evil$&name', pollInterval: 1, timeout: 30 },
				},
				[{ json: {} }],
			);
			const signed = await run(
				{
					resource: 'xml',
					operation: 'getSigned',
					sessionId: out[0].json.sessionId,
					matchHash: '../../evil$&name',
					asBinary: true,
					binaryPropertyName: 'data',
				},
				[{ json: {} }],
			);
			expect(signed[0].binary!.data.fileName).toBe('signed-evilname.xml');
		});

		it('an options value from an expression that is not in the list fails its item before any request', async () => {
			const before = requestCount();
			const out = await run(
				{
					...hashSign(sha1('opt')),
					hashSource: (i: number) => (i === 0 ? 'bogus' : 'field'),
					options: (i: number) => (i === 1 ? { hashEncoding: 'utf8' } : {}),
				},
				[{ json: {} }, { json: {} }],
				true,
			);
			expect(out.map((o) => o.json.error)).toEqual([
				'Hash Source "bogus" is not one of: field, binary (item 1)',
				'Options → Hash Byte Encoding "utf8" is not one of: utf16leHex, raw (item 2)',
			]);
			const xml = await run(
				{
					resource: 'xml',
					operation: 'sign',
					xmlSource: 'field',
					xml: '<a/>',
					signerCuil: CUIL,
					companyCuit: CUIT,
					reason: '',
					options: { hashControl: 'md5' },
				},
				[{ json: {} }],
				true,
			);
			expect(xml[0].json.error).toBe('Options → Hash Control "md5" is not one of: custom, none, sha1, sha256 (item 1)');
			const cred = await run(hashSign(sha1('cred opt')), [{ json: {} }], true, withApi({ keyEncoding: 'hex' }));
			expect(cred[0].json.error).toBe('Firmador API credential → Secret Encoding "hex" is not one of: base64, text (item 1)');
			expect(requestCount()).toBe(before);
			expect(existsSync(uploadFolder)).toBe(true);
		});
	});
});

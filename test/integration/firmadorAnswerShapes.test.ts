/**
 * Issue #18 (Firmador): every answer shape and every reading of the signature, with the simulator switched
 * to each at run time. Each case failed on the code before this issue (a wrong answer with no error, a
 * live request abandoned, a phrase swallowed until the timeout, or a 401 no setting could fix).
 * The node runs through its execute() (n8n-core's real HTTP + the credential's authenticate()).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ICredentialTestFunctions, INodeExecutionData } from 'n8n-workflow';

import { firmadorApiTest } from '../../nodes/Firmador/methods/credentialTest';
import { DEFAULT_SWITCHES, startFirmadorSimulator, type FirmadorSimulator, type SwitchableOptions } from '../simulators/firmador/server';
import { runFirmador, type Param } from '../support/nodeContext';

jest.setTimeout(120_000);

const CUIL = '20111111112';
const CUIT = '30500010912';
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex').toUpperCase();

describe('Firmador: every answer shape and reading (#18)', () => {
	let sim: FirmadorSimulator;
	let api: Record<string, unknown>;

	beforeAll(async () => {
		const root = mkdtempSync(path.join(tmpdir(), 'firmador-shapes-'));
		sim = await startFirmadorSimulator({ uploadFolder: path.join(root, 'upload'), signedFolder: path.join(root, 'signed') });
		const app = sim.apps[0];
		api = { baseUrl: sim.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat };
	});
	afterAll(async () => await sim?.close());
	afterEach(() => sim.control.configure({ ...DEFAULT_SWITCHES }));

	const run = async (
		parameters: Record<string, Param>,
		items: INodeExecutionData[] = [{ json: {} }],
		continueOnFail = true,
		extra: Record<string, unknown> = {},
	) => await runFirmador({ parameters, items, credentials: { firmadorApi: { ...api, ...extra } as never }, continueOnFail });
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
	const signedSession = async (label: string) => {
		const out = await run(hashSign(sha1(label), { waitForCompletion: true, pollInterval: 1, timeout: 30 }), [{ json: {} }], false);
		expect(out[0].json.status).toBe('signed');
		return out[0].json.sessionId as string;
	};
	const getSigned = (sessionId: Param, matchHash: Param = '') => ({ resource: 'hash', operation: 'getSigned', sessionId, matchHash });
	const getStatus = (sessionIds: Param) => ({ resource: 'request', operation: 'getStatus', sessionIds, options: {} });

	describe('HashFirmado as Base64, hex or a byte array', () => {
		it.each(['base64', 'hex', 'bytes'] as const)('%s: signed, and the signature comes out as the same Base64', async (form) => {
			const id = await signedSession(`form ${form}`);
			const reference = await run(getSigned(id));
			const base64 = reference[0].json.signedHash as string;
			expect(base64).toMatch(/^[A-Za-z0-9+/]{300,}={0,2}$/);
			sim.control.configure({ signedHashForm: form });
			const out = await run(getSigned(id));
			expect(out[0].json).toMatchObject({ signed: true, signedHash: base64, signedHashForm: form });
			if (form === 'bytes') expect(Array.isArray((out[0].json.response as { HashFirmado: unknown }).HashFirmado)).toBe(true);
		});
	});

	describe('keys in another case', () => {
		it.each(['camel', 'lower'] as const)("%s keys: statuses, signed hashes and waits read as with the seed's keys", async (keyCase) => {
			sim.control.configure({ keyCase });
			const signed = await run(
				hashSign(sha1(`case ${keyCase}`), { waitForCompletion: true, pollInterval: 1, timeout: 30 }),
				[{ json: {} }],
				false,
			);
			expect(signed[0].json).toMatchObject({ status: 'signed', statusCode: 4, final: true });
			const id = signed[0].json.sessionId as string;
			const status = await run(getStatus(id));
			expect(status[0].json).toMatchObject({ sessionId: id, status: 'signed', statusCode: 4 });
			const result = await run(getSigned(id, sha1(`case ${keyCase}`)));
			expect(result[0].json).toMatchObject({ signed: true, hash: sha1(`case ${keyCase}`), cuil: CUIL });
		});
		it('an answer with none of the expected keys is an error that lists what arrived', async () => {
			const id = await signedSession('foreign');
			sim.control.inject('foreignShape', 1, '/api/EstadoSolicitud');
			const status = await run(getStatus(id));
			expect(status[0].json.error).toBe(
				'Firmador answered GET /api/EstadoSolicitud in an unexpected form: none of its 1 entries has SessionID (in any case); the first had Id, State (item 1)',
			);
			sim.control.inject('foreignShape', 1, '/api/HashFirmado');
			const signed = await run(getSigned(id));
			expect(signed[0].json.error).toBe(
				'Firmador answered GET /api/HashFirmado in an unexpected form: none of its 1 entries has Hash, HashFirmado or DetalleError (in any case); the first had Id, State (item 1)',
			);
			expect(signed[0].json.signed).toBe(false);
			// and a wait does not time out quietly on it
			sim.control.inject('foreignShape', 1, '/api/EstadoSolicitud');
			const started = Date.now();
			const waited = await run({
				resource: 'request',
				operation: 'waitForCompletion',
				sessionIds: id,
				options: { pollInterval: 1, timeout: 300 },
			});
			expect(Date.now() - started).toBeLessThan(10_000);
			expect(waited[0].json.error).toMatch(/unexpected form: none of its 1 entries has SessionID/);
		});
	});

	describe('CodigoEstado 1', () => {
		it('"Esperando validación del firmante" or no message keeps the wait going (Decide by Message); the setting can force either reading', async () => {
			for (const message of ['Esperando validación del firmante', '']) {
				sim.control.configure({ code1Pending: true, code1Message: message });
				const id = (await run(hashSign(sha1(`code1 ${message}`)), [{ json: {} }], false))[0].json.sessionId as string;
				sim.control.hold(id);
				const pending = await run(getStatus(id));
				expect(pending[0].json).toMatchObject({ statusCode: 1, status: 'pendingValidation', final: false, statusFrom: 'message' });
				expect(pending[0].json.statusReason).toEqual(expect.stringContaining('waiting for the signer'));
				const expired = await run(getStatus(id), [{ json: {} }], true, { status1Means: 'expired' });
				expect(expired[0].json).toMatchObject({ statusCode: 1, status: 'validationExpired', final: true, statusFrom: 'setting' });
				sim.control.hold(id, false);
				const waited = await run({
					resource: 'request',
					operation: 'waitForCompletion',
					sessionIds: id,
					options: { pollInterval: 1, timeout: 30 },
				});
				expect(waited[0].json.status).toBe('signed');
			}
		});
		it("Always Pending reads even the table's expiry text as pending", async () => {
			sim.control.setNextOutcome(1);
			const id = (await run(hashSign(sha1('always pending')), [{ json: {} }], false))[0].json.sessionId as string;
			sim.control.setNextOutcome(4);
			await run(getStatus(id)); // 0 → 1
			const out = await run(getStatus(id), [{ json: {} }], true, { status1Means: 'pending' });
			expect(out[0].json).toMatchObject({
				statusCode: 1,
				status: 'pendingValidation',
				statusFrom: 'setting',
				statusMessage: 'El tiempo para validar la Solicitud ha expirado',
			});
		});
	});

	it('DetalleError next to a signature: signed, the text in detail; without a signature it is an error', async () => {
		const id = await signedSession('detail with signature');
		sim.control.configure({ detailWithSignature: 'Firmado con advertencias' });
		const out = await run(getSigned(id));
		expect(out[0].json).toMatchObject({ signed: true, detail: 'Firmado con advertencias' });
		expect(out[0].json.signedHash).toEqual(expect.stringMatching(/^[A-Za-z0-9+/]+=*$/));
		expect(out[0].json.error).toBeUndefined();
	});

	it('Get Signed before the request is final, or of an unknown session, says to wait first; a hash not in the session says which ones it holds', async () => {
		const pendingId = (await run(hashSign(sha1('not yet'))))[0].json.sessionId as string;
		sim.control.hold(pendingId);
		const early = await run(getSigned(pendingId, sha1('not yet')));
		expect(early[0].json).toMatchObject({ signed: false, sessionId: pendingId });
		expect(early[0].json.error).toMatch(/^Firmador reports for hash [0-9A-F]{40} of session .*: La Solicitud no ha sido validada aún/);
		const unknown = await run(getSigned('no-such-session'));
		expect(unknown[0].json).toMatchObject({
			signed: false,
			error: 'Session ID no-such-session has no results: not signed yet, or not a session of this account (item 1)',
		});
		expect(unknown[0].json.errorDescription).toMatch(/^Run Request → Wait for Completion first/);
		const id = await signedSession('held hash');
		const wrong = await run(getSigned(id, sha1('another')));
		expect(wrong[0].json).toMatchObject({
			signed: false,
			error: `Only Hash ${sha1('another')} is not in session ${id} (it holds ${sha1('held hash')}) (item 1)`,
		});
	});

	it('a 400 to the status query names the SessionsID[] on the Wire setting', async () => {
		const id = await signedSession('bad request');
		sim.control.inject('status400', 1, '/api/EstadoSolicitud');
		const out = await run(getStatus(id));
		expect(out[0].json.error).toBe('Firmador answered HTTP 400 Bad Request: The request is invalid (item 1)');
		expect(out[0].json.errorDescription).toMatch(
			/switch "SessionsID\[\] on the Wire" in the Firmador API credential \(Literal Brackets ⇄ Percent-Encoded\); the credential's Test tries both/,
		);
	});

	describe('the request Hash bytes: the node runs against each form the server may expect', () => {
		it.each([
			['utf16leHex', 'utf16leHex'],
			['raw', 'raw'],
		] as const)(
			"server expects %s: Hash Byte Encoding %s signs; the other form is refused with the server's phrase",
			async (server, option) => {
				sim.control.configure({ hashEncoding: server });
				const ok = await run(
					hashSign(sha1(`bytes ${server}`), { hashEncoding: option, waitForCompletion: true, pollInterval: 1, timeout: 30 }),
					[{ json: {} }],
					false,
				);
				expect(ok[0].json.status).toBe('signed');
				const back = await run(getSigned(ok[0].json.sessionId as string, sha1(`bytes ${server}`)));
				expect(back[0].json).toMatchObject({ signed: true, hash: sha1(`bytes ${server}`) });
				const other = await run(hashSign(sha1(`bytes ${server} other`), { hashEncoding: option === 'raw' ? 'utf16leHex' : 'raw' }));
				expect(other[0].json.error).toBe('Debe enviar el hash del archivo (item 1)');
			},
		);
	});

	describe("the signature's readings: a server that differs answers 401 until the credential says the same", () => {
		const readings: Array<[SwitchableOptions, Record<string, string>]> = [
			[{ urlEncoder: 'uriEscapeDataString' }, { urlEncoder: 'uriEscapeDataString' }],
			[{ emptyBodyHash: 'md5OfEmpty' }, { emptyBodyHash: 'md5OfEmpty' }],
			[{ authorizationOrder: 'signatureTimestampNonce' }, { authorizationOrder: 'signatureTimestampNonce' }],
			[{ authorizationOrder: 'timestampNonceSignature' }, { authorizationOrder: 'timestampNonceSignature' }],
		];
		it.each(readings)('server %j: the defaults get 401 on the status query, the matching setting works', async (server, setting) => {
			const id = await signedSession(`reading ${JSON.stringify(server)}`);
			sim.control.configure(server);
			const refused = await run(getStatus(id));
			expect(refused[0].json).toMatchObject({ httpCode: '401' });
			expect(refused[0].json.errorDescription).toMatch(/click Test: it tries the other readings/);
			const ok = await run(getStatus(id), [{ json: {} }], true, setting);
			expect(ok[0].json).toMatchObject({ status: 'signed' });
		});
	});

	describe('the credential Test finds the settings the server accepts', () => {
		const test = async (extra: Record<string, unknown> = {}) =>
			await firmadorApiTest.call({} as ICredentialTestFunctions, {
				id: '1',
				name: 'firmador',
				type: 'firmadorApi',
				data: { ...api, ...extra } as never,
			});
		it('with the right settings: OK in one request', async () => {
			const before = sim.control.requests().length;
			expect(await test()).toEqual({ status: 'OK', message: 'Firmador accepted the signature with these settings' });
			expect(sim.control.requests().length - before).toBe(1);
		});
		it.each<[SwitchableOptions, string]>([
			[{ signedUri: 'pathAndQuery' }, 'URI to Sign = Path and Query'],
			[{ urlEncoder: 'uriEscapeDataString' }, 'URL Encoder = Uri.EscapeDataString (%3A)'],
			[{ emptyBodyHash: 'md5OfEmpty' }, 'Empty Body Hash = MD5 of Empty'],
			[{ authorizationOrder: 'signatureTimestampNonce' }, 'Authorization Field Order = AppId:Signature:Timestamp:Nonce'],
			[
				{ signedUri: 'pathAndQuery', emptyBodyHash: 'md5OfEmpty', authorizationOrder: 'timestampNonceSignature' },
				'URI to Sign = Path and Query; Empty Body Hash = MD5 of Empty; Authorization Field Order = AppId:Timestamp:Nonce:Signature',
			],
			[
				{
					urlEncoder: 'uriEscapeDataString',
					signedUri: 'pathAndQuery',
					emptyBodyHash: 'md5OfEmpty',
					authorizationOrder: 'signatureTimestampNonce',
				},
				'URI to Sign = Path and Query; URL Encoder = Uri.EscapeDataString (%3A); Empty Body Hash = MD5 of Empty; Authorization Field Order = AppId:Signature:Timestamp:Nonce',
			],
		])('server %j → "Your server accepts: %s", and those settings then work', async (server, expected) => {
			sim.control.configure(server);
			const result = await test();
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(new RegExp(`Your server accepts: ${expected.replace(/[()[\]%]/g, (c) => `\\${c}`)}\\. Set`));
			// the settings it names are the ones that work
			const named: Record<string, string> = {
				'URI to Sign = Path and Query': 'uriToSign=pathAndQuery',
				'URL Encoder = Uri.EscapeDataString (%3A)': 'urlEncoder=uriEscapeDataString',
				'Empty Body Hash = MD5 of Empty': 'emptyBodyHash=md5OfEmpty',
				'Authorization Field Order = AppId:Signature:Timestamp:Nonce': 'authorizationOrder=signatureTimestampNonce',
				'Authorization Field Order = AppId:Timestamp:Nonce:Signature': 'authorizationOrder=timestampNonceSignature',
			};
			const settings = Object.fromEntries(expected.split('; ').map((part) => named[part].split('=')));
			expect(await test(settings)).toEqual({ status: 'OK', message: 'Firmador accepted the signature with these settings' });
		});
		it('encoded brackets on a server that signs the decoded URI: names URI Form Signed', async () => {
			sim.control.configure({ signedUriForm: 'decoded' });
			const result = await test({ queryBrackets: 'encoded' });
			expect(result.message).toMatch(
				/Your server accepts: (URI Form Signed = Decoded|SessionsID\[\] on the Wire = Literal Brackets)\. Set it/,
			);
		});
		it('a wrong secret: every reading tried, then a plain answer', async () => {
			const before = sim.control.requests().length;
			const result = await test({ secret: Buffer.from('another key entirely, 32 bytes!!').toString('base64') });
			expect(result.status).toBe('Error');
			expect(result.message).toBe(
				"Firmador refused the signature (HTTP 401) with every reading of the document (144 tried): check App ID and Secret, and that this machine's clock is right (requests older than 5 minutes are refused)",
			);
			expect(sim.control.requests().length - before).toBe(144);
		});
	});
});

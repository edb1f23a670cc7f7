/**
 * Fault injection on every endpoint the Firmador node uses, one fault per case, through the simulator:
 * reset before the server acts, reset after it acted, no answer (the request timeout fires), 500/502/503,
 * 429 without Retry-After, a 200 with malformed JSON, and the right answer in a slow drip.
 * Expected: safe GETs are retried and every item succeeds; a POST is sent once (never retried: no second
 * signing session), its item fails saying whether Firmador may have acted, and the other item is untouched.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import { FAULT_ACTS, startFirmadorSimulator, type FaultKind, type FirmadorSimulator } from '../simulators/firmador/server';
import { memoryBinary, runFirmador, type Param } from '../support/nodeContext';
import { startSshd, type SshdServer } from '../support/sshd';

jest.setTimeout(300_000);

const CUIL = '20111111112';
const CUIT = '30500010912';
const FAULTS: FaultKind[] = ['resetBefore', 'resetAfter', 'hang', 'status500', 'status502', 'status503', 'status429', 'malformed', 'drip'];
/** What the node can honestly say about a POST after each fault (it cannot tell a reset before from one after). */
const MAY_HAVE_ACTED: Record<FaultKind, boolean | undefined> = {
	resetBefore: true,
	resetAfter: true,
	hang: true,
	status500: true,
	status502: true,
	status503: false,
	status429: false,
	malformed: true,
	drip: undefined,
	noContent: false,
	noContentPhrase: false,
	foreignShape: false,
	status400: false,
};
const MESSAGE: Record<FaultKind, RegExp> = {
	resetBefore: /^Could not reach Firmador \(POST \/api\/\w+\): connection reset/,
	resetAfter: /^Could not reach Firmador \(POST \/api\/\w+\): connection reset/,
	hang: /^Could not reach Firmador \(POST \/api\/\w+\): no answer within the request timeout/,
	status500: /^Firmador server error: Error de servidor/,
	status502: /^Firmador server error: Bad Gateway/,
	status503: /^Firmador server error: Service Unavailable/,
	status429: /^Firmador is limiting requests \(HTTP 429\) on POST/,
	malformed: /^Firmador answered POST \/api\/\w+ with a body that is not valid JSON/,
	drip: /never/,
	noContent: /never/,
	noContentPhrase: /never/,
	foreignShape: /never/,
	status400: /never/,
};

let counter = 0;
const unique = (label: string) => `${label}-${++counter}-${randomBytes(3).toString('hex')}`;
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex').toUpperCase();
const pdf = (label: string) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${label}\n`), randomBytes(300), Buffer.from('\n%%EOF\n')]);

describe('Firmador under injected faults (every endpoint × every fault)', () => {
	let sshd: SshdServer;
	let sim: FirmadorSimulator;
	let credentials: Record<string, any>;
	const tally = { injected: 0, survived: 0, itemsLost: 0, duplicateSessions: 0, cases: 0 };
	const signed: { hash: string[]; hashSessions: string[]; xml: string[]; xmlSessions: string[] } = {
		hash: [],
		hashSessions: [],
		xml: [],
		xmlSessions: [],
	};

	const run = async (parameters: Record<string, Param>, items: INodeExecutionData[]) =>
		await runFirmador({ parameters, items, credentials, continueOnFail: true });

	beforeAll(async () => {
		sshd = await startSshd();
		const uploadFolder = path.join(sshd.root, 'upload');
		const signedFolder = path.join(sshd.root, 'signed');
		sim = await startFirmadorSimulator({ uploadFolder, signedFolder });
		const app = sim.apps[0];
		credentials = {
			// 1 s request timeout keeps the "no answer" cases fast; the drip's gaps are 40 ms.
			firmadorApi: { baseUrl: sim.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat, timeoutSeconds: 1 },
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
		// two signed hash sessions and two signed XML sessions for the GET endpoints
		for (let i = 0; i < 2; i++) {
			const hash = sha1(`fault get ${i}`);
			const out = await run(
				{
					resource: 'hash',
					operation: 'sign',
					hashSource: 'field',
					hash,
					signerCuil: CUIL,
					companyCuit: CUIT,
					waitForCompletion: true,
					options: { pollInterval: 1, timeout: 30 },
				},
				[{ json: {} }],
			);
			signed.hash.push(hash);
			signed.hashSessions.push(out[0].json.sessionId as string);
			const xml = await run(
				{
					resource: 'xml',
					operation: 'sign',
					xmlSource: 'field',
					xml: `<f>${i}</f>`,
					signerCuil: CUIL,
					companyCuit: CUIT,
					reason: '',
					waitForCompletion: true,
					options: { pollInterval: 1, timeout: 30 },
				},
				[{ json: {} }],
			);
			signed.xml.push(xml[0].json.hash as string);
			signed.xmlSessions.push(xml[0].json.sessionId as string);
		}
	});
	afterAll(async () => {
		// The figures for the README and the report.
		console.log(`FAULT TALLY ${JSON.stringify({ ...tally, injected: sim?.control.faultsFired() })}`);
		await sim?.close();
		await sshd?.stop();
	});

	type Post = { path: string; params: () => { parameters: Record<string, Param>; items: INodeExecutionData[] } };
	const pdfItems = () => [0, 1].map((i) => ({ json: {}, binary: { data: memoryBinary(pdf(unique(`p${i}`)), `${unique('fault')}.pdf`) } }));
	const posts: Post[] = [
		{
			path: '/api/Firmador',
			params: () => ({
				parameters: {
					resource: 'document',
					operation: 'sign',
					binaryPropertyName: 'data',
					fileName: '',
					signerCuil: CUIL,
					companyCuit: CUIT,
					reason: '',
					visible: false,
					options: {},
				},
				items: pdfItems(),
			}),
		},
		{
			path: '/api/FirmadorMasivo',
			params: () => ({
				parameters: {
					resource: 'document',
					operation: 'sign',
					binaryPropertyName: 'data',
					fileName: '',
					signerCuil: CUIL,
					companyCuit: CUIT,
					reason: '',
					visible: false,
					options: { batch: true, batchSize: 1 },
				},
				items: pdfItems(),
			}),
		},
		{
			path: '/api/FirmadorHash',
			params: () => {
				const h = [sha1(unique('h')), sha1(unique('h'))];
				return {
					parameters: {
						resource: 'hash',
						operation: 'sign',
						hashSource: 'field',
						hash: (i: number) => h[i],
						signerCuil: CUIL,
						companyCuit: CUIT,
						options: {},
					},
					items: [{ json: {} }, { json: {} }],
				};
			},
		},
		{
			path: '/api/FirmadorHashMasivo',
			params: () => {
				const h = [sha1(unique('hm')), sha1(unique('hm'))];
				return {
					parameters: {
						resource: 'hash',
						operation: 'sign',
						hashSource: 'field',
						hash: (i: number) => h[i],
						signerCuil: CUIL,
						companyCuit: CUIT,
						options: { batch: true, batchSize: 1 },
					},
					items: [{ json: {} }, { json: {} }],
				};
			},
		},
		{
			path: '/api/FirmadorXmlMasivo',
			params: () => {
				const x = [`<a>${unique('x')}</a>`, `<a>${unique('x')}</a>`];
				return {
					parameters: {
						resource: 'xml',
						operation: 'sign',
						xmlSource: 'field',
						xml: (i: number) => x[i],
						signerCuil: CUIL,
						companyCuit: CUIT,
						reason: '',
						options: { batchSize: 1 },
					},
					items: [{ json: {} }, { json: {} }],
				};
			},
		},
	];

	const cases = posts.flatMap((post) => FAULTS.map((fault) => [post.path, fault, post] as const));
	it.each(cases)(
		'POST %s meets %s: sent once, its item says whether Firmador may have acted, the other item is signed',
		async (endpoint, fault, post) => {
			tally.cases++;
			const { parameters, items } = post.params();
			const sessionsBefore = sim.control.sessions().length;
			const postsBefore = sim.control.requests().filter((r) => r.url === endpoint).length;
			sim.control.inject(fault, 1, endpoint);
			const out = await run(parameters, items);
			// no item lost, in order
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			if (out.length !== 2) tally.itemsLost += Math.abs(2 - out.length);
			// the POST was sent exactly once per item: no automatic retry
			expect(sim.control.requests().filter((r) => r.url === endpoint).length - postsBefore).toBe(2);
			const created = sim.control.sessions().length - sessionsBefore;
			const expectedSessions = FAULT_ACTS[fault] ? 2 : 1;
			if (created > expectedSessions) tally.duplicateSessions += created - expectedSessions;
			expect(created).toBe(expectedSessions);
			expect(out[1].json.sessionId).toEqual(expect.any(String));
			if (fault === 'drip') {
				expect(out[0].json.sessionId).toEqual(expect.any(String));
			} else {
				expect(out[0].json.error).toMatch(MESSAGE[fault]);
				expect(out[0].json.remoteMayHaveActed).toBe(MAY_HAVE_ACTED[fault]);
				expect(String(out[0].json.errorDescription)).toMatch(
					MAY_HAVE_ACTED[fault] ? /may have received and acted/ : /did not act on this request/,
				);
				expect(out[0].json.sessionId).toBeUndefined();
			}
			tally.survived++;
		},
	);

	type Get = {
		path: string;
		params: () => { parameters: Record<string, Param>; items: INodeExecutionData[] };
		check: (out: INodeExecutionData[]) => void;
	};
	const gets: Get[] = [
		{
			path: '/api/EstadoSolicitud',
			params: () => ({
				parameters: { resource: 'request', operation: 'getStatus', sessionIds: (i: number) => signed.hashSessions[i], options: {} },
				items: [{ json: {} }, { json: {} }],
			}),
			check: (out) =>
				expect(out.map((o) => [o.json.sessionId, o.json.status])).toEqual([
					[signed.hashSessions[0], 'signed'],
					[signed.hashSessions[1], 'signed'],
				]),
		},
		{
			path: '/api/HashFirmado',
			params: () => ({
				parameters: {
					resource: 'hash',
					operation: 'getSigned',
					sessionId: (i: number) => signed.hashSessions[i],
					matchHash: (i: number) => signed.hash[i],
				},
				items: [{ json: {} }, { json: {} }],
			}),
			check: (out) =>
				expect(out.map((o) => [o.json.hash, o.json.signed])).toEqual([
					[signed.hash[0], true],
					[signed.hash[1], true],
				]),
		},
		{
			path: '/api/XmlFirmado',
			params: () => ({
				parameters: {
					resource: 'xml',
					operation: 'getSigned',
					sessionId: (i: number) => signed.xmlSessions[i],
					matchHash: (i: number) => signed.xml[i],
					asBinary: false,
				},
				items: [{ json: {} }, { json: {} }],
			}),
			check: (out) =>
				expect(out.map((o) => [o.json.hash, o.json.signed])).toEqual([
					[signed.xml[0], true],
					[signed.xml[1], true],
				]),
		},
	];
	const getCases = gets.flatMap((get) => FAULTS.map((fault) => [get.path, fault, get] as const));
	it.each(getCases)('GET %s meets %s: retried, every item gets its result', async (endpoint, fault, get) => {
		tally.cases++;
		const { parameters, items } = get.params();
		const sessionsBefore = sim.control.sessions().length;
		sim.control.inject(fault, 1, endpoint);
		const out = await run(parameters, items);
		expect(out.map((o) => o.json.error)).toEqual([undefined, undefined]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		get.check(out);
		expect(sim.control.sessions().length).toBe(sessionsBefore);
		tally.survived++;
	});

	it('a GET that keeps failing gives up after the bounded retries with an error on every item', async () => {
		sim.control.inject('status503', 3, '/api/EstadoSolicitud');
		const before = sim.control.requests().filter((r) => r.url.startsWith('/api/EstadoSolicitud')).length;
		const out = await run({ resource: 'request', operation: 'getStatus', sessionIds: (i: number) => signed.hashSessions[i], options: {} }, [
			{ json: {} },
			{ json: {} },
		]);
		expect(out.map((o) => o.json.error)).toEqual([
			expect.stringMatching(/Service Unavailable/),
			expect.stringMatching(/Service Unavailable/),
		]);
		expect(sim.control.requests().filter((r) => r.url.startsWith('/api/EstadoSolicitud')).length - before).toBe(3);
	});

	it('a wait that fails after the request was sent keeps every session id (continue on fail) or names them (otherwise)', async () => {
		const hashes = [sha1(unique('w')), sha1(unique('w'))];
		sim.control.inject('status503', 3, '/api/EstadoSolicitud');
		const out = await run(
			{
				resource: 'hash',
				operation: 'sign',
				hashSource: 'field',
				hash: (i: number) => hashes[i],
				signerCuil: CUIL,
				companyCuit: CUIT,
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 30 },
			},
			[{ json: {} }, { json: {} }],
		);
		expect(out.map((o) => typeof o.json.sessionId)).toEqual(['string', 'string']);
		expect(
			out.every((o) =>
				/^Waiting for the signature failed after the request was sent: Firmador server error: Service Unavailable/.test(
					String(o.json.error),
				),
			),
		).toBe(true);
		sim.control.inject('status503', 3, '/api/EstadoSolicitud');
		const error = await runFirmador({
			parameters: {
				resource: 'hash',
				operation: 'sign',
				hashSource: 'field',
				hash: sha1(unique('w')),
				signerCuil: CUIL,
				companyCuit: CUIT,
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 30 },
			},
			items: [{ json: {} }],
			credentials,
		}).catch((e) => e);
		const session = sim.control.sessions().at(-1)!.id;
		expect(error.message).toMatch(/^Waiting for the signature failed after the request was sent/);
		expect(error.description).toContain(session);
	});
});

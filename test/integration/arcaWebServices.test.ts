/**
 * Web Service → Get Access Ticket, Call and Get Last Request XML through n8n-core's real HTTP path,
 * against the Afip SDK and WSAA simulators sharing one ARCA (certificate → authorize → ticket → call).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { forgetRememberedTickets, STATIC_KEY } from '../../nodes/ArcaAutomation/actions/ticket';
import { ArcaAutomation } from '../../nodes/ArcaAutomation/ArcaAutomation.node';
import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { createArcaState, type ArcaState } from '../simulators/arcaState';
import { startWsaaSimulator, type WsaaSimulator } from '../simulators/wsaa/server';
import { memoryBinary, runNode, type NodeRunOptions } from '../support/nodeContext';
import { startRedirectPair } from '../support/redirects';

jest.setTimeout(120_000);

const CUIT = '20409378472';
let arca: ArcaState;
let afipSdk: AfipSdkSimulator;
let wsaa: WsaaSimulator;
let cert: { certPem: string; keyPem: string };
let credentials: Record<string, IDataObject>;

const subject = (alias: string) => `/C=AR/O=${alias}/CN=${alias}/serialNumber=CUIT ${CUIT}`;

beforeAll(async () => {
	arca = createArcaState();
	afipSdk = await startAfipSdkSimulator({ arca, pollsUntilDone: 0 });
	wsaa = await startWsaaSimulator({ arca });
	cert = arca.cas.dev.issue({ subject: subject('facturacion'), days: 730, keyFormat: 'pkcs1' });
	for (const service of ['wsfe', 'ws_sr_constancia_inscripcion']) arca.authorize('dev', CUIT, 'facturacion', service);
	credentials = {
		afipSdkApi: { accessToken: 'demo-access-token', baseUrl: afipSdk.baseUrl },
		arcaLogin: { cuit: CUIT, username: CUIT, password: 'demo-clave-fiscal', allowedAfipSdkHost: '127.0.0.1' },
	};
});

afterAll(async () => {
	await Promise.all([afipSdk?.close(), wsaa?.close()]);
	arca?.dispose();
});

beforeEach(() => {
	arca.tickets.clear();
	forgetRememberedTickets();
});

const certItem = (pair = cert): INodeExecutionData => ({
	json: {},
	binary: {
		certificate: memoryBinary(Buffer.from(pair.certPem), 'c.crt.pem', 'application/x-pem-file'),
		privateKey: memoryBinary(Buffer.from(pair.keyPem.replace(/\n/g, '\r\n')), 'c.key.pem', 'application/x-pem-file'),
	},
});

const ticketParams = (extra: IDataObject = {}): IDataObject => ({
	resource: 'webService',
	operation: 'getAccessTicket',
	environment: 'dev',
	service: 'wsfe',
	source: 'wsaa',
	certificateInput: 'binary',
	options: { wsaaUrl: wsaa.loginUrl.dev },
	...extra,
});

async function run(parameters: IDataObject | IDataObject[], extra: Partial<NodeRunOptions> = {}) {
	const items = extra.items ?? (Array.isArray(parameters) ? parameters.map(() => certItem()) : [certItem()]);
	return await runNode(new ArcaAutomation(), { parameters, credentials, items, ...extra });
}

const allText = (value: unknown) => JSON.stringify(value);

describe('Get Access Ticket, directly from WSAA', () => {
	test('a ticket from the certificate and key in binary fields; no token or sign unless asked; the CUIT from the certificate', async () => {
		const before = wsaa.stats.loginRequests;
		const { output } = await run(ticketParams());
		expect(output[0].json).toMatchObject({ source: 'wsaa', environment: 'dev', service: 'wsfe', cuit: CUIT, reused: false });
		expect(Date.parse(String(output[0].json.expirationTime)) - Date.now()).toBeGreaterThan(11 * 3600_000);
		expect(output[0].json.token).toBeUndefined();
		expect(output[0].json.sign).toBeUndefined();
		expect(wsaa.stats.loginRequests).toBe(before + 1);
	});

	test('the ticket is kept in static data (no private key) and reused by the next execution: no WSAA request', async () => {
		const staticData: IDataObject = {};
		await run(ticketParams(), { staticData });
		const stored = Object.values(staticData[STATIC_KEY] as IDataObject);
		expect(stored).toHaveLength(1);
		expect(allText(staticData)).not.toContain('PRIVATE KEY');
		expect(allText(staticData)).not.toContain(cert.keyPem.split('\n')[1]);
		forgetRememberedTickets(); // a new process: only the saved static data is left
		const before = wsaa.stats.loginRequests;
		const { output } = await run(ticketParams({ includeTokenAndSign: true }), { staticData });
		expect(output[0].json).toMatchObject({ reused: true });
		expect(output[0].json.token).toBe((stored[0] as IDataObject).token);
		expect(arca.ticketFor(output[0].json.token, output[0].json.sign)).toBeDefined();
		expect(wsaa.stats.loginRequests).toBe(before);
	});

	test("manual executions (static data not saved) reuse the ticket from this process's memory", async () => {
		await run(ticketParams(), { staticData: {} });
		const before = wsaa.stats.loginRequests;
		const { output } = await run(ticketParams(), { staticData: {} });
		expect(output[0].json.reused).toBe(true);
		expect(wsaa.stats.loginRequests).toBe(before);
	});

	test("an execution that reuses the ticket from this process's memory puts it in its own static data (n8n saves that over the earlier save)", async () => {
		const first: IDataObject = {};
		await run(ticketParams(), { staticData: first });
		// Loaded before the first execution's static data was saved: no ticket in it.
		const second: IDataObject = {};
		const { output } = await run(ticketParams(), { staticData: second });
		expect(output[0].json.reused).toBe(true);
		expect(Object.keys(first[STATIC_KEY] as IDataObject)).toHaveLength(1);
		expect(second[STATIC_KEY]).toEqual(first[STATIC_KEY]);
	});

	test('an execution that only reuses the ticket its static data holds does not write the static data (n8n then does not save it)', async () => {
		const staticData: IDataObject = {};
		await run(ticketParams(), { staticData });
		const saved = staticData[STATIC_KEY];
		const { output } = await run(ticketParams(), { staticData });
		expect(output[0].json.reused).toBe(true);
		// Not even assigned again: n8n marks static data changed on any assignment, and saves all of it.
		expect(staticData[STATIC_KEY]).toBe(saved);
	});

	test('concurrent executions without a ticket (each with its own static data, as production ones load it) share one WSAA request', async () => {
		// WSAA answers after 200 ms: all ten ask while the first request is under way.
		wsaa.control.responseDelayMs = 200;
		try {
			const before = wsaa.stats.loginRequests;
			const runs = await Promise.all(
				Array.from({ length: 10 }, async () => await run(ticketParams(), { staticData: {}, continueOnFail: true })),
			);
			const outputs = runs.map(({ output }) => output[0].json);
			expect(outputs.filter((o) => o.error !== undefined)).toEqual([]);
			expect(wsaa.stats.loginRequests - before).toBe(1);
			expect(outputs.filter((o) => o.reused === false)).toHaveLength(1);
			expect(new Set(outputs.map((o) => o.expirationTime)).size).toBe(1);
		} finally {
			wsaa.control.responseDelayMs = 0;
		}
	});

	test('concurrent executions whose shared request fails: each asks once on its own and reports its own error', async () => {
		wsaa.control.responseDelayMs = 100;
		const otherCert = arca.cas.dev.issue({ subject: subject('sinautorizar'), days: 730, keyFormat: 'pkcs1' });
		try {
			const before = wsaa.stats.loginRequests;
			const runs = await Promise.all(
				Array.from(
					{ length: 3 },
					async () => await run(ticketParams(), { staticData: {}, continueOnFail: true, items: [certItem(otherCert)] }),
				),
			);
			for (const { output } of runs) expect(String(output[0].json.error)).toContain('has not authorized this certificate');
			expect(wsaa.stats.loginRequests - before).toBe(3);
		} finally {
			wsaa.control.responseDelayMs = 0;
		}
	});

	test('a ticket issued elsewhere and still valid: coe.alreadyAuthenticated in words, one request, no loop', async () => {
		await run(ticketParams(), { staticData: {} });
		forgetRememberedTickets();
		const before = wsaa.stats.loginRequests;
		const { output } = await run(ticketParams(), { staticData: {}, continueOnFail: true });
		expect(output[0].json.error).toBe(
			'ARCA already issued an access ticket for "wsfe" to this certificate, and it is still valid (item 1)',
		);
		expect(output[0].json.errorDescription).toContain('wait until it expires (up to 12 hours), or get the ticket through Afip SDK');
		expect(wsaa.stats.loginRequests).toBe(before + 1);
	});

	test('not authorized for the service: run Web Service → Authorize first', async () => {
		const { output } = await run(ticketParams({ service: 'wsmtxca' }), { continueOnFail: true });
		expect(output[0].json.error).toContain('has not authorized this certificate for the web service "wsmtxca"');
		expect(output[0].json.errorDescription).toContain('Run Web Service → Authorize');
	});

	test('production with a testing certificate: cms.cert.untrusted', async () => {
		const { output } = await run(ticketParams({ environment: 'prod', options: { wsaaUrl: wsaa.loginUrl.prod } }), { continueOnFail: true });
		expect(output[0].json.errorDescription).toContain('testing certificate does not work in production');
	});

	test('PEM text instead of binary fields; each item on its own, errors name item and field', async () => {
		const other = arca.cas.dev.issue({ subject: subject('otro') });
		const pem = (c: string, k: string, extra: IDataObject = {}) =>
			ticketParams({ certificateInput: 'pem', certificatePem: c, privateKeyPem: k, ...extra });
		const { output } = await run(
			[
				pem(cert.certPem, cert.keyPem),
				pem(cert.certPem, other.keyPem),
				pem('not a certificate', cert.keyPem),
				pem(cert.certPem, 'garbage'),
				pem(cert.certPem, cert.keyPem, { taxpayerCuit: '20409378473' }),
				ticketParams({ certificateField: 'missing' }),
			],
			{ continueOnFail: true, items: [certItem(), certItem(), certItem(), certItem(), certItem(), { json: {} }] },
		);
		expect(output.map((o) => o.json.error)).toEqual([
			undefined,
			'Private Key (PEM) does not belong to the certificate (item 2)',
			'Certificate (PEM) is not a PEM certificate (-----BEGIN CERTIFICATE-----) (item 3)',
			'Private Key (PEM) is not a readable private key (PEM, unencrypted) (item 4)',
			'Taxpayer CUIT "20409378473" has a wrong check digit (item 5)',
			'Certificate Binary Field "missing": the input item has no binary field of that name (item 6)',
		]);
		expect(allText(output)).not.toContain('PRIVATE KEY');
	});

	test('SHA-1 and SOAPAction loginCms options reach WSAA', async () => {
		wsaa.control.digests = 'sha1';
		wsaa.control.soapAction = 'loginCms';
		try {
			const { output } = await run(ticketParams({ options: { wsaaUrl: wsaa.loginUrl.dev, digest: 'sha1', soapAction: 'loginCms' } }));
			expect(output[0].json.reused).toBe(false);
			expect(wsaa.stats.lastDigest).toBe('sha1');
		} finally {
			wsaa.control.digests = 'both';
			wsaa.control.soapAction = 'any';
		}
	});
});

describe('Get Access Ticket, through Afip SDK', () => {
	test('with the certificate Afip SDK keeps: POST /afip/auth {environment, tax_id, wsid, force_create}; reused next time', async () => {
		const { output, sent } = await run(ticketParams({ source: 'afipSdk', taxpayerCuit: '20-40937847-2' }), { items: [{ json: {} }] });
		expect(output[0].json).toMatchObject({ source: 'afipSdk', cuit: CUIT, reused: false });
		const auth = sent.find((r) => String(r.url).endsWith('/afip/auth'))!;
		expect(auth.body).toEqual({ environment: 'dev', tax_id: CUIT, wsid: 'wsfe', force_create: false });
		const before = afipSdk.webServices.stats.authRequests;
		const again = await run(ticketParams({ source: 'afipSdk', taxpayerCuit: CUIT }), { items: [{ json: {} }] });
		expect(again.output[0].json.reused).toBe(true);
		expect(afipSdk.webServices.stats.authRequests).toBe(before);
		const forced = await run(ticketParams({ source: 'afipSdk', taxpayerCuit: CUIT, forceNew: true }), { items: [{ json: {} }] });
		expect(forced.output[0].json.reused).toBe(false);
		expect(forced.sent.find((r) => String(r.url).endsWith('/afip/auth'))!.body).toMatchObject({ force_create: true });
	});

	test("with my certificate: cert and key go in the body; an empty Taxpayer CUIT is the certificate's; a ticket WSAA gave this certificate blocks Afip SDK", async () => {
		const { output, sent } = await run(ticketParams({ source: 'afipSdkOwnCertificate', taxpayerCuit: CUIT }));
		expect(output[0].json.reused).toBe(false);
		const body = sent.find((r) => String(r.url).endsWith('/afip/auth'))!.body as IDataObject;
		expect(String(body.cert)).toContain('BEGIN CERTIFICATE');
		expect(String(body.key)).toContain('PRIVATE KEY');
		arca.tickets.clear();
		forgetRememberedTickets();
		await run(ticketParams());
		const blocked = await run(ticketParams({ source: 'afipSdkOwnCertificate' }), { continueOnFail: true });
		expect(blocked.output[0].json.error).toContain('coe.alreadyAuthenticated');
		expect(blocked.output[0].json.errorDescription).toContain('up to 12 hours');
		const noCuit = await run(ticketParams({ source: 'afipSdk' }), { continueOnFail: true, items: [{ json: {} }] });
		expect(noCuit.output[0].json.error).toBe('Taxpayer CUIT is empty (item 1)');
	});

	test('not authorized at Afip SDK: the message says to authorize first', async () => {
		const { output } = await run(ticketParams({ source: 'afipSdk', taxpayerCuit: CUIT, service: 'wsfex' }), {
			continueOnFail: true,
			items: [{ json: {} }],
		});
		expect(output[0].json.error).toContain('Afip SDK answered HTTP 400 while getting an access ticket for "wsfex"');
		expect(output[0].json.errorDescription).toContain('run Web Service → Authorize first');
	});
});

const callParams = (extra: IDataObject = {}): IDataObject => ({
	resource: 'webService',
	operation: 'call',
	environment: 'dev',
	call: 'FECompUltimoAutorizado',
	ptoVta: 1,
	cbteTipo: 6,
	ticketSource: 'wsaa',
	certificateInput: 'binary',
	options: { wsaaUrl: wsaa.loginUrl.dev },
	...extra,
});

describe('Call', () => {
	test('FECompUltimoAutorizado with a WSAA ticket: Auth {Token, Sign, Cuit} put in place; the next call reuses the ticket', async () => {
		const { output, sent } = await run(callParams());
		expect(output[0].json).toMatchObject({
			service: 'wsfe',
			method: 'FECompUltimoAutorizado',
			cuit: CUIT,
			ticket: { source: 'wsaa', reused: false },
			result: { FECompUltimoAutorizadoResult: { PtoVta: 1, CbteTipo: 6, CbteNro: 0 } },
		});
		const body = sent.find((r) => String(r.url).endsWith('/afip/requests'))!.body as IDataObject;
		expect(body).toMatchObject({
			environment: 'dev',
			wsid: 'wsfe',
			method: 'FECompUltimoAutorizado',
			params: { PtoVta: 1, CbteTipo: 6, Auth: { Cuit: Number(CUIT) } },
		});
		expect(arca.ticketFor((body.params as any).Auth.Token, (body.params as any).Auth.Sign)).toBeDefined();
		const before = wsaa.stats.loginRequests;
		const again = await run(callParams());
		expect(again.output[0].json.ticket).toMatchObject({ reused: true });
		expect(wsaa.stats.loginRequests).toBe(before);
	});

	test('FEDummy needs no ticket: no WSAA or auth request', async () => {
		const [w, a] = [wsaa.stats.loginRequests, afipSdk.webServices.stats.authRequests];
		const { output } = await run(callParams({ call: 'FEDummy' }), { items: [{ json: {} }] });
		expect(output[0].json.result).toEqual({ FEDummyResult: { AppServer: 'OK', DbServer: 'OK', AuthServer: 'OK' } });
		expect([wsaa.stats.loginRequests, afipSdk.webServices.stats.authRequests]).toEqual([w, a]);
	});

	test('FEParamGetPtosVenta and getPersona_v2 (token, sign, cuitRepresentada) with Afip SDK tickets', async () => {
		const points = await run(callParams({ call: 'FEParamGetPtosVenta', ticketSource: 'afipSdk', taxpayerCuit: CUIT }), {
			items: [{ json: {} }],
		});
		expect((points.output[0].json.result as any).FEParamGetPtosVentaResult.ResultGet.PtoVenta[0]).toMatchObject({ Nro: 1 });
		const persona = await run(
			callParams({ call: 'getPersona_v2', idPersona: '20-11111111-2', ticketSource: 'afipSdk', taxpayerCuit: CUIT }),
			{ items: [{ json: {} }] },
		);
		expect((persona.output[0].json.result as any).personaReturn.datosGenerales).toMatchObject({
			idPersona: 20111111112,
			apellido: 'PEREZ',
		});
		const body = persona.sent.find((r) => String(r.url).endsWith('/afip/requests'))!.body as any;
		expect(body).toMatchObject({
			wsid: 'ws_sr_constancia_inscripcion',
			method: 'getPersona_v2',
			params: { idPersona: 20111111112, cuitRepresentada: Number(CUIT) },
		});
		expect(typeof body.params.token).toBe('string');
	});

	test("Other: FECAESolicitar advances the numbers; a wrong number comes back as an item error with ARCA's code and message", async () => {
		const request = (n: number) => ({
			FeCAEReq: {
				FeCabReq: { CantReg: 1, PtoVta: 1, CbteTipo: 11 },
				FeDetReq: {
					FECAEDetRequest: [
						{
							Concepto: 1,
							DocTipo: 99,
							DocNro: 0,
							CbteDesde: n,
							CbteHasta: n,
							CbteFch: '20261206',
							ImpTotal: 100,
							ImpNeto: 100,
							MonId: 'PES',
							MonCotiz: 1,
						},
					],
				},
			},
		});
		const custom = (params: unknown, options: IDataObject = {}) =>
			callParams({
				call: 'custom',
				service: 'wsfe',
				method: 'FECAESolicitar',
				params: JSON.stringify(params),
				options: { wsaaUrl: wsaa.loginUrl.dev, ...options },
			});
		const first = await run(custom(request(1)));
		expect((first.output[0].json.result as any).FECAESolicitarResult.FeDetResp.FECAEDetResponse[0]).toMatchObject({
			Resultado: 'A',
			CbteDesde: 1,
		});
		const last = await run(callParams({ cbteTipo: 11 }));
		expect((last.output[0].json.result as any).FECompUltimoAutorizadoResult.CbteNro).toBe(1);
		const wrong = await run(custom(request(5)), { continueOnFail: true });
		expect(wrong.output[0].json.error).toBe(
			'ARCA answered wsfe.FECAESolicitar with an error: 10016: El numero o fecha del comprobante no se corresponde con el proximo a autorizar. Consultar metodo FECompUltimoAutorizado. (item 1)',
		);
		expect(wrong.output[0].json.arcaErrors).toEqual([{ code: '10016', message: expect.stringContaining('El numero') }]);
		const asData = await run(custom(request(5), { businessErrors: 'data' }));
		expect(asData.output[0].json.arcaErrors).toEqual([{ code: '10016', message: expect.any(String) }]);
		const passed = await run(custom(request(2)));
		expect((passed.output[0].json.result as any).FECAESolicitarResult.FeCabResp.Resultado).toBe('A');
	});

	test('Errors.Err of wsfe (sales point not enabled) fails the item; secrets stay out of messages', async () => {
		const { output } = await run(callParams({ ptoVta: 7 }), { continueOnFail: true });
		expect(output[0].json.error).toContain('11002: El punto de venta 7 no se encuentra habilitado');
		const staticTicket = [...arca.tickets.values()][0];
		expect(allText(output)).not.toContain(staticTicket.token);
		expect(allText(output)).not.toContain(staticTicket.sign);
	});

	test('bad input is refused before any request, naming item and field', async () => {
		const [w, c] = [wsaa.stats.loginRequests, afipSdk.webServices.stats.calls];
		const { output } = await run(
			[
				callParams({ ptoVta: 0 }),
				callParams({ call: 'getPersona_v2', idPersona: '123' }),
				callParams({ call: 'custom', service: 'wsfe', method: 'FE CAE', params: '{}' }),
				callParams({ call: 'custom', service: 'wsfe', method: 'FECAESolicitar', params: '{"Auth": {}}' }),
				callParams({ call: 'custom', service: 'wsfe', method: 'FECAESolicitar', params: '[1]' }),
			],
			{ continueOnFail: true },
		);
		expect(output.map((o) => o.json.error)).toEqual([
			'Sales Point (PtoVta) 0 is not a sales point number (1–99998) (item 1)',
			'CUIT to Look Up (idPersona) "123" is not 11 digits (item 2)',
			'Method "FE CAE" is not a method name (item 3)',
			'Params (JSON) holds "Auth": leave the ticket out, the node puts it in (item 4)',
			'Params (JSON) must be a JSON object (item 5)',
		]);
		expect([wsaa.stats.loginRequests, afipSdk.webServices.stats.calls]).toEqual([w, c]);
	});
});

test('Get Last Request XML returns what Afip SDK sent and got', async () => {
	await run(callParams({ call: 'FEDummy' }), { items: [{ json: {} }] });
	const { output } = await run({ resource: 'webService', operation: 'getLastRequestXml' }, { items: [{ json: {} }] });
	expect(String(output[0].json.request)).toContain('<FEDummy');
	expect(String(output[0].json.response)).toContain('AppServer');
});

describe('redirects are never followed (token, ticket, private key or signed login request would go with them)', () => {
	test.each([301, 302, 307, 308])('%i on /afip/auth, /afip/requests, last-xml and LoginCms', async (status) => {
		const pair = await startRedirectPair();
		pair.status = status;
		try {
			const redirecting = { ...credentials, afipSdkApi: { accessToken: 'demo-access-token', baseUrl: `${pair.url}/api/v1` } };
			const cases: Array<[IDataObject, INodeExecutionData]> = [
				[ticketParams({ source: 'afipSdkOwnCertificate', taxpayerCuit: CUIT }), certItem()],
				[callParams({ call: 'FEDummy' }), { json: {} }],
				[{ resource: 'webService', operation: 'getLastRequestXml' }, { json: {} }],
				[ticketParams({ options: { wsaaUrl: `${pair.url}/ws/services/LoginCms` } }), certItem()],
			];
			// One run per case: the operation is the node's, not the item's.
			const output: INodeExecutionData[] = [];
			for (const [parameters, item] of cases)
				output.push(
					...(await runNode(new ArcaAutomation(), { parameters, items: [item], credentials: redirecting, continueOnFail: true })).output,
				);
			expect(output.map((o) => String(o.json.error))).toEqual([
				expect.stringMatching(
					new RegExp(
						`^Afip SDK answered ${status} redirecting to 127\\.0\\.0\\.2:\\d+; the request was not repeated there \\(a redirect could carry your token and private key`,
					),
				),
				expect.stringMatching(new RegExp(`^Afip SDK answered ${status} redirecting to .*token and access ticket`)),
				expect.stringMatching(new RegExp(`^Afip SDK answered ${status} redirecting to`)),
				expect.stringMatching(
					new RegExp(`^WSAA answered ${status} redirecting to 127\\.0\\.0\\.2:\\d+; the request was not repeated there`),
				),
			]);
			expect(pair.redirected).toHaveLength(4);
			expect(pair.reachedTarget).toHaveLength(0);
			expect(allText(output)).not.toContain('redirect-query-secret');
		} finally {
			await pair.close();
		}
	});
});

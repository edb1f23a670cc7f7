/**
 * ARCA access tickets and web-service calls in a real n8n (`n8n execute`, a new process each time),
 * against the Afip SDK and WSAA simulators sharing one ARCA: create certificate → authorize wsfe →
 * ticket directly from WSAA → FECompUltimoAutorizado; a second execution reuses the ticket n8n saved in
 * the workflow's static data (0 WSAA requests); the same chain through Afip SDK.
 */
import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { createArcaState, type ArcaState } from '../simulators/arcaState';
import { startWsaaSimulator, type WsaaSimulator } from '../simulators/wsaa/server';
import { arcaDemoCredentials, DEMO_ARCA, DEMO_IDS } from '../support/demoCredentials';
import { N8nInstance, type WorkflowJson } from '../support/n8n';

jest.setTimeout(15 * 60_000);

const NODE_TYPE = 'n8n-nodes-certsign.arcaAutomation';
let arca: ArcaState;
let afipSdk: AfipSdkSimulator;
let wsaa: WsaaSimulator;
let n8n: N8nInstance;

const credentials = (withLogin: boolean) => ({
	afipSdkApi: { id: DEMO_IDS.afipSdkApi, name: 'Afip SDK (demo simulator)' },
	...(withLogin ? { arcaLogin: { id: DEMO_IDS.arcaLogin, name: 'ARCA Login (demo taxpayer)' } } : {}),
});

/** Start → nodes in a chain. */
function chain(
	id: string,
	nodes: Array<{ name: string; parameters: Record<string, unknown>; login?: boolean; noCredentials?: boolean }>,
): WorkflowJson {
	const all = [
		{ parameters: {}, id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
		...nodes.map((n, i) => ({
			parameters: n.parameters,
			id: `${id}-${i}`,
			name: n.name,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [220 * (i + 1), 0],
			...(n.noCredentials ? {} : { credentials: credentials(n.login === true) }),
		})),
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < all.length - 1; i++) connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name: id, nodes: all as WorkflowJson['nodes'], connections, settings: { executionOrder: 'v1' } };
}

beforeAll(async () => {
	arca = createArcaState();
	afipSdk = await startAfipSdkSimulator({ arca, pollsUntilDone: 1 });
	wsaa = await startWsaaSimulator({ arca });
	n8n = new N8nInstance({ env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
	await n8n.importCredentials(arcaDemoCredentials(afipSdk.baseUrl));
});

afterAll(async () => {
	await n8n?.dispose();
	await Promise.all([afipSdk?.close(), wsaa?.close()]);
	arca?.dispose();
});

test('create certificate → authorize wsfe → ticket directly from WSAA → FECompUltimoAutorizado; the next execution reuses the saved ticket (0 WSAA requests)', async () => {
	await n8n.importWorkflow(
		chain('wsaaSetup0000001', [
			{
				name: 'Create Certificate',
				login: true,
				parameters: {
					resource: 'certificate',
					operation: 'create',
					environment: 'dev',
					alias: 'facturacion',
					options: { pollInterval: 1 },
				},
			},
			{
				name: 'Authorize wsfe',
				login: true,
				parameters: {
					resource: 'webService',
					operation: 'authorize',
					environment: 'dev',
					alias: 'facturacion',
					service: 'wsfe',
					options: { pollInterval: 1 },
				},
			},
		]),
	);
	const setup = await n8n.execute('wsaaSetup0000001');
	expect({ success: setup.success, error: setup.error?.message, node: setup.error?.node?.name }).toEqual({
		success: true,
		error: undefined,
		node: undefined,
	});
	const [created] = setup.output('Create Certificate');
	const certificatePem = Buffer.from(created.binary!.certificate.data, 'base64').toString('utf8');
	const privateKeyPem = Buffer.from(created.binary!.privateKey.data, 'base64').toString('utf8');
	expect(setup.output('Authorize wsfe')[0].json.status).toBe('complete');

	const pem = { certificateInput: 'pem', certificatePem, privateKeyPem, options: { wsaaUrl: wsaa.loginUrl.dev } };
	await n8n.importWorkflow(
		chain('wsaaCheck0000001', [
			// Directly from WSAA needs no credential at all.
			{
				name: 'Get Ticket',
				noCredentials: true,
				parameters: { resource: 'webService', operation: 'getAccessTicket', environment: 'dev', service: 'wsfe', source: 'wsaa', ...pem },
			},
			{
				name: 'Last Invoice',
				parameters: {
					resource: 'webService',
					operation: 'call',
					environment: 'dev',
					call: 'FECompUltimoAutorizado',
					ptoVta: 1,
					cbteTipo: 6,
					ticketSource: 'wsaa',
					...pem,
				},
			},
		]),
	);
	const first = await n8n.execute('wsaaCheck0000001');
	expect({ success: first.success, error: first.error?.message, node: first.error?.node?.name }).toEqual({
		success: true,
		error: undefined,
		node: undefined,
	});
	expect(first.output('Get Ticket')[0].json).toMatchObject({ source: 'wsaa', service: 'wsfe', cuit: DEMO_ARCA.cuit, reused: false });
	expect(first.output('Get Ticket')[0].json.token).toBeUndefined();
	// The Call node of the same execution takes the ticket the first node stored.
	expect(first.output('Last Invoice')[0].json).toMatchObject({
		ticket: { source: 'wsaa', reused: true },
		result: { FECompUltimoAutorizadoResult: { PtoVta: 1, CbteTipo: 6, CbteNro: 0 } },
	});
	expect(wsaa.stats.loginRequests).toBe(1);
	expect(wsaa.stats.ticketsIssued).toBe(1);

	// A new n8n process: only what n8n saved in the workflow's static data is left.
	const second = await n8n.execute('wsaaCheck0000001');
	expect({ success: second.success, error: second.error?.message, node: second.error?.node?.name }).toEqual({
		success: true,
		error: undefined,
		node: undefined,
	});
	expect(second.output('Get Ticket')[0].json.reused).toBe(true);
	expect(second.output('Last Invoice')[0].json).toMatchObject({
		ticket: { reused: true },
		result: { FECompUltimoAutorizadoResult: { CbteNro: 0 } },
	});
	expect(wsaa.stats.loginRequests).toBe(1);

	// Another workflow has no copy of that ticket: ARCA refuses a second one, the node says so in words and asks once.
	await n8n.importWorkflow(
		chain('wsaaOther0000001', [
			{
				name: 'Get Ticket',
				noCredentials: true,
				parameters: { resource: 'webService', operation: 'getAccessTicket', environment: 'dev', service: 'wsfe', source: 'wsaa', ...pem },
			},
		]),
	);
	const other = await n8n.execute('wsaaOther0000001');
	expect(other.success).toBe(false);
	expect(other.error?.message).toBe('ARCA already issued an access ticket for "wsfe" to this certificate, and it is still valid (item 1)');
	expect(String(other.error?.description)).toContain('up to 12 hours');
	expect(wsaa.stats.loginRequests).toBe(2);

	// What n8n saved holds the ticket, never the private key.
	const exported = await n8n.cli(['export:workflow', '--id=wsaaCheck0000001']);
	const staticPart = /"staticData":\s*(\{[\s\S]*?\}|null)\s*,\s*"/.exec(exported.stdout)?.[1] ?? '';
	expect(staticPart).toContain('arcaAccessTickets');
	expect(staticPart).not.toContain('PRIVATE KEY');
});

test('the same chain through Afip SDK: the ticket Afip SDK gives is used for the call and reused by the next execution', async () => {
	await n8n.importWorkflow(
		chain('afipCheck0000001', [
			{
				name: 'Last Invoice',
				parameters: {
					resource: 'webService',
					operation: 'call',
					environment: 'dev',
					call: 'FECompUltimoAutorizado',
					ptoVta: 1,
					cbteTipo: 11,
					ticketSource: 'afipSdk',
					taxpayerCuit: DEMO_ARCA.cuit,
				},
			},
			{ name: 'Health', parameters: { resource: 'webService', operation: 'call', environment: 'dev', call: 'FEDummy' } },
			{ name: 'Last XML', parameters: { resource: 'webService', operation: 'getLastRequestXml' } },
		]),
	);
	const before = afipSdk.webServices.stats.authRequests;
	const first = await n8n.execute('afipCheck0000001');
	expect({ success: first.success, error: first.error?.message, node: first.error?.node?.name }).toEqual({
		success: true,
		error: undefined,
		node: undefined,
	});
	expect(first.output('Last Invoice')[0].json).toMatchObject({
		ticket: { source: 'afipSdk', reused: false },
		result: { FECompUltimoAutorizadoResult: { CbteTipo: 11, CbteNro: 0 } },
	});
	expect(first.output('Health')[0].json.result).toEqual({ FEDummyResult: { AppServer: 'OK', DbServer: 'OK', AuthServer: 'OK' } });
	expect(String(first.output('Last XML')[0].json.request)).toContain('FEDummy');
	expect(afipSdk.webServices.stats.authRequests).toBe(before + 1);
	const second = await n8n.execute('afipCheck0000001');
	expect(second.output('Last Invoice')[0].json).toMatchObject({ ticket: { reused: true } });
	expect(afipSdk.webServices.stats.authRequests).toBe(before + 1);
});

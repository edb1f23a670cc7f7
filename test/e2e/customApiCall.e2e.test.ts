/**
 * "Custom API Call", which n8n adds to Resource and Operation of a node whose credential authenticates
 * requests, in a real n8n: n8n makes such calls with its HTTP Request node (Authentication → Predefined
 * Credential Type), so each of the three authenticating credentials must work there against the
 * simulators (which refuse an unauthenticated request), and the nodes themselves must say so when run
 * with it. Also n8n's "Continue (using error output)" on an action node: failed items leave by the Error
 * output, good ones by Success.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { startFirmadorSimulator, type FirmadorSimulator } from '../simulators/firmador/server';
import { N8nInstance, type WorkflowJson } from '../support/n8n';

jest.setTimeout(10 * 60_000);

const IDS = {
	afipSdkApi: 'customCallAfip01',
	afipSdkApiBad: 'customCallAfip02',
	firmadorApi: 'customCallFirm01',
	firmadorApiBad: 'customCallFirm02',
	digiCertApi: 'customCallDigi01',
	digiCertApiBad: 'customCallDigi02',
};

let afipSdk: AfipSdkSimulator;
let firmador: FirmadorSimulator;
let digiCert: DigiCertSimulator;
let n8n: N8nInstance;
const folder = mkdtempSync(join(tmpdir(), 'certsign-custom-call-'));

beforeAll(async () => {
	afipSdk = await startAfipSdkSimulator();
	firmador = await startFirmadorSimulator({ uploadFolder: join(folder, 'upload'), signedFolder: join(folder, 'signed') });
	digiCert = await startDigiCertSimulator({ rateLimit: null });
	const app = firmador.apps[0];
	n8n = new N8nInstance({ env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
	await n8n.importCredentials([
		{ id: IDS.afipSdkApi, name: 'Afip SDK', type: 'afipSdkApi', data: { accessToken: 'demo-access-token', baseUrl: afipSdk.baseUrl } },
		{ id: IDS.afipSdkApiBad, name: 'Afip SDK (wrong token)', type: 'afipSdkApi', data: { accessToken: 'wrong', baseUrl: afipSdk.baseUrl } },
		{ id: IDS.firmadorApi, name: 'Firmador', type: 'firmadorApi', data: { baseUrl: firmador.url, appId: app.appId, secret: app.secret } },
		{
			id: IDS.firmadorApiBad,
			name: 'Firmador (wrong secret)',
			type: 'firmadorApi',
			data: { baseUrl: firmador.url, appId: app.appId, secret: Buffer.from('not-the-shared-key-of-this-app!!').toString('base64') },
		},
		{
			id: IDS.digiCertApi,
			name: 'DigiCert',
			type: 'digiCertApi',
			data: { apiKey: digiCert.apiKey, region: 'custom', baseUrl: digiCert.url },
		},
		{
			id: IDS.digiCertApiBad,
			name: 'DigiCert (wrong key)',
			type: 'digiCertApi',
			data: { apiKey: 'wrong-api-key-0000000000000000', region: 'custom', baseUrl: digiCert.url },
		},
	]);
});

afterAll(async () => {
	await n8n?.dispose();
	await Promise.all([afipSdk?.close(), firmador?.close(), digiCert?.close()]);
	rmSync(folder, { recursive: true, force: true });
});

function manual(id: string, nodes: Array<Record<string, unknown>>): WorkflowJson {
	const all: Array<Record<string, unknown>> = [
		{ parameters: {}, id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
		...nodes.map((node, i) => ({ position: [240 * (i + 1), 0], ...node })),
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < all.length; i++) {
		connections[all[i].name as string] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name: id, nodes: all, connections, settings: { executionOrder: 'v1' } };
}

/** n8n's HTTP Request node with one of our credentials as its predefined credential type; the answer in full, never thrown. */
function httpRequest(name: string, credentialType: string, credentialId: string, method: string, url: string) {
	return {
		parameters: {
			method,
			url,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: credentialType,
			options: { response: { response: { fullResponse: true, neverError: true } } },
		},
		id: `${name.replace(/\W/g, '')}-${credentialId}`,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		credentials: { [credentialType]: { id: credentialId, name } },
	};
}

async function statusOf(workflow: WorkflowJson, node: string): Promise<{ statusCode: number; body: unknown }> {
	await n8n.importWorkflow(workflow);
	const run = await n8n.execute(workflow.id);
	expect({ node, error: run.error?.message }).toEqual({ node, error: undefined });
	const [item] = run.output(node);
	return { statusCode: item.json.statusCode, body: item.json.body };
}

test('HTTP Request with the DigiCert API credential: the key goes in X-DC-DEVKEY; a wrong key is refused', async () => {
	const good = await statusOf(
		manual('customCallDc01', [httpRequest('Me', 'digiCertApi', IDS.digiCertApi, 'GET', `${digiCert.url}/user/me`)]),
		'Me',
	);
	expect(good.statusCode).toBe(200);
	const bad = await statusOf(
		manual('customCallDc02', [httpRequest('Me', 'digiCertApi', IDS.digiCertApiBad, 'GET', `${digiCert.url}/user/me`)]),
		'Me',
	);
	expect(bad.statusCode).toBe(403);
	expect(digiCert.control.requests.filter((r) => r.path === '/user/me').map((r) => r.status)).toEqual([200, 403]);
});

test('HTTP Request with the Afip SDK API credential: Bearer token; a wrong token is refused', async () => {
	const url = `${afipSdk.baseUrl}/automations/no-such-automation`;
	const good = await statusOf(manual('customCallAf01', [httpRequest('Read', 'afipSdkApi', IDS.afipSdkApi, 'GET', url)]), 'Read');
	// authenticated: the simulator looked for the automation (404), it did not refuse the token (401)
	expect(good).toEqual({ statusCode: 404, body: { message: 'Automatización no encontrada' } });
	const bad = await statusOf(manual('customCallAf02', [httpRequest('Read', 'afipSdkApi', IDS.afipSdkApiBad, 'GET', url)]), 'Read');
	expect(bad.statusCode).toBe(401);
});

test('HTTP Request with the Firmador API credential: the request is HMAC-signed as it goes on the wire; a wrong secret is refused', async () => {
	const url = `${firmador.url}/api/EstadoSolicitud?SessionsID[]=6f1c9f5e-0000-4000-8000-000000000001`;
	const before = firmador.control.requests().length;
	const good = await statusOf(manual('customCallFi01', [httpRequest('Status', 'firmadorApi', IDS.firmadorApi, 'GET', url)]), 'Status');
	expect(good).toEqual({ statusCode: 200, body: [] });
	const bad = await statusOf(manual('customCallFi02', [httpRequest('Status', 'firmadorApi', IDS.firmadorApiBad, 'GET', url)]), 'Status');
	expect(bad.statusCode).toBe(401);
	expect(
		firmador.control
			.requests()
			.slice(before)
			.map((r) => r.status),
	).toEqual([200, 401]);
});

test('each action node run with "Custom API Call" fails with the HTTP Request advice, before any request', async () => {
	const requestsBefore = digiCert.control.requests.length + firmador.control.requests().length;
	const cases = [
		{
			id: 'customCallNd01',
			type: 'n8n-nodes-certsign.digiCertCodeSigning',
			parameters: { resource: 'order', operation: '__CUSTOM_API_CALL__' },
			credentials: { digiCertApi: { id: IDS.digiCertApi, name: 'DigiCert' } },
		},
		{
			id: 'customCallNd02',
			type: 'n8n-nodes-certsign.firmador',
			parameters: { resource: '__CUSTOM_API_CALL__' },
			credentials: { firmadorApi: { id: IDS.firmadorApi, name: 'Firmador' } },
		},
		{
			id: 'customCallNd03',
			type: 'n8n-nodes-certsign.arcaAutomation',
			parameters: { resource: 'certificate', operation: '__CUSTOM_API_CALL__' },
			credentials: { afipSdkApi: { id: IDS.afipSdkApi, name: 'Afip SDK' } },
		},
	];
	for (const c of cases) {
		const workflow = manual(c.id, [
			{ parameters: c.parameters, id: `${c.id}-node`, name: 'Node', type: c.type, typeVersion: 1, credentials: c.credentials },
		]);
		await n8n.importWorkflow(workflow);
		const run = await n8n.execute(workflow.id);
		expect({ type: c.type, message: run.error?.message }).toEqual({
			type: c.type,
			message: expect.stringMatching(/^Custom API Call runs in n8n's HTTP Request node, with this node's credential/),
		});
		expect(run.error?.description).toMatch(/Authentication → Predefined Credential Type/);
	}
	expect(digiCert.control.requests.length + firmador.control.requests().length).toBe(requestsBefore);
});

test('On Error "Continue (using error output)": failed items leave by the Error output with the item named, good ones by Success', async () => {
	const first = digiCert.control.seedOrder({ commonName: 'Error Output One' });
	const second = digiCert.control.seedOrder({ commonName: 'Error Output Two' });
	const workflow = manual('customCallEo01', [
		{
			parameters: { jsCode: `return ['${first.id}', 'abc', '${second.id}', '99999999'].map((orderId) => ({ json: { orderId } }));` },
			id: 'eo-items',
			name: 'Order IDs',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
		},
		{
			parameters: { resource: 'order', operation: 'get', orderId: '={{ $json.orderId }}' },
			id: 'eo-get',
			name: 'Get Order',
			type: 'n8n-nodes-certsign.digiCertCodeSigning',
			typeVersion: 1,
			onError: 'continueErrorOutput',
			credentials: { digiCertApi: { id: IDS.digiCertApi, name: 'DigiCert' } },
		},
	]);
	await n8n.importWorkflow(workflow);
	const run = await n8n.execute(workflow.id);
	expect(run.error).toBeUndefined();
	const success = run.output('Get Order', 0);
	const failed = run.output('Get Order', 1);
	expect(success.map((i) => i.json.orderId)).toEqual([first.id, second.id]);
	for (const item of success) expect(item.json.error).toBeUndefined();
	expect(failed.map((i) => String(i.json.error))).toEqual([
		expect.stringMatching(/^Order ID must be a positive whole number, got "abc" \(item 2\)/),
		expect.stringMatching(/\(item 4\)/),
	]);
});

/**
 * ARCA Automation in a real n8n: the packed package installed into .n8n/nodes, credentials and
 * workflows imported through the CLI, workflows run with `n8n execute`, against the Afip SDK simulator.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { arcaDemoCredentials, DEMO_ARCA, DEMO_IDS } from '../support/demoCredentials';
import { N8nInstance, REPO_ROOT, type WorkflowJson } from '../support/n8n';

jest.setTimeout(10 * 60_000);

const NODE_TYPE = 'n8n-nodes-certsign.arcaAutomation';
const example = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'examples', name), 'utf8')) as WorkflowJson;

let sim: AfipSdkSimulator;
let slowSim: AfipSdkSimulator;
let n8n: N8nInstance;

const trigger = { parameters: {}, id: 't0', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] };

function arcaNode(
	name: string,
	parameters: Record<string, unknown>,
	credentials: Record<string, string>,
	extra: Record<string, unknown> = {},
) {
	return {
		parameters,
		id: `id-${name}`,
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [300, 0],
		credentials: Object.fromEntries(Object.entries(credentials).map(([type, id]) => [type, { id, name: id }])),
		...extra,
	};
}

/** Every listed node hangs off the trigger, so one execution covers several independent cases;
 * `feeder` (e.g. a Code node making several items) feeds only the first listed node. */
function fanOut(
	id: string,
	nodes: Array<ReturnType<typeof arcaNode> | Record<string, unknown>>,
	feeder?: Record<string, unknown>,
): WorkflowJson {
	const [first, ...rest] = nodes;
	const fromStart = feeder ? [feeder, ...rest] : nodes;
	const connections: Record<string, unknown> = {
		Start: { main: [fromStart.map((n) => ({ node: n.name, type: 'main', index: 0 }))] },
	};
	if (feeder) connections[String(feeder.name)] = { main: [[{ node: first.name, type: 'main', index: 0 }]] };
	const all = feeder ? [trigger, feeder, ...nodes] : [trigger, ...nodes];
	return { id, name: id, nodes: all as WorkflowJson['nodes'], connections, settings: { executionOrder: 'v1' } };
}

beforeAll(async () => {
	sim = await startAfipSdkSimulator({ pollsUntilDone: 1 });
	slowSim = await startAfipSdkSimulator({ pollsUntilDone: 1000 });
	n8n = new N8nInstance({ env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
	expect(n8n.installedNodeTypes()).toContain('ArcaAutomation');
	await n8n.importCredentials([
		...arcaDemoCredentials(sim.baseUrl),
		{ id: 'afipBadToken0001', name: 'bad token', type: 'afipSdkApi', data: { accessToken: 'not-a-token', baseUrl: sim.baseUrl } },
		{ id: 'afipSlow00000001', name: 'slow', type: 'afipSdkApi', data: { accessToken: DEMO_ARCA.token, baseUrl: slowSim.baseUrl } },
		{
			id: 'arcaBadCuit00001',
			name: 'bad cuit',
			type: 'arcaLogin',
			data: { cuit: '20409378473', username: '20409378472', password: 'x', allowedAfipSdkHost: '127.0.0.1' },
		},
		{
			id: 'arcaBadPass00001',
			name: 'bad password',
			type: 'arcaLogin',
			data: { cuit: DEMO_ARCA.cuit, username: DEMO_ARCA.username, password: 'wrong', allowedAfipSdkHost: '127.0.0.1' },
		},
	]);
});

afterAll(async () => {
	await n8n?.dispose();
	await sim?.close();
	await slowSim?.close();
});

test('example "create a testing certificate" returns the certificate and key as PEM files and the parsed certificate', async () => {
	await n8n.importWorkflow(example('arca-create-testing-certificate.json'));
	const run = await n8n.execute('arcaCreateCert01');
	expect(run.success).toBe(true);
	const [item] = run.output('Create Testing Certificate');
	expect(item.json.status).toBe('complete');
	expect(item.json.automation).toBe('create-cert-dev');
	expect(item.json.cuit).toBe(DEMO_ARCA.cuit);
	expect(item.json.privateKeyPem).toBeUndefined();

	const certPem = Buffer.from(item.binary!.certificate.data, 'base64').toString('utf8');
	const cert = new X509Certificate(certPem);
	// What the node reports is what the certificate says, not a guess.
	expect(item.json.certificate.notAfter).toBe(new Date(cert.validTo).toISOString());
	expect(item.json.certificate.serialNumber).toBe(cert.serialNumber.toUpperCase());
	expect(item.json.certificate.subject).toContain('CUIT 20409378472');
	expect(item.json.certificate.daysRemaining).toBeGreaterThanOrEqual(728);
	expect(item.binary!.certificate.fileName).toBe('demo_20409378472_dev.crt.pem');

	const keyPem = Buffer.from(item.binary!.privateKey.data, 'base64').toString('utf8');
	expect(keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\r\n/);
	expect(cert.checkPrivateKey(require('node:crypto').createPrivateKey(keyPem))).toBe(true);
	// The simulator got the documented body: strings, password from the credential.
	expect(sim.stats.lastPostBody).toEqual({
		automation: 'create-cert-dev',
		params: { cuit: DEMO_ARCA.cuit, username: DEMO_ARCA.username, password: DEMO_ARCA.password, alias: 'demo' },
	});
	// The password is in no output.
	expect(JSON.stringify(run.runData)).not.toContain(DEMO_ARCA.password);
});

test('example "authorize wsfe" creates a certificate, then authorizes the web service for its alias', async () => {
	await n8n.importWorkflow(example('arca-authorize-wsfe.json'));
	const run = await n8n.execute('arcaAuthWsfe0001');
	expect(run.success).toBe(true);
	const [item] = run.output('Authorize wsfe');
	expect(item.json).toMatchObject({
		status: 'complete',
		automation: 'auth-web-service-dev',
		alias: 'facturacion',
		service: 'wsfe',
		result: { status: 'created' },
	});
});

test('bad input and provider errors fail per item with clear messages; the good items survive', async () => {
	const good = { [`afipSdkApi`]: DEMO_IDS.afipSdkApi, arcaLogin: DEMO_IDS.arcaLogin };
	const postsBefore = sim.stats.posts;
	const failedLoginsBefore = sim.stats.failedLogins;
	const items = {
		parameters: { jsCode: "return [{json:{alias:'good1'}},{json:{alias:'bad alias'}},{json:{alias:'good2'}}];" },
		id: 'feed',
		name: 'Items',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [150, 0],
	};
	const workflow = fanOut(
		'arcaErrors000001',
		[
			arcaNode(
				'Per Item',
				{ resource: 'certificate', operation: 'create', environment: 'dev', alias: '={{ $json.alias }}', options: { pollInterval: 0.2 } },
				good,
				{ onError: 'continueRegularOutput' },
			),
			arcaNode(
				'Bad CUIT',
				{ resource: 'certificate', operation: 'create', environment: 'dev', alias: 'x1' },
				{ afipSdkApi: DEMO_IDS.afipSdkApi, arcaLogin: 'arcaBadCuit00001' },
				{ onError: 'continueRegularOutput' },
			),
			arcaNode(
				'Bad Token',
				{ resource: 'certificate', operation: 'create', environment: 'dev', alias: 'x2' },
				{ afipSdkApi: 'afipBadToken0001', arcaLogin: DEMO_IDS.arcaLogin },
				{ onError: 'continueRegularOutput' },
			),
			arcaNode(
				'Wrong Password x3',
				{ resource: 'certificate', operation: 'create', environment: 'dev', alias: 'x3', options: { pollInterval: 0.2 } },
				{ afipSdkApi: DEMO_IDS.afipSdkApi, arcaLogin: 'arcaBadPass00001' },
				{ onError: 'continueRegularOutput' },
			),
			arcaNode(
				'Times Out',
				{ resource: 'certificate', operation: 'create', environment: 'dev', alias: 'x4', options: { pollInterval: 0.2, timeout: 1 } },
				{ afipSdkApi: 'afipSlow00000001', arcaLogin: DEMO_IDS.arcaLogin },
				{ onError: 'continueRegularOutput' },
			),
			arcaNode(
				'Bad Environment',
				{ resource: 'webService', operation: 'authorize', environment: '={{ "testing" }}', alias: 'x6', service: 'wsfe' },
				good,
				{ onError: 'continueRegularOutput' },
			),
			arcaNode(
				'No Wait',
				{ resource: 'certificate', operation: 'create', environment: 'dev', alias: 'x5', waitForCompletion: false },
				{ afipSdkApi: 'afipSlow00000001', arcaLogin: DEMO_IDS.arcaLogin },
			),
		],
		items,
	);
	// The three items also go to the wrong-password node: one rejected login must stop the other two.
	const connections = workflow.connections as any;
	connections.Start.main[0] = connections.Start.main[0].filter((c: any) => c.node !== 'Wrong Password x3');
	connections.Items.main[0].push({ node: 'Wrong Password x3', type: 'main', index: 0 });
	await n8n.importWorkflow(workflow);
	const run = await n8n.execute('arcaErrors000001');
	expect(run.success).toBe(true);

	const perItem = run.output('Per Item');
	expect(perItem).toHaveLength(3);
	expect(perItem[0].json.status).toBe('complete');
	expect(perItem[1].json.error).toBe('Alias "bad alias" contains a space (item 2)');
	expect(perItem[2].json.status).toBe('complete');
	expect(perItem.map((i: any) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);

	// Each Per Item item sends its own POST except the bad alias; "Bad CUIT" sends none.
	const [badCuit] = run.output('Bad CUIT');
	expect(badCuit.json.error).toBe('Taxpayer CUIT of the ARCA Login credential "20409378473" has a wrong check digit (item 1)');

	const [badToken] = run.output('Bad Token');
	expect(badToken.json.error).toBe('Afip SDK rejected the access token (item 1)');
	expect(badToken.json.errorDescription).toContain('El token proporcionado es invalido.');
	expect(JSON.stringify(badToken.json)).not.toContain('not-a-token');

	const wrongPassword = run.output('Wrong Password x3');
	expect(wrongPassword.map((i: any) => i.json.error)).toEqual([
		'ARCA automation failed: Clave o usuario incorrecto (item 1)',
		expect.stringMatching(
			/^Not sent: ARCA rejected this login earlier in this execution \(node "Wrong Password x3", item 1, automation [0-9a-f-]{36}\) \(item 2\)$/,
		),
		expect.stringMatching(
			/^Not sent: ARCA rejected this login earlier in this execution \(node "Wrong Password x3", item 1, automation [0-9a-f-]{36}\) \(item 3\)$/,
		),
	]);
	expect(sim.stats.failedLogins - failedLoginsBefore).toBe(1); // one attempt, never retried

	const [timedOut] = run.output('Times Out');
	expect(timedOut.json.error).toMatch(/^Automation [0-9a-f-]{36} is still not finished after 1 s/);
	expect(timedOut.json.automationId).toMatch(/^[0-9a-f-]{36}$/);

	const [badEnvironment] = run.output('Bad Environment');
	expect(badEnvironment.json.error).toBe('Environment "testing" is not one of: dev, prod (item 1)');

	const [noWait] = run.output('No Wait');
	expect(noWait.json).toMatchObject({ status: 'in_process', automation: 'create-cert-dev' });
	expect(noWait.json.automationId).toMatch(/^[0-9a-f-]{36}$/);

	// good1, good2, bad token (rejected at POST), wrong password, times out, no wait = 6 POSTs; bad alias and bad CUIT none.
	expect(sim.stats.posts + slowSim.stats.posts - postsBefore).toBe(6);

	// Get Result picks the automation up later; the slow one is still running.
	const getResult = fanOut('arcaGetResult001', [
		arcaNode(
			'Get Result',
			{ resource: 'automation', operation: 'getResult', automationId: noWait.json.automationId, waitForCompletion: false },
			{ afipSdkApi: 'afipSlow00000001' },
		),
	]);
	await n8n.importWorkflow(getResult);
	const later = await n8n.execute('arcaGetResult001');
	expect(later.output('Get Result')[0].json).toMatchObject({ automationId: noWait.json.automationId, status: 'in_process' });
});

test('without continue-on-fail a bad CUIT stops the workflow with a message naming the field, before any request', async () => {
	const postsBefore = sim.stats.posts;
	await n8n.importWorkflow(
		fanOut('arcaStops0000001', [
			arcaNode(
				'Create',
				{ resource: 'certificate', operation: 'create', environment: 'prod', alias: 'prod1' },
				{ afipSdkApi: DEMO_IDS.afipSdkApi, arcaLogin: 'arcaBadCuit00001' },
			),
		]),
	);
	const run = await n8n.execute('arcaStops0000001');
	expect(run.success).toBe(false);
	expect(run.error?.message).toBe('Taxpayer CUIT of the ARCA Login credential "20409378473" has a wrong check digit (item 1)');
	expect(sim.stats.posts).toBe(postsBefore);
});

test('Automation → Run sends any automation with the ARCA Login filled in, and reports the quota message', async () => {
	sim.control.quota = sim.stats.automationsRun + 1;
	await n8n.importWorkflow(
		fanOut(
			'arcaRunQuota0001',
			[
				{
					...arcaNode(
						'Run Twice',
						{
							resource: 'automation',
							operation: 'run',
							automationName: 'list-sales-points',
							automationParams: '{}',
							options: { pollInterval: 0.2 },
						},
						{ afipSdkApi: DEMO_IDS.afipSdkApi, arcaLogin: DEMO_IDS.arcaLogin },
						{ onError: 'continueRegularOutput' },
					),
				},
			],
			{
				parameters: { jsCode: 'return [{json:{}},{json:{}}];' },
				id: 'feed2',
				name: 'Two',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [150, 0],
			},
		),
	);
	const run = await n8n.execute('arcaRunQuota0001');
	const [first, second] = run.output('Run Twice');
	expect(first.json).toMatchObject({
		status: 'complete',
		automation: 'list-sales-points',
		result: { sales_points: [{ number: 1, type: 'CAE' }] },
	});
	expect(second.json.error).toBe('Afip SDK automation quota reached (item 2)');
	expect(second.json.errorDescription).toMatch(/^Alcanzaste el límite de automatizaciones/);
	sim.control.quota = Number.POSITIVE_INFINITY;
});

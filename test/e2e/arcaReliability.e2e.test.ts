/**
 * ARCA Automation in a real n8n: both readings of the alias rule, the per-item taxpayer CUIT, the
 * failed-login guard across nodes, where the password may go, faults on every Afip SDK endpoint, and a
 * bad-input corpus that must never reach the simulator.
 */
import { startAfipSdkSimulator, type AfipSdkFault, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { corpusFailures, runCorpus, type BadInputCase } from '../support/badInput';
import { DEMO_ARCA } from '../support/demoCredentials';
import { N8nInstance, type WorkflowJson } from '../support/n8n';

jest.setTimeout(15 * 60_000);

const TYPE = 'n8n-nodes-certsign.arcaAutomation';
const LOGIN = { cuit: DEMO_ARCA.cuit, username: DEMO_ARCA.username, password: DEMO_ARCA.password, allowedAfipSdkHost: '127.0.0.1' };

const FAULTS: Array<{ name: string; fault: AfipSdkFault; expectError?: RegExp; acted: number }> = [
	{
		name: 'POST reset before the answer',
		fault: { method: 'POST', kind: 'resetBefore' },
		expectError: /^Could not reach Afip SDK at .*: connection reset \(item 1\)$/,
		acted: 0,
	},
	{
		name: 'POST reset after the server acted',
		fault: { method: 'POST', kind: 'resetAfter' },
		expectError: /^Could not reach Afip SDK at .*: connection reset \(item 1\)$/,
		acted: 1,
	},
	{
		name: 'POST 500',
		fault: { method: 'POST', kind: 'status', status: 500 },
		expectError: /^Afip SDK answered HTTP 500 while starting "create-cert-dev": Error de servidor \(item 1\)$/,
		acted: 0,
	},
	{ name: 'POST 502', fault: { method: 'POST', kind: 'status', status: 502 }, expectError: /^Afip SDK answered HTTP 502/, acted: 0 },
	{ name: 'POST 503', fault: { method: 'POST', kind: 'status', status: 503 }, expectError: /^Afip SDK answered HTTP 503/, acted: 0 },
	{
		name: 'POST 429 without Retry-After',
		fault: { method: 'POST', kind: 'status', status: 429 },
		expectError: /^Afip SDK answered HTTP 429/,
		acted: 0,
	},
	{
		name: 'POST malformed JSON after acting',
		fault: { method: 'POST', kind: 'malformed' },
		expectError: /^Afip SDK's answer to starting "create-cert-dev" could not be read \(item 1\)$/,
		acted: 1,
	},
	{ name: 'POST slow drip', fault: { method: 'POST', kind: 'drip' }, acted: 1 },
	{ name: 'GET reset before the answer', fault: { method: 'GET', kind: 'resetBefore' }, acted: 1 },
	{ name: 'GET reset after the server acted', fault: { method: 'GET', kind: 'resetAfter' }, acted: 1 },
	{ name: 'GET 500', fault: { method: 'GET', kind: 'status', status: 500 }, acted: 1 },
	{ name: 'GET 502', fault: { method: 'GET', kind: 'status', status: 502 }, acted: 1 },
	{ name: 'GET 503', fault: { method: 'GET', kind: 'status', status: 503 }, acted: 1 },
	{ name: 'GET 429 without Retry-After', fault: { method: 'GET', kind: 'status', status: 429 }, acted: 1 },
	{ name: 'GET malformed JSON', fault: { method: 'GET', kind: 'malformed' }, acted: 1 },
	{ name: 'GET slow drip', fault: { method: 'GET', kind: 'drip' }, acted: 1 },
];

let n8n: N8nInstance;
let lenient: AfipSdkSimulator;
let strict: AfipSdkSimulator;
const faultSims: AfipSdkSimulator[] = [];

const node = (name: string, parameters: Record<string, unknown>, credentials: Record<string, string>, position: number) => ({
	parameters,
	id: `n-${name}`,
	name,
	type: TYPE,
	typeVersion: 1,
	position: [300 + 250 * position, 0],
	credentials: Object.fromEntries(Object.entries(credentials).map(([type, id]) => [type, { id, name: id }])),
	onError: 'continueRegularOutput',
});
const start = { parameters: {}, id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] };
const twoItems = {
	parameters: { jsCode: 'return [{json:{n:0}},{json:{n:1}}];' },
	id: 'two',
	name: 'Two Items',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [150, 0],
};
const requestsOf = (sim: AfipSdkSimulator) => sim.stats.received.POST + sim.stats.received.GET;

beforeAll(async () => {
	lenient = await startAfipSdkSimulator({
		pollsUntilDone: 1,
		aliasRule: 'lenient',
		accounts: [{ cuits: [DEMO_ARCA.cuit, '20111111112'], username: DEMO_ARCA.username, password: DEMO_ARCA.password }],
	});
	strict = await startAfipSdkSimulator({ pollsUntilDone: 1, aliasRule: 'alnum' });
	for (const _ of FAULTS) faultSims.push(await startAfipSdkSimulator({ pollsUntilDone: 1 }));
	n8n = new N8nInstance({ env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
	await n8n.importCredentials([
		{ id: 'arcaRelLenient01', name: 'lenient', type: 'afipSdkApi', data: { accessToken: DEMO_ARCA.token, baseUrl: lenient.baseUrl } },
		{ id: 'arcaRelStrict001', name: 'strict', type: 'afipSdkApi', data: { accessToken: DEMO_ARCA.token, baseUrl: strict.baseUrl } },
		...faultSims.map((sim, i) => ({
			id: `arcaRelFault${String(i).padStart(4, '0')}`,
			name: `fault ${i}`,
			type: 'afipSdkApi',
			data: { accessToken: DEMO_ARCA.token, baseUrl: sim.baseUrl },
		})),
		{ id: 'arcaRelLogin0001', name: 'login', type: 'arcaLogin', data: LOGIN },
		{ id: 'arcaRelWrongPw01', name: 'wrong password', type: 'arcaLogin', data: { ...LOGIN, password: 'wrong-password' } },
		// the corpus's bad credentials
		{ id: 'arcaBadLoginCuit', name: 'bad cuit', type: 'arcaLogin', data: { ...LOGIN, cuit: '20409378473' } },
		{ id: 'arcaBadLoginUser', name: 'bad username', type: 'arcaLogin', data: { ...LOGIN, username: '2040937847' } },
		{ id: 'arcaBadLoginPass', name: 'no password', type: 'arcaLogin', data: { ...LOGIN, password: '' } },
		{
			id: 'arcaBadLoginHost',
			name: 'default host',
			type: 'arcaLogin',
			data: { cuit: LOGIN.cuit, username: LOGIN.username, password: LOGIN.password },
		},
		{ id: 'arcaBadLoginHst2', name: 'other host', type: 'arcaLogin', data: { ...LOGIN, allowedAfipSdkHost: 'app.afipsdk.com:8443' } },
		{
			id: 'arcaBadSdkHttp01',
			name: 'plain http',
			type: 'afipSdkApi',
			data: { accessToken: DEMO_ARCA.token, baseUrl: 'http://afip-proxy.example.com/api/v1' },
		},
		{ id: 'arcaBadSdkFtp001', name: 'ftp', type: 'afipSdkApi', data: { accessToken: DEMO_ARCA.token, baseUrl: 'ftp://127.0.0.1/api/v1' } },
		{
			id: 'arcaBadSdkUrl001',
			name: 'not a url',
			type: 'afipSdkApi',
			data: { accessToken: DEMO_ARCA.token, baseUrl: 'app.afipsdk.com/api/v1' },
		},
	]);
});

afterAll(async () => {
	await n8n?.dispose();
	await Promise.all([lenient, strict, ...faultSims].filter(Boolean).map(async (sim) => await sim.close()));
});

test("aliases: the node refuses only what is surely wrong, and each reading of ARCA's rule decides the rest", async () => {
	const create = (alias: string) => ({
		resource: 'certificate',
		operation: 'create',
		environment: 'dev',
		alias,
		options: { pollInterval: 1 },
	});
	const workflow: WorkflowJson = {
		id: 'arcaAliasRead001',
		name: 'aliases',
		nodes: [
			start,
			node('Lenient', create('mi-alias_2'), { afipSdkApi: 'arcaRelLenient01', arcaLogin: 'arcaRelLogin0001' }, 0),
			node('Strict', create('mi-alias_2'), { afipSdkApi: 'arcaRelStrict001', arcaLogin: 'arcaRelLogin0001' }, 1),
		] as WorkflowJson['nodes'],
		connections: {
			Start: {
				main: [
					[
						{ node: 'Lenient', type: 'main', index: 0 },
						{ node: 'Strict', type: 'main', index: 0 },
					],
				],
			},
		},
		settings: { executionOrder: 'v1' },
	};
	await n8n.importWorkflow(workflow);
	const run = await n8n.execute(workflow.id);
	// Old code refused "mi-alias_2" locally: an existing alias with - or _ could never be renewed.
	expect(run.output('Lenient')[0].json).toMatchObject({ status: 'complete', alias: 'mi-alias_2' });
	expect(run.output('Strict')[0].json.error).toBe('ARCA automation failed: El alias solo puede contener letras y números (item 1)');
	expect(strict.stats.posts).toBe(1);
});

test('Taxpayer CUIT per item: one login acts for several taxpayers', async () => {
	const feed = { ...twoItems, parameters: { jsCode: "return [{json:{cuit:'20111111112'}},{json:{cuit:''}}];" } };
	const workflow: WorkflowJson = {
		id: 'arcaTaxpayer0001',
		name: 'taxpayers',
		nodes: [
			start,
			feed,
			node(
				'Create',
				{
					resource: 'certificate',
					operation: 'create',
					environment: 'dev',
					alias: 'multi',
					taxpayerCuit: '={{ $json.cuit }}',
					options: { pollInterval: 1 },
				},
				{ afipSdkApi: 'arcaRelLenient01', arcaLogin: 'arcaRelLogin0001' },
				0,
			),
		] as WorkflowJson['nodes'],
		connections: {
			Start: { main: [[{ node: 'Two Items', type: 'main', index: 0 }]] },
			'Two Items': { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	await n8n.importWorkflow(workflow);
	const run = await n8n.execute(workflow.id);
	const [other, own] = run.output('Create');
	expect(other.json).toMatchObject({ status: 'complete', cuit: '20111111112' });
	expect(other.json.certificate.subject).toContain('CUIT 20111111112');
	expect(own.json).toMatchObject({ status: 'complete', cuit: DEMO_ARCA.cuit });
});

test('a rejected login is not tried again by any later ARCA node of the execution', async () => {
	const failedBefore = lenient.stats.failedLogins;
	const wrong = { afipSdkApi: 'arcaRelLenient01', arcaLogin: 'arcaRelWrongPw01' };
	const workflow: WorkflowJson = {
		id: 'arcaGuardNodes01',
		name: 'guard across nodes',
		nodes: [
			start,
			node(
				'Create',
				{ resource: 'certificate', operation: 'create', environment: 'dev', alias: 'guard', options: { pollInterval: 1 } },
				wrong,
				0,
			),
			node(
				'Authorize',
				{
					resource: 'webService',
					operation: 'authorize',
					environment: 'dev',
					alias: 'guard',
					service: 'wsfe',
					options: { pollInterval: 1 },
				},
				wrong,
				1,
			),
			node(
				'Run',
				{
					resource: 'automation',
					operation: 'run',
					automationName: 'list-sales-points',
					automationParams: '{}',
					options: { pollInterval: 1 },
				},
				wrong,
				2,
			),
		] as WorkflowJson['nodes'],
		connections: {
			Start: { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
			Create: { main: [[{ node: 'Authorize', type: 'main', index: 0 }]] },
			Authorize: { main: [[{ node: 'Run', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	await n8n.importWorkflow(workflow);
	const run = await n8n.execute(workflow.id);
	expect(run.output('Create')[0].json.error).toBe('ARCA automation failed: Clave o usuario incorrecto (item 1)');
	expect(run.output('Authorize')[0].json.error).toMatch(
		/^Not sent: ARCA rejected this login earlier in this execution \(node "Create", item 1, automation [0-9a-f-]{36}\) \(item 1\)$/,
	);
	expect(run.output('Run')[0].json.error).toMatch(
		/^Not sent: ARCA rejected this login earlier in this execution \(node "Create", item 1, automation [0-9a-f-]{36}\) \(item 1\)$/,
	);
	expect(lenient.stats.failedLogins - failedBefore).toBe(1);
	// The next execution may try again (the user fixed the password, or not): the guard is per execution.
	const again = await n8n.execute(workflow.id);
	expect(again.output('Create')[0].json.error).toBe('ARCA automation failed: Clave o usuario incorrecto (item 1)');
	expect(lenient.stats.failedLogins - failedBefore).toBe(2);
});

test('faults on every Afip SDK endpoint: reads are retried, a start is never repeated, no other item is lost', async () => {
	FAULTS.forEach((f, i) => faultSims[i].control.faults.push({ ...f.fault, times: 1 }));
	const nodes = FAULTS.map((f, i) =>
		node(
			f.name,
			{ resource: 'certificate', operation: 'create', environment: 'dev', alias: `fault${i}`, options: { pollInterval: 1 } },
			{ afipSdkApi: `arcaRelFault${String(i).padStart(4, '0')}`, arcaLogin: 'arcaRelLogin0001' },
			i,
		),
	);
	const workflow: WorkflowJson = {
		id: 'arcaFaults000001',
		name: 'faults',
		nodes: [start, twoItems, ...nodes] as WorkflowJson['nodes'],
		connections: {
			Start: { main: [[{ node: 'Two Items', type: 'main', index: 0 }]] },
			'Two Items': { main: [nodes.map((n) => ({ node: n.name, type: 'main', index: 0 }))] },
		},
		settings: { executionOrder: 'v1' },
	};
	await n8n.importWorkflow(workflow);
	const run = await n8n.execute(workflow.id);
	const problems: string[] = [];
	FAULTS.forEach((f, i) => {
		const sim = faultSims[i];
		const [first, second] = run.output(f.name);
		// The second item never meets the fault: it always completes.
		if (second?.json.status !== 'complete')
			problems.push(`${f.name}: item 1 lost or failed: ${JSON.stringify(second?.json).slice(0, 200)}`);
		if (f.expectError) {
			if (!f.expectError.test(String(first?.json.error)))
				problems.push(`${f.name}: item 0 error ${JSON.stringify(first?.json.error)} does not match ${f.expectError}`);
			if (
				f.fault.method === 'POST' &&
				!/may (or may not )?have started/.test(String(first?.json.errorDescription ?? '')) &&
				f.fault.kind !== 'status'
			)
				problems.push(`${f.name}: the error does not say the automation may have started: ${first?.json.errorDescription}`);
		} else if (first?.json.status !== 'complete')
			problems.push(`${f.name}: item 0 should have survived the fault: ${JSON.stringify(first?.json).slice(0, 200)}`);
		// Never a second automation from an automatic retry: one POST per item.
		if (sim.stats.received.POST !== 2) problems.push(`${f.name}: ${sim.stats.received.POST} POSTs for 2 items`);
		if (sim.stats.automationsRun !== f.acted + 1)
			problems.push(`${f.name}: ${sim.stats.automationsRun} automations started, expected ${f.acted + 1}`);
		// Without faults: 2 GETs per item. A read the server never answered must be asked again.
		const minGets = f.fault.kind === 'resetBefore' || f.fault.kind === 'status' ? 5 : 4;
		if (f.fault.method === 'GET' && sim.stats.received.GET < minGets)
			problems.push(`${f.name}: the failed read was not asked again (${sim.stats.received.GET} GETs)`);
	});
	expect(problems).toEqual([]);
	// n8n's generic "connection closed … retry immediately" text must not replace ours.
	expect(JSON.stringify(run.runData)).not.toMatch(/retry the request immediately/i);
});

const GOOD = { afipSdkApi: 'arcaRelLenient01', arcaLogin: 'arcaRelLogin0001' };
const create = (extra: Record<string, unknown>) => ({
	resource: 'certificate',
	operation: 'create',
	environment: 'dev',
	alias: 'ok',
	...extra,
});
const authorize = (extra: Record<string, unknown>) => ({
	resource: 'webService',
	operation: 'authorize',
	environment: 'dev',
	alias: 'ok',
	service: 'wsfe',
	...extra,
});
const runAuto = (extra: Record<string, unknown>) => ({
	resource: 'automation',
	operation: 'run',
	automationName: 'list-sales-points',
	automationParams: '{}',
	...extra,
});
const ticket = (extra: Record<string, unknown>) => ({
	resource: 'webService',
	operation: 'getAccessTicket',
	environment: 'dev',
	service: 'wsfe',
	source: 'afipSdk',
	taxpayerCuit: '20409378472',
	options: {},
	...extra,
});
const call = (extra: Record<string, unknown>) => ({
	resource: 'webService',
	operation: 'call',
	environment: 'dev',
	service: 'wsfe',
	ticketSource: 'afipSdk',
	taxpayerCuit: '20409378472',
	options: {},
	...extra,
});
const arca = (
	name: string,
	parameters: Record<string, unknown>,
	error: RegExp,
	credentials: Record<string, string> = GOOD,
): BadInputCase => ({ name, node: 'arcaAutomation', parameters, credentials, error });
/** The value arrives with the item, as from an upstream node: n8n cannot check it before the run. */
const fromItem = (
	name: string,
	parameters: Record<string, unknown>,
	value: unknown,
	error: RegExp,
	credentials: Record<string, string> = GOOD,
): BadInputCase => ({
	...arca(name, parameters, error, credentials),
	items: [{ v: value }],
});
const V = '={{ $json.v }}';

const CORPUS: BadInputCase[] = [
	fromItem('alias empty', create({ alias: V }), '', /^Alias is empty/),
	fromItem('alias only spaces', create({ alias: V }), '   ', /^Alias is empty/),
	arca('alias with a space', create({ alias: 'mi alias' }), /^Alias "mi alias" contains a space/),
	arca('alias with a line break', create({ alias: '={{ "a" + String.fromCharCode(10) + "b" }}' }), /^Alias contains a control character/),
	arca('alias with a tab', create({ alias: '={{ "a" + String.fromCharCode(9) + "b" }}' }), /^Alias contains a control character/),
	arca('alias with NUL', create({ alias: '={{ "a" + String.fromCharCode(0) }}' }), /^Alias contains a control character/),
	fromItem('environment not in the list', create({ environment: V }), 'testing', /^Environment "testing" is not one of/),
	fromItem('environment empty', create({ environment: V }), '', /^Environment "" is not one of/),
	arca('taxpayer CUIT wrong check digit', create({ taxpayerCuit: '20409378473' }), /^Taxpayer CUIT "20409378473" has a wrong check digit/),
	arca('taxpayer CUIT letters', create({ taxpayerCuit: 'abc' }), /^Taxpayer CUIT /),
	arca('taxpayer CUIT 10 digits', create({ taxpayerCuit: '2040937847' }), /^Taxpayer CUIT /),
	// customService filled: with Web Service from an expression n8n cannot tell whether that required field shows.
	fromItem(
		'authorize: web service not in the list',
		authorize({ service: V, customService: 'ws_x' }),
		'wsfe; drop',
		/^Web Service "wsfe; drop" is not one of: wsfe, .*custom/,
	),
	fromItem('authorize: custom id empty', authorize({ service: 'custom', customService: V }), '', /^Web Service ID is empty/),
	arca(
		'authorize: custom id with a space',
		authorize({ service: 'custom', customService: 'ws sr' }),
		/^Web Service ID "ws sr" is not a web service id/,
	),
	fromItem('authorize: alias empty', authorize({ alias: V }), '', /^Alias is empty/),
	arca('authorize: taxpayer CUIT bad', authorize({ taxpayerCuit: '30500010911' }), /^Taxpayer CUIT /),
	fromItem('run: automation name empty', runAuto({ automationName: V }), '', /^Automation Name is empty/),
	arca(
		'run: automation name with symbols',
		runAuto({ automationName: 'Bad Name!' }),
		/^Automation Name "Bad Name!" is not an automation name/,
	),
	arca('run: parameters not JSON', runAuto({ automationParams: '{' }), /^Parameters \(JSON\) is not valid JSON/),
	arca('run: parameters an array', runAuto({ automationParams: '[1]' }), /^Parameters \(JSON\) must be a JSON object/),
	arca('run: parameter cuit bad', runAuto({ automationParams: '{"cuit":"20409378473"}' }), /^Parameter "cuit" /),
	arca('run: parameter username bad', runAuto({ automationParams: '{"username":"123"}' }), /^Parameter "username" /),
	fromItem('get result: id empty', { resource: 'automation', operation: 'getResult', automationId: V }, '', /^Automation ID is empty/, {
		afipSdkApi: 'arcaRelLenient01',
	}),
	arca(
		'get result: id with a slash',
		{ resource: 'automation', operation: 'getResult', automationId: '../x' },
		/^Automation ID "..\/x" is not an automation ID/,
		{ afipSdkApi: 'arcaRelLenient01' },
	),
	arca(
		'login: taxpayer CUIT wrong check digit',
		create({}),
		/^Taxpayer CUIT of the ARCA Login credential "20409378473" has a wrong check digit/,
		{ afipSdkApi: 'arcaRelLenient01', arcaLogin: 'arcaBadLoginCuit' },
	),
	arca('login: username too short', create({}), /^Login Username of the ARCA Login credential /, {
		afipSdkApi: 'arcaRelLenient01',
		arcaLogin: 'arcaBadLoginUser',
	}),
	arca('login: password empty', create({}), /^Password of the ARCA Login credential is empty/, {
		afipSdkApi: 'arcaRelLenient01',
		arcaLogin: 'arcaBadLoginPass',
	}),
	arca(
		'login: password may only go to app.afipsdk.com',
		create({}),
		/^Base URL of the Afip SDK API credential points at 127\.0\.0\.1:\d+, but the ARCA Login credential sends its password only to app\.afipsdk\.com/,
		{ afipSdkApi: 'arcaRelLenient01', arcaLogin: 'arcaBadLoginHost' },
	),
	arca('login: allowed host with another port', create({}), /sends its password only to app\.afipsdk\.com:8443/, {
		afipSdkApi: 'arcaRelLenient01',
		arcaLogin: 'arcaBadLoginHst2',
	}),
	arca('run: password to a host the login does not allow', runAuto({}), /sends its password only to app\.afipsdk\.com/, {
		afipSdkApi: 'arcaRelLenient01',
		arcaLogin: 'arcaBadLoginHost',
	}),
	arca(
		'afip sdk: plain http to a remote host',
		create({}),
		/^Base URL of the Afip SDK API credential "http:\/\/afip-proxy\.example\.com\/api\/v1" is plain http/,
		{ afipSdkApi: 'arcaBadSdkHttp01', arcaLogin: 'arcaRelLogin0001' },
	),
	arca(
		'afip sdk: ftp scheme',
		create({}),
		/^Base URL of the Afip SDK API credential "ftp:\/\/127\.0\.0\.1\/api\/v1" must start with https:\/\//,
		{ afipSdkApi: 'arcaBadSdkFtp001', arcaLogin: 'arcaRelLogin0001' },
	),
	arca('afip sdk: not a URL', create({}), /^Base URL of the Afip SDK API credential "app\.afipsdk\.com\/api\/v1" is not a URL/, {
		afipSdkApi: 'arcaBadSdkUrl001',
		arcaLogin: 'arcaRelLogin0001',
	}),
	arca(
		'get result: plain http',
		{ resource: 'automation', operation: 'getResult', automationId: '0d1e71e0-8882-4b14-b7f8-c5d716261760' },
		/is plain http/,
		{ afipSdkApi: 'arcaBadSdkHttp01' },
	),
	// Web Service → Get Access Ticket and Call (this wave)
	arca(
		'ticket: taxpayer CUIT wrong check digit',
		ticket({ taxpayerCuit: '20409378473' }),
		/^Taxpayer CUIT "20409378473" has a wrong check digit/,
	),
	fromItem('ticket: taxpayer CUIT empty', ticket({ taxpayerCuit: V }), '', /^Taxpayer CUIT is empty/),
	fromItem(
		'ticket: certificate PEM empty',
		ticket({ source: 'wsaa', certificateInput: 'pem', certificatePem: V, privateKeyPem: 'x' }),
		'',
		/^Certificate \(PEM\) is empty/,
	),
	arca(
		'ticket: certificate PEM not a certificate',
		ticket({ source: 'wsaa', certificateInput: 'pem', certificatePem: 'hello', privateKeyPem: 'x' }),
		/^Certificate \(PEM\) is not a PEM certificate/,
	),
	arca(
		'ticket: certificate binary field missing',
		ticket({ source: 'wsaa', certificateInput: 'binary', certificateField: 'certificate', privateKeyField: 'privateKey' }),
		/^Certificate Binary Field "certificate": the input item has no binary field of that name/,
	),
	arca(
		'call: sales point 0',
		call({ call: 'FECompUltimoAutorizado', ptoVta: 0, cbteTipo: 6 }),
		/^Sales Point \(PtoVta\) 0 is not a sales point number/,
	),
	arca(
		'call: CUIT to look up of 10 digits',
		call({ call: 'getPersona_v2', idPersona: '2040937847' }),
		/^CUIT to Look Up \(idPersona\) "2040937847" is not 11 digits/,
	),
	arca(
		'call: method with symbols',
		call({ call: 'custom', customService: 'wsfe', method: 'FE Dummy!', params: '{}' }),
		/^Method "FE Dummy!" is not a method name/,
	),
	arca(
		'call: params not JSON',
		call({ call: 'custom', customService: 'wsfe', method: 'FEDummy', params: '{' }),
		/^Params \(JSON\) is not valid JSON/,
	),
	arca(
		'call: params carrying a ticket',
		call({ call: 'custom', customService: 'wsfe', method: 'FEDummy', params: '{"Auth":{}}' }),
		/^Params \(JSON\) holds "Auth": leave the ticket out/,
	),
];

test(`bad-input corpus: ${CORPUS.length} cases fail on their item, naming the field, and nothing reaches Afip SDK`, async () => {
	const before = requestsOf(lenient) + requestsOf(strict);
	const outcomes = await runCorpus(n8n, 'arcaCorpus000001', CORPUS);
	expect(corpusFailures(outcomes)).toEqual([]);
	expect(requestsOf(lenient) + requestsOf(strict) - before).toBe(0);
});

test('the credential tests refuse plain http to a remote host and say what the ARCA Login test checked', async () => {
	const owner = new N8nInstance({ owner: { email: 'owner@certsign.test', password: 'Certsign-Demo-1' }, skipInstall: false });
	try {
		await owner.start();
		const http = await owner.testCredential('afipSdkApi', {
			accessToken: DEMO_ARCA.token,
			baseUrl: 'http://afip-proxy.example.com/api/v1',
		});
		expect(http).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^Base URL "http:\/\/afip-proxy\.example\.com\/api\/v1" is plain http/),
		});
		const good = await owner.testCredential('afipSdkApi', { accessToken: DEMO_ARCA.token, baseUrl: lenient.baseUrl });
		expect(good.status).toBe('OK');
	} finally {
		await owner.dispose();
	}
});

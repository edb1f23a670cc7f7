/**
 * Certificate Trigger in a real n8n: the packed package installed into .n8n/nodes, a DigiCert credential
 * pointing at the DigiCert simulator, workflows imported and published through the CLI, `n8n start`,
 * and the executions n8n itself recorded (read from its database).
 *
 * Time: n8n refuses poll intervals under a minute (sub-minute cron expressions are rejected at
 * activation), so the workflows poll "every minute" and this suite spans a few minutes. n8n also polls
 * once when a workflow is activated (at start), which the test uses: a restart is an immediate poll.
 * Whether a poll happened is read from the simulator's request log: each trigger reads the status-changes
 * feed once per poll ("Renewal due" between its daily listings too), and the two workflows use two API keys
 * of the one account, so the log tells their polls apart. "Nothing fired" is only asserted after a poll.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { arcaDemoCredentials, digiCertDemoCredentials } from '../support/demoCredentials';
import { installPackage, N8nInstance, REPO_ROOT, type WorkflowJson } from '../support/n8n';
import { TestCa } from '../support/testCa';
import { readExecutions, waitFor, type TriggerExecution } from '../support/triggerE2e';

jest.setTimeout(15 * 60_000);

const TRIGGER_TYPE = 'n8n-nodes-certsign.certificateTrigger';
const TRIGGER = 'Certificate Trigger';
const DAY = 86_400_000;
const ymd = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
/** A poll runs at a random second of every minute; allow a full minute plus n8n's own latency. */
const NEXT_POLL_MS = 100_000;

const credential = { id: 'dcTriggerCred001', name: 'DigiCert (simulator)' };
/** The renewal workflow's own key of the same account: its polls are told apart in the simulator's log. */
const renewalCredential = { id: 'dcTriggerCred002', name: 'DigiCert (simulator, renewal key)' };
const RENEWAL_KEY = 'renewal-workflow-key-0002';

function triggerWorkflow(id: string, parameters: Record<string, unknown>, digiCertCredential = credential): WorkflowJson {
	return {
		id,
		name: id,
		nodes: [
			{
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...parameters },
				id: `${id}-trigger`,
				name: TRIGGER,
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				credentials: { digiCertApi: digiCertCredential },
			},
			{ parameters: {}, id: `${id}-noop`, name: 'Handle Event', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [250, 0] },
		],
		connections: { [TRIGGER]: { main: [[{ node: 'Handle Event', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

let sim: DigiCertSimulator;
/** A second DigiCert account for the shipped example, which renews orders itself. */
let exampleSim: DigiCertSimulator;
let afipSim: AfipSdkSimulator;
let ca: TestCa;
let filesDir: string;
let n8n: N8nInstance;

const RENEWAL_WF = 'certTrigRenewal01';
const STATUS_WF = 'certTrigStatus001';
const EXAMPLE_DIGICERT_WF = 'certTrigDigiCert1';
const EXAMPLE_ARCA_WF = 'certTrigArcaPem01';
const EXAMPLE_TRIGGER = 'Renewal Due';
const NO_SOURCE_WF = 'certTrigNoSource1';
const BAD_KEY_WF = 'certTrigBadKey001';
const BAD_KEY = 'wrong-digicert-key-4242';
/** n8n's log of the first start (activation of every published workflow). */
let firstStartLog = '';

// answered requests only (the workflow with the wrong key is refused with 403)
const feedReads = (key: number) =>
	sim.control.requests.filter((r) => r.status === 200 && r.key === key && r.path.startsWith('/order/certificate/status-changes')).length;
const renewalPolls = () => feedReads(1);
const statusPolls = () => feedReads(0);
/** n8n writes the execution row when it starts and its data when it ends: count every row... */
const allExecutions = (workflowId: string, nodeName = TRIGGER): TriggerExecution[] => readExecutions(n8n, workflowId, nodeName);
/** ...but read items only from finished ones. */
const FINISHED = ['success', 'error', 'crashed', 'canceled'];
const executions = (workflowId: string, nodeName = TRIGGER): TriggerExecution[] =>
	allExecutions(workflowId, nodeName).filter((run) => FINISHED.includes(run.status) && Object.keys(run.nodes).length > 0);
const orderIdsOf = (runs: TriggerExecution[]) => runs.map((run) => run.items.map((item) => item.orderId));
const example = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'examples', name), 'utf8')) as WorkflowJson;
const nodeOf = (workflow: WorkflowJson, name: string) => {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`example ${workflow.id} has no node "${name}"`);
	return node;
};

let exampleDue: { id: number };
let exampleFresh: { id: number };
let arcaDue: { certPem: string; serialHex: string };

beforeAll(async () => {
	sim = await startDigiCertSimulator({ issueAfterReads: null, extraApiKeys: [RENEWAL_KEY] });
	exampleSim = await startDigiCertSimulator({ issueAfterReads: null });
	afipSim = await startAfipSdkSimulator({ pollsUntilDone: 1 });
	ca = new TestCa('/C=AR/O=AFIP/CN=Computadores (old certificate)');
	filesDir = mkdtempSync(join(tmpdir(), 'certsign-trigger-files-'));
	// CERTSIGN_TARBALL: install this packed package instead of packing the working tree (e.g. a staged build).
	const tarball = process.env.CERTSIGN_TARBALL;
	n8n = new N8nInstance({
		skipInstall: Boolean(tarball),
		// the ARCA example writes files; n8n only writes under this folder
		env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir },
	});
	if (tarball) installPackage(n8n.n8nFolder, tarball);
	expect(n8n.installedNodeTypes()).toContain('CertificateTrigger');
	await n8n.importCredentials([
		{ ...credential, type: 'digiCertApi', data: { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url } },
		{ ...renewalCredential, type: 'digiCertApi', data: { apiKey: RENEWAL_KEY, region: 'custom', baseUrl: sim.url } },
		// the credential the shipped example refers to (the demo one)
		...digiCertDemoCredentials(exampleSim.url, exampleSim.apiKey),
		...arcaDemoCredentials(afipSim.baseUrl),
	]);

	// Two workflows that cannot activate: the reason must be clear (read from n8n's log), and no secret shown.
	await n8n.importCredentials([
		{
			id: 'dcTriggerBadKey1',
			name: 'DigiCert (wrong key)',
			type: 'digiCertApi',
			data: { apiKey: BAD_KEY, region: 'custom', baseUrl: sim.url },
		},
	]);
	await n8n.importWorkflow(triggerWorkflow(NO_SOURCE_WF, { event: 'renewalDue', includeDigiCert: false, includePem: false }));
	const badKey = triggerWorkflow(BAD_KEY_WF, { event: 'orderStatusChanged', statuses: ['issued'] });
	badKey.nodes[0].credentials = { digiCertApi: { id: 'dcTriggerBadKey1', name: 'DigiCert (wrong key)' } };
	await n8n.importWorkflow(badKey);
	await n8n.publishWorkflow(NO_SOURCE_WF);
	await n8n.publishWorkflow(BAD_KEY_WF);

	// Example 1, as shipped, except that the e-mail node is disabled (no SMTP server here).
	exampleDue = exampleSim.control.seedOrder({ status: 'issued', validTill: ymd(20), commonName: 'Example Due Corp' });
	exampleFresh = exampleSim.control.seedOrder({ status: 'issued', validTill: ymd(200), commonName: 'Example Fresh Corp' });
	const digicertExample = example('trigger-renewal-digicert.json');
	nodeOf(digicertExample, 'Send E-mail').disabled = true;
	await n8n.importWorkflow(digicertExample);
	await n8n.publishWorkflow(EXAMPLE_DIGICERT_WF);

	// Example 2, as shipped, except: a real (due) PEM instead of the placeholder, files under filesDir.
	arcaDue = ca.issue({ subject: '/CN=facturacion/serialNumber=CUIT 20409378472', days: 730, notBefore: new Date(Date.now() - 600 * DAY) });
	const arcaExample = example('trigger-renewal-arca-pem.json');
	const arcaTrigger = nodeOf(arcaExample, EXAMPLE_TRIGGER);
	arcaTrigger.parameters.pemCertificates = { certificate: [{ label: 'facturacion', pem: arcaDue.certPem }] };
	for (const name of ['Write Certificate File', 'Write Private Key File']) {
		const node = nodeOf(arcaExample, name);
		node.parameters.fileName = String(node.parameters.fileName).replace('/home/node/.n8n-files/arca/', `${filesDir}/`);
	}
	await n8n.importWorkflow(arcaExample);
	await n8n.publishWorkflow(EXAMPLE_ARCA_WF);
});

afterAll(async () => {
	if (n8n && process.env.CERTSIGN_E2E_DEBUG) console.log(n8n.log.slice(-5000));
	await n8n?.dispose();
	await sim?.close();
	await exampleSim?.close();
	await afipSim?.close();
	ca?.dispose();
	if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

test('renewal due fires once per certificate, again only for a renewal; a status change fires once; a restart fires nothing twice', async () => {
	const due = sim.control.seedOrder({ status: 'issued', validTill: ymd(20), commonName: 'Due Corp' });
	const fresh = sim.control.seedOrder({ status: 'issued', validFrom: ymd(-10), validTill: ymd(440), commonName: 'Fresh Corp' });
	// EV: outside the renewal workflow's product filter, so its issuance only concerns the status workflow
	const waiting = sim.control.seedOrder({ status: 'pending', product: 'code_signing_ev', commonName: 'Waiting Corp' });

	await n8n.importWorkflow(
		triggerWorkflow(
			RENEWAL_WF,
			{
				event: 'renewalDue',
				includeDigiCert: true,
				includePem: false,
				product: 'code_signing',
				policy: 'daysBefore',
				// longer than a 1-year lifetime: a renewed certificate is due at once, so the renewal shows up
				daysBefore: 400,
			},
			renewalCredential,
		),
	);
	await n8n.importWorkflow(triggerWorkflow(STATUS_WF, { event: 'orderStatusChanged', statuses: ['issued'] }));
	await n8n.publishWorkflow(RENEWAL_WF);
	await n8n.publishWorkflow(STATUS_WF);

	// 1. Activation polls at start: one execution for the due certificate, none for the fresh one.
	await n8n.start();
	const firstRuns = await waitFor(
		'the activation poll execution',
		() => executions(RENEWAL_WF).length >= 1 && executions(RENEWAL_WF),
		60_000,
	);
	expect(orderIdsOf(firstRuns)).toEqual([[due.id]]);
	expect(firstRuns[0].status).toBe('success');
	expect(firstRuns[0].mode).toBe('trigger');
	expect(firstRuns[0].items[0]).toMatchObject({ event: 'renewalDue', source: 'digicert', commonName: 'Due Corp', due: true });
	const firstSerial = firstRuns[0].items[0].serialNumber as string;
	expect(orderIdsOf(firstRuns).flat()).not.toContain(fresh.id);
	await waitFor('the status trigger baseline poll', () => statusPolls() >= 1, 60_000, 500);

	// 2. An order moves to issued: exactly one "Order status changed" execution. Meanwhile the renewal
	//    trigger polls again and fires nothing.
	sim.control.issueOrder(waiting.id);
	const renewalPollsBefore = renewalPolls();
	const statusRuns = await waitFor(
		'the status change execution',
		() => executions(STATUS_WF).length >= 1 && executions(STATUS_WF),
		NEXT_POLL_MS,
	);
	expect(statusRuns).toHaveLength(1);
	expect(statusRuns[0].items).toHaveLength(1);
	expect(statusRuns[0].items[0]).toMatchObject({ event: 'orderStatusChanged', orderId: waiting.id, status: 'issued' });
	expect(statusRuns[0].items[0].order).toMatchObject({ id: waiting.id, status: 'issued' });
	await waitFor('another renewal poll', () => renewalPolls() > renewalPollsBefore, NEXT_POLL_MS, 1000);
	// and the status trigger polls once more (the overlap re-reads the change) without firing again
	const statusPollsAfterFire = statusPolls();
	await waitFor('another status poll', () => statusPolls() > statusPollsAfterFire, NEXT_POLL_MS, 1000);
	await new Promise((r) => setTimeout(r, 3000)); // an execution is written right after its poll
	expect(allExecutions(RENEWAL_WF)).toHaveLength(1);
	expect(allExecutions(STATUS_WF)).toHaveLength(1);

	// 3. The simulator renews the due order: a new order with a new serial fires once.
	const renewal = sim.control.renewOrder(due.id);
	const renewalRuns = await waitFor(
		'the renewal execution',
		() => executions(RENEWAL_WF).length >= 2 && executions(RENEWAL_WF),
		NEXT_POLL_MS,
	);
	expect(orderIdsOf(renewalRuns)).toEqual([[due.id], [renewal.id]]);
	expect(renewalRuns[1].items[0].serialNumber).not.toBe(firstSerial);
	// the renewal's own move to issued is a status change too (the status trigger watches "issued")
	await waitFor('the status execution for the renewal', () => executions(STATUS_WF).length >= 2, NEXT_POLL_MS);
	expect(orderIdsOf(executions(STATUS_WF))).toEqual([[waiting.id], [renewal.id]]);

	// 4. Stop and start n8n: activation polls run again at once, and one scheduled poll after them.
	firstStartLog = n8n.log; // start() begins a new log
	await n8n.stop();
	const renewalAtRestart = renewalPolls();
	const statusAtRestart = statusPolls();
	await n8n.start();
	await waitFor(
		'activation + one scheduled poll of each trigger',
		() => renewalPolls() >= renewalAtRestart + 2 && statusPolls() >= statusAtRestart + 2,
		NEXT_POLL_MS + 60_000,
		1000,
	);
	await new Promise((r) => setTimeout(r, 3000));
	expect(allExecutions(RENEWAL_WF)).toHaveLength(2);
	expect(allExecutions(STATUS_WF)).toHaveLength(2);
	expect(orderIdsOf(executions(RENEWAL_WF))).toEqual([[due.id], [renewal.id]]);
	expect(orderIdsOf(executions(STATUS_WF))).toEqual([[waiting.id], [renewal.id]]);
	for (const run of [...executions(RENEWAL_WF), ...executions(STATUS_WF)]) expect(run.status).toBe('success');
});

// The examples were published before the first start: they polled at each activation (two starts) and
// hourly / daily after that. Each must have fired exactly once.
test('example "Renewal due (DigiCert) → renew order → send e-mail" renews the due order once', async () => {
	const runs = await waitFor(
		'the example execution to finish',
		() => executions(EXAMPLE_DIGICERT_WF, EXAMPLE_TRIGGER).length >= 1 && executions(EXAMPLE_DIGICERT_WF, EXAMPLE_TRIGGER),
		60_000,
	);
	expect(allExecutions(EXAMPLE_DIGICERT_WF, EXAMPLE_TRIGGER)).toHaveLength(1);
	expect(runs.map((run) => run.items.map((item) => item.orderId))).toEqual([[exampleDue.id]]);
	const [run] = runs;
	expect(run.error).toBeUndefined();
	expect(run.status).toBe('success');
	const renewed = run.nodes['Renew Order'];
	expect(renewed).toHaveLength(1);
	const renewal = exampleSim.control.orders().find((order) => order.renewalOfOrderId === exampleDue.id);
	expect(renewal).toBeDefined();
	expect(renewal!.alternativeOrderId).toBe(`renewal-${exampleDue.id}-${run.items[0].serialNumber}`);
	expect(exampleSim.control.orders().filter((order) => order.renewalOfOrderId !== undefined)).toHaveLength(1);
	expect(exampleSim.control.orders().some((order) => order.renewalOfOrderId === exampleFresh.id)).toBe(false);
	// the disabled e-mail node passed the item through
	expect(run.nodes['Send E-mail']).toHaveLength(1);
});

test('example "Renewal due (ARCA PEM) → ARCA Create Certificate → write the new files" runs once', async () => {
	const runs = await waitFor(
		'the example execution to finish',
		() => executions(EXAMPLE_ARCA_WF, EXAMPLE_TRIGGER).length >= 1 && executions(EXAMPLE_ARCA_WF, EXAMPLE_TRIGGER),
		60_000,
	);
	expect(allExecutions(EXAMPLE_ARCA_WF, EXAMPLE_TRIGGER)).toHaveLength(1);
	expect(runs).toHaveLength(1);
	const [run] = runs;
	expect(run.error).toBeUndefined();
	expect(run.status).toBe('success');
	expect(run.items[0]).toMatchObject({ label: 'facturacion', source: 'pem', serialNumber: arcaDue.serialHex, due: true });
	expect(run.nodes['ARCA Create Certificate'][0]).toMatchObject({ alias: 'facturacion', environment: 'dev', status: 'complete' });
	const written = existsSync(filesDir) ? readdirSync(filesDir) : [];
	const certFile = written.find((name) => name.startsWith('facturacion_') && name.endsWith('.crt.pem'));
	const keyFile = written.find((name) => name.startsWith('facturacion_') && name.endsWith('.key.pem'));
	expect(certFile).toBeDefined();
	expect(keyFile).toBeDefined();
	const fresh = new X509Certificate(readFileSync(join(filesDir, certFile!), 'utf8'));
	expect(fresh.serialNumber.toUpperCase()).not.toBe(arcaDue.serialHex);
	expect(new Date(fresh.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * DAY);
	expect(readFileSync(join(filesDir, keyFile!), 'utf8')).toContain('PRIVATE KEY');
});

test('activation errors are clear: no source selected, a rejected API key (never printed)', async () => {
	expect(firstStartLog).toContain('No certificate source selected');
	expect(firstStartLog).toMatch(/DigiCert rejected the API key/);
	for (const log of [firstStartLog, n8n.log]) expect(log).not.toContain(BAD_KEY);
	expect(allExecutions(NO_SOURCE_WF)).toEqual([]);
	expect(allExecutions(BAD_KEY_WF)).toEqual([]);
});

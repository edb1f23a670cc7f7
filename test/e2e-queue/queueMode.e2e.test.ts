/**
 * Queue mode, as users scale out: Redis, PostgreSQL, an n8n main in queue mode and one n8n worker (binary
 * data in the database, one encryption key), each with this package installed from the packed tarball in
 * its own user folder. The core example workflows start from a Webhook on main and must run on the
 * worker; the Certificate Trigger polls on main and its execution runs on the worker too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startAllSimulators, type RunningSimulators } from '../simulators/cli';
import { DEMO_IDS } from '../support/demoCredentials';
import { freePort, N8nInstance, REPO_ROOT, TEST_OWNER, type WorkflowJson } from '../support/n8n';
import { startPostgres, startRedis, type LoopbackService } from '../support/queueServices';

jest.setTimeout(15 * 60_000);

let redis: LoopbackService;
let postgres: LoopbackService;
let sims: RunningSimulators;
let sftpRoot: string;
let main: N8nInstance;
let worker: N8nInstance;

const example = (file: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson;

/** The example with its Manual Trigger replaced by a Webhook of the same name: production executions go to the queue. */
function webhookVersion(workflow: WorkflowJson, path: string): WorkflowJson {
	const nodes = workflow.nodes.map((node) =>
		node.type === 'n8n-nodes-base.manualTrigger'
			? {
					...node,
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					webhookId: `certsign-queue-${path}`,
					parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
				}
			: node,
	);
	return { ...workflow, id: `${workflow.id}Q`.slice(0, 16), name: `${workflow.name} (queue)`, nodes, active: true } as WorkflowJson;
}

const renewalTrigger: WorkflowJson = {
	id: 'queueTrigger0001',
	name: 'Certificate Trigger in queue mode',
	nodes: [
		{
			parameters: {
				pollTimes: { item: [{ mode: 'everyHour', minute: 5 }] },
				event: 'renewalDue',
				includeDigiCert: true,
				includePem: false,
				policy: 'daysBefore',
				daysBefore: 30,
				options: {},
			},
			id: 'trigger',
			name: 'Renewal Due',
			type: 'n8n-nodes-certsign.certificateTrigger',
			typeVersion: 1,
			position: [0, 0],
			credentials: { digiCertApi: { id: DEMO_IDS.digiCertApi, name: 'DigiCert (demo simulator)' } },
		},
		{ parameters: {}, id: 'done', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [250, 0] },
	],
	connections: { 'Renewal Due': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
	active: true,
} as WorkflowJson;

const CORE = [
	{ file: 'arca-create-testing-certificate.json', path: 'queue-arca', last: 'Create Testing Certificate', binary: 'certificate' },
	{ file: 'firmador-sign-batch.json', path: 'queue-firmador', last: 'Download Signed', binary: 'data' },
	{ file: 'digicert-order-and-download.json', path: 'queue-digicert', last: 'Download Certificate', binary: 'certificate' },
];

beforeAll(async () => {
	[redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
	for (const name of ['CERTSIGN_AFIPSDK_PORT', 'CERTSIGN_FIRMADOR_PORT', 'CERTSIGN_DIGICERT_PORT', 'CERTSIGN_SFTP_PORT'])
		process.env[name] = '0';
	sftpRoot = mkdtempSync(join(tmpdir(), 'certsign-queue-sftp-'));
	sims = await startAllSimulators(sftpRoot, { ephemeralPorts: true });

	const shared = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: 'postgres',
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
		// Main and workers share the database, not a disk: binary data lives in the database.
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		N8N_ENCRYPTION_KEY: 'certsign-queue-test-key-not-secret',
	};
	main = new N8nInstance({ owner: TEST_OWNER, env: shared });
	worker = new N8nInstance({ env: { ...shared, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(freePort()) } });
	expect(main.installedNodeTypes()).toContain('Firmador');
	expect(worker.installedNodeTypes()).toContain('Firmador');

	await main.importCredentials(sims.credentials);
	await main.importWorkflows([...CORE.map((c) => webhookVersion(example(c.file), c.path)), renewalTrigger]);
	for (const c of CORE) await main.publishWorkflow(webhookVersion(example(c.file), c.path).id);
	await main.publishWorkflow(renewalTrigger.id);
	await worker.start(180_000, 'worker');
	await main.start(180_000);
});

afterAll(async () => {
	await main?.dispose();
	await worker?.dispose();
	await sims?.close();
	await redis?.close();
	await postgres?.close();
	if (sftpRoot) rmSync(sftpRoot, { recursive: true, force: true });
});

interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
}

/** Asks until `done` holds for the answer or the time is up; returns the last answer. */
async function askUntil<T>(ask: () => Promise<T>, done: (answer: T) => boolean, timeoutMs: number): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const answer = await ask();
		if (done(answer) || Date.now() > deadline) return answer;
		await new Promise((r) => setTimeout(r, 1000));
	}
}

async function executionsOf(workflowId: string): Promise<ExecutionSummary[]> {
	const response = await main.rest('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
	const list = (response.body?.results ?? response.body) as ExecutionSummary[];
	return Array.isArray(list) ? list : [];
}

/** Binary properties of a node's output items, read from the stored execution (flatted, as n8n stores it). */
async function binaryOf(executionId: string, nodeName: string): Promise<Array<Record<string, { fileName?: string; id?: string }>>> {
	const response = await main.rest('GET', `/executions/${executionId}`);
	const { parse } = require(join(main.runtime.n8nBin, '..', '..', '..', 'flatted')) as { parse: (text: string) => any };
	const data = parse(response.body.data);
	const items = data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0] ?? [];
	return items.map((item: { binary?: Record<string, { fileName?: string; id?: string }> }) => item.binary ?? {});
}

test.each(CORE)('$file runs on the worker, started from a webhook on main', async ({ file, path, last, binary }) => {
	const workflowId = webhookVersion(example(file), path).id;
	// Main registers the published workflows' webhooks just after it reports ready: ask until it knows this one.
	const response = await askUntil(
		async () =>
			await fetch(`${main.baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
		(r) => r.status !== 404,
		60_000,
	);
	const text = await response.text();
	if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${text}\n${main.log.slice(-3000)}`);
	const items = JSON.parse(text) as Array<Record<string, unknown>>;
	expect(items.length).toBeGreaterThan(0);

	const [execution] = await askUntil(
		async () => await executionsOf(workflowId),
		(list) => list.some((e) => e.status !== 'running' && e.status !== 'new'),
		30_000,
	);
	expect(execution).toBeDefined();
	expect(execution.status).toBe('success');
	// Ran on the worker, not on main.
	expect(worker.log).toContain(`Worker started execution ${execution.id} `);
	expect(main.log).not.toContain(`Worker started execution ${execution.id} `);
	// Binary files made on the worker are readable from main (database binary data mode).
	const binaries = await binaryOf(execution.id, last);
	expect(binaries.length).toBe(items.length);
	for (const b of binaries) expect(b[binary]?.id).toMatch(/^database:/);
});

test('the Certificate Trigger polls on main and its execution runs on the worker', async () => {
	// n8n polls once at activation: the seeded order that expires in 20 days is due (30 days before expiry).
	const executions = await askUntil(
		async () => await executionsOf(renewalTrigger.id),
		(list) => list.some((e) => e.status === 'success'),
		120_000,
	);
	const done = executions.filter((e) => e.status === 'success');
	expect(done.length).toBeGreaterThan(0);
	for (const e of done) {
		expect(worker.log).toContain(`Worker started execution ${e.id} `);
		expect(main.log).not.toContain(`Worker started execution ${e.id} `);
	}
});

/**
 * Faults on every endpoint the DigiCert node and the Certificate Trigger use, through the simulator: reset
 * before the answer, reset after the server acted, timeout, 500/502/503, 429 without Retry-After, cut JSON,
 * slow drip. Reads and the idempotent PUTs are retried and succeed; the order POST is never sent twice
 * (the alternative_order_id lookup decides); the second item of every run is never lost.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sleep } from 'n8n-workflow';

import { listIssuedOrders } from '../../nodes/CertificateTrigger/candidates';
import { DIGICERT_BACKOFF, DigiCertClient, type ClientSettings } from '../../nodes/DigiCertCodeSigning/transport';
import { startDigiCertSimulator, type DigiCertSimulator, type Fault } from '../simulators/digicert/server';
import { digiCertContext, runDigiCertNode, type DigiCertCredentials } from '../support/nodeContext';

// How the DigiCert client of every run here waits and retries (given per run: no process-wide state).
const tuning: ClientSettings = { backoff: DIGICERT_BACKOFF, sleep, random: Math.random, timeoutMs: 60_000 };

jest.setTimeout(180_000);

let sim: DigiCertSimulator;
let credentials: DigiCertCredentials;
let csr: string;
const dir = mkdtempSync(join(tmpdir(), 'dc-faults-'));
const saved = { ...tuning };

const FAULTS: Array<{ name: string; fault: Omit<Fault, 'method' | 'path'> }> = [
	{ name: 'reset before the answer', fault: { kind: 'drop' } },
	{ name: 'reset after the server acted', fault: { kind: 'dropAfter' } },
	{ name: 'timeout', fault: { kind: 'delay', delayMs: 900 } },
	{ name: '500', fault: { kind: 'status', status: 500 } },
	{ name: '502', fault: { kind: 'status', status: 502 } },
	{ name: '503', fault: { kind: 'status', status: 503 } },
	{ name: '429 without Retry-After', fault: { kind: 'status', status: 429 } },
	{ name: 'cut JSON after acting', fault: { kind: 'malformed' } },
	{ name: 'slow drip', fault: { kind: 'drip' } },
];

beforeAll(async () => {
	sim = await startDigiCertSimulator({ rateLimit: null, issueAfterReads: 0 });
	credentials = { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url };
	execFileSync(
		'openssl',
		[
			'req',
			'-new',
			'-newkey',
			'rsa:3072',
			'-nodes',
			'-keyout',
			join(dir, 'k.key'),
			'-out',
			join(dir, 'c.csr'),
			'-subj',
			'/O=Example Corp/CN=Example Corp',
		],
		{ stdio: 'pipe' },
	);
	csr = readFileSync(join(dir, 'c.csr'), 'utf8');
	// Backoff waits are recorded, not slept; a request that takes longer than 400 ms times out.
	tuning.sleep = async () => undefined;
	tuning.random = () => 0.5;
	tuning.timeoutMs = 400;
});
afterAll(async () => {
	Object.assign(tuning, saved);
	await sim.close();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sim.control.clearFaults());

/** Safe calls: each gets the fault once on its first item, then both items must succeed. */
const SAFE: Array<{
	endpoint: string;
	method: string;
	path: (ids: { order: number; cert: number; request: number }) => RegExp;
	parameters: (ids: { order: number; cert: number; request: number }) => Record<string, unknown>;
}> = [
	{
		endpoint: 'GET order',
		method: 'GET',
		path: (i) => new RegExp(`^/order/certificate/${i.order}$`),
		parameters: (i) => ({ resource: 'order', operation: 'get', orderId: String(i.order) }),
	},
	{
		endpoint: 'GET orders (list)',
		method: 'GET',
		path: () => /^\/order\/certificate$/,
		parameters: () => ({ resource: 'order', operation: 'getMany', returnAll: false, limit: 5, filters: {} }),
	},
	{
		endpoint: 'GET by reference',
		method: 'GET',
		path: () => /^\/order\/alternate\//,
		parameters: () => ({ resource: 'order', operation: 'findByReference', alternativeOrderId: 'ref-faults' }),
	},
	{
		endpoint: 'GET certificate download',
		method: 'GET',
		path: (i) => new RegExp(`^/certificate/${i.cert}/download/`),
		parameters: (i) => ({
			resource: 'certificate',
			operation: 'download',
			downloadBy: 'certificate',
			certificateId: String(i.cert),
			format: 'pem_all',
			binaryPropertyName: 'data',
		}),
	},
	{
		endpoint: 'GET requests',
		method: 'GET',
		path: () => /^\/request$/,
		parameters: () => ({ resource: 'request', operation: 'getMany', returnAll: true, requestFilters: {} }),
	},
];

test.each(FAULTS)('safe calls survive "$name" on every endpoint; no item lost', async ({ fault }) => {
	const problems: string[] = [];
	for (const endpoint of SAFE) {
		if (fault.kind === 'malformed' && endpoint.endpoint === 'GET certificate download') continue; // a binary answer has no JSON to cut
		const order = sim.control.seedOrder({ status: 'issued', alternativeOrderId: 'ref-faults' });
		const ids = { order: order.id, cert: order.certificateId, request: 0 };
		sim.control.addFault({ method: endpoint.method, path: endpoint.path(ids), ...fault, times: 1 });
		const parameters = endpoint.parameters(ids);
		try {
			const { output } = await runDigiCertNode({
				digiCert: tuning,
				credentials,
				parameters: parameters as never,
				items: [{ json: {} }, { json: {} }],
			} as never);
			if (output.length < 2) problems.push(`${endpoint.endpoint}: ${output.length} output items for 2 inputs`);
			if (output.some((o: { json: Record<string, unknown> }) => o.json.error))
				problems.push(`${endpoint.endpoint}: ${JSON.stringify(output[0].json).slice(0, 200)}`);
		} catch (error) {
			problems.push(`${endpoint.endpoint}: ${(error as Error).message}`);
		}
	}
	expect(problems).toEqual([]);
});

test.each(FAULTS)('the order POST under "$name": at most one order, the node returns it or says it may exist', async ({ fault }) => {
	const reference = `faults-${fault.kind}-${fault.status ?? ''}`;
	const knownIds = new Set(sim.control.orders().map((o) => o.id));
	sim.control.addFault({ method: 'POST', path: '/order/certificate/code_signing', ...fault, times: 1 });
	const parameters = {
		resource: 'order',
		operation: 'create',
		product: 'code_signing',
		organization: { __rl: true, mode: 'id', value: '123456' },
		container: { __rl: true, mode: 'id', value: '765432' },
		csrSource: 'text',
		csr,
		validityUnit: 'years',
		validityYears: 1,
		alternativeOrderId: reference,
		additionalFields: { skipApproval: true },
		waitForCompletion: false,
	};
	const result = await runDigiCertNode({ digiCert: tuning, credentials, parameters: parameters as never }).then(
		(r) => ({ ok: r.output[0].json }),
		(e: Error) => ({ error: e }),
	);
	const created = sim.control.orders().filter((o) => o.alternativeOrderId === reference);
	expect(created.length).toBeLessThanOrEqual(1);
	// No order without a reference either (a timed-out POST of an earlier case may still land now: those carry theirs).
	expect(sim.control.orders().filter((o) => !knownIds.has(o.id) && !String(o.alternativeOrderId ?? '').startsWith('faults-'))).toEqual([]);
	if ('ok' in result) {
		expect(result.ok.orderId).toBe(created[0].id);
	} else {
		// Only when the service may still be creating it (timeout) or refused it outright: the message says which.
		expect(result.error.message).toMatch(/DigiCert|order/i);
		expect(JSON.stringify((result.error as { context?: unknown }).context ?? {})).toContain(reference);
	}
});

test.each(FAULTS)('the trigger\'s reads survive "$name": orders list, one order, status changes', async ({ fault }) => {
	const order = sim.control.seedOrder({ status: 'issued' });
	const { ctx } = digiCertContext({ digiCert: tuning, credentials, parameters: {} });
	const client = new DigiCertClient(ctx);
	for (const [path, read] of [
		[/^\/order\/certificate$/, async () => (await listIssuedOrders(client, {})).length > 0],
		[new RegExp(`^/order/certificate/${order.id}$`), async () => (await client.getOrder(order.id)).id === order.id],
		[/^\/order\/certificate\/status-changes$/, async () => Array.isArray(await client.listStatusChanges(60))],
	] as Array<[RegExp, () => Promise<boolean>]>) {
		sim.control.addFault({ method: 'GET', path, ...fault, times: 1 });
		await expect(read()).resolves.toBe(true);
	}
});

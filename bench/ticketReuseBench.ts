/**
 * B9 (#23): access-ticket reuse across production executions in one real n8n server (`n8n start`, not
 * `n8n execute`: separate processes share nothing but the database). An active workflow, Webhook → ARCA
 * Automation Web Service → Call (wsfe FECompUltimoAutorizado, ticket Directly From ARCA (WSAA)), is called
 * over HTTP N times one after another, and N times with `concurrency` executions in flight (a second
 * certificate and workflow, so that variant starts without a ticket too). WSAA answers after WSAA_DELAY_MS.
 * The WSAA simulator counts its
 * loginCms requests (`GET /_control/stats`), the Afip SDK simulator the calls. Fails unless every execution
 * succeeded, WSAA got exactly 1 request per variant and the web service got N calls.
 */
import path from 'node:path';

import { startAfipSdkSimulator, type AfipSdkSimulator } from '../test/simulators/afipsdk/server';
import { createArcaState } from '../test/simulators/arcaState';
import { startWsaaSimulator, type WsaaSimulator } from '../test/simulators/wsaa/server';
import { arcaDemoCredentials, DEMO_ARCA, DEMO_IDS } from '../test/support/demoCredentials';
import { N8nInstance, type WorkflowJson } from '../test/support/n8n';
import { hrms, runOk, spread, type Spread } from './lib';

export interface B9Row {
	variant: 'sequential' | 'concurrent';
	/** executions in flight at once */
	concurrency: number;
	executions: number;
	failed: number;
	/** loginCms requests the WSAA simulator received during the variant */
	wsaaLoginRequests: number;
	wsaaTicketsIssued: number;
	wsaaFaults: Record<string, number>;
	/** FECompUltimoAutorizado calls the Afip SDK simulator received */
	calls: number;
	/** executions whose output says reused: false (the one that asked WSAA) */
	ticketsObtained: number;
	/** round trip of the webhook call that got the ticket */
	firstMs: number;
	/** executions started before any ticket was held (the first `concurrency`), the first included */
	firstWaveMs: Spread;
	/** the executions started after it: the reused ticket */
	reusedMs: Spread;
	totalMs: number;
	executionsPerSecond: number;
	/** the workflow's static data in n8n's database holds the ticket afterwards (what another process or a restart reads) */
	staticDataHoldsTicket?: boolean;
}

export interface B9Result {
	executions: number;
	concurrency: number;
	wsaaDelayMs: number;
	warmupMs: Spread;
	rows: B9Row[];
}

const ARCA_NODE = 'n8n-nodes-certsign.arcaAutomation';
/**
 * LoginCms answers after this long (the simulator's responseDelayMs): on loopback it answers in a few ms,
 * faster than n8n starts the next execution, so concurrent executions would hardly ever overlap a login.
 */
export const WSAA_DELAY_MS = 300;
const SEQ_ID = 'benchB9seq000001';
const PAR_ID = 'benchB9par000001';

/** Webhook `path` → Call with `callParameters`; `warmPath`: a second Webhook → Call FEDummy in the same workflow (one publish less). */
function webhookWorkflow(id: string, path: string, callParameters: Record<string, unknown>, warmPath?: string): WorkflowJson {
	const pair = (suffix: string, hookPath: string, parameters: Record<string, unknown>, y: number) => [
		{
			parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
			id: `${id}-hook${suffix}`,
			name: `Webhook${suffix}`,
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: `certsign-bench-${hookPath}`,
			position: [0, y],
		},
		{
			parameters: { resource: 'webService', operation: 'call', environment: 'dev', ...parameters },
			id: `${id}-call${suffix}`,
			name: `Call${suffix}`,
			type: ARCA_NODE,
			typeVersion: 1,
			position: [220, y],
			credentials: { afipSdkApi: { id: DEMO_IDS.afipSdkApi, name: 'Afip SDK (demo simulator)' } },
		},
	];
	const connections: Record<string, unknown> = { Webhook: { main: [[{ node: 'Call', type: 'main', index: 0 }]] } };
	if (warmPath) connections['Webhook Warm'] = { main: [[{ node: 'Call Warm', type: 'main', index: 0 }]] };
	return {
		id,
		name: `bench ${id}`,
		nodes: [...pair('', path, callParameters, 0), ...(warmPath ? pair(' Warm', warmPath, { call: 'FEDummy' }, 200) : [])],
		connections,
		settings: { executionOrder: 'v1' },
	};
}

interface Answer {
	ok: boolean;
	status: number;
	ms: number;
	reused?: boolean;
	text: string;
}

async function callWebhook(n8n: N8nInstance, path: string): Promise<Answer> {
	const started = process.hrtime.bigint();
	const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: '{}',
	});
	const text = await response.text();
	const ms = hrms(started);
	let items: Array<Record<string, any>> = [];
	try {
		const parsed = JSON.parse(text) as unknown;
		items = Array.isArray(parsed) ? parsed : [parsed as Record<string, any>];
	} catch {
		// not JSON: an error page
	}
	const [item] = items;
	const ok = response.status === 200 && items.length === 1 && item?.result !== undefined && item?.error === undefined;
	return { ok, status: response.status, ms, reused: item?.ticket?.reused, text };
}

/** n8n registers the published workflows' webhooks just after it reports ready: wait until it knows `path`, without running it. */
async function waitForWebhook(n8n: N8nInstance, path: string, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		// A GET to a POST webhook: 404 either way, but the message says whether the path is registered.
		const response = await fetch(`${n8n.baseUrl}/webhook/${path}`);
		const text = await response.text();
		if (response.status !== 404 || /not registered for GET/i.test(text)) return;
		if (Date.now() > deadline) throw new Error(`webhook ${path} not registered after ${timeoutMs} ms: ${text.slice(0, 300)}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

async function wsaaStats(wsaa: WsaaSimulator): Promise<{ loginRequests: number; ticketsIssued: number; faults: Record<string, number> }> {
	const response = await fetch(`${wsaa.url}/_control/stats`);
	return (await response.json()) as { loginRequests: number; ticketsIssued: number; faults: Record<string, number> };
}

/** Each workflow's static data as n8n saved it in its SQLite database, read-only (n8n's Node 24 has node:sqlite). */
async function staticDataInDatabase(n8n: N8nInstance): Promise<Record<string, string>> {
	const script = `const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1], { readOnly: true });
process.stdout.write(JSON.stringify(db.prepare('SELECT id, staticData FROM workflow_entity').all().map((r) => [r.id, String(r.staticData)])));`;
	const result = await runOk(n8n.runtime.node, ['--no-warnings', '-e', script, path.join(n8n.n8nFolder, 'database.sqlite')]);
	return Object.fromEntries(JSON.parse(result.stdout) as Array<[string, string]>);
}

async function runVariant(
	n8n: N8nInstance,
	wsaa: WsaaSimulator,
	afipSdk: AfipSdkSimulator,
	variant: B9Row['variant'],
	path: string,
	executions: number,
	concurrency: number,
	log: (line: string) => void,
): Promise<B9Row> {
	const before = await wsaaStats(wsaa);
	const callsBefore = afipSdk.webServices.stats.byMethod.FECompUltimoAutorizado ?? 0;
	const answers: Answer[] = new Array(executions);
	let next = 0;
	const started = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < executions) {
				const index = next++;
				answers[index] = await callWebhook(n8n, path);
			}
		}),
	);
	const totalMs = hrms(started);
	const after = await wsaaStats(wsaa);
	const faults = Object.fromEntries(
		Object.entries(after.faults)
			.map(([code, count]) => [code, count - (before.faults[code] ?? 0)] as const)
			.filter(([, count]) => count > 0),
	);
	const failedAnswers = answers.filter((a) => !a.ok);
	if (failedAnswers.length)
		log(`  B9 ${variant}: ${failedAnswers.length} failed, e.g. HTTP ${failedAnswers[0].status}: ${failedAnswers[0].text.slice(0, 300)}`);
	const obtained = answers.filter((a) => a.ok && a.reused === false);
	const first = obtained[0] ?? answers[0];
	return {
		variant,
		concurrency,
		executions,
		failed: failedAnswers.length,
		wsaaLoginRequests: after.loginRequests - before.loginRequests,
		wsaaTicketsIssued: after.ticketsIssued - before.ticketsIssued,
		wsaaFaults: faults,
		calls: (afipSdk.webServices.stats.byMethod.FECompUltimoAutorizado ?? 0) - callsBefore,
		ticketsObtained: obtained.length,
		firstMs: first.ms,
		firstWaveMs: spread(answers.slice(0, concurrency).map((a) => a.ms)),
		reusedMs: spread(answers.slice(concurrency).map((a) => a.ms)),
		totalMs,
		executionsPerSecond: executions / (totalMs / 1000),
	};
}

/**
 * `n8n`: an instance with the package installed (the one of B1/B2/B8 when they run; its server is started
 * here and stopped at the end), or none: a fresh one, disposed at the end.
 */
export async function benchB9(
	given: N8nInstance | undefined,
	executions: number,
	concurrency: number,
	log: (line: string) => void,
): Promise<B9Result> {
	const arca = createArcaState();
	const afipSdk = await startAfipSdkSimulator({ arca, pollsUntilDone: 0 });
	const wsaa = await startWsaaSimulator({ arca, responseDelayMs: WSAA_DELAY_MS });
	const setupStarted = Date.now();
	const n8n = given ?? new N8nInstance();
	try {
		const certificates = Object.fromEntries(
			(['b9seq', 'b9par'] as const).map((alias) => {
				const issued = arca.cas.dev.issue({
					subject: `/C=AR/O=${alias}/CN=${alias}/serialNumber=CUIT ${DEMO_ARCA.cuit}`,
					days: 730,
					keyFormat: 'pkcs1',
				});
				arca.authorize('dev', DEMO_ARCA.cuit, alias, 'wsfe');
				return [alias, issued];
			}),
		);
		const lastInvoice = (alias: 'b9seq' | 'b9par') => ({
			call: 'FECompUltimoAutorizado',
			ptoVta: 1,
			cbteTipo: 11,
			ticketSource: 'wsaa',
			certificateInput: 'pem',
			certificatePem: certificates[alias].certPem,
			privateKeyPem: certificates[alias].keyPem,
			options: { wsaaUrl: wsaa.loginUrl.dev },
		});
		const workflows = [
			webhookWorkflow(SEQ_ID, 'b9-seq', lastInvoice('b9seq'), 'b9-warm'),
			webhookWorkflow(PAR_ID, 'b9-par', lastInvoice('b9par')),
		];
		await n8n.importCredentials(arcaDemoCredentials(afipSdk.baseUrl).filter((c) => c.id === DEMO_IDS.afipSdkApi));
		await n8n.importWorkflows(workflows);
		for (const workflow of workflows) await n8n.publishWorkflow(workflow.id);
		await n8n.start(180_000);
		log(`  B9 n8n server ready ${((Date.now() - setupStarted) / 1000).toFixed(0)} s after the simulators started`);
		const rows: B9Row[] = [];
		let warm: number[];
		try {
			for (const path of ['b9-warm', 'b9-seq', 'b9-par']) await waitForWebhook(n8n, path);
			// Warm-up (FEDummy needs no ticket): n8n's webhook path, the node's code and the Afip SDK connection.
			warm = [];
			for (let i = 0; i < 3; i++) {
				const answer = await callWebhook(n8n, 'b9-warm');
				if (!answer.ok) throw new Error(`B9 warm-up: HTTP ${answer.status}: ${answer.text.slice(0, 500)}\n${n8n.log.slice(-2000)}`);
				warm.push(answer.ms);
			}
			for (const [variant, path, inFlight] of [
				['sequential', 'b9-seq', 1],
				['concurrent', 'b9-par', concurrency],
			] as const) {
				const row = await runVariant(n8n, wsaa, afipSdk, variant, path, executions, inFlight, log);
				log(
					`  B9 ${variant} (${row.concurrency} at a time): ${row.executions} executions, ${row.failed} failed; WSAA ${row.wsaaLoginRequests} loginCms (${row.wsaaTicketsIssued} tickets issued${Object.keys(row.wsaaFaults).length ? `, faults ${JSON.stringify(row.wsaaFaults)}` : ''}), ${row.calls} calls; first ${row.firstMs.toFixed(0)} ms, first wave ${row.firstWaveMs.median.toFixed(0)} ms, reused ${row.reusedMs.median.toFixed(0)} ms (${row.reusedMs.min.toFixed(0)}–${row.reusedMs.max.toFixed(0)}); ${row.executionsPerSecond.toFixed(1)} executions/s`,
				);
				rows.push(row);
			}
		} finally {
			await n8n.stop();
		}
		// What n8n saved after the production executions: the ticket, never the key.
		const savedStaticData = await staticDataInDatabase(n8n);
		for (const row of rows) {
			const saved = savedStaticData[row.variant === 'sequential' ? SEQ_ID : PAR_ID] ?? 'null';
			if (saved.includes('PRIVATE KEY')) throw new Error('B9: a private key in the saved static data');
			row.staticDataHoldsTicket = saved.includes('arcaAccessTickets') && saved.includes('"token"');
			log(`  B9 ${row.variant}: static data saved by n8n holds the ticket: ${row.staticDataHoldsTicket}`);
		}
		return { executions, concurrency, wsaaDelayMs: WSAA_DELAY_MS, warmupMs: spread(warm), rows };
	} finally {
		if (!given) await n8n.dispose().catch((error) => console.error(`n8n dispose: ${(error as Error).message}`));
		await Promise.all([afipSdk.close(), wsaa.close()]);
		arca.dispose();
	}
}

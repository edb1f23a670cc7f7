/**
 * Benchmarks in the real n8n of the test suite (B1, B2): the packed package installed into a fresh n8n
 * user folder, credentials imported, workflows run with `n8n execute` (a fresh n8n process per run, its
 * peak memory sampled from /proc), the Firmador simulator and a real OpenSSH sftp server on loopback.
 * The OpenSSH client (`sftp -b`) and a plain script give the floor.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { firmadorNonce, signFirmadorRequest, unixSeconds } from '../nodes/Firmador/protocol/hmac';
import { startFirmadorSimulator, type FirmadorSimulator } from '../test/simulators/firmador/server';
import { N8nInstance, type WorkflowJson } from '../test/support/n8n';
import { startSshd, type SshdServer } from '../test/support/sshd';
import { BUILTIN_APP, SFTP_CREDENTIAL_ID } from './builtinWorkflow';
import { hrms, memoryOf, run, runOk } from './lib';

export const CUIL = '20111111112';
export const CUIT = '30500010912';
const IDS = { firmadorApi: 'benchFirmadorApi1', firmadorSftp: 'benchFirmadorSftp' };
export const BATCH_SIZE = 50;
export const POLL_SECONDS = 1;

export interface BenchEnv {
	sshd: SshdServer;
	sim: FirmadorSimulator;
	n8n: N8nInstance;
	dataDir: string;
	uploadFolder: string;
	signedFolder: string;
	keyFile: string;
	close(): Promise<void>;
}

export async function setupN8n(): Promise<BenchEnv> {
	const sshd = await startSshd();
	const uploadFolder = path.join(sshd.root, 'upload');
	const signedFolder = path.join(sshd.root, 'signed');
	mkdirSync(uploadFolder, { recursive: true });
	mkdirSync(signedFolder, { recursive: true });
	const sim = await startFirmadorSimulator({
		uploadFolder,
		signedFolder,
		apps: [
			{ appId: 'sim-app', secret: Buffer.from('firmador-simulator-shared-key-32').toString('base64'), secretFormat: 'base64' },
			BUILTIN_APP,
		],
	});
	const dataDir = mkdtempSync(path.join(tmpdir(), 'certsign-bench-data-'));
	const keyDir = mkdtempSync(path.join(tmpdir(), 'certsign-bench-key-'));
	const keyFile = path.join(keyDir, 'id');
	writeFileSync(keyFile, sshd.privateKey);
	chmodSync(keyFile, 0o600);
	// crypto for the Code nodes of B1 (b), the workflow built from n8n's own nodes.
	const n8n = new N8nInstance({ env: { N8N_RESTRICT_FILE_ACCESS_TO: dataDir, NODE_FUNCTION_ALLOW_BUILTIN: 'crypto' } });
	const app = sim.apps[0];
	await n8n.importCredentials([
		{
			id: IDS.firmadorApi,
			name: 'Firmador API (bench)',
			type: 'firmadorApi',
			data: { baseUrl: sim.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat },
		},
		{
			id: IDS.firmadorSftp,
			name: 'Firmador SFTP (bench)',
			type: 'firmadorSftp',
			data: {
				host: sshd.host,
				port: sshd.port,
				username: sshd.username,
				password: '',
				privateKey: sshd.privateKey,
				passphrase: '',
				hostKeyFingerprint: sshd.hostKeyFingerprint,
				uploadFolder,
				signedFolder,
			},
		},
		{
			id: SFTP_CREDENTIAL_ID,
			name: 'SFTP (bench)',
			type: 'sftp',
			data: { host: sshd.host, port: sshd.port, username: sshd.username, password: '', privateKey: sshd.privateKey, passphrase: '' },
		},
	]);
	return {
		sshd,
		sim,
		n8n,
		dataDir,
		uploadFolder,
		signedFolder,
		keyFile,
		close: async () => {
			await n8n.dispose().catch((error) => console.error(`n8n dispose: ${(error as Error).message}`));
			await sim.close();
			await sshd.stop();
			rmSync(dataDir, { recursive: true, force: true });
			rmSync(keyDir, { recursive: true, force: true });
		},
	};
}

/** Empties the SFTP folders between runs (the uploads keep their names). */
export function clearRemote(env: BenchEnv) {
	for (const dir of [env.uploadFolder, env.signedFolder])
		for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { recursive: true, force: true });
}

/** `count` PDFs of `size` bytes in a new folder below the data folder. */
export function makePdfs(env: BenchEnv, count: number, size: number): { dir: string; files: string[] } {
	const dir = mkdtempSync(path.join(env.dataDir, `pdfs-${count}-`));
	const files: string[] = [];
	for (let i = 0; i < count; i++) {
		const head = Buffer.from(`%PDF-1.4\n% bench document ${i}\n`);
		const body = Buffer.alloc(size - head.length - 6, 0x20 + (i % 90));
		const file = path.join(dir, `doc-${String(i).padStart(5, '0')}.pdf`);
		writeFileSync(file, Buffer.concat([head, body, Buffer.from('\n%%EOF')]));
		files.push(file);
	}
	return { dir, files };
}

const firmadorNode = (parameters: Record<string, unknown>, credentials: string[]) => ({
	parameters,
	id: 'sign',
	name: 'Sign',
	type: 'n8n-nodes-certsign.firmador',
	typeVersion: 1,
	position: [440, 0],
	credentials: Object.fromEntries(credentials.map((c) => [c, { id: IDS[c as keyof typeof IDS], name: c }])),
});

function chain(id: string, name: string, nodes: Array<Record<string, any>>): WorkflowJson {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name, nodes, connections };
}

const start = { parameters: {}, id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] };
const readFiles = (glob: string) => ({
	parameters: { fileSelector: glob, options: {} },
	id: 'read',
	name: 'Read Files',
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1.1,
	position: [220, 0],
});

/** Read every PDF of a folder, then Firmador Document → Sign (batch or one request per item), waiting or not. */
export function signWorkflow(id: string, dir: string, options: { batch: boolean; wait: boolean }): WorkflowJson {
	return chain(id, `bench ${id}`, [
		start,
		readFiles(`${dir}/*.pdf`),
		firmadorNode(
			{
				resource: 'document',
				operation: 'sign',
				binaryPropertyName: 'data',
				signerCuil: CUIL,
				companyCuit: CUIT,
				reason: 'Conforme',
				visible: false,
				waitForCompletion: options.wait,
				options: { batch: options.batch, batchSize: BATCH_SIZE, overwrite: true, pollInterval: POLL_SECONDS, timeout: 3600 },
			},
			['firmadorApi', 'firmadorSftp'],
		),
	]);
}

export interface N8nRun {
	ok: boolean;
	error?: string;
	wallMs: number;
	/** executionTime n8n recorded for each node (first run) */
	nodeMs: Record<string, number>;
	items: Record<string, Array<Record<string, any>>>;
	peakRssMiB: number;
}

/** `n8n execute --id`, its main process's VmHWM sampled every 50 ms while it runs (`extraEnv` added to n8n's environment). */
export async function executeMeasured(env: BenchEnv, workflowId: string, extraEnv: Record<string, string> = {}): Promise<N8nRun> {
	const { node, n8nBin } = env.n8n.runtime;
	let pid = 0;
	let peak = 0;
	const timer = setInterval(() => {
		if (pid) peak = Math.max(peak, memoryOf(pid).hwm);
	}, 50);
	const started = process.hrtime.bigint();
	const result = await run(node, [n8nBin, 'execute', `--id=${workflowId}`, '--rawOutput'], {
		env: { ...(env.n8n as unknown as { env: NodeJS.ProcessEnv }).env, ...extraEnv },
		onSpawn: (p) => (pid = p),
	});
	const wallMs = hrms(started);
	clearInterval(timer);
	const lines = result.stdout.split('\n');
	const from = lines.indexOf('{');
	const to = lines.lastIndexOf('}');
	if (from < 0 || to < from)
		throw new Error(
			`n8n execute printed no execution data (exit ${result.code}):\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`,
		);
	const parsed = JSON.parse(lines.slice(from, to + 1).join('\n'));
	const runData = parsed.data.resultData.runData as Record<
		string,
		Array<{ executionTime: number; data?: { main: Array<Array<{ json: Record<string, any> }>> } }>
	>;
	const nodeMs: Record<string, number> = {};
	const items: Record<string, Array<Record<string, any>>> = {};
	for (const [name, runs] of Object.entries(runData)) {
		nodeMs[name] = runs.reduce((sum, r) => sum + (r.executionTime ?? 0), 0);
		items[name] = runs.flatMap((r) => (r.data?.main?.[0] ?? []).map((i) => i.json));
	}
	const error = parsed.data.resultData.error;
	const last = parsed.data.resultData.lastNodeExecuted;
	return {
		ok: !error,
		error: error ? `${last ? `node "${last}": ` : ''}${error.message} ${error.description ?? ''}` : undefined,
		wallMs,
		nodeMs,
		items,
		peakRssMiB: peak,
	};
}

/* ------------------------------------------------------------ the floor ------------------------------------------------------------ */

async function signedFetch(env: BenchEnv, method: 'GET' | 'POST', pathAndQuery: string, body?: unknown): Promise<any> {
	const app = env.sim.apps[0];
	const url = `${env.sim.url}${pathAndQuery}`;
	const text = body === undefined ? '' : JSON.stringify(body);
	const signature = signFirmadorRequest({
		appId: app.appId,
		secret: app.secret,
		secretFormat: app.secretFormat,
		method,
		url,
		body: text,
		timestamp: unixSeconds(),
		nonce: firmadorNonce(),
	});
	const response = await fetch(url, {
		method,
		headers: {
			Authorization: signature.authorization,
			Accept: 'application/json',
			...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
		},
		body: text || undefined,
	});
	if (response.status !== 200) throw new Error(`${method} ${pathAndQuery.slice(0, 60)}: HTTP ${response.status} ${response.statusText}`);
	return await response.json();
}

/**
 * B1 (c): what a script with OpenSSH does: `sftp -b` puts every file (one connection), SHA-1 of each file
 * computed meanwhile, one FirmadorMasivo POST per batch, then EstadoSolicitud polls (36 ids each) every
 * POLL_SECONDS until every session is signed: the same work and waiting as the node, without n8n.
 */
export async function floorRun(env: BenchEnv, files: string[]): Promise<{ ms: number; uploadMs: number }> {
	const started = process.hrtime.bigint();
	const batchFile = path.join(path.dirname(env.keyFile), 'batch');
	writeFileSync(batchFile, `put ${path.dirname(files[0])}/*.pdf ${env.uploadFolder}/\n`);
	const upload = runOk('sftp', [
		'-q',
		'-b',
		batchFile,
		'-i',
		env.keyFile,
		'-P',
		String(env.sshd.port),
		'-o',
		'StrictHostKeyChecking=no',
		'-o',
		'UserKnownHostsFile=/dev/null',
		'-o',
		'BatchMode=yes',
		`${env.sshd.username}@127.0.0.1`,
	]);
	const hashes = files.map((f) => createHash('sha1').update(readFileSync(f)).digest('hex').toUpperCase());
	await upload;
	const uploadMs = hrms(started);
	const sessions: string[] = [];
	for (let i = 0; i < files.length; i += BATCH_SIZE) {
		const Archivos = files
			.slice(i, i + BATCH_SIZE)
			.map((f, k) => ({ NombreArchivo: path.basename(f), HashArchivo: hashes[i + k], Razon: 'Conforme', Visible: false }));
		const id = await signedFetch(env, 'POST', '/api/FirmadorMasivo', { CUILPersona: CUIL, CUITEmpresa: CUIT, Archivos });
		sessions.push(typeof id === 'string' ? id : String(id.SessionID));
	}
	let pending = sessions;
	for (;;) {
		const still: string[] = [];
		for (let i = 0; i < pending.length; i += 36) {
			const group = pending.slice(i, i + 36);
			const list = (await signedFetch(env, 'GET', `/api/EstadoSolicitud?${group.map((s) => `SessionsID[]=${s}`).join('&')}`)) as Array<{
				SessionID: string;
				CodigoEstado: number;
			}>;
			for (const id of group) if (list.find((e) => e.SessionID === id)?.CodigoEstado !== 4) still.push(id);
		}
		pending = still;
		if (pending.length === 0) break;
		await new Promise((r) => setTimeout(r, POLL_SECONDS * 1000));
	}
	return { ms: hrms(started), uploadMs };
}

/** B2's reference: OpenSSH `sftp put` of one file. */
export async function opensshPut(env: BenchEnv, file: string, remoteName: string): Promise<number> {
	const batchFile = path.join(path.dirname(env.keyFile), 'batch-put');
	writeFileSync(batchFile, `put ${file} ${env.uploadFolder}/${remoteName}\n`);
	const started = process.hrtime.bigint();
	await runOk('sftp', [
		'-q',
		'-b',
		batchFile,
		'-i',
		env.keyFile,
		'-P',
		String(env.sshd.port),
		'-o',
		'StrictHostKeyChecking=no',
		'-o',
		'UserKnownHostsFile=/dev/null',
		'-o',
		'BatchMode=yes',
		`${env.sshd.username}@127.0.0.1`,
	]);
	return hrms(started);
}

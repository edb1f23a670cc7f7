/**
 * A real n8n for end-to-end tests and the dev demo: the cached install from scripts/install-n8n.sh,
 * this package packed and installed into `<userFolder>/.n8n/nodes` the way users install it,
 * credentials and workflows imported through the n8n CLI, workflows run with `n8n execute`, and
 * `n8n start` for triggers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { postgresBin } from './postgres';

/** The repository root, from the sources (ts-jest) or from their compiled copy in .build/. */
function findRepoRoot(from: string): string {
	for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
		if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts', 'install-n8n.sh'))) return dir;
	}
	throw new Error(`no repository root above ${from}`);
}

export const REPO_ROOT = findRepoRoot(__dirname);

export interface N8nRuntime {
	version: string;
	node: string;
	n8nBin: string;
}

/** test/n8n-versions.json: the tested versions and the default one. */
export const N8N_VERSIONS = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'n8n-versions.json'), 'utf8')) as {
	default: string;
	versions: Array<{ n8n: string; node: string; suites: string; env?: Record<string, string> }>;
};

const runtimes = new Map<string, N8nRuntime>();

/** Installs the n8n version (default: N8N_VERSION or the list's default) into the cache on first use (minutes), then reuses it. */
export function n8nRuntime(version = process.env.N8N_VERSION ?? N8N_VERSIONS.default): N8nRuntime {
	const known = runtimes.get(version);
	if (known) return known;
	const major = N8N_VERSIONS.versions.find((v) => v.n8n === version)?.node ?? process.env.N8N_NODE_MAJOR ?? '24';
	const cacheRoot = execFileSync('bash', [join(REPO_ROOT, 'scripts/install-n8n.sh')], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, N8N_VERSION: version, N8N_NODE_MAJOR: major },
	}).trim();
	const runtime = {
		version,
		node: join(cacheRoot, `node-${major}`, 'bin', 'node'),
		n8nBin: join(cacheRoot, `n8n-${version}`, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
	runtimes.set(version, runtime);
	return runtime;
}

let packedTarball: string | undefined;

/**
 * `npm pack` of the built package (dist must be current: the test command builds first). The test command packs
 * once per run and names the tarball in CERTSIGN_PACKED_TARBALL; without it each test file packs its own.
 */
export function packPackage(): string {
	const shared = process.env.CERTSIGN_PACKED_TARBALL;
	if (shared) {
		if (!existsSync(shared)) throw new Error(`CERTSIGN_PACKED_TARBALL names a missing file: ${shared}`);
		return shared;
	}
	if (packedTarball && existsSync(packedTarball)) return packedTarball;
	if (!existsSync(join(REPO_ROOT, 'dist/nodes'))) throw new Error('dist/ is missing: run `npm run build` first');
	const dest = mkdtempSync(join(tmpdir(), 'certsign-pack-'));
	const out = execFileSync('npm', ['pack', '--pack-destination', dest, '--json'], { cwd: REPO_ROOT, encoding: 'utf8' });
	const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
	packedTarball = join(dest, filename);
	return packedTarball;
}

/** Installs the tarball into the user folder's community-node folder, as `npm i` in ~/.n8n/nodes does. */
export function installPackage(n8nFolder: string, tarball: string) {
	const nodesDir = join(n8nFolder, 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	if (!existsSync(join(nodesDir, 'package.json'))) {
		writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	}
	// --legacy-peer-deps: n8n provides n8n-workflow; a second copy would break instanceof checks.
	execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', tarball], {
		cwd: nodesDir,
		stdio: ['ignore', 'ignore', 'pipe'],
	});
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: Array<Record<string, any>>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export interface NodeRun {
	executionStatus?: string;
	error?: { message: string; description?: string; [key: string]: unknown };
	data?: { main: Array<Array<{ json: Record<string, any>; binary?: Record<string, any>; pairedItem?: unknown }> | null> };
}

export interface ExecutionResult {
	/** false when the workflow stopped on an error */
	success: boolean;
	runData: Record<string, NodeRun[]>;
	error?: { message: string; description?: string; node?: { name: string } };
	/** Output items of a node's first run, output 0 (or the given output). */
	output(nodeName: string, outputIndex?: number): Array<{ json: Record<string, any>; binary?: Record<string, any> }>;
	raw: string;
}

export interface N8nInstanceOptions {
	/** Folder for `.n8n` (database, nodes, binary data). A temp folder by default. */
	userFolder?: string;
	port?: number;
	brokerPort?: number;
	env?: Record<string, string>;
	/** Skip installing the package (the folder already has it). */
	skipInstall?: boolean;
	/** The n8n version to run (one of test/n8n-versions.json; default: its default). */
	n8nVersion?: string;
	/** An owner account created from the environment at start (N8N_INSTANCE_OWNER_*), for the REST API. */
	owner?: { email: string; password: string };
}

export const TEST_OWNER = { email: 'owner@certsign.test', password: 'Certsign-Demo-1' };

/** bcrypt hash with n8n's own bcryptjs, as N8N_INSTANCE_OWNER_PASSWORD_HASH wants. */
function bcryptHash(password: string, runtime: N8nRuntime): string {
	const { node, n8nBin } = runtime;
	const n8nModules = resolve(n8nBin, '../../..');
	return execFileSync(
		node,
		['-e', `process.stdout.write(require(${JSON.stringify(join(n8nModules, 'bcryptjs'))}).hashSync(process.argv[1], 10))`, password],
		{
			encoding: 'utf8',
		},
	);
}

/** A port nothing listens on now (asked of the OS), so tests never collide with a running n8n. */
export function freePort(): number {
	const script =
		"const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
	return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

const QUIET_ENV = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_SECURE_COOKIE: 'false',
	N8N_LOG_LEVEL: 'info', // `n8n execute` prints its JSON through the logger at info
	N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
	DB_SQLITE_POOL_SIZE: '2',
	N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
	N8N_ENCRYPTION_KEY: 'certsign-test-encryption-key-not-secret',
	N8N_RUNNERS_ENABLED: 'true',
	GENERIC_TIMEZONE: 'UTC',
};

/** The JSON block that `n8n execute` prints, among log lines. */
function extractJson(stdout: string): any {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	let end = -1;
	for (let i = lines.length - 1; i > start; i--) {
		if (lines[i] === '}') {
			end = i;
			break;
		}
	}
	if (start < 0 || end < 0) return undefined;
	return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

export class N8nInstance {
	readonly userFolder: string;
	readonly port: number;
	readonly brokerPort: number;
	private server?: ChildProcess;
	private serverLog = '';
	/** Everything n8n printed: CLI runs (with `n8n execute`'s run data) and the server's log, for the secret scan. */
	private transcript: string[] = [];
	private readonly secrets = new SecretRegistry();
	private readonly env: NodeJS.ProcessEnv;
	private cookie?: string;
	readonly owner?: { email: string; password: string };
	readonly runtime: N8nRuntime;

	constructor(options: N8nInstanceOptions = {}) {
		this.runtime = n8nRuntime(options.n8nVersion);
		this.userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'certsign-n8n-'));
		// Free ports unless told: n8n's defaults (5678, and 5679 for its task broker) may be taken by `npm run dev`.
		this.port = options.port ?? freePort();
		this.brokerPort = options.brokerPort ?? freePort();
		this.env = {
			...process.env,
			...QUIET_ENV,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			...(N8N_VERSIONS.versions.find((v) => v.n8n === this.runtime.version)?.env ?? {}),
			...(options.env ?? {}),
		};
		if (options.owner) {
			this.owner = options.owner;
			Object.assign(this.env, {
				N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
				N8N_INSTANCE_OWNER_EMAIL: options.owner.email,
				N8N_INSTANCE_OWNER_FIRST_NAME: 'Demo',
				N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
				N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(options.owner.password, this.runtime),
			});
		}
		// Jest's env would make n8n think it is under test.
		delete this.env.JEST_WORKER_ID;
		delete this.env.NODE_ENV;
		if (!options.skipInstall) installPackage(join(this.userFolder, '.n8n'), packPackage());
	}

	/** The environment n8n runs with (the secret scan reads its database settings). */
	get environment(): NodeJS.ProcessEnv {
		return this.env;
	}

	get n8nFolder() {
		return join(this.userFolder, '.n8n');
	}

	get baseUrl() {
		return `http://127.0.0.1:${this.port}`;
	}

	async cli(args: string[], timeoutMs = 180_000): Promise<{ code: number; stdout: string; stderr: string }> {
		const { node, n8nBin } = this.runtime;
		// Output goes to files, not pipes: n8n exits right after printing an execution, and a process that
		// exits with megabytes still in a pipe loses the end of them (writes to a file are synchronous).
		const dir = mkdtempSync(join(this.userFolder, 'cli-'));
		const outFile = join(dir, 'stdout');
		const errFile = join(dir, 'stderr');
		const out = openSync(outFile, 'w');
		const err = openSync(errFile, 'w');
		try {
			const code = await new Promise<number>((resolvePromise) => {
				const child = spawn(node, [n8nBin, ...args], { env: this.env, stdio: ['ignore', out, err] });
				const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
				child.once('error', () => resolvePromise(1));
				child.once('exit', (exitCode) => {
					clearTimeout(timer);
					resolvePromise(exitCode ?? 1);
				});
			});
			const stdout = readFileSync(outFile, 'utf8');
			const stderr = readFileSync(errFile, 'utf8');
			this.transcript.push(stdout, stderr);
			return { code, stdout, stderr };
		} finally {
			closeSync(out);
			closeSync(err);
			rmSync(dir, { recursive: true, force: true });
		}
	}

	private writeTemp(name: string, content: unknown): string {
		const dir = join(this.userFolder, 'imports');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, name);
		writeFileSync(file, JSON.stringify(content, null, 2));
		return file;
	}

	async importCredentials(credentials: CredentialImport[]) {
		for (const credential of credentials) this.secrets.add(credential.data);
		const file = this.writeTemp(`credentials-${Date.now()}.json`, credentials);
		const result = await this.cli(['import:credentials', `--input=${file}`]);
		rmSync(file, { force: true }); // it holds secrets in plain text
		if (result.code !== 0) throw new Error(`import:credentials failed: ${result.stderr || result.stdout}`);
	}

	async importWorkflow(workflow: WorkflowJson): Promise<string> {
		const file = this.writeTemp(`workflow-${workflow.id}.json`, { active: false, settings: {}, ...workflow });
		const result = await this.cli(['import:workflow', `--input=${file}`]);
		if (result.code !== 0) throw new Error(`import:workflow failed: ${result.stderr || result.stdout}`);
		return workflow.id;
	}

	/** Several workflows in one CLI call (each call starts n8n: seconds). */
	async importWorkflows(workflows: WorkflowJson[]): Promise<string[]> {
		const dir = mkdtempSync(join(this.userFolder, 'imports-'));
		workflows.forEach((workflow, index) =>
			writeFileSync(
				join(dir, `${String(index).padStart(3, '0')}.json`),
				JSON.stringify({ active: false, settings: {}, ...workflow }, null, 2),
			),
		);
		const result = await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		rmSync(dir, { recursive: true, force: true });
		if (result.code !== 0) throw new Error(`import:workflow failed: ${result.stderr || result.stdout}`);
		return workflows.map((w) => w.id);
	}

	/** Activates a workflow (n8n 2.x "publishes"; 1.x sets it active). */
	async publishWorkflow(id: string) {
		const args = this.runtime.version.startsWith('1.')
			? ['update:workflow', `--id=${id}`, '--active=true']
			: ['publish:workflow', `--id=${id}`];
		const result = await this.cli(args);
		if (result.code !== 0) throw new Error(`publish:workflow failed: ${result.stderr || result.stdout}`);
	}

	/** Runs a workflow that starts with a Manual Trigger, in a fresh n8n process. */
	async execute(id: string): Promise<ExecutionResult> {
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput']);
		const parsed = extractJson(result.stdout);
		if (!parsed?.data?.resultData) {
			throw new Error(
				`n8n execute printed no execution data (exit ${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
			);
		}
		const runData: Record<string, NodeRun[]> = parsed.data.resultData.runData ?? {};
		return {
			success: !parsed.data.resultData.error,
			runData,
			error: parsed.data.resultData.error,
			raw: result.stdout,
			output(nodeName: string, outputIndex = 0) {
				const runs = runData[nodeName];
				if (!runs?.length) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(runData).join(', ')}`);
				return runs[0].data?.main?.[outputIndex] ?? [];
			},
		};
	}

	/**
	 * `n8n start` (or `n8n worker`, queue mode) in the background; resolves when it answers its readiness
	 * URL (a worker's is its health check server: QUEUE_HEALTH_CHECK_ACTIVE and QUEUE_HEALTH_CHECK_PORT).
	 */
	async start(timeoutMs = 120_000, command: 'start' | 'worker' = 'start') {
		if (this.server) return;
		const { node, n8nBin } = this.runtime;
		this.serverLog = '';
		const readyUrl =
			command === 'worker' ? `http://127.0.0.1:${this.env.QUEUE_HEALTH_CHECK_PORT}/healthz/readiness` : `${this.baseUrl}/healthz/readiness`;
		const child = spawn(node, [n8nBin, command], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
		this.server = child;
		child.stdout?.on('data', (chunk) => (this.serverLog += chunk));
		child.stderr?.on('data', (chunk) => (this.serverLog += chunk));
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`n8n exited (${child.exitCode}):\n${this.serverLog.slice(-3000)}`);
			try {
				const response = await fetch(readyUrl);
				if (response.ok) return;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not become ready in ${timeoutMs} ms:\n${this.serverLog.slice(-3000)}`);
	}

	get log() {
		return this.serverLog;
	}

	/** The editor's REST API (/rest/...), logged in as the owner. */
	async rest<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
		if (!this.cookie) {
			if (!this.owner) throw new Error('N8nInstance needs the owner option for REST calls');
			const login = await fetch(`${this.baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'browser-id': 'certsign-tests' },
				body: JSON.stringify({ emailOrLdapLoginId: this.owner.email, password: this.owner.password }),
			});
			if (!login.ok) throw new Error(`login failed: HTTP ${login.status} ${await login.text()}`);
			this.cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
		}
		const response = await fetch(`${this.baseUrl}/rest${path}`, {
			method,
			headers: { 'Content-Type': 'application/json', cookie: this.cookie, 'browser-id': 'certsign-tests' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: any = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON
		}
		return { status: response.status, body: parsed?.data !== undefined ? parsed.data : parsed };
	}

	/** The editor's "Test" button for a credential, through the REST API. */
	async testCredential(type: string, data: Record<string, unknown>): Promise<{ status: 'OK' | 'Error'; message: string }> {
		const result = await this.rest('POST', '/credentials/test', { credentials: { id: '', name: `test ${type}`, type, data } });
		if (result.status !== 200) throw new Error(`credential test call failed: HTTP ${result.status} ${JSON.stringify(result.body)}`);
		return result.body;
	}

	async stop() {
		this.cookie = undefined;
		const child = this.server;
		if (!child) return;
		this.server = undefined;
		if (child.exitCode !== null) return;
		await new Promise<void>((resolvePromise) => {
			const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
			child.once('exit', () => {
				clearTimeout(kill);
				resolvePromise();
			});
			child.kill('SIGTERM');
		});
	}

	/** Loaded node types whose name starts with the package name (proves the package was installed). */
	installedNodeTypes(): string[] {
		const dir = join(this.n8nFolder, 'nodes', 'node_modules', 'n8n-nodes-certsign', 'dist', 'nodes');
		return existsSync(dir) ? readdirSync(dir) : [];
	}

	/**
	 * The secret scan: no value of a secret credential field imported into this n8n may appear in anything
	 * n8n printed (CLI output holds `n8n execute`'s run data and error messages; the server's log) nor in the
	 * execution data it stored. Runs on dispose, so every e2e suite is covered.
	 */
	scanForSecrets(): SecretScanResult {
		const texts = [...this.transcript, this.serverLog];
		const executions = readStoredExecutionData(this);
		texts.push(...executions);
		const found = this.secrets.findIn(texts);
		return { secrets: this.secrets.size, texts: texts.length, executions: executions.length, found };
	}

	async dispose() {
		await this.stop();
		const scan = this.scanForSecrets();
		recordSecretScan(scan);
		if (!process.env.CERTSIGN_KEEP_N8N) rmSync(this.userFolder, { recursive: true, force: true });
		if (scan.found.length > 0)
			throw new Error(`Secret scan: credential secrets found in n8n's output or stored executions: ${scan.found.join('; ')}`);
	}
}

/** Field names whose values are secrets (the credentials' password fields). */
const SECRET_FIELDS = /password|secret|token|apikey|privatekey|passphrase/i;

export class SecretRegistry {
	private readonly values = new Map<string, string>();

	add(data: Record<string, unknown>) {
		for (const [field, value] of Object.entries(data)) {
			if (!SECRET_FIELDS.test(field) || typeof value !== 'string') continue;
			// Short values ("x") would match anything; real secrets in the tests are longer.
			if (value.length >= 8) this.values.set(value, field);
			// A private key also must not leak line by line.
			for (const line of value.split(/\r?\n/))
				if (line.length >= 40 && !line.startsWith('-----')) this.values.set(line, `${field} (a line)`);
		}
	}

	get size() {
		return this.values.size;
	}

	/** "field in text #n" for every secret found. */
	findIn(texts: string[]): string[] {
		const found: string[] = [];
		for (const [value, field] of this.values) {
			const at = texts.findIndex((t) => t.includes(value));
			if (at >= 0) found.push(`${field} in output #${at}`);
		}
		return found;
	}
}

export interface SecretScanResult {
	secrets: number;
	texts: number;
	executions: number;
	found: string[];
}

/** One line per scan in the temp folder, so the test command can report the totals. */
function recordSecretScan(result: SecretScanResult) {
	const file = process.env.CERTSIGN_SECRET_SCAN_LOG;
	if (!file) return;
	writeFileSync(
		file,
		`${JSON.stringify({ secrets: result.secrets, texts: result.texts, executions: result.executions, found: result.found.length })}\n`,
		{ flag: 'a' },
	);
}

/** Every stored execution's data (SQLite database; the n8n that ran it provides node:sqlite from Node 22 on). */
function readStoredExecutionData(instance: N8nInstance): string[] {
	const env = instance.environment;
	if (env.DB_TYPE === 'postgresdb') {
		// Queue mode: the executions live in PostgreSQL (read before the suite stops the database).
		const out = execFileSync(
			postgresBin('psql'),
			[
				'-h',
				env.DB_POSTGRESDB_HOST ?? '127.0.0.1',
				'-p',
				env.DB_POSTGRESDB_PORT ?? '5432',
				'-U',
				env.DB_POSTGRESDB_USER ?? 'postgres',
				'-d',
				env.DB_POSTGRESDB_DATABASE ?? 'postgres',
				'-At',
				'-c',
				"SELECT coalesce(json_agg(data), '[]'::json) FROM execution_data",
			],
			{
				encoding: 'utf8',
				maxBuffer: 512 * 1024 * 1024,
				stdio: ['ignore', 'pipe', 'pipe'],
				env: { ...process.env, PGPASSWORD: env.DB_POSTGRESDB_PASSWORD ?? '' },
			},
		);
		return JSON.parse(out) as string[];
	}
	const db = join(instance.n8nFolder, 'database.sqlite');
	if (!existsSync(db)) return [];
	const script = `const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1], { readOnly: true });
const rows = db.prepare('SELECT data FROM execution_data').all(); process.stdout.write(JSON.stringify(rows.map((r) => String(r.data))));`;
	// n8n 1.x runs on Node 20, which has no node:sqlite: the default runtime's Node (24) reads its database.
	const node = instance.runtime.version.startsWith('1.') ? n8nRuntime().node : instance.runtime.node;
	const out = execFileSync(node, ['--no-warnings', '-e', script, db], {
		encoding: 'utf8',
		maxBuffer: 512 * 1024 * 1024,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return JSON.parse(out) as string[];
}

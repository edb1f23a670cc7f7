/**
 * A loopback stand-in for Afip SDK's automations API, strict to the provider's document
 * (shared/seeds/arca-automation-create-cert.txt) and notes (shared/notes/arca-afipsdk.md):
 * POST /api/v1/automations {automation, params} → {status:"in_process", id}; GET /api/v1/automations/:id →
 * in_process for a number of polls, then 200 complete {cert, key} / {status:"created"} or 400 error.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { createArcaState, type ArcaState } from '../arcaState';
import { listen, readBody, sendJson } from '../http';
import { afipWebServices } from './webServices';

export interface ArcaAccount {
	/** CUITs this login may act for (the first is the login's own). */
	cuits: string[];
	username: string;
	password: string;
}

export interface AfipSdkSimulatorOptions {
	port?: number;
	tokens?: string[];
	accounts?: ArcaAccount[];
	/** GETs that answer in_process before the result. */
	pollsUntilDone?: number;
	/** Automations allowed before the quota message. */
	quota?: number;
	certificateDays?: number;
	/**
	 * ARCA's alias rule is not documented. 'alnum': only letters and digits (what the first build guessed);
	 * 'lenient': anything without spaces or control characters. Tests run the node against both.
	 */
	aliasRule?: 'alnum' | 'lenient';
	/** ARCA's side (CAs, authorizations, tickets), shared with the WSAA simulator; default a new one. */
	arca?: ArcaState;
}

/**
 * A fault for the next `times` requests of `method`: without `path`, POST /automations or GET
 * /automations/:id; with `path` (e.g. '/afip/auth', '/afip/requests', '/afip/requests/last-xml'), the
 * web-service endpoints under it.
 */
export interface AfipSdkFault {
	method: 'POST' | 'GET';
	path?: string;
	/** resetBefore: the connection drops before anything happens; resetAfter: the server acted, then the
	 * connection drops; status: an HTTP error without acting; malformed: the server acted, the answer is cut
	 * JSON; drip: the answer arrives a few bytes at a time. */
	kind: 'resetBefore' | 'resetAfter' | 'status' | 'malformed' | 'drip';
	status?: number;
	times?: number;
}

export const AFIPSDK_FAULT_KINDS: AfipSdkFault['kind'][] = ['resetBefore', 'resetAfter', 'status', 'malformed', 'drip'];
/** What `POST /_control/configure` may set, with the values each takes. */
export const AFIPSDK_SWITCHES = {
	aliasRule: ['alnum', 'lenient'],
	pollsUntilDone: 'count',
	quota: 'count',
	certificateDays: 'count',
} as const;

const BASE = '/api/v1';
const BAD_TOKEN = { message: 'El token proporcionado es invalido.' };
const QUOTA_MESSAGE =
	'Alcanzaste el límite de automatizaciones de tu plan este mes. Mejorá tu plan para seguir usando las automatizaciones.';

/** params each documented automation takes; every one a string per the seed's table. */
const AUTOMATIONS: Record<string, string[]> = {
	'create-cert-dev': ['cuit', 'username', 'password', 'alias'],
	'create-cert-prod': ['cuit', 'username', 'password', 'alias'],
	'auth-web-service-dev': ['cuit', 'username', 'password', 'alias', 'service'],
	'auth-web-service-prod': ['cuit', 'username', 'password', 'alias', 'service'],
	'list-sales-points': ['cuit', 'username', 'password'],
};

const WEB_SERVICES = new Set([
	'wsfe',
	'wsfex',
	'wsmtxca',
	'ws_sr_constancia_inscripcion',
	'ws_sr_padron_a4',
	'ws_sr_padron_a5',
	'ws_sr_padron_a10',
	'ws_sr_padron_a13',
]);

interface Job {
	id: string;
	automation: string;
	params: Record<string, string>;
	polls: number;
	outcome?: { status: 'complete'; data: Record<string, unknown> } | { status: 'error'; message: string };
}

function cuitValid(cuit: string): boolean {
	if (!/^\d{11}$/.test(cuit)) return false;
	const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
	const sum = weights.reduce((acc, w, i) => acc + w * Number(cuit[i]), 0);
	const r = sum % 11;
	const digit = r === 0 ? 0 : 11 - r;
	return r !== 1 && digit === Number(cuit[10]);
}

export async function startAfipSdkSimulator(options: AfipSdkSimulatorOptions = {}) {
	const tokens = new Set(options.tokens ?? ['demo-access-token']);
	const accounts = options.accounts ?? [{ cuits: ['20409378472'], username: '20409378472', password: 'demo-clave-fiscal' }];
	const ownState = !options.arca;
	const arca = options.arca ?? createArcaState();
	const jobs = new Map<string, Job>();
	/** alias registry: `${env}:${cuit}:${alias}` */
	const aliases = new Set<string>();
	const stats = {
		posts: 0,
		gets: 0,
		failedLogins: 0,
		automationsRun: 0,
		lastPostBody: undefined as unknown,
		received: { POST: 0, GET: 0 } as Record<string, number>,
	};
	const control = {
		pollsUntilDone: options.pollsUntilDone ?? 1,
		quota: options.quota ?? Number.POSITIVE_INFINITY,
		certificateDays: options.certificateDays ?? 730,
		aliasRule: options.aliasRule ?? 'alnum',
		faults: [] as AfipSdkFault[],
	};

	function authorized(req: IncomingMessage): boolean {
		const header = req.headers.authorization ?? '';
		const match = /^Bearer (.+)$/.exec(header);
		return !!match && tokens.has(match[1]);
	}

	function finish(job: Job): Job['outcome'] {
		const { cuit, username, password, alias, service } = job.params;
		if (!cuitValid(cuit)) return { status: 'error', message: 'Número de CUIL/CUIT incorrecto' };
		const account = accounts.find((a) => a.username === username);
		if (!account || account.password !== password) {
			stats.failedLogins++;
			return { status: 'error', message: 'Clave o usuario incorrecto' };
		}
		if (!account.cuits.includes(cuit)) return { status: 'error', message: `El usuario ${username} no puede operar en nombre de ${cuit}` };
		if (job.automation === 'list-sales-points') return { status: 'complete', data: { sales_points: [{ number: 1, type: 'CAE' }] } };
		const aliasOk = control.aliasRule === 'alnum' ? /^[A-Za-z0-9]+$/.test(alias) : !/[\s\u0000-\u001f]/.test(alias);
		if (!aliasOk) return { status: 'error', message: 'El alias solo puede contener letras y números' };
		const env = job.automation.endsWith('-prod') ? 'prod' : 'dev';
		if (job.automation.startsWith('create-cert-')) {
			const issued = arca.cas[env].issue({
				subject: `/C=AR/O=${alias}/CN=${alias}/serialNumber=CUIT ${cuit}`,
				days: control.certificateDays,
				keyFormat: 'pkcs1',
			});
			aliases.add(`${env}:${cuit}:${alias}`);
			// Afip SDK returns the key with CRLF line ends (seed example); the certificate with LF.
			return { status: 'complete', data: { cert: issued.certPem, key: issued.keyPem.replace(/\r?\n/g, '\r\n') } };
		}
		if (!aliases.has(`${env}:${cuit}:${alias}`)) return { status: 'error', message: `No existe certificado con el alias ${alias}` };
		if (!WEB_SERVICES.has(service)) return { status: 'error', message: `El servicio ${service} no existe` };
		arca.authorize(env, cuit, alias, service);
		return { status: 'complete', data: { status: 'created' } };
	}

	async function createJob(req: IncomingMessage, res: ServerResponse) {
		stats.posts++;
		if (!authorized(req)) return sendJson(res, 401, BAD_TOKEN);
		const raw = (await readBody(req)).toString('utf8');
		let body: any;
		try {
			body = raw.trim() === '' ? {} : JSON.parse(raw);
		} catch {
			return sendJson(res, 400, { message: 'The given data was invalid.', data_errors: { body: ['The body must be JSON.'] } });
		}
		stats.lastPostBody = body;
		const errors: Record<string, string[]> = {};
		if (!body || typeof body !== 'object' || Array.isArray(body)) body = {};
		for (const key of Object.keys(body)) if (key !== 'automation' && key !== 'params') errors[key] = [`The ${key} field is not allowed.`];
		if (typeof body.automation !== 'string' || body.automation === '') errors.automation = ['The automation field is required.'];
		else if (!AUTOMATIONS[body.automation]) errors.automation = ['The selected automation is invalid.'];
		if (!body.params || typeof body.params !== 'object' || Array.isArray(body.params)) errors.params = ['The params field is required.'];
		else if (AUTOMATIONS[body.automation]) {
			for (const field of AUTOMATIONS[body.automation]) {
				const value = body.params[field];
				if (value === undefined || value === '') errors[`params.${field}`] = [`The params.${field} field is required.`];
				else if (typeof value !== 'string') errors[`params.${field}`] = [`The params.${field} must be a string.`];
			}
		}
		if (Object.keys(errors).length) return sendJson(res, 400, { message: 'The given data was invalid.', data_errors: errors });
		if (stats.automationsRun >= control.quota) return sendJson(res, 429, { message: QUOTA_MESSAGE });
		stats.automationsRun++;
		const job: Job = { id: randomUUID(), automation: body.automation, params: body.params, polls: 0 };
		jobs.set(job.id, job);
		return sendJson(res, 200, { status: 'in_process', id: job.id });
	}

	function readJob(req: IncomingMessage, res: ServerResponse, id: string) {
		stats.gets++;
		if (!authorized(req)) return sendJson(res, 401, BAD_TOKEN);
		const job = jobs.get(id);
		if (!job) return sendJson(res, 404, { message: 'Automatización no encontrada' });
		if (job.polls++ < control.pollsUntilDone) return sendJson(res, 200, { status: 'in_process' });
		job.outcome ??= finish(job);
		if (job.outcome!.status === 'error') return sendJson(res, 400, { status: 'error', data: { message: job.outcome!.message } });
		return sendJson(res, 200, { status: 'complete', data: job.outcome!.data });
	}

	/** Runs `act` against a response that is thrown away, then answers as the fault says. */
	async function withFault(
		fault: AfipSdkFault,
		req: IncomingMessage,
		res: ServerResponse,
		act: (r: ServerResponse) => Promise<void> | void,
	) {
		if (fault.kind === 'resetBefore') return void req.socket.destroy();
		if (fault.kind === 'status') return sendJson(res, fault.status ?? 500, { message: 'Error de servidor' });
		let captured = '';
		let capturedStatus = 200;
		const sink = {
			writeHead: (status: number) => {
				capturedStatus = status;
				return sink;
			},
			setHeader: () => sink,
			end: (chunk?: string | Buffer) => {
				captured += chunk ? chunk.toString() : '';
			},
		} as unknown as ServerResponse;
		await act(sink);
		capturedStatus = (sink as unknown as { statusCode?: number }).statusCode ?? capturedStatus;
		if (fault.kind === 'resetAfter') return void req.socket.destroy();
		if (fault.kind === 'malformed') {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			return void res.end(captured.slice(0, Math.max(1, Math.floor(captured.length / 2))));
		}
		// drip: the real answer, five bytes every 20 ms
		res.writeHead(capturedStatus, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(captured)) });
		for (let i = 0; i < captured.length; i += 5) {
			res.write(captured.slice(i, i + 5));
			await new Promise((r) => setTimeout(r, 20));
		}
		res.end();
	}

	function takeFault(method: string, webServicePath?: string): AfipSdkFault | undefined {
		const fault = control.faults.find(
			(f) =>
				f.method === method &&
				(f.times ?? 1) > 0 &&
				(webServicePath === undefined ? f.path === undefined : f.path !== undefined && webServicePath === f.path),
		);
		if (fault) fault.times = (fault.times ?? 1) - 1;
		return fault;
	}

	/** The HTTP control API (for `npm run dev` and tests): every switch and every fault kind at run time. */
	async function controlRoute(req: IncomingMessage, res: ServerResponse, action: string) {
		const raw = (await readBody(req)).toString('utf8');
		let body: Record<string, unknown> = {};
		try {
			body = raw.trim() ? (JSON.parse(raw) as Record<string, unknown>) : {};
		} catch {
			return sendJson(res, 400, { message: 'control body must be JSON' });
		}
		if (req.method === 'POST' && action === 'configure') {
			for (const [key, value] of Object.entries(body)) {
				const allowed = (AFIPSDK_SWITCHES as Record<string, readonly string[] | 'count'>)[key];
				if (!allowed)
					return sendJson(res, 400, { message: `unknown switch "${key}"; one of: ${Object.keys(AFIPSDK_SWITCHES).join(', ')}` });
				const ok = allowed === 'count' ? (typeof value === 'number' && value >= 0) || value === null : allowed.includes(value as string);
				if (!ok) return sendJson(res, 400, { message: `switch ${key} cannot be ${JSON.stringify(value)}` });
			}
			for (const [key, value] of Object.entries(body))
				(control as Record<string, unknown>)[key] = key === 'quota' && value === null ? Number.POSITIVE_INFINITY : value;
			return sendJson(res, 200, {
				aliasRule: control.aliasRule,
				pollsUntilDone: control.pollsUntilDone,
				quota: Number.isFinite(control.quota) ? control.quota : null,
				certificateDays: control.certificateDays,
			});
		}
		if (req.method === 'POST' && action === 'fault') {
			if (!AFIPSDK_FAULT_KINDS.includes(body.kind as AfipSdkFault['kind']))
				return sendJson(res, 400, { message: `kind must be one of: ${AFIPSDK_FAULT_KINDS.join(', ')}` });
			if (body.method !== 'POST' && body.method !== 'GET') return sendJson(res, 400, { message: 'method must be POST or GET' });
			control.faults.push({
				method: body.method,
				kind: body.kind as AfipSdkFault['kind'],
				status: body.status as number | undefined,
				times: (body.times as number | undefined) ?? 1,
				...(typeof body.path === 'string' ? { path: body.path } : {}),
			});
			return sendJson(res, 200, { faults: control.faults.length });
		}
		if (req.method === 'DELETE' && action === 'faults') {
			control.faults.length = 0;
			return sendJson(res, 200, { faults: 0 });
		}
		if (req.method === 'GET' && action === 'stats') return sendJson(res, 200, stats);
		return sendJson(res, 404, { message: `no control action ${req.method} ${action}` });
	}

	const webServices = afipWebServices({
		arca,
		bearer: (req) => (authorized(req) ? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')![1] : undefined),
		cuitValid,
	});

	const listening = await listen(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname.startsWith(`${BASE}/afip/`)) {
			const path = url.pathname.slice(BASE.length);
			// Counted as they arrive (faulted ones too): tests prove a POST was sent once.
			stats.received[`${req.method} ${path}`] = (stats.received[`${req.method} ${path}`] ?? 0) + 1;
			const fault = takeFault(String(req.method), path);
			if (fault) return await withFault(fault, req, res, async (r) => void (await webServices.route(req, r, path)));
			if (await webServices.route(req, res, path)) return;
		}
		if (url.pathname.startsWith('/_control/')) return await controlRoute(req, res, url.pathname.slice('/_control/'.length));
		const isPost = req.method === 'POST' && url.pathname === `${BASE}/automations`;
		const getMatch = new RegExp(`^${BASE}/automations/([^/]+)$`).exec(url.pathname);
		if (isPost || (req.method === 'GET' && getMatch)) stats.received[String(req.method)] = (stats.received[String(req.method)] ?? 0) + 1;
		const fault = isPost || (req.method === 'GET' && getMatch) ? takeFault(String(req.method)) : undefined;
		if (fault && isPost) return await withFault(fault, req, res, async (r) => await createJob(req, r));
		if (fault && getMatch) return await withFault(fault, req, res, (r) => readJob(req, r, decodeURIComponent(getMatch[1])));
		if (req.method === 'POST' && url.pathname === `${BASE}/automations`) return await createJob(req, res);
		const match = new RegExp(`^${BASE}/automations/([^/]+)$`).exec(url.pathname);
		if (req.method === 'GET' && match) return readJob(req, res, decodeURIComponent(match[1]));
		return sendJson(res, 404, { message: 'Not found' });
	}, options.port);

	return {
		url: listening.url,
		baseUrl: `${listening.url}${BASE}`,
		port: listening.port,
		stats,
		control,
		jobs,
		caPem: arca.cas.dev.certPem,
		arca,
		webServices,
		async close() {
			await listening.close();
			if (ownState) arca.dispose();
		},
	};
}

export type AfipSdkSimulator = Awaited<ReturnType<typeof startAfipSdkSimulator>>;

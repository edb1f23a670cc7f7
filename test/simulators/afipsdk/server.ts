/**
 * A loopback stand-in for Afip SDK's automations API, strict to the provider's document
 * (shared/seeds/arca-automation-create-cert.txt) and notes (shared/notes/arca-afipsdk.md):
 * POST /api/v1/automations {automation, params} → {status:"in_process", id}; GET /api/v1/automations/:id →
 * in_process for a number of polls, then 200 complete {cert, key} / {status:"created"} or 400 error.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { TestCa } from '../../support/testCa';
import { listen, readBody, sendJson } from '../http';

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
}

const BASE = '/api/v1';
const BAD_TOKEN = { message: 'El token proporcionado es invalido.' };
const QUOTA_MESSAGE = 'Alcanzaste el límite de automatizaciones de tu plan este mes. Mejorá tu plan para seguir usando las automatizaciones.';

/** params each documented automation takes; every one a string per the seed's table. */
const AUTOMATIONS: Record<string, string[]> = {
	'create-cert-dev': ['cuit', 'username', 'password', 'alias'],
	'create-cert-prod': ['cuit', 'username', 'password', 'alias'],
	'auth-web-service-dev': ['cuit', 'username', 'password', 'alias', 'service'],
	'auth-web-service-prod': ['cuit', 'username', 'password', 'alias', 'service'],
	'list-sales-points': ['cuit', 'username', 'password'],
};

const WEB_SERVICES = new Set([
	'wsfe', 'wsfex', 'wsmtxca', 'ws_sr_constancia_inscripcion', 'ws_sr_padron_a4', 'ws_sr_padron_a5', 'ws_sr_padron_a10', 'ws_sr_padron_a13',
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
	const ca = new TestCa('/C=AR/O=AFIP/CN=Computadores Test');
	const jobs = new Map<string, Job>();
	/** alias registry: `${env}:${cuit}:${alias}` */
	const aliases = new Set<string>();
	const stats = { posts: 0, gets: 0, failedLogins: 0, automationsRun: 0, lastPostBody: undefined as unknown };
	const control = {
		pollsUntilDone: options.pollsUntilDone ?? 1,
		quota: options.quota ?? Number.POSITIVE_INFINITY,
		certificateDays: options.certificateDays ?? 730,
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
		if (!/^[A-Za-z0-9]+$/.test(alias)) return { status: 'error', message: 'El alias solo puede contener letras y números' };
		const env = job.automation.endsWith('-prod') ? 'prod' : 'dev';
		if (job.automation.startsWith('create-cert-')) {
			const issued = ca.issue({ subject: `/C=AR/O=${alias}/CN=${alias}/serialNumber=CUIT ${cuit}`, days: control.certificateDays, keyFormat: 'pkcs1' });
			aliases.add(`${env}:${cuit}:${alias}`);
			// Afip SDK returns the key with CRLF line ends (seed example); the certificate with LF.
			return { status: 'complete', data: { cert: issued.certPem, key: issued.keyPem.replace(/\r?\n/g, '\r\n') } };
		}
		if (!aliases.has(`${env}:${cuit}:${alias}`)) return { status: 'error', message: `No existe certificado con el alias ${alias}` };
		if (!WEB_SERVICES.has(service)) return { status: 'error', message: `El servicio ${service} no existe` };
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

	const listening = await listen(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
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
		caPem: ca.certPem,
		async close() {
			await listening.close();
			ca.dispose();
		},
	};
}

export type AfipSdkSimulator = Awaited<ReturnType<typeof startAfipSdkSimulator>>;

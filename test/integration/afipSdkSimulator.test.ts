/**
 * The Afip SDK simulator must disagree with a wrong client: these requests are what a careless node
 * could send, and each must be refused the way the document says the real service does.
 */
import { X509Certificate } from 'node:crypto';

import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';

let sim: AfipSdkSimulator;
const token = 'demo-access-token';
const login = { cuit: '20409378472', username: '20409378472', password: 'demo-clave-fiscal' };

async function call(method: string, path: string, body?: unknown, auth = `Bearer ${token}`) {
	const response = await fetch(`${sim.baseUrl}${path}`, {
		method,
		headers: { Authorization: auth, 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as any };
}

async function untilDone(id: string) {
	for (let i = 0; i < 10; i++) {
		const r = await call('GET', `/automations/${id}`);
		if (r.body.status !== 'in_process') return r;
	}
	throw new Error('never finished');
}

beforeAll(async () => {
	sim = await startAfipSdkSimulator({ pollsUntilDone: 2 });
});
afterAll(async () => await sim.close());

test('a bad token is refused with the documented 401 message', async () => {
	expect(await call('POST', '/automations', { automation: 'create-cert-dev', params: { ...login, alias: 'a' } }, 'Bearer nope')).toEqual({
		status: 401,
		body: { message: 'El token proporcionado es invalido.' },
	});
	expect((await call('GET', '/automations/x', undefined, 'Token abc')).status).toBe(401);
});

test('an empty body is a 400 with data_errors and uses no quota (the credential test relies on it)', async () => {
	const before = sim.stats.automationsRun;
	const r = await call('POST', '/automations', {});
	expect(r.status).toBe(400);
	expect(Object.keys(r.body.data_errors)).toEqual(['automation', 'params']);
	expect(sim.stats.automationsRun).toBe(before);
});

test.each([
	[
		'a number where the document says string',
		{ automation: 'create-cert-dev', params: { ...login, cuit: 20409378472, alias: 'a' } },
		'params.cuit',
	],
	['a missing alias', { automation: 'create-cert-dev', params: { ...login } }, 'params.alias'],
	['an unknown automation', { automation: 'create-cert', params: { ...login, alias: 'a' } }, 'automation'],
	['params flattened into the body', { automation: 'create-cert-dev', ...login, alias: 'a' }, 'params'],
	['a service missing for authorization', { automation: 'auth-web-service-dev', params: { ...login, alias: 'a' } }, 'params.service'],
])('%s is refused', async (_case, body, field) => {
	const r = await call('POST', '/automations', body);
	expect(r.status).toBe(400);
	expect(Object.keys(r.body.data_errors)).toContain(field);
});

test('create-cert answers in_process, then a real certificate whose key matches, key with CRLF', async () => {
	const started = await call('POST', '/automations', { automation: 'create-cert-dev', params: { ...login, alias: 'sim1' } });
	expect(started).toEqual({ status: 200, body: { status: 'in_process', id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
	expect((await call('GET', `/automations/${started.body.id}`)).body).toEqual({ status: 'in_process' });
	const done = await untilDone(started.body.id);
	expect(done.status).toBe(200);
	expect(done.body.status).toBe('complete');
	const cert = new X509Certificate(done.body.data.cert);
	expect(cert.subject).toContain('serialNumber=CUIT 20409378472');
	expect(done.body.data.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\r\n/);
	const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
	expect(Math.round(days)).toBe(730);
});

test('a wrong check digit, a wrong password and an unknown alias end as 400 status:error', async () => {
	const badCuit = await call('POST', '/automations', {
		automation: 'create-cert-dev',
		params: { ...login, cuit: '20409378473', alias: 'a' },
	});
	expect(await untilDone(badCuit.body.id)).toEqual({
		status: 400,
		body: { status: 'error', data: { message: 'Número de CUIL/CUIT incorrecto' } },
	});

	const before = sim.stats.failedLogins;
	const badPassword = await call('POST', '/automations', {
		automation: 'create-cert-dev',
		params: { ...login, password: 'x', alias: 'a' },
	});
	expect((await untilDone(badPassword.body.id)).body.data.message).toBe('Clave o usuario incorrecto');
	expect(sim.stats.failedLogins).toBe(before + 1);

	const unknownAlias = await call('POST', '/automations', {
		automation: 'auth-web-service-prod',
		params: { ...login, alias: 'nunca', service: 'wsfe' },
	});
	expect((await untilDone(unknownAlias.body.id)).body.data.message).toBe('No existe certificado con el alias nunca');
});

test('after the quota, automations are refused with the documented message', async () => {
	sim.control.quota = sim.stats.automationsRun;
	const r = await call('POST', '/automations', { automation: 'create-cert-dev', params: { ...login, alias: 'q' } });
	expect(r.body.message).toMatch(/^Alcanzaste el límite de automatizaciones/);
	sim.control.quota = Number.POSITIVE_INFINITY;
});

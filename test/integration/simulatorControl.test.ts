/**
 * Issue #18: every reading switch and every fault kind of every simulator can be set at run time through its
 * HTTP control API (what `npm run dev` users have), and each one takes effect on the next request.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { AFIPSDK_FAULT_KINDS, AFIPSDK_SWITCHES, startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import {
	FAULT_KINDS as DIGICERT_FAULTS,
	DIGICERT_SWITCHES,
	startDigiCertSimulator,
	type DigiCertSimulator,
} from '../simulators/digicert/server';
import {
	DEFAULT_SWITCHES,
	FAULT_KINDS as FIRMADOR_FAULTS,
	SWITCHES as FIRMADOR_SWITCHES,
	startFirmadorSimulator,
	type FirmadorSimulator,
} from '../simulators/firmador/server';

jest.setTimeout(60_000);

const post = async (url: string, body: unknown, method = 'POST') =>
	await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
/** A request whose outcome is all we look at: its status, or that the connection failed. */
const attempt = async (url: string, init: RequestInit = {}): Promise<{ status: number; text: string } | { failed: string }> => {
	try {
		const response = await fetch(url, { ...init, signal: AbortSignal.timeout(1500) });
		return { status: response.status, text: await response.text() };
	} catch (error) {
		return { failed: (error as Error).name };
	}
};

describe('Firmador simulator: /_control/configure and /_control/fault', () => {
	let sim: FirmadorSimulator;
	beforeAll(async () => {
		const root = mkdtempSync(path.join(tmpdir(), 'fsim-control-'));
		sim = await startFirmadorSimulator({ uploadFolder: path.join(root, 'u'), signedFolder: path.join(root, 's') });
	});
	afterAll(async () => await sim?.close());

	const cases = Object.entries(FIRMADOR_SWITCHES).flatMap(([key, values]) =>
		(values === 'text' ? ['Otro texto', ''] : [...values]).map((value) => [key, value] as const),
	);
	it.each(cases)('switch %s = %j is set over HTTP and reported back', async (key, value) => {
		const response = await post(`${sim.url}/_control/configure`, { [key]: value });
		expect(response.status).toBe(200);
		expect(((await response.json()) as Record<string, unknown>)[key]).toEqual(value);
		expect(sim.control.switches()[key as keyof typeof DEFAULT_SWITCHES]).toEqual(value);
	});
	it('an unknown switch or value is refused, not ignored', async () => {
		expect((await post(`${sim.url}/_control/configure`, { sessionIdsForm: 'encoded' })).status).toBe(400);
		expect((await post(`${sim.url}/_control/configure`, { keyCase: 'kebab' })).status).toBe(400);
		expect((await post(`${sim.url}/_control/fault`, { kind: 'explode' })).status).toBe(400);
		await post(`${sim.url}/_control/configure`, DEFAULT_SWITCHES);
		expect(sim.control.switches()).toEqual(DEFAULT_SWITCHES);
	});
	it.each(FIRMADOR_FAULTS)('fault %s set over HTTP meets the next API request', async (kind) => {
		expect((await post(`${sim.url}/_control/fault`, { kind, count: 1, pathPrefix: '/api/EstadoSolicitud' })).status).toBe(200);
		await attempt(`${sim.url}/api/EstadoSolicitud?SessionsID[]=1`);
		expect(sim.control.requests().at(-1)).toMatchObject({ url: '/api/EstadoSolicitud?SessionsID[]=1', fault: kind });
	});
});

describe('DigiCert simulator: /__control/settings and /__control/faults', () => {
	let sim: DigiCertSimulator;
	beforeAll(async () => {
		sim = await startDigiCertSimulator({ rateLimit: null });
	});
	afterAll(async () => await sim?.close());
	const me = async () => await attempt(`${sim.url}/user/me`, { headers: { 'X-DC-DEVKEY': sim.apiKey } });

	const cases = Object.entries(DIGICERT_SWITCHES).flatMap(([key, values]) => values.map((value) => [key, value] as const));
	it.each(cases)('setting %s = %j is set over HTTP and reported back', async (key, value) => {
		expect((await post(`${sim.origin}/__control/settings`, { [key]: value })).status).toBe(204);
		const settings = (await (await fetch(`${sim.origin}/__control/settings`)).json()) as Record<string, unknown>;
		expect(settings[key]).toEqual(value);
	});
	it('an unknown setting value or fault kind is refused', async () => {
		expect((await post(`${sim.origin}/__control/settings`, { date_form: 'epoch' })).status).toBe(400);
		expect((await post(`${sim.origin}/__control/faults`, { kind: 'explode' })).status).toBe(400);
	});
	const expected: Record<string, (r: Awaited<ReturnType<typeof me>>) => void> = {
		drop: (r) => expect(r).toHaveProperty('failed'),
		dropAfter: (r) => expect(r).toHaveProperty('failed'),
		delay: (r) => expect(r).toMatchObject({ status: 200 }),
		status: (r) => expect(r).toMatchObject({ status: 503 }),
		statusAfter: (r) => expect(r).toMatchObject({ status: 502 }),
		malformed: (r) => expect(() => JSON.parse((r as { text: string }).text)).toThrow(),
		drip: (r) => expect(JSON.parse((r as { text: string }).text)).toHaveProperty('id'),
	};
	it.each(DIGICERT_FAULTS)('fault %s set over HTTP meets the next API request', async (kind) => {
		const started = Date.now();
		const status = kind === 'status' ? 503 : kind === 'statusAfter' ? 502 : undefined;
		expect((await post(`${sim.origin}/__control/faults`, { kind, path: '/user/me', status, delayMs: 300 })).status).toBe(204);
		expected[kind](await me());
		if (kind === 'delay') expect(Date.now() - started).toBeGreaterThanOrEqual(300);
		// consumed: the next request is normal again
		expect(await me()).toMatchObject({ status: 200 });
	});
});

describe('Afip SDK simulator: /_control/configure and /_control/fault', () => {
	let sim: AfipSdkSimulator;
	beforeAll(async () => {
		sim = await startAfipSdkSimulator({ tokens: ['t'] });
	});
	afterAll(async () => await sim?.close());
	const job = async () => await attempt(`${sim.baseUrl}/automations/no-such-job`, { headers: { Authorization: 'Bearer t' } });

	const cases = Object.entries(AFIPSDK_SWITCHES).flatMap(([key, values]) =>
		(values === 'count' ? [0, 3] : [...values]).map((value) => [key, value] as const),
	);
	it.each(cases)('switch %s = %j is set over HTTP and reported back', async (key, value) => {
		const response = await post(`${sim.url}/_control/configure`, { [key]: value });
		expect(response.status).toBe(200);
		expect(((await response.json()) as Record<string, unknown>)[key]).toEqual(value);
		expect((sim.control as Record<string, unknown>)[key]).toEqual(value);
	});
	it('an unknown switch, value or fault kind is refused', async () => {
		expect((await post(`${sim.url}/_control/configure`, { aliasRule: 'any' })).status).toBe(400);
		expect((await post(`${sim.url}/_control/configure`, { colour: 'red' })).status).toBe(400);
		expect((await post(`${sim.url}/_control/fault`, { method: 'GET', kind: 'explode' })).status).toBe(400);
	});
	const expected: Record<string, (r: Awaited<ReturnType<typeof job>>) => void> = {
		resetBefore: (r) => expect(r).toHaveProperty('failed'),
		resetAfter: (r) => expect(r).toHaveProperty('failed'),
		status: (r) => expect(r).toMatchObject({ status: 502 }),
		malformed: (r) => expect(() => JSON.parse((r as { text: string }).text)).toThrow(),
		drip: (r) => expect(r).toMatchObject({ status: 404 }),
	};
	it.each(AFIPSDK_FAULT_KINDS)('fault %s set over HTTP meets the next request', async (kind) => {
		expect((await post(`${sim.url}/_control/fault`, { method: 'GET', kind, status: kind === 'status' ? 502 : undefined })).status).toBe(
			200,
		);
		expected[kind](await job());
		expect(await job()).toMatchObject({ status: 404 });
	});
});

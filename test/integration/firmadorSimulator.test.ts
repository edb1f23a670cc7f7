/**
 * The simulator's own HMAC check against the shared vectors: it must accept every signed request the
 * vectors describe (sent raw, Host and path as in the vector) and reject a tampered or replayed one.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startFirmadorSimulator, type FirmadorSimulator } from '../simulators/firmador/server';

const VECTORS_FILE = path.resolve(__dirname, '../fixtures/firmador-hmac.json');
if (!existsSync(VECTORS_FILE)) throw new Error(`Firmador HMAC vectors not found at ${VECTORS_FILE}`);
const vectors = (JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as { vectors: any[] }).vectors;

interface Raw {
	status: number;
	reason: string;
	body: string;
}

function rawRequest(port: number, v: any, overrides: { body?: string; authorization?: string } = {}): Promise<Raw> {
	const target = new URL(v.url);
	const body = overrides.body ?? v.body;
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: '127.0.0.1',
				port,
				method: v.method,
				// The path exactly as signed (brackets literal).
				path: v.url.slice(v.url.indexOf('/', target.protocol.length + 2)),
				setHost: false,
				headers: {
					Host: target.host,
					Authorization: overrides.authorization ?? v.authorization,
					'X-Forwarded-Proto': target.protocol.replace(':', ''),
					...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
				},
			},
			(res) => {
				let text = '';
				res.on('data', (c) => (text += c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', body: text }));
			},
		);
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

// A URL with a space cannot travel in an HTTP request line as it is; its vector checks the signer only.
const wireable = vectors.filter((v) => !/\s/.test(v.url));

describe('Firmador simulator HMAC verification with the shared vectors', () => {
	let sim: FirmadorSimulator;
	let clock = 0;
	let dir: string;

	beforeAll(async () => {
		dir = mkdtempSync(path.join(tmpdir(), 'firmador-vec-'));
		const apps = [...new Map(vectors.map((v) => [v.appId, { appId: v.appId, secret: v.secret, secretFormat: v.secretFormat }])).values()];
		sim = await startFirmadorSimulator({
			apps,
			uploadFolder: path.join(dir, 'up'),
			signedFolder: path.join(dir, 'signed'),
			now: () => clock,
			trustForwardedProto: true,
		});
	});
	afterAll(async () => {
		await sim.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('has vectors that can be sent', () => {
		expect(wireable.length).toBeGreaterThanOrEqual(8);
	});

	it.each(wireable.map((v, i) => [i, v.method, v.url, v] as const))('accepts vector %i (%s %s)', async (_i, _m, _u, v) => {
		clock = v.timestamp * 1000 + 1500;
		const res = await rawRequest(sim.port, v);
		// Signature accepted: anything but 401 (a POST may still be refused by the business rules).
		expect(res.status).not.toBe(401);
		const entry = sim.control.requests().at(-1)!;
		expect(entry.authorization).toBe(v.authorization);
	});

	it('rejects a tampered body, a tampered signature, a replay and a stale timestamp with 401', async () => {
		const v = wireable.find((x) => x.body !== '' && x.secretFormat === 'text')!;
		clock = v.timestamp * 1000;
		const tampered = await rawRequest(sim.port, v, { body: v.body.replace('Conforme', 'conforme') });
		expect(tampered.status).toBe(401);
		const badSig = await rawRequest(sim.port, v, {
			authorization: v.authorization.replace(/:[^:]+:/, ':AAAA' + v.signature.slice(4) + ':'),
		});
		expect(badSig.status).toBe(401);
		// vectors were already accepted once above: sending the same nonce again is a replay.
		const replay = await rawRequest(sim.port, v);
		expect(replay.status).toBe(401);
		expect(replay.body).toMatch(/replay/i);
		const g = wireable.find((x) => x.method === 'GET' && x.secretFormat === 'base64')!;
		clock = (g.timestamp + 301) * 1000;
		const stale = await rawRequest(sim.port, { ...g, authorization: g.authorization });
		expect(stale.status).toBe(401);
		expect(stale.body).toMatch(/timestamp/i);
	});

	it('control API over HTTP: an injected fault answers 500 "Error de servidor" once (after the HMAC check)', async () => {
		const v = wireable.find((x) => x.method === 'GET' && x.url.includes('HashFirmado') && x.secretFormat === 'text')!;
		sim.control.reset(); // forget the nonces seen above so the vector can be sent again
		const control = await fetch(`${sim.url}/_control/fault`, {
			method: 'POST',
			body: JSON.stringify({ count: 1, pathPrefix: '/api/HashFirmado' }),
		});
		expect(control.status).toBe(200);
		clock = v.timestamp * 1000;
		const faulted = await rawRequest(sim.port, v);
		expect(faulted.status).toBe(500);
		expect(faulted.reason).toBe('Error de servidor');
	});
});

/**
 * The DigiCert Code Signing node and its transport against the simulator, through n8n's own HTTP stack
 * (runDigiCertNode and digiCertContext of test/support/nodeContext.ts). Backoff sleeps are injected: recorded, not waited.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sleep, type IDataObject } from 'n8n-workflow';

import { CertificateTrigger } from '../../nodes/CertificateTrigger/CertificateTrigger.node';
import { DigiCertCodeSigning } from '../../nodes/DigiCertCodeSigning/DigiCertCodeSigning.node';
import { DIGICERT_BACKOFF, DigiCertClient, type ClientSettings } from '../../nodes/DigiCertCodeSigning/transport';
import { backoffBudgetMs } from '../../nodes/shared/backoff';
import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { readStoredZip } from '../simulators/digicert/zip';
import { digiCertContext, runDigiCertNode, type DigiCertCredentials } from '../support/nodeContext';

// How the DigiCert client of every run here waits and retries (given per run: no process-wide state).
const tuning: ClientSettings = { backoff: DIGICERT_BACKOFF, sleep, random: Math.random, timeoutMs: 60_000 };

jest.setTimeout(120_000);

let sim: DigiCertSimulator;
let credentials: DigiCertCredentials;
const dir = mkdtempSync(join(tmpdir(), 'dc-node-'));
let csr3072: string;
let csr2048: string;
const sleeps: number[] = [];
const retries: Array<{ method: string; path: string; reason: string }> = [];

function makeCsr(bits: number): string {
	execFileSync(
		'openssl',
		[
			'req',
			'-new',
			'-newkey',
			`rsa:${bits}`,
			'-nodes',
			'-keyout',
			join(dir, `k${bits}.key`),
			'-out',
			join(dir, `c${bits}.csr`),
			'-subj',
			'/O=Example Corp/CN=Example Corp',
		],
		{ stdio: 'pipe' },
	);
	return readFileSync(join(dir, `c${bits}.csr`), 'utf8');
}

const createParams = (extra: Record<string, unknown> = {}) => ({
	resource: 'order',
	operation: 'create',
	product: 'code_signing',
	organization: { __rl: true, mode: 'list', value: '123456' },
	container: { __rl: true, mode: 'id', value: '765432' },
	csrSource: 'text',
	csr: csr3072,
	validityUnit: 'years',
	validityYears: 1,
	alternativeOrderId: '',
	additionalFields: { skipApproval: true, comments: 'from n8n' },
	waitForCompletion: false,
	...extra,
});

beforeAll(async () => {
	sim = await startDigiCertSimulator({ rateLimit: null });
	credentials = { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url };
	csr3072 = makeCsr(3072);
	csr2048 = makeCsr(2048);
	tuning.sleep = async (ms) => {
		sleeps.push(ms);
	};
	tuning.random = () => 0.5;
	tuning.onRetry = (info) => retries.push(info);
});
beforeEach(() => {
	sleeps.length = 0;
	retries.length = 0;
	sim.control.clearFaults();
});
afterAll(async () => {
	await sim.close();
	rmSync(dir, { recursive: true, force: true });
});

const postsTo = (path: string) => sim.control.requests.filter((r) => r.method === 'POST' && r.path === path).length;

describe('idempotent order creation', () => {
	test('connection dropped after the order was created → exactly one order, and the node returns it', async () => {
		sim.control.addFault({ method: 'POST', path: '/order/certificate/code_signing', kind: 'dropAfter' });
		const before = sim.control.orders().length;
		const postsBefore = postsTo('/order/certificate/code_signing');
		const { output } = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: createParams({ alternativeOrderId: 'build-42' }),
		});
		expect(sim.control.orders().length).toBe(before + 1);
		expect(postsTo('/order/certificate/code_signing') - postsBefore).toBe(1);
		const created = sim.control.orders().at(-1)!;
		expect(created.alternativeOrderId).toBe('build-42');
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			orderId: created.id,
			recoveredByReference: true,
			alternativeOrderId: 'build-42',
			status: 'pending',
		});
		expect(retries.map((r) => r.reason)).toEqual(['ECONNRESET']);
	});

	test('a 500 after the order was created (statusAfter) → one order, found by the generated reference', async () => {
		sim.control.addFault({ method: 'POST', path: '/order/certificate/code_signing', kind: 'statusAfter', status: 500 });
		const before = sim.control.orders().length;
		const { output } = await runDigiCertNode({ digiCert: tuning, credentials, parameters: createParams() });
		expect(sim.control.orders().length).toBe(before + 1);
		const created = sim.control.orders().at(-1)!;
		expect(created.alternativeOrderId).toMatch(/^n8n-[0-9a-f-]{36}$/);
		expect(output[0].json.orderId).toBe(created.id);
		expect(output[0].json.recoveredByReference).toBe(true);
	});

	test('connection dropped before the service handled it → lookup finds nothing → posted again once', async () => {
		sim.control.addFault({ method: 'POST', path: '/order/certificate/code_signing', kind: 'drop' });
		const before = sim.control.orders().length;
		const postsBefore = postsTo('/order/certificate/code_signing');
		const { output } = await runDigiCertNode({ digiCert: tuning, credentials, parameters: createParams() });
		expect(sim.control.orders().length).toBe(before + 1);
		expect(postsTo('/order/certificate/code_signing') - postsBefore).toBe(2);
		expect(output[0].json.recoveredByReference).toBe(false);
		const lookups = sim.control.requests.filter((r) => r.path.startsWith('/order/alternate/'));
		expect(lookups.at(-1)!.status).toBe(404);
	});

	const timedOutBody = () => ({
		certificate: { signature_hash: 'sha256', csr: csr3072 },
		organization: { id: 123456 },
		validity_years: 1,
		skip_approval: true,
	});

	test('a timeout (slow answer) → never posted again; the order is found by reference once it lands', async () => {
		sim.control.addFault({ method: 'POST', path: '/order/certificate/code_signing', kind: 'delay', delayMs: 1200 });
		const saved = { ...tuning };
		tuning.timeoutMs = 400;
		tuning.sleep = async (ms) => await new Promise((r) => setTimeout(r, ms));
		tuning.backoff = { maxRetries: 6, baseDelayMs: 400, maxDelayMs: 1000 };
		tuning.random = () => 0.999;
		try {
			const before = sim.control.orders().length;
			const postsBefore = postsTo('/order/certificate/code_signing');
			const { ctx } = digiCertContext({ digiCert: tuning, credentials, parameters: {} });
			const created = await new DigiCertClient(ctx).createOrderIdempotent('code_signing', timedOutBody());
			expect(created.recoveredByReference).toBe(true);
			expect(postsTo('/order/certificate/code_signing') - postsBefore).toBe(1);
			expect(sim.control.orders().length).toBe(before + 1);
			expect(sim.control.orders().at(-1)!.id).toBe(created.id);
			expect(retries[0].reason).toMatch(/^(ECONNABORTED|ETIMEDOUT)$/);
		} finally {
			Object.assign(tuning, saved);
		}
	});

	test('a timeout whose order never shows up in the lookups → clear error naming the reference, no second POST', async () => {
		sim.control.addFault({ method: 'POST', path: '/order/certificate/code_signing', kind: 'delay', delayMs: 3000 });
		const savedTimeout = tuning.timeoutMs;
		tuning.timeoutMs = 300;
		try {
			const before = sim.control.orders().length;
			const postsBefore = postsTo('/order/certificate/code_signing');
			const { ctx } = digiCertContext({ digiCert: tuning, credentials, parameters: {} });
			const error = await new DigiCertClient(ctx)
				.createOrderIdempotent('code_signing', { ...timedOutBody(), alternative_order_id: 'slow-ref-1' })
				.catch((e) => e);
			expect(error.message).toBe('DigiCert did not answer the order in time and no order with reference slow-ref-1 has appeared yet');
			expect(error.context.alternativeOrderId).toBe('slow-ref-1');
			expect(postsTo('/order/certificate/code_signing') - postsBefore).toBe(1);
			await new Promise((r) => setTimeout(r, 3500));
			// the slow POST did land: still exactly one order for the reference
			expect(sim.control.orders().filter((o) => o.alternativeOrderId === 'slow-ref-1')).toHaveLength(1);
			expect(sim.control.orders().length).toBe(before + 1);
		} finally {
			tuning.timeoutMs = savedTimeout;
		}
	});

	test('a 4xx answer is final: no lookup, no second POST, every error listed', async () => {
		const { ctx } = digiCertContext({ digiCert: tuning, credentials, parameters: {} });
		const postsBefore = postsTo('/order/certificate/code_signing');
		const error = await new DigiCertClient(ctx)
			.createOrderIdempotent('code_signing', {
				certificate: { signature_hash: 'sha1' },
				organization: { id: '1' },
				validity_years: 3,
			} as never)
			.catch((e) => e);
		expect(postsTo('/order/certificate/code_signing') - postsBefore).toBe(1);
		expect(error.httpCode).toBe('400');
		expect(error.message).toContain('invalid_value:certificate.signature_hash');
		expect(error.message).toContain('invalid_value:organization.id');
		expect(error.message).toContain('invalid_value:validity_years');
		expect(error.description).toBe('HTTP 400 from POST /order/certificate/code_signing');
		expect(error.context.errors).toHaveLength(3);
		expect(JSON.stringify(error)).not.toContain(sim.apiKey);
		expect(String(error.stack)).not.toContain(sim.apiKey);
		expect(retries).toHaveLength(0);
	});
});

describe('backoff', () => {
	test('429 storm on a GET: succeeds after backoff, the delays follow the schedule', async () => {
		const order = sim.control.seedOrder({ status: 'pending' });
		sim.control.addFault({ method: 'GET', path: `/order/certificate/${order.id}`, kind: 'status', status: 429, times: 4 });
		const { output } = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'order', operation: 'get', orderId: String(order.id) },
		});
		expect(output[0].json.orderId).toBe(order.id);
		expect(retries.map((r) => r.reason)).toEqual(['HTTP 429', 'HTTP 429', 'HTTP 429', 'HTTP 429']);
		// random() = 0.5 → half of each ceiling 1 s, 2 s, 4 s, 8 s
		expect(sleeps).toEqual([500, 1000, 2000, 4000]);
	});

	test('429 that never ends: fails after the bound with the API message', async () => {
		const order = sim.control.seedOrder({ status: 'pending' });
		sim.control.addFault({ method: 'GET', path: `/order/certificate/${order.id}`, kind: 'status', status: 429, times: 100 });
		const requestsBefore = sim.control.requests.length;
		const error = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'order', operation: 'get', orderId: String(order.id) },
		}).catch((e) => e);
		expect(error.message).toBe(
			'DigiCert rate limit exceeded: request_limit_exceeded: Too many requests. Wait before sending more requests. (item 1)',
		);
		expect(error.httpCode).toBe('429');
		expect(sim.control.requests.length - requestsBefore).toBe(DIGICERT_BACKOFF.maxRetries + 1);
		expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(backoffBudgetMs(DIGICERT_BACKOFF));
	});

	test('real rate limiter + real (short) sleeps: a burst gets through', async () => {
		const local = await startDigiCertSimulator({ rateLimit: { max: 5, windowMs: 300 }, ca: sim.ca });
		const saved = { ...tuning };
		tuning.sleep = async (ms) => await new Promise((r) => setTimeout(r, ms));
		// Enough retries that a loaded 2-core machine still gets every request of the burst through.
		tuning.backoff = { maxRetries: 12, baseDelayMs: 100, maxDelayMs: 400 };
		tuning.random = Math.random;
		try {
			const { ctx } = digiCertContext({
				digiCert: tuning,
				credentials: { apiKey: local.apiKey, region: 'custom', baseUrl: local.url },
				parameters: {},
			});
			const results = await Promise.all(Array.from({ length: 12 }, async () => await new DigiCertClient(ctx).request('GET', '/user/me')));
			expect(results.every((r) => r.username === 'api.user')).toBe(true);
			expect(local.control.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
		} finally {
			Object.assign(tuning, saved);
			await local.close();
		}
	});

	test('a stopped execution (abort signal) is not retried', async () => {
		const order = sim.control.seedOrder({ status: 'pending' });
		sim.control.addFault({ method: 'GET', path: `/order/certificate/${order.id}`, kind: 'delay', delayMs: 2000 });
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 200);
		const started = Date.now();
		const error = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			cancelSignal: controller.signal,
			parameters: { resource: 'order', operation: 'get', orderId: String(order.id) },
		}).catch((e) => e);
		expect(Date.now() - started).toBeLessThan(1500);
		expect(error.message).toBe('DigiCert could not be reached (execution canceled) (item 1)');
		expect(retries).toHaveLength(0);
	});

	test('5xx on GET is retried; 404 is not', async () => {
		const order = sim.control.seedOrder({ status: 'pending' });
		sim.control.addFault({ method: 'GET', path: `/order/certificate/${order.id}`, kind: 'status', status: 503, times: 2 });
		const { output } = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'order', operation: 'get', orderId: String(order.id) },
		});
		expect(output[0].json.orderId).toBe(order.id);
		expect(retries.map((r) => r.reason)).toEqual(['HTTP 503', 'HTTP 503']);
		retries.length = 0;
		const error = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'order', operation: 'get', orderId: '999' },
		}).catch((e) => e);
		expect(error.message).toBe('Not found in DigiCert: not_found|order: The requested order was not found. (item 1)');
		expect(error.description).toBe('HTTP 404 from GET /order/certificate/999');
		expect(retries).toHaveLength(0);
	});
});

describe('operations', () => {
	test('Get Many with Return All over 2,500 orders follows page.total; Limit stops early', async () => {
		const local = await startDigiCertSimulator({ rateLimit: null, ca: sim.ca });
		try {
			local.control.seedOrders(2500);
			const creds = { apiKey: local.apiKey, region: 'custom' as const, baseUrl: local.url };
			const all = await runDigiCertNode({
				digiCert: tuning,
				credentials: creds,
				parameters: { resource: 'order', operation: 'getMany', returnAll: true, filters: {} },
			});
			expect(all.output).toHaveLength(2500);
			expect(new Set(all.output.map((o) => o.json.orderId)).size).toBe(2500);
			expect(local.control.requests.map((r) => r.path)).toEqual([
				'/order/certificate?offset=0&limit=1000',
				'/order/certificate?offset=1000&limit=1000',
				'/order/certificate?offset=2000&limit=1000',
			]);
			const some = await runDigiCertNode({
				digiCert: tuning,
				credentials: creds,
				parameters: { resource: 'order', operation: 'getMany', returnAll: false, limit: 120, filters: { status: 'pending' } },
			});
			expect(some.output).toHaveLength(120);
			expect(some.output[0].json).toMatchObject({ status: 'pending', rawStatus: 'pending' });
		} finally {
			await local.close();
		}
	});

	test('Get Many "expires within 60 days" finds only those', async () => {
		const local = await startDigiCertSimulator({ rateLimit: null, ca: sim.ca });
		try {
			const soon = local.control.seedOrder({ validTill: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10) });
			local.control.seedOrder({ validTill: new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10) });
			const { output } = await runDigiCertNode({
				digiCert: tuning,
				credentials: { apiKey: local.apiKey, region: 'custom', baseUrl: local.url },
				parameters: { resource: 'order', operation: 'getMany', returnAll: true, filters: { status: 'issued', expiresWithinDays: 60 } },
			});
			expect(output.map((o) => o.json.orderId)).toEqual([soon.id]);
			expect(output[0].json.daysRemaining).toBeGreaterThanOrEqual(19);
			expect(output[0].json.daysRemaining).toBeLessThanOrEqual(20);
		} finally {
			await local.close();
		}
	});

	test('Get Many filters by product, organization and container (resource locators, as on Create and the trigger)', async () => {
		const local = await startDigiCertSimulator({ rateLimit: null, ca: sim.ca });
		try {
			const match = local.control.seedOrder({ product: 'code_signing_ev', organizationId: 234567, containerId: 765432 });
			local.control.seedOrder({ product: 'code_signing', organizationId: 234567, containerId: 765432 });
			local.control.seedOrder({ product: 'code_signing_ev', organizationId: 123456, containerId: 765432 });
			const run = async (filters: IDataObject) =>
				await runDigiCertNode({
					digiCert: tuning,
					credentials: { apiKey: local.apiKey, region: 'custom', baseUrl: local.url },
					parameters: { resource: 'order', operation: 'getMany', returnAll: true, filters },
				});
			const { output } = await run({
				product: 'code_signing_ev',
				organization: { __rl: true, mode: 'list', value: '234567' },
				container: { __rl: true, mode: 'id', value: '765432' },
			});
			expect(output.map((o) => o.json.orderId)).toEqual([match.id]);
			expect(output[0].json).toMatchObject({ product: 'code_signing_ev', organizationId: 234567, containerId: 765432 });
			await expect(run({ container: { __rl: true, mode: 'id', value: 'abc' } })).rejects.toThrow(
				/^Filters → Container must be a number, got "abc"/,
			);
		} finally {
			await local.close();
		}
	});

	test('Create with a binary DER CSR, wait for issuance, then Download in every format', async () => {
		const der = execFileSync('openssl', ['req', '-in', join(dir, 'c3072.csr'), '-outform', 'DER']);
		const { output } = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			items: [{ json: {}, binary: { csrFile: { data: der.toString('base64'), mimeType: 'application/pkcs10' } } }],
			parameters: createParams({
				csrSource: 'binary',
				binaryPropertyName: 'csrFile',
				csr: undefined,
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 60 },
				validityUnit: 'days',
				validityDays: 300,
			}),
		});
		const order = output[0].json;
		expect(order.status).toBe('issued');
		expect(order.csr).toMatchObject({ keyAlgorithm: 'rsa', rsaBits: 3072 });
		expect(order.daysRemaining).toBeGreaterThanOrEqual(298);
		const expected: Record<string, [string, string]> = {
			pem_all: [`code_signing_${order.certificateId}.pem`, 'application/x-pem-file'],
			pem_noroot: [`code_signing_${order.certificateId}.pem`, 'application/x-pem-file'],
			p7b: [`code_signing_${order.certificateId}.p7b`, 'application/x-pkcs7-certificates'],
			cer: [`code_signing_${order.certificateId}.cer`, 'application/pkix-cert'],
			default: [`code_signing_${order.certificateId}.zip`, 'application/zip'],
		};
		for (const [format, [fileName, mimeType]] of Object.entries(expected)) {
			const { output: files } = await runDigiCertNode({
				digiCert: tuning,
				credentials,
				parameters: {
					resource: 'certificate',
					operation: 'download',
					downloadBy: 'certificate',
					certificateId: String(order.certificateId),
					format,
					binaryPropertyName: 'cert',
				},
			});
			const binary = files[0].binary!.cert;
			expect([format, binary.fileName, binary.mimeType]).toEqual([format, fileName, mimeType]);
			const data = Buffer.from(binary.data, 'base64');
			if (format === 'cer') expect(new X509Certificate(data).serialNumber.toUpperCase()).toBe(order.serialNumber);
			if (format === 'pem_noroot') {
				const cert = new X509Certificate(data);
				expect(cert.serialNumber.toUpperCase()).toBe(order.serialNumber);
				expect(cert.checkPrivateKey(require('node:crypto').createPrivateKey(readFileSync(join(dir, 'k3072.key'))))).toBe(true);
			}
			if (format === 'default') expect(readStoredZip(data).size).toBe(2);
		}
	});

	test('malformed CSR, RSA 2048 and 2-year validity fail before any request, naming the field and item', async () => {
		const before = sim.control.requests.length;
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{ csr: 'not a csr' }, /^CSR is not a valid PKCS#10 request: .* \(item 1\)$/],
			[{ csr: csr2048 }, /^CSR cannot be used for code signing: its RSA key has 2048 bits; code signing needs at least 3072 \(item 1\)$/],
			[
				{ validityYears: 2 },
				/^Validity of 2 years is no longer possible: DigiCert stopped issuing 2- and 3-year code-signing certificates on 2026-02-24/,
			],
			[{ validityUnit: 'days', validityDays: 460 }, /^Validity of 460 days is too long/],
			[{ organization: { __rl: true, mode: 'id', value: 'abc' } }, /^Organization must be a positive whole number, got "abc" \(item 1\)$/],
		];
		for (const [patch, message] of cases) {
			const error = await runDigiCertNode({ digiCert: tuning, credentials, parameters: createParams(patch) }).catch((e) => e);
			expect(error.message).toMatch(message);
		}
		expect(sim.control.requests.length).toBe(before);
	});

	test('continue-on-fail: a failing item becomes an error item, the others go on; pairedItem kept', async () => {
		const good = sim.control.seedOrder({ status: 'pending' });
		const { output } = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			continueOnFail: true,
			parameters: [
				{ resource: 'order', operation: 'get', orderId: '424242' },
				{ resource: 'order', operation: 'get', orderId: String(good.id) },
				{ resource: 'order', operation: 'get', orderId: 'x1' },
			],
		});
		expect(output).toHaveLength(3);
		expect(output[0].json).toMatchObject({
			error: expect.stringContaining('not_found|order'),
			httpCode: '404',
			path: '/order/certificate/424242',
		});
		expect(output[0].json.errors).toEqual([{ code: 'not_found|order', message: 'The requested order was not found.' }]);
		expect(output[1].json.orderId).toBe(good.id);
		expect(output[2].json.error).toBe('Order ID must be a positive whole number, got "x1" (item 3)');
		expect(output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test('a bad API key reads as "invalid API key" and the key appears nowhere', async () => {
		const error = await runDigiCertNode({
			digiCert: tuning,
			credentials: { ...credentials, apiKey: 'wrong-key-SECRET' },
			parameters: { resource: 'order', operation: 'get', orderId: '1' },
		}).catch((e) => e);
		expect(error.message).toBe(
			'DigiCert rejected the API key (invalid API key): access_denied|access_denied_invalid_key: The specified API key is invalid or has been revoked. (item 1)',
		);
		expect(error.httpCode).toBe('403');
		expect(JSON.stringify(error)).not.toContain('SECRET');
		const { output } = await runDigiCertNode({
			digiCert: tuning,
			credentials: { ...credentials, apiKey: 'wrong-key-SECRET' },
			continueOnFail: true,
			parameters: { resource: 'order', operation: 'get', orderId: '1' },
		});
		expect(JSON.stringify(output)).not.toContain('SECRET');
		expect(output[0].json.error).toContain('invalid API key');
	});

	test('a refused connection is reported without secrets after the retries', async () => {
		const error = await runDigiCertNode({
			digiCert: tuning,
			credentials: { apiKey: 'SECRET-KEY', region: 'custom', baseUrl: 'http://127.0.0.1:9/services/v2' },
			parameters: { resource: 'order', operation: 'get', orderId: '1' },
		}).catch((e) => e);
		expect(error.message).toBe('DigiCert could not be reached (connection refused) (item 1)');
		expect(error.description).toBe('GET /order/certificate/1 failed 7 time(s) without an HTTP answer (ECONNREFUSED)');
		expect(JSON.stringify(error)).not.toContain('SECRET-KEY');
		expect(retries).toHaveLength(DIGICERT_BACKOFF.maxRetries);
	});

	test('Renew places a renewal order with a new serial; a second renewal shows order_renewed_already', async () => {
		const original = sim.control.seedOrder({ validTill: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) });
		const params = {
			resource: 'order',
			operation: 'renew',
			orderId: String(original.id),
			csrSource: 'text',
			csr: csr3072,
			validityUnit: 'years',
			validityYears: 1,
			additionalFields: { skipApproval: true },
			waitForCompletion: true,
			options: { pollInterval: 1, timeout: 60 },
		};
		const { output } = await runDigiCertNode({ digiCert: tuning, credentials, parameters: params });
		const renewed = output[0].json;
		expect(renewed).toMatchObject({ status: 'issued', renewalOfOrderId: original.id });
		expect(renewed.orderId).not.toBe(original.id);
		const oldSerial = new X509Certificate(sim.control.certificatePem(original.certificateId)).serialNumber.toUpperCase();
		expect(renewed.serialNumber).not.toBe(oldSerial);
		const again = await runDigiCertNode({ digiCert: tuning, credentials, parameters: params }).catch((e) => e);
		expect(again.message).toMatch(/^DigiCert rejected the request: order_renewed_already: Order \d+ has already been renewed/);
	});

	test('Reissue gives the order a new certificate', async () => {
		const order = sim.control.seedOrder({});
		const oldCertificateId = order.certificateId;
		const { output } = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: {
				resource: 'order',
				operation: 'reissue',
				orderId: String(order.id),
				csrSource: 'text',
				csr: csr3072,
				reissueOptions: { skipApproval: true },
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 60 },
			},
		});
		expect(output[0].json.status).toBe('issued');
		expect(output[0].json.certificateId).not.toBe(oldCertificateId);
	});

	test('Cancel, Find by Reference', async () => {
		const pending = sim.control.seedOrder({ status: 'pending', alternativeOrderId: 'ref-cancel-me' });
		const found = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'order', operation: 'findByReference', alternativeOrderId: 'ref-cancel-me' },
		});
		expect(found.output[0].json).toMatchObject({ found: true, orderId: pending.id });
		const none = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'order', operation: 'findByReference', alternativeOrderId: 'nope' },
		});
		expect(none.output[0].json).toEqual({ found: false, alternativeOrderId: 'nope' });
		const { output } = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'order', operation: 'cancel', orderId: String(pending.id), note: 'duplicate' },
		});
		expect(output[0].json).toMatchObject({ status: 'canceled', canceled: true });
	});

	test('Revoke requires the confirmation; with it, revokes', async () => {
		const order = sim.control.seedOrder({});
		const before = sim.control.requests.length;
		const refused = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'certificate', operation: 'revoke', certificateId: String(order.certificateId), confirmRevocation: false },
		}).catch((e) => e);
		expect(refused.message).toMatch(/must be on to revoke/);
		expect(sim.control.requests.length).toBe(before);
		const { output } = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: {
				resource: 'certificate',
				operation: 'revoke',
				certificateId: String(order.certificateId),
				confirmRevocation: true,
				skipApproval: true,
				comments: 'key compromise',
			},
		});
		expect(output[0].json).toMatchObject({ revoked: true });
		expect(sim.control.order(order.id)!.status).toBe('revoked');
	});

	test('Revoke reads both documented answers: 204, and 201 with the request already approved; a pending request is not revoked', async () => {
		const approvedSim = await startDigiCertSimulator({ rateLimit: null, revokeAnswer: '201-approved', ca: sim.ca });
		try {
			const creds = { apiKey: approvedSim.apiKey, region: 'custom' as const, baseUrl: approvedSim.url };
			const order = approvedSim.control.seedOrder({});
			const revoke = (skipApproval: boolean, id: number) =>
				runDigiCertNode({
					digiCert: tuning,
					credentials: creds,
					parameters: { resource: 'certificate', operation: 'revoke', certificateId: String(id), confirmRevocation: true, skipApproval },
				});
			const { output } = await revoke(true, order.certificateId);
			// The old code said revoked: false here although DigiCert had revoked the certificate.
			expect(output[0].json).toMatchObject({ revoked: true, requestStatus: 'approved' });
			expect(approvedSim.control.order(order.id)!.status).toBe('revoked');
			const other = approvedSim.control.seedOrder({});
			const pending = await revoke(false, other.certificateId);
			expect(pending.output[0].json).toMatchObject({ revoked: false, requestStatus: 'pending' });
			expect(approvedSim.control.order(other.id)!.status).toBe('issued');
		} finally {
			await approvedSim.close();
		}
	});

	test('options from expressions are held to their lists before any request (format, product, download by)', async () => {
		const order = sim.control.seedOrder({});
		const before = sim.control.requests.length;
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[
				{
					resource: 'certificate',
					operation: 'download',
					downloadBy: 'certificate',
					certificateId: String(order.certificateId),
					format: '../../../user/me?x=',
				},
				/^Format "\.\.\/\.\.\/\.\.\/user\/me\?x=" is not one of: /,
			],
			[
				{
					resource: 'certificate',
					operation: 'download',
					downloadBy: 'everything',
					certificateId: String(order.certificateId),
					format: 'pem_all',
				},
				/^Download By "everything" is not one of: /,
			],
			[
				{ ...createParams({}), product: 'ssl_plus/../../user' },
				/^Product "ssl_plus\/\.\.\/\.\.\/user" is not one of: code_signing, code_signing_ev/,
			],
		];
		for (const [parameters, message] of cases) {
			const error = await runDigiCertNode({ digiCert: tuning, credentials, parameters: parameters as never }).catch((e) => e);
			expect(String(error.message)).toMatch(message);
		}
		// The old code called …/certificate/user/me?x= with the API key.
		expect(sim.control.requests.length).toBe(before);
	});

	test('Requests: list pending, approve one, reject one with a comment', async () => {
		const a = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: createParams({ additionalFields: { skipApproval: false } }),
		});
		const b = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: createParams({ additionalFields: { skipApproval: false } }),
		});
		expect(a.output[0].json.rawStatus).toBe('needs_approval');
		const list = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'request', operation: 'getMany', returnAll: true, requestFilters: { status: 'pending' } },
		});
		const ids = list.output.map((o) => o.json.orderId);
		expect(ids).toEqual(expect.arrayContaining([a.output[0].json.orderId, b.output[0].json.orderId]));
		const requestA = (a.output[0].json.requestIds as number[])[0];
		const requestB = (b.output[0].json.requestIds as number[])[0];
		const approved = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'request', operation: 'approve', requestId: String(requestA), comment: 'ok' },
		});
		expect(approved.output[0].json).toMatchObject({ status: 'approved', orderId: a.output[0].json.orderId });
		const noComment = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'request', operation: 'reject', requestId: String(requestB), comment: '' },
		}).catch((e) => e);
		expect(noComment.message).toBe('Comment is required to reject a request (item 1)');
		const rejected = await runDigiCertNode({
			digiCert: tuning,
			credentials,
			parameters: { resource: 'request', operation: 'reject', requestId: String(requestB), comment: 'not ours' },
		});
		expect(rejected.output[0].json.status).toBe('rejected');
		expect(sim.control.order(b.output[0].json.orderId as number)!.status).toBe('rejected');
	});

	test('dropdowns: organizations and containers from the account', async () => {
		const { ctx } = digiCertContext({ digiCert: tuning, credentials, parameters: {} });
		const node = new DigiCertCodeSigning();
		const orgs = await node.methods.listSearch.searchOrganizations.call(ctx as never);
		expect(orgs.results).toEqual([
			{ name: 'Example Corp (123456)', value: '123456' },
			{ name: 'Ejemplo S.A. (AR) (234567)', value: '234567' },
		]);
		const filtered = await node.methods.listSearch.searchContainers.call(ctx as never, 'build');
		expect(filtered.results).toEqual([{ name: 'Build servers (765432)', value: '765432' }]);
		// The Certificate Trigger's container locator uses the same list method.
		const trigger = new CertificateTrigger();
		const triggerContainer = trigger.description.properties.find((p) => p.name === 'container');
		expect(triggerContainer?.modes?.[0].typeOptions?.searchListMethod).toBe('searchContainers');
		const triggerChoices = await trigger.methods.listSearch.searchContainers.call(ctx as never);
		expect(triggerChoices.results).toContainEqual({ name: 'Build servers (765432)', value: '765432' });
	});

	test("dropdowns read one page per call and hand n8n the next page's token (250 organizations: 3 requests for 3 scrolls, none more)", async () => {
		const many = Array.from({ length: 250 }, (_, i) => ({
			id: 500_000 + i,
			name: `Org ${i}`,
			display_name: `Org ${i}`,
			city: 'Lehi',
			state: 'ut',
			country: 'us',
			is_active: i !== 7,
		}));
		const local = await startDigiCertSimulator({ rateLimit: null, ca: sim.ca, organizations: many });
		try {
			const { ctx } = digiCertContext({
				digiCert: tuning,
				credentials: { apiKey: local.apiKey, region: 'custom' as const, baseUrl: local.url },
				parameters: {},
			});
			const list = new DigiCertCodeSigning().methods.listSearch;
			const first = await list.searchOrganizations.call(ctx as never);
			expect(first.results).toHaveLength(99); // Org 7 is inactive
			expect(first.paginationToken).toBe('100');
			const second = await list.searchOrganizations.call(ctx as never, undefined, first.paginationToken);
			expect(second.results[0]).toEqual({ name: 'Org 100 (500100)', value: '500100' });
			expect(second.paginationToken).toBe('200');
			const last = await list.searchOrganizations.call(ctx as never, '24', second.paginationToken);
			expect(last.results.map((r) => r.value)).toEqual([
				'500224',
				'500240',
				'500241',
				'500242',
				'500243',
				'500244',
				'500245',
				'500246',
				'500247',
				'500248',
				'500249',
			]);
			expect(last.paginationToken).toBeUndefined();
			expect(local.control.requests.map((r) => r.path)).toEqual([
				'/organization?offset=0&limit=100',
				'/organization?offset=100&limit=100',
				'/organization?offset=200&limit=100',
			]);
		} finally {
			await local.close();
		}
	});
});

/** The DigiCert simulator itself: it must disagree with a wrong client (seed-strict bodies, auth, faults). */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { readStoredZip } from '../simulators/digicert/zip';

jest.setTimeout(60_000);

let sim: DigiCertSimulator;
const dir = mkdtempSync(join(tmpdir(), 'dc-sim-'));
let csr3072: string;
let csr2048: string;

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
			'/CN=Example Corp',
		],
		{ stdio: 'pipe' },
	);
	return readFileSync(join(dir, `c${bits}.csr`), 'utf8');
}

async function call(method: string, path: string, body?: unknown, key: string | null = sim.apiKey) {
	const headers: Record<string, string> = {};
	if (key !== null) headers['X-DC-DEVKEY'] = key;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(sim.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const raw = Buffer.from(await response.arrayBuffer());
	let json: any;
	try {
		json = JSON.parse(raw.toString('utf8'));
	} catch {
		json = undefined;
	}
	return { status: response.status, json, raw, headers: response.headers };
}

/** The seed's example body, byte for byte in field names and types. */
const seedBody = () => ({
	certificate: { organization_units: ['Engineering'], server_platform: { id: 52 }, signature_hash: 'sha256' },
	cs_provisioning_method: 'ship_token',
	validity_years: 1,
	comments: 'Message for the approver',
	skip_approval: true,
	organization: { id: 123456 },
	container: { id: 654321 },
	ship_info: {
		name: 'Erin Guerra',
		addr1: '360 Taylor Street',
		addr2: 'Floor 74',
		city: 'Richmond',
		state: 'va',
		zip: '69662',
		country: 'us',
		method: 'EXPEDITED',
	},
	auto_renew: 1,
	custom_renewal_message: 'Renew this please.',
	custom_fields: [{ metadata_id: 12, value: '123456' }],
	payment_method: 'balance',
});

beforeAll(async () => {
	sim = await startDigiCertSimulator({ rateLimit: null });
	csr3072 = makeCsr(3072);
	csr2048 = makeCsr(2048);
});
afterAll(async () => {
	await sim.close();
	rmSync(dir, { recursive: true, force: true });
});

test('a bad or missing API key gets 403 access_denied|access_denied_invalid_key', async () => {
	for (const key of ['wrong', null]) {
		const r = await call('GET', '/user/me', undefined, key);
		expect(r.status).toBe(403);
		expect(r.json.errors[0].code).toBe('access_denied|access_denied_invalid_key');
	}
	expect((await call('GET', '/user/me')).status).toBe(200);
});

test('the seed example body is accepted (EV, auto approval) and answers 201 with certificate_id', async () => {
	const r = await call('POST', '/order/certificate/code_signing_ev', seedBody());
	expect(r.status).toBe(201);
	expect(Object.keys(r.json).sort()).toEqual(['certificate_id', 'id', 'requests']);
	expect(r.json.requests).toEqual([{ id: expect.any(Number), status: 'approved' }]);
});

test('without skip_approval the request is pending and there is no certificate_id', async () => {
	const body = { ...seedBody(), skip_approval: false };
	const r = await call('POST', '/order/certificate/code_signing_ev', body);
	expect(r.status).toBe(201);
	expect(r.json.requests[0].status).toBe('pending');
	expect(r.json.certificate_id).toBeUndefined();
	expect((await call('GET', `/order/certificate/${r.json.id}`)).json.status).toBe('needs_approval');
});

test.each([
	['validity_years 2', { validity_years: 2 }, 'invalid_value:validity_years'],
	['validity_years 3', { validity_years: 3 }, 'invalid_value:validity_years'],
	['validity_years as a string', { validity_years: '1' }, 'invalid_value:validity_years'],
	['order_validity 460 days', { validity_years: undefined, order_validity: { days: 460 } }, 'invalid_value:order_validity.days'],
	['organization.id as a string', { organization: { id: '123456' } }, 'invalid_value:organization.id'],
	['no organization', { organization: undefined }, 'invalid_value:organization'],
	['signature_hash sha1', { certificate: { signature_hash: 'sha1' } }, 'invalid_value:certificate.signature_hash'],
	['payment_method cash', { payment_method: 'cash' }, 'invalid_value:payment_method'],
	['cs_provisioning_method usb', { cs_provisioning_method: 'usb' }, 'invalid_value:cs_provisioning_method'],
	['ship_info.method FAST', { ship_info: { ...seedBody().ship_info, method: 'FAST' } }, 'invalid_value:ship_info.method'],
	['ship_info without zip', { ship_info: { ...seedBody().ship_info, zip: undefined } }, 'invalid_value:ship_info.zip'],
	['skip_approval as "true"', { skip_approval: 'true' }, 'invalid_value:skip_approval'],
	['auto_renew as bool', { auto_renew: true }, 'invalid_value:auto_renew'],
	['custom_fields value as number', { custom_fields: [{ metadata_id: 12, value: 123456 }] }, 'invalid_value:custom_fields[0].value'],
	['an unknown top-level field', { validity_days: 300 }, 'invalid_value:validity_days'],
	[
		'an unknown certificate field',
		{ certificate: { signature_hash: 'sha256', common_name: 'x' } },
		'invalid_value:certificate.common_name',
	],
])('rejects %s with 400 and the field in the code', async (_label, patch, code) => {
	const body: Record<string, unknown> = { ...seedBody(), ...patch };
	for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
	const before = sim.control.orders().length;
	const r = await call('POST', '/order/certificate/code_signing_ev', JSON.parse(JSON.stringify(body)));
	expect(r.status).toBe(400);
	expect(r.json.errors.map((e: { code: string }) => e.code)).toContain(code);
	expect(sim.control.orders().length).toBe(before);
});

test('reports every problem at once; EV requires cs_provisioning_method; wrong product is refused', async () => {
	const r = await call('POST', '/order/certificate/code_signing_ev', {
		certificate: {},
		organization: { id: 'x' },
		validity_years: 2,
		cs_provisioning_method: undefined,
	});
	expect(r.json.errors.map((e: { code: string }) => e.code).sort()).toEqual(
		[
			'invalid_value:certificate.signature_hash',
			'invalid_value:cs_provisioning_method',
			'invalid_value:organization.id',
			'invalid_value:validity_years',
		].sort(),
	);
	const ssl = await call('POST', '/order/certificate/ssl_basic', seedBody());
	expect(ssl.status).toBe(400);
});

test('OV order with a 3072-bit CSR: pending → issued after a read; real certificate for the CSR key', async () => {
	const r = await call('POST', '/order/certificate/code_signing', {
		certificate: { signature_hash: 'sha256', csr: csr3072 },
		organization: { id: 123456 },
		order_validity: { days: 200 },
		skip_approval: true,
		alternative_order_id: 'sim-test-ref-1',
	});
	expect(r.status).toBe(201);
	const first = await call('GET', `/order/certificate/${r.json.id}`);
	expect(first.json.status).toBe('pending');
	const second = await call('GET', `/order/certificate/${r.json.id}`);
	expect(second.json.status).toBe('issued');
	const cert = second.json.certificate;
	expect(cert.id).toBe(r.json.certificate_id);
	const pem = (await call('GET', `/certificate/${cert.id}/download/format/pem_noroot`)).raw.toString();
	const x509 = new X509Certificate(pem);
	expect(x509.serialNumber.toUpperCase()).toBe(cert.serial_number);
	expect(x509.verify(new X509Certificate(sim.ca.certPem).publicKey)).toBe(true);
	const keyPem = readFileSync(join(dir, 'k3072.key'), 'utf8');
	expect(x509.checkPrivateKey(require('node:crypto').createPrivateKey(keyPem))).toBe(true);
	expect(cert.valid_till).toBe(new Date(x509.validTo).toISOString().slice(0, 10));
	expect(cert.days_remaining).toBeGreaterThanOrEqual(198);

	const alt = await call('GET', '/order/alternate/sim-test-ref-1');
	expect(alt.json).toEqual({ orders: [{ order_id: r.json.id, certificate_id: cert.id, status: 'issued' }] });
	const none = await call('GET', '/order/alternate/nothing-here');
	expect(none.status).toBe(404);
	expect(none.json.errors[0].code).toBe('not_found|order');
});

test('a CSR under 3072 bits is refused by the service too', async () => {
	const r = await call('POST', '/order/certificate/code_signing', {
		certificate: { signature_hash: 'sha256', csr: csr2048 },
		organization: { id: 123456 },
		validity_years: 1,
	});
	expect(r.status).toBe(400);
	expect(r.json.errors[0].code).toBe('invalid_csr_key_size');
});

test('downloads: pem_all has chain, p7b, cer is DER, default is a zip that unzip reads', async () => {
	const order = sim.control.seedOrder({ validTill: '2027-03-01' });
	const id = order.certificateId;
	const all = await call('GET', `/certificate/${id}/download/format/pem_all`);
	expect(all.raw.toString().match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
	const p7b = await call('GET', `/certificate/${id}/download/format/p7b`);
	expect(p7b.headers.get('content-type')).toBe('application/x-pkcs7-certificates');
	expect(execFileSync('openssl', ['pkcs7', '-print_certs', '-noout'], { input: p7b.raw }).toString()).toContain('subject=');
	const cer = await call('GET', `/certificate/${id}/download/format/cer`);
	expect(new X509Certificate(cer.raw).validTo).toMatch(/Mar\s+1 .* 2027/);
	const zip = await call('GET', `/certificate/${id}/download/format/default`);
	expect(zip.headers.get('content-type')).toBe('application/zip');
	const zipFile = join(dir, 'cert.zip');
	writeFileSync(zipFile, zip.raw);
	expect(execFileSync('unzip', ['-t', zipFile]).toString()).toContain('No errors detected');
	const entries = readStoredZip(zip.raw);
	expect([...entries.keys()]).toEqual([`code_signing_${id}.crt`, 'DigiCertCA.crt']);
	const byOrder = await call('GET', `/certificate/download/order/${order.id}/format/pem_noroot`);
	expect(byOrder.raw.toString()).toBe(sim.control.certificatePem(id));
	expect((await call('GET', `/certificate/${id}/download/format/pfx`)).status).toBe(400);
});

test('list: filters, sort, offset/limit with page.total', async () => {
	const local = await startDigiCertSimulator({ rateLimit: null });
	try {
		local.control.seedOrders(25);
		local.control.seedOrder({ validTill: '2026-12-31', commonName: 'Soon Corp' });
		local.control.seedOrder({ validTill: '2028-12-31' });
		const get = async (q: string) =>
			(await fetch(`${local.url}/order/certificate?${q}`, { headers: { 'X-DC-DEVKEY': local.apiKey } }).then((r) => r.json())) as any;
		const page = await get('offset=10&limit=10');
		expect(page.page).toEqual({ total: 27, limit: 10, offset: 10 });
		expect(page.orders).toHaveLength(10);
		const issued = await get('filters[status]=issued&sort=valid_till');
		expect(issued.orders.map((o: any) => o.certificate.valid_till)).toEqual(['2026-12-31', '2028-12-31']);
		expect((await get('filters[valid_till]=<=2027-01-31')).orders.map((o: any) => o.certificate.common_name)).toEqual(['Soon Corp']);
		expect((await get('filters[search]=soon')).page.total).toBe(1);
		const bad = await fetch(`${local.url}/order/certificate?limit=5000`, { headers: { 'X-DC-DEVKEY': local.apiKey } });
		expect(bad.status).toBe(400);
	} finally {
		await local.close();
	}
});

test('renewal: new order, new certificate, new serial; a second renewal gets order_renewed_already', async () => {
	const original = sim.control.seedOrder({ validTill: '2026-12-20' });
	const renewed = sim.control.renewOrder(original.id);
	expect(renewed.id).not.toBe(original.id);
	expect(renewed.renewalOfOrderId).toBe(original.id);
	const a = new X509Certificate(sim.control.certificatePem(original.certificateId));
	const b = new X509Certificate(sim.control.certificatePem(renewed.certificateId));
	expect(a.serialNumber).not.toBe(b.serialNumber);
	const again = await call('POST', '/order/certificate/code_signing', {
		certificate: { signature_hash: 'sha256' },
		organization: { id: 123456 },
		validity_years: 1,
		renewal_of_order_id: original.id,
	});
	expect(again.status).toBe(400);
	expect(again.json.errors[0].code).toBe('order_renewed_already');
	const pending = sim.control.seedOrder({ status: 'pending' });
	const notEligible = await call('POST', '/order/certificate/code_signing', {
		certificate: { signature_hash: 'sha256' },
		organization: { id: 123456 },
		validity_years: 1,
		renewal_of_order_id: pending.id,
	});
	expect(notEligible.json.errors[0].code).toBe('order_not_eligible_for_renewal');
});

test('status-changes lists orders changed in the last N minutes', async () => {
	let clock = new Date('2026-06-01T10:00:00Z');
	const local = await startDigiCertSimulator({ rateLimit: null, now: () => clock });
	try {
		const old = local.control.seedOrder({ status: 'pending' });
		clock = new Date('2026-06-01T12:00:00Z');
		const fresh = local.control.seedOrder({ status: 'pending' });
		const get = async (q: string) =>
			fetch(`${local.url}/order/certificate/status-changes?${q}`, { headers: { 'X-DC-DEVKEY': local.apiKey } });
		const body = (await (await get('minutes=30')).json()) as any;
		expect(body.orders).toEqual([{ order_id: fresh.id, certificate_id: fresh.certificateId, status: 'pending' }]);
		local.control.issueOrder(old.id);
		const after = (await (await get('minutes=30')).json()) as any;
		expect(after.orders.map((o: any) => [o.order_id, o.status])).toEqual([
			[fresh.id, 'pending'],
			[old.id, 'issued'],
		]);
		expect((await get('minutes=20000')).status).toBe(400);
	} finally {
		await local.close();
	}
});

test('requests: approve moves a needs_approval order on; reject needs a comment', async () => {
	const r = await call('POST', '/order/certificate/code_signing_ev', { ...seedBody(), skip_approval: false });
	const requestId = r.json.requests[0].id;
	const list = await call('GET', '/request?filters[status]=pending');
	expect(list.json.requests.map((x: any) => x.id)).toContain(requestId);
	expect((await call('PUT', `/request/${requestId}/status`, { status: 'rejected' })).status).toBe(400);
	expect((await call('PUT', `/request/${requestId}/status`, { status: 'approved', processor_comment: 'ok' })).status).toBe(204);
	expect((await call('GET', `/order/certificate/${r.json.id}`)).json.status).toBe('pending');
	expect((await call('PUT', `/request/${requestId}/status`, { status: 'approved' })).json.errors[0].code).toBe('invalid_request_status');
});

test('cancel only pending orders; revoke with and without approval', async () => {
	const pending = sim.control.seedOrder({ status: 'pending' });
	expect((await call('PUT', `/order/certificate/${pending.id}/status`, { status: 'canceled', note: 'no longer needed' })).status).toBe(204);
	expect(sim.control.order(pending.id)!.status).toBe('canceled');
	const issued = sim.control.seedOrder({});
	expect((await call('PUT', `/order/certificate/${issued.id}/status`, { status: 'canceled' })).status).toBe(400);
	const req = await call('PUT', `/certificate/${issued.certificateId}/revoke`, { comments: 'key lost' });
	expect(req.status).toBe(201);
	expect(req.json.type).toBe('revoke');
	expect(sim.control.order(issued.id)!.status).toBe('issued');
	const now = await call('PUT', `/certificate/${issued.certificateId}/revoke`, { skip_approval: true });
	expect(now.status).toBe(204);
	expect(sim.control.order(issued.id)!.status).toBe('revoked');
});

test('rate limit: 429 request_limit_exceeded past the configured rate', async () => {
	const local = await startDigiCertSimulator({ rateLimit: { max: 3, windowMs: 60_000 } });
	try {
		const statuses = [];
		for (let i = 0; i < 5; i++) statuses.push((await fetch(`${local.url}/user/me`, { headers: { 'X-DC-DEVKEY': local.apiKey } })).status);
		expect(statuses).toEqual([200, 200, 200, 429, 429]);
		const body = (await (await fetch(`${local.url}/user/me`, { headers: { 'X-DC-DEVKEY': local.apiKey } })).json()) as any;
		expect(body.errors[0].code).toBe('request_limit_exceeded');
	} finally {
		await local.close();
	}
});

test('faults: dropAfter creates the order but never answers', async () => {
	sim.control.addFault({ method: 'POST', path: '/order/certificate/', kind: 'dropAfter' });
	const before = sim.control.orders().length;
	await expect(call('POST', '/order/certificate/code_signing_ev', { ...seedBody(), alternative_order_id: 'dropped-1' })).rejects.toThrow();
	expect(sim.control.orders().length).toBe(before + 1);
	expect((await call('GET', '/order/alternate/dropped-1')).json.orders).toHaveLength(1);
});

test('control over HTTP: seed with valid_till, issue, renew', async () => {
	const post = async (path: string, body: unknown = {}) =>
		(await (
			await fetch(`${sim.origin}/__control${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			})
		).json()) as any;
	const seeded = await post('/orders/seed', { status: 'issued', valid_till: '2026-12-15' });
	expect(seeded.orders[0].certificate.valid_till).toBe('2026-12-15');
	const renewed = await post(`/orders/${seeded.orders[0].id}/renew`);
	expect(renewed.renewal_of_order_id).toBe(seeded.orders[0].id);
	expect(renewed.status).toBe('issued');
	expect(renewed.certificate.serial_number).not.toBe(seeded.orders[0].certificate.serial_number);
	const pending = await post('/orders/seed', { status: 'pending' });
	expect((await post(`/orders/${pending.orders[0].id}/issue`)).status).toBe('issued');
});

/**
 * DigiCert Code Signing in a real n8n: the packed package installed into .n8n/nodes, the DigiCert API
 * credential and the example workflows imported through the CLI, workflows run with `n8n execute`
 * against the DigiCert simulator; the credential's "Test" through the editor's REST API.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_DIGICERT_API_KEY, startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { digiCertDemoCredentials } from '../support/demoCredentials';
import { N8nInstance, REPO_ROOT, TEST_OWNER, type WorkflowJson } from '../support/n8n';

jest.setTimeout(15 * 60_000);

const example = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'examples', name), 'utf8')) as WorkflowJson;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A free loopback port (n8n cannot listen on port 0 and report it). */
let sim: DigiCertSimulator;
let n8n: N8nInstance;

beforeAll(async () => {
	sim = await startDigiCertSimulator({ rateLimit: null });
	n8n = new N8nInstance({ owner: TEST_OWNER, env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
	expect(n8n.installedNodeTypes()).toContain('DigiCertCodeSigning');
	await n8n.importCredentials(digiCertDemoCredentials(sim.url, DEFAULT_DIGICERT_API_KEY));
});

afterAll(async () => {
	await n8n?.dispose();
	await sim?.close();
});

test('example "order a code-signing certificate, wait until issued, download it"', async () => {
	await n8n.importWorkflow(example('digicert-order-and-download.json'));
	const run = await n8n.execute('digicertOrderDl01');
	expect(run.error).toBeUndefined();
	expect(run.success).toBe(true);
	const [order] = run.output('Order Code Signing Certificate');
	expect(order.json).toMatchObject({
		status: 'issued',
		rawStatus: 'issued',
		product: 'code_signing',
		organizationId: 123456,
		containerId: 654321,
	});
	expect(order.json.alternativeOrderId).toMatch(/^build-signing-\d{14}$/);
	expect(order.json.daysRemaining).toBeGreaterThanOrEqual(363);

	const orders = sim.control.orders().filter((o) => o.alternativeOrderId === order.json.alternativeOrderId);
	expect(orders).toHaveLength(1);
	expect(orders[0].body).toMatchObject({
		order_validity: { days: 365 },
		skip_approval: true,
		certificate: { organization_units: ['Engineering'], signature_hash: 'sha256' },
	});

	const [download] = run.output('Download Certificate');
	expect(download.json).toMatchObject({
		certificateId: order.json.certificateId,
		format: 'pem_all',
		fileName: `code_signing_${order.json.certificateId}.pem`,
	});
	const binary = download.binary!.certificate;
	expect(binary.mimeType).toBe('application/x-pem-file');
	const pem = Buffer.from(binary.data, 'base64').toString('utf8');
	const leaf = new X509Certificate(pem);
	expect(leaf.serialNumber.toUpperCase()).toBe(order.json.serialNumber);
	expect(leaf.subject).toContain('O=Example Corp');
	expect(leaf.verify(new X509Certificate(sim.ca.certPem).publicKey)).toBe(true);
	// and the key never left the machine: the certificate is for the example's CSR key
	const csr = example('digicert-order-and-download.json').nodes[1].parameters.csr as string;
	expect(orders[0].csr?.replace(/\s+/g, '')).toBe(csr.replace(/\s+/g, ''));
});

test('example "renew every order that expires within 60 days" renews exactly those, with new serials', async () => {
	const soon1 = sim.control.seedOrder({ validTill: inDays(10), commonName: 'Soon One' });
	const soon2 = sim.control.seedOrder({ validTill: inDays(45), commonName: 'Soon Two' });
	const later = sim.control.seedOrder({ validTill: inDays(200), commonName: 'Later' });
	await n8n.importWorkflow(example('digicert-renew-expiring.json'));
	const run = await n8n.execute('digicertRenew6001');
	expect(run.success).toBe(true);
	const listed = run.output('Orders Expiring Within 60 Days').map((i) => i.json.orderId);
	expect(listed).toEqual(expect.arrayContaining([soon1.id, soon2.id]));
	expect(listed).not.toContain(later.id);
	const renewed = run.output('Renew Order');
	expect(run.output('Renew Order', 1)).toEqual([]);
	expect(run.output('Renewed')).toHaveLength(renewed.length);
	expect(renewed.map((i) => i.json.renewalOfOrderId).sort()).toEqual([soon1.id, soon2.id].sort());
	for (const item of renewed) {
		expect(item.json.error).toBeUndefined();
		expect(item.json.alternativeOrderId).toBe(`renewal-of-${item.json.renewalOfOrderId}`);
		const renewal = sim.control.order(item.json.orderId)!;
		expect(renewal.renewalOfOrderId).toBe(item.json.renewalOfOrderId);
		const issued = sim.control.issueOrder(renewal.id);
		const oldSerial = new X509Certificate(sim.control.certificatePem(sim.control.order(item.json.renewalOfOrderId)!.certificateId))
			.serialNumber;
		expect(new X509Certificate(sim.control.certificatePem(issued.certificateId)).serialNumber).not.toBe(oldSerial);
	}
	expect(sim.control.order(later.id)!.renewedOrderId).toBeUndefined();

	// Running it again must not buy second renewals: DigiCert answers order_renewed_already per item.
	const before = sim.control.orders().length;
	const again = await n8n.execute('digicertRenew6001');
	// On Error = Continue (using error output): the refused renewals leave by the Error output, nothing by Success.
	expect(again.output('Renew Order', 0)).toEqual([]);
	const errors = again.output('Renew Order', 1).map((i) => String(i.json.error));
	expect(errors.length).toBeGreaterThanOrEqual(2);
	expect(again.output('Not Renewed')).toHaveLength(errors.length);
	for (const message of errors) expect(message).toMatch(/order_renewed_already/);
	expect(sim.control.orders().length).toBe(before);
});

test('credential Test in n8n: good key OK, bad key "invalid API key" (trailing slash in the custom URL tolerated)', async () => {
	await n8n.start();
	try {
		const ok = await n8n.testCredential('digiCertApi', { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url });
		expect(ok.status).toBe('OK');
		const bad = await n8n.testCredential('digiCertApi', { apiKey: 'wrong-key', region: 'custom', baseUrl: `${sim.url}/` });
		expect(bad).toEqual({ status: 'Error', message: expect.stringContaining('invalid API key') });
		expect(sim.control.requests.filter((r) => r.path === '/user/me').map((r) => r.status)).toEqual([200, 403]);
	} finally {
		await n8n.stop();
	}
});

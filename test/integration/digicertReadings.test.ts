/**
 * Issue #18 (DigiCert): the readings the simulator did not produce before, each switched at run time —
 * the two-step approval path (a request in `submitted`), `valid_till` as a bare date and as a full
 * timestamp (read the same by the node and the trigger), and Order → Create for a new organization.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CertificateTrigger } from '../../nodes/CertificateTrigger/CertificateTrigger.node';
import { DIGICERT_BACKOFF, type ClientSettings } from '../../nodes/DigiCertCodeSigning/transport';
import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { PollHarness, runDigiCertNode, type DigiCertCredentials } from '../support/nodeContext';

jest.setTimeout(120_000);

const tuning: ClientSettings = { backoff: DIGICERT_BACKOFF, sleep: async () => undefined, random: () => 0.5, timeoutMs: 60_000 };
const DAY = 86_400_000;
const ymd = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

let sim: DigiCertSimulator;
let credentials: DigiCertCredentials;
let csr: string;

beforeAll(async () => {
	sim = await startDigiCertSimulator({ rateLimit: null });
	credentials = { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url };
	const dir = mkdtempSync(join(tmpdir(), 'dc-readings-'));
	execFileSync(
		'openssl',
		[
			'req',
			'-new',
			'-newkey',
			'rsa:3072',
			'-nodes',
			'-keyout',
			join(dir, 'k.key'),
			'-out',
			join(dir, 'c.csr'),
			'-subj',
			'/O=Nueva SA/CN=Nueva SA',
		],
		{ stdio: 'pipe' },
	);
	csr = readFileSync(join(dir, 'c.csr'), 'utf8');
});
afterAll(async () => await sim?.close());
afterEach(() => sim.control.configure({ revokeAnswer: '204', dateForm: 'date', approvalSteps: 1, newRequestStatus: 'pending' }));

const run = async (parameters: Record<string, unknown>, continueOnFail = false) =>
	(await runDigiCertNode({ parameters, items: [{ json: {} }], credentials, continueOnFail, digiCert: tuning } as never)).output;

const createParams = (extra: Record<string, unknown> = {}) => ({
	resource: 'order',
	operation: 'create',
	product: 'code_signing',
	organizationType: 'existing',
	organization: { __rl: true, mode: 'list', value: '123456' },
	container: { __rl: true, mode: 'list', value: '' },
	csrSource: 'text',
	csr,
	validityUnit: 'years',
	validityYears: 1,
	alternativeOrderId: '',
	additionalFields: {},
	waitForCompletion: false,
	...extra,
});

describe('the approval path: a request in submitted', () => {
	it('an account with two approvers: the first Approve leaves the request submitted (order still waiting), the second approves it', async () => {
		sim.control.configure({ approvalSteps: 2 });
		const created = await run(createParams());
		expect(created[0].json.requestStatus).toBe('pending');
		const requestId = (created[0].json.requestIds as number[])[0];
		const first = await run({ resource: 'request', operation: 'approve', requestId: String(requestId), comment: '' });
		expect(first[0].json).toMatchObject({ requestId, status: 'submitted', decisionComplete: false, orderId: created[0].json.orderId });
		expect(first[0].json.note).toMatch(/requires another approval/);
		expect(sim.control.order(created[0].json.orderId as number)!.status).toBe('needs_approval');
		const listed = await run({ resource: 'request', operation: 'getMany', returnAll: true, filters: { status: 'submitted' } });
		expect(listed.map((item) => item.json.requestId)).toContain(requestId);
		const second = await run({ resource: 'request', operation: 'approve', requestId: String(requestId), comment: 'second approver' });
		expect(second[0].json).toMatchObject({ status: 'approved', decisionComplete: true });
		expect(second[0].json.note).toBeUndefined();
		expect(sim.control.order(created[0].json.orderId as number)!.status).toBe('pending');
	});
	it('a new request that starts submitted is approved in one step', async () => {
		sim.control.configure({ newRequestStatus: 'submitted' });
		const created = await run(createParams());
		expect(created[0].json.requestStatus).toBe('submitted');
		const approved = await run({
			resource: 'request',
			operation: 'approve',
			requestId: String((created[0].json.requestIds as number[])[0]),
			comment: '',
		});
		expect(approved[0].json).toMatchObject({ status: 'approved', decisionComplete: true });
	});
});

describe('valid_till as a bare date and as a full timestamp', () => {
	it.each(['date', 'timestamp'] as const)('%s: the node and the trigger give the same days remaining and expiry', async (dateForm) => {
		sim.control.configure({ dateForm });
		const order = sim.control.seedOrder({ status: 'issued', validTill: ymd(20), commonName: `Form ${dateForm}` });
		const got = await run({ resource: 'order', operation: 'get', orderId: String(order.id) });
		const validTill = got[0].json.validTill as string;
		expect(validTill).toMatch(dateForm === 'date' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
		const trigger = new PollHarness(new CertificateTrigger(), {
			parameters: {
				event: 'renewalDue',
				includeDigiCert: true,
				includePem: false,
				product: '',
				container: { __rl: true, mode: 'list', value: '' },
				policy: 'daysBefore',
				daysBefore: 30,
				options: {},
			},
			credentials: { digiCertApi: credentials },
			digiCert: tuning,
		} as never);
		const fired = (await trigger.pollItems()).find((item) => item.orderId === order.id)!;
		expect(fired).toBeDefined();
		expect(fired.daysRemaining).toBe(got[0].json.daysRemaining);
		// one reading: a bare date is valid through the end of that day (UTC), a timestamp is that instant
		const expected = dateForm === 'date' ? Date.parse(`${validTill}T23:59:59.999Z`) : Date.parse(validTill);
		// the event names the order's dates as the node does, and its window (30 days before expiry) is read from the same instant
		expect(fired.validTill).toBe(validTill);
		expect(fired.status).toBe(got[0].json.status);
		expect(fired.notAfter).toBeUndefined();
		expect(Math.abs(Date.parse(String(fired.windowStart)) - (expected - 30 * 86_400_000))).toBeLessThan(1000);
	});
});

describe('Order → Create for a new organization', () => {
	const newOrg = {
		organizationType: 'new',
		organizationName: 'Nueva SA',
		organizationAssumedName: '',
		organizationAddress: 'Av. Corrientes 1234',
		organizationAddress2: '',
		organizationCity: 'Buenos Aires',
		organizationState: 'CABA',
		organizationZip: 'C1043',
		organizationCountry: 'AR',
		organizationTelephone: '+54 11 5555 0000',
		contactFirstName: 'Ana',
		contactLastName: 'Pérez',
		contactEmail: 'ana@nueva.example',
		contactTelephone: '+54 11 5555 0001',
		contactJobTitle: 'CTO',
	};
	it('sends the organization object, and outputs the new organization id DigiCert returns', async () => {
		const before = sim.control.organizations().length;
		const out = await run(createParams(newOrg));
		expect(out[0].json.newOrganizationId).toEqual(expect.any(Number));
		const created = sim.control.organizations().find((o) => o.id === out[0].json.newOrganizationId)!;
		expect(created).toMatchObject({ name: 'Nueva SA', country: 'ar' });
		expect(sim.control.organizations().length).toBe(before + 1);
		const order = sim.control.order(out[0].json.orderId as number)!;
		expect(order.organizationId).toBe(created.id);
		expect(order.body.organization).toEqual({
			name: 'Nueva SA',
			address: 'Av. Corrientes 1234',
			city: 'Buenos Aires',
			state: 'CABA',
			zip: 'C1043',
			country: 'ar',
			telephone: '+54 11 5555 0000',
			organization_contact: {
				first_name: 'Ana',
				last_name: 'Pérez',
				email: 'ana@nueva.example',
				telephone: '+54 11 5555 0001',
				job_title: 'CTO',
			},
		});
		// an existing organization: no new id in the answer, none in the output
		const existing = await run(createParams());
		expect(existing[0].json.newOrganizationId).toBeUndefined();
	});
	it('a missing required field fails the item before any request', async () => {
		const before = sim.control.requests.length;
		const out = await run(createParams({ ...newOrg, organizationZip: ' ' }), true);
		expect(out[0].json.error).toBe('Postal Code is required for a new organization (item 1)');
		const email = await run(createParams({ ...newOrg, contactEmail: 'ana-at-nueva' }), true);
		expect(email[0].json.error).toBe('Contact Email "ana-at-nueva" is not an email address (item 1)');
		const country = await run(createParams({ ...newOrg, organizationCountry: 'Argentina' }), true);
		expect(country[0].json.error).toBe('Country Code "Argentina" is not a two-letter country code (item 1)');
		expect(sim.control.requests.length).toBe(before);
	});
	it('the simulator refuses a new organization without its required fields, as DigiCert does', async () => {
		const response = await fetch(`${sim.url}/order/certificate/code_signing`, {
			method: 'POST',
			headers: { 'X-DC-DEVKEY': sim.apiKey, 'Content-Type': 'application/json' },
			body: JSON.stringify({
				certificate: { csr, signature_hash: 'sha256' },
				organization: { name: 'Half Org', country: 'ar' },
				validity_years: 1,
				payment_method: 'balance',
			}),
		});
		expect(response.status).toBe(400);
		const codes = ((await response.json()) as { errors: Array<{ code: string }> }).errors.map((e) => e.code);
		expect(codes).toEqual(
			expect.arrayContaining([
				'invalid_value:organization.address',
				'invalid_value:organization.telephone',
				'invalid_value:organization.organization_contact',
			]),
		);
	});
});

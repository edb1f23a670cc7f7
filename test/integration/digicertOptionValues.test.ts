/**
 * Issue #19 (5): an options value inside a fixedCollection (Order → Create's Ship Info → Method) coming
 * from an expression is held to its list before any request, as top-level and collection options are.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { runDigiCertNode } from '../support/nodeContext';

jest.setTimeout(60_000);

let sim: DigiCertSimulator;
let csr: string;

beforeAll(async () => {
	sim = await startDigiCertSimulator({ rateLimit: null });
	const dir = mkdtempSync(join(tmpdir(), 'dc-options-'));
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
			'/O=Example Corp/CN=Example Corp',
		],
		{ stdio: 'pipe' },
	);
	csr = readFileSync(join(dir, 'c.csr'), 'utf8');
});
afterAll(async () => await sim.close());

const ship = (method: string) => ({
	address: { name: 'Ana', addr1: 'Calle 1', city: 'CABA', state: 'BA', zip: '1000', country: 'ar', method },
});

const createOrder = async (method: string) =>
	await runDigiCertNode({
		credentials: { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url },
		parameters: {
			resource: 'order',
			operation: 'create',
			product: 'code_signing',
			organization: { __rl: true, mode: 'id', value: '123456' },
			container: { __rl: true, mode: 'id', value: '765432' },
			csrSource: 'text',
			csr,
			validityUnit: 'years',
			validityYears: 1,
			alternativeOrderId: '',
			additionalFields: { skipApproval: true, shipInfo: ship(method) },
			waitForCompletion: false,
		},
	});

test('Ship Info → Method from an expression that is not in the list fails before any request', async () => {
	const before = sim.control.requests.length;
	const error = await createOrder('OVERNIGHT"}, "payment_method": "card').catch((e: Error) => e);
	expect((error as Error).message).toBe(
		'Additional Fields → Ship Info → Address → Method "OVERNIGHT"}, "payment_method": "card" is not one of: STANDARD, EXPEDITED (item 1)',
	);
	expect(sim.control.requests.length - before).toBe(0);
});

test('a Method in the list goes through', async () => {
	const { output } = await createOrder('EXPEDITED');
	expect(output[0].json.orderId).toEqual(expect.any(Number));
});

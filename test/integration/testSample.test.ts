/**
 * Issue #19 (high): a test click never spends money or creates a production certificate. The Certificate
 * Trigger's test sample (`sample: true`) is refused by every operation that buys, renews, reissues or revokes
 * a certificate, and by ARCA operations in production, before any request; real poll items pass.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { DIGICERT_BACKOFF, type ClientSettings } from '../../nodes/DigiCertCodeSigning/transport';
import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { runArca, runDigiCertNode, type DigiCertCredentials } from '../support/nodeContext';

jest.setTimeout(60_000);

const tuning: ClientSettings = { backoff: DIGICERT_BACKOFF, sleep: async () => undefined, random: () => 0.5, timeoutMs: 30_000 };
const login = { cuit: '20409378472', username: '20409378472', password: 'demo-clave-fiscal' };
let digiCert: DigiCertSimulator;
let afipSdk: AfipSdkSimulator;
let credentials: DigiCertCredentials;

beforeAll(async () => {
	digiCert = await startDigiCertSimulator({ rateLimit: null });
	afipSdk = await startAfipSdkSimulator({
		pollsUntilDone: 0,
		tokens: ['demo-token'],
		accounts: [{ cuits: [login.cuit], username: login.username, password: login.password }],
	});
	credentials = { apiKey: digiCert.apiKey, region: 'custom', baseUrl: digiCert.url };
});
afterAll(async () => {
	await digiCert?.close();
	await afipSdk?.close();
});

const sampleItem = (orderId: number, due: boolean): INodeExecutionData => ({
	json: { event: 'renewalDue', sample: true, due, orderId, commonName: 'Example Corp', daysRemaining: due ? 20 : 200 },
});
const realItem = (orderId: number): INodeExecutionData => ({
	json: { event: 'renewalDue', due: true, orderId, commonName: 'Example Corp', daysRemaining: 20 },
});
const renew = async (items: INodeExecutionData[]) =>
	(
		await runDigiCertNode({
			parameters: {
				resource: 'order',
				operation: 'renew',
				orderId: (i: number) => String(items[i].json.orderId),
				validityUnit: 'years',
				validityYears: 1,
				alternativeOrderId: '',
				additionalFields: {},
				waitForCompletion: false,
				csrSource: 'none',
			},
			items,
			credentials,
			continueOnFail: true,
			digiCert: tuning,
		} as never)
	).output;

describe('DigiCert', () => {
	it("Renew refuses the trigger's test sample (due or not) before any request; a real poll item renews", async () => {
		const orders = [0, 1, 2].map(() =>
			digiCert.control.seedOrder({ status: 'issued', validTill: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10) }),
		);
		const requestsBefore = digiCert.control.requests.length;
		const ordersBefore = digiCert.control.orders().length;
		const out = await renew([sampleItem(orders[0].id, false), sampleItem(orders[1].id, true), realItem(orders[2].id)]);
		expect(out[0].json.error).toBe(
			"Input item is the Certificate Trigger's test sample (Example Corp, not due): Renew Order was not sent, so a test run never buys a certificate or creates a production one (item 1)",
		);
		expect(out[1].json.error).toMatch(
			/^Input item is the Certificate Trigger's test sample \(Example Corp, due\): Renew Order was not sent/,
		);
		expect(out[0].json.errorDescription).toMatch(/^Activate \(publish\) the workflow/);
		expect(out[2].json.error).toBeUndefined();
		expect(digiCert.control.orders().length - ordersBefore).toBe(1);
		// nothing about the two sample orders reached DigiCert; the real item's did
		const sent = digiCert.control.requests.slice(requestsBefore).map((r) => r.path);
		expect(sent.filter((path) => path.includes(String(orders[0].id)) || path.includes(String(orders[1].id)))).toEqual([]);
		expect(sent.some((path) => path.includes(String(orders[2].id)))).toBe(true);
	});
	it.each([
		[
			'order',
			'create',
			{
				product: 'code_signing',
				organizationType: 'existing',
				organization: { __rl: true, mode: 'id', value: '123456' },
				csrSource: 'none',
				validityUnit: 'years',
				validityYears: 1,
				alternativeOrderId: '',
				additionalFields: {},
				waitForCompletion: false,
			},
		],
		['order', 'reissue', { orderId: '1', csrSource: 'none', additionalFields: {}, waitForCompletion: false }],
		['certificate', 'revoke', { certificateId: '1', confirmRevocation: true, comment: 'x', options: {} }],
	] as const)('%s → %s refuses a sample item with 0 requests', async (resource, operation, parameters) => {
		const before = digiCert.control.requests.length;
		const out = (
			await runDigiCertNode({
				parameters: { resource, operation, ...parameters },
				items: [sampleItem(1, true)],
				credentials,
				continueOnFail: true,
				digiCert: tuning,
			} as never)
		).output;
		expect(out[0].json.error).toMatch(/^Input item is the Certificate Trigger's test sample/);
		expect(digiCert.control.requests.length).toBe(before);
	});
});

describe('ARCA', () => {
	const create = async (environment: 'dev' | 'prod', items: INodeExecutionData[]) =>
		await runArca({
			parameters: {
				resource: 'certificate',
				operation: 'create',
				environment,
				alias: 'facturacion',
				taxpayerCuit: '',
				waitForCompletion: true,
				options: { pollInterval: 1 },
			},
			items,
			credentials: {
				afipSdkApi: { accessToken: 'demo-token', baseUrl: afipSdk.baseUrl },
				arcaLogin: { ...login, allowedAfipSdkHost: new URL(afipSdk.baseUrl).host },
			},
			continueOnFail: true,
		});
	it('Create in Production refuses a sample item before any request; in Testing the sample is allowed (no production certificate, no cost)', async () => {
		const posts = afipSdk.stats.posts;
		const prod = await create('prod', [{ json: { sample: true, due: true, label: 'facturacion' } }]);
		expect(prod[0].json.error).toMatch(
			/^Input item is the Certificate Trigger's test sample \(facturacion, due\): Create Certificate \(Production\) was not sent/,
		);
		expect(afipSdk.stats.posts).toBe(posts);
		const dev = await create('dev', [{ json: { sample: true, due: true, label: 'facturacion' } }]);
		expect(dev[0].json.error).toBeUndefined();
		expect(afipSdk.stats.posts).toBe(posts + 1);
		const real = await create('prod', [{ json: { due: true, label: 'facturacion' } }]);
		expect(real[0].json.error).toBeUndefined();
	});
});

/**
 * Issue #19 (1): a request that carries a secret (Afip SDK token + ARCA password, DigiCert X-DC-DEVKEY,
 * Firmador's HMAC signature) never follows a redirect. Each base URL points at a loopback server that
 * answers 301, 302, 307 or 308 to 127.0.0.2, where a counting server listens: nothing may reach it, and the
 * error names the target host without its query string. Every request goes through n8n-core's real HTTP
 * path (test/support/nodeContext.ts); the ARCA credential test uses its own fetch.
 */
import { httpRequestWithAuthentication } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication';
import type { ICredentialTestFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { DigiCertApi } from '../../credentials/DigiCertApi.credentials';
import { FirmadorApi } from '../../credentials/FirmadorApi.credentials';
import { ArcaAutomation } from '../../nodes/ArcaAutomation/ArcaAutomation.node';
import { firmadorApiTest } from '../../nodes/Firmador/methods/credentialTest';
import { executeContext, runArca, runDigiCertNode, runFirmador } from '../support/nodeContext';
import { REDIRECT_STATUSES, startRedirectPair, type RedirectPair } from '../support/redirects';

jest.setTimeout(60_000);

let pair: RedirectPair;
beforeAll(async () => {
	pair = await startRedirectPair();
});
afterAll(async () => await pair.close());
beforeEach(() => {
	pair.redirected.length = 0;
	pair.reachedTarget.length = 0;
});

const refused = (service: string, status: number, secret: string, credential: string) =>
	`${service} answered ${status} redirecting to ${pair.targetHost}; the request was not repeated there (a redirect could carry your ${secret} to another host). Check the Base URL of the ${credential} credential.`;

const arcaCredentials = () => ({
	afipSdkApi: { accessToken: 'redirect-test-token', baseUrl: `${pair.url}/api/v1` },
	arcaLogin: { cuit: '20409378472', username: '20409378472', password: 'redirect-test-password', allowedAfipSdkHost: '127.0.0.1' },
});
const firmadorCredentials = () => ({
	firmadorApi: { baseUrl: pair.url, appId: 'app', secret: Buffer.from('redirect-test-secret').toString('base64'), keyEncoding: 'base64' },
});
const digiCertCredentials = () => ({ apiKey: 'redirect-test-key', region: 'custom' as const, baseUrl: `${pair.url}/services/v2` });

const tally = { tried: 0, reachedTarget: 0 };
afterEach(() => {
	tally.tried += pair.redirected.length;
	tally.reachedTarget += pair.reachedTarget.length;
});
afterAll(() => {
	// The README's reliability table quotes this line.
	console.log(`redirects answered: ${tally.tried}; requests that reached the redirect target: ${tally.reachedTarget}`);
});

describe.each(REDIRECT_STATUSES)('HTTP %i to another host', (status) => {
	beforeEach(() => {
		pair.status = status;
	});

	test('ARCA Certificate → Create (POST with the password): not followed, the error names the host', async () => {
		const output = await runArca({
			parameters: {
				resource: 'certificate',
				operation: 'create',
				environment: 'dev',
				alias: 'redir',
				taxpayerCuit: '',
				waitForCompletion: true,
				options: {},
			},
			credentials: arcaCredentials(),
			continueOnFail: true,
		});
		expect(output[0].json.error).toBe(`${refused('Afip SDK', status, 'token and the ARCA password', 'Afip SDK API')} (item 1)`);
		expect(pair.redirected.map((r) => r.method)).toEqual(['POST']);
		expect(pair.reachedTarget).toHaveLength(0);
	});

	test('ARCA Automation → Get Result (GET with the token): not followed', async () => {
		const output = await runArca({
			parameters: { resource: 'automation', operation: 'getResult', automationId: 'abc-123', waitForCompletion: false, options: {} },
			credentials: arcaCredentials(),
			continueOnFail: true,
		});
		expect(output[0].json.error).toBe(`${refused('Afip SDK', status, 'token', 'Afip SDK API')} (item 1)`);
		expect(pair.redirected).toHaveLength(1);
		expect(pair.reachedTarget).toHaveLength(0);
	});

	test('ARCA credential test (fetch): not followed', async () => {
		const result = await new ArcaAutomation().methods.credentialTest.afipSdkApiTest.call({} as never, {
			id: '1',
			name: 'x',
			type: 'afipSdkApi',
			data: arcaCredentials().afipSdkApi,
		});
		expect(result).toEqual({ status: 'Error', message: refused('Afip SDK', status, 'token', 'Afip SDK API') });
		expect(pair.redirected).toHaveLength(1);
		expect(pair.reachedTarget).toHaveLength(0);
	});

	test('DigiCert Order → Get (X-DC-DEVKEY): not followed, not retried', async () => {
		const error = await runDigiCertNode({
			credentials: digiCertCredentials(),
			parameters: { resource: 'order', operation: 'get', orderId: '12345' },
		}).catch((e: Error) => e);
		expect((error as Error).message).toBe(`${refused('DigiCert', status, 'API key', 'DigiCert API')} (item 1)`);
		expect(pair.redirected).toHaveLength(1);
		expect(pair.reachedTarget).toHaveLength(0);
	});

	test('Firmador Hash → Sign (POST, HMAC-signed): not followed', async () => {
		const output = await runFirmador({
			parameters: {
				resource: 'hash',
				operation: 'sign',
				hashSource: 'field',
				hash: 'A'.repeat(40),
				signerCuil: '20111111112',
				companyCuit: '30500010912',
				options: {},
			},
			credentials: firmadorCredentials(),
			continueOnFail: true,
		});
		expect(output[0].json.error).toBe(`${refused('Firmador', status, 'signed request', 'Firmador API')} (item 1)`);
		expect(pair.redirected.map((r) => r.method)).toEqual(['POST']);
		expect(pair.reachedTarget).toHaveLength(0);
	});

	test('Firmador Request → Get Status (GET, HMAC-signed): not followed, not retried', async () => {
		const output = await runFirmador({
			parameters: { resource: 'request', operation: 'getStatus', sessionIds: 'abc', options: {} },
			credentials: firmadorCredentials(),
			continueOnFail: true,
		});
		expect(output[0].json.error).toBe(`${refused('Firmador', status, 'signed request', 'Firmador API')} (item 1)`);
		expect(pair.redirected).toHaveLength(1);
		expect(pair.reachedTarget).toHaveLength(0);
	});

	test("Firmador API credential Test (the node's firmadorApiTest, every reading it tries): not followed, names the host", async () => {
		const result = await firmadorApiTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'x',
			type: 'firmadorApi',
			data: firmadorCredentials().firmadorApi,
		});
		expect(result).toEqual({ status: 'Error', message: refused('Firmador', status, 'signed request', 'Firmador API') });
		expect(pair.redirected).toHaveLength(1);
		expect(pair.reachedTarget).toHaveLength(0);
	});

	test.each([
		[
			'DigiCert API',
			'digiCertApi',
			() => ({ ...new DigiCertApi().test.request, baseURL: `${pair.url}/services/v2` }),
			() => digiCertCredentials(),
		],
	])('%s credential test request (as n8n sends it): not followed', async (_name, type, request, data) => {
		const { ctx } = executeContext(new ArcaAutomation(), { parameters: {}, credentials: { [type]: data() } });
		const error = await httpRequestWithAuthentication
			.call(
				ctx as never,
				type,
				request() as IHttpRequestOptions,
				{} as never,
				ctx.getNode() as never,
				{
					credentialsHelper: {
						getParentTypes: () => [],
						preAuthentication: async () => undefined,
						authenticate: async (_c: unknown, _t: string, r: IHttpRequestOptions) => await authenticated(type, data(), r),
					},
				} as never,
				{ credentialsDecrypted: { id: '1', name: 'x', type, data: data() } } as never,
			)
			.catch((e: { cause?: { response?: { status?: number } } }) => e);
		// n8n's credential tester turns this status into the credential's rule message.
		expect((error as { cause?: { response?: { status?: number } } }).cause?.response?.status).toBe(status);
		expect(pair.redirected).toHaveLength(1);
		expect(pair.reachedTarget).toHaveLength(0);
	});
});

test('each credential test names a redirect for every status tried', () => {
	for (const credential of [new DigiCertApi()]) {
		expect(credential.test.request.disableFollowRedirect).toBe(true);
		const statuses = (credential.test.rules ?? [])
			.filter((r) => r.type === 'responseCode')
			.map((r) => (r.properties as { value: number }).value);
		expect(statuses).toEqual(expect.arrayContaining([...REDIRECT_STATUSES]));
	}
});

async function authenticated(type: string, data: Record<string, unknown>, request: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	if (type === 'firmadorApi') return await new FirmadorApi().authenticate(data as never, request);
	return { ...request, headers: { ...(request.headers ?? {}), 'X-DC-DEVKEY': String(data.apiKey) } };
}

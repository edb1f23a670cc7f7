/**
 * Issue #19 (2): a credential Base URL holding user:password@ is refused before any request, for the Afip
 * SDK, Firmador API and DigiCert (custom region) credentials, and the user name and password appear in no
 * error text. A counting loopback server stands where the requests would go.
 */
import { ArcaAutomation } from '../../nodes/ArcaAutomation/ArcaAutomation.node';
import { listen, sendJson, type Listening } from '../simulators/http';
import { runArca, runDigiCertNode, runFirmador } from '../support/nodeContext';

const USER = 'url-user';
const PASSWORD = 's3cret-in-url';
let server: Listening;
let received = 0;
/** The counting server's base URL with user:password@, or with an invalid port (the URL does not parse). */
let withUserinfo: string;
let unparsable: string;

beforeAll(async () => {
	server = await listen((_req, res) => {
		received++;
		sendJson(res, 200, {});
	});
	withUserinfo = server.url.replace('http://', `http://${USER}:${PASSWORD}@`);
	unparsable = `http://${USER}:${PASSWORD}@127.0.0.1:999999`;
});
afterAll(async () => await server.close());

const REFUSED = 'contains a user name or password (user:password@ before the host)';
const errors: string[] = [];
afterAll(() => {
	// The README's reliability table quotes this line.
	console.log(
		`base URLs with user:password@ tried: ${errors.length}; requests sent: ${received}; errors showing the user or password: ${errors.filter((e) => e.includes(USER) || e.includes(PASSWORD)).length}`,
	);
});
const seen = (text: unknown) => {
	errors.push(String(text));
	expect(String(text)).toContain(REFUSED);
	expect(String(text)).not.toContain(USER);
	expect(String(text)).not.toContain(PASSWORD);
};

describe.each([
	['a parsable URL', () => withUserinfo],
	['a URL that does not parse', () => unparsable],
])('%s with user:password@', (_case, base) => {
	test('Afip SDK API: the node and the credential test refuse it before any request', async () => {
		const credentials = {
			afipSdkApi: { accessToken: 'token', baseUrl: `${base()}/api/v1` },
			arcaLogin: { cuit: '20409378472', username: '20409378472', password: 'clave', allowedAfipSdkHost: '127.0.0.1' },
		};
		const output = await runArca({
			parameters: {
				resource: 'certificate',
				operation: 'create',
				environment: 'dev',
				alias: 'a',
				taxpayerCuit: '',
				waitForCompletion: false,
				options: {},
			},
			credentials,
			continueOnFail: true,
		});
		seen(output[0].json.error);
		const tested = await new ArcaAutomation().methods.credentialTest.afipSdkApiTest.call({} as never, {
			id: '1',
			name: 'x',
			type: 'afipSdkApi',
			data: credentials.afipSdkApi,
		});
		expect(tested.status).toBe('Error');
		seen(tested.message);
		expect(received).toBe(0);
	});

	test('DigiCert API (custom region): refused before any request', async () => {
		const error = await runDigiCertNode({
			credentials: { apiKey: 'key', region: 'custom', baseUrl: `${base()}/services/v2` },
			parameters: { resource: 'order', operation: 'get', orderId: '1' },
		}).catch((e: Error) => e);
		seen((error as Error).message);
		expect(received).toBe(0);
	});

	test('Firmador API: Hash → Sign and Request → Get Status refuse it before any request', async () => {
		const credentials = {
			firmadorApi: { baseUrl: base(), appId: 'app', secret: Buffer.from('secret').toString('base64'), keyEncoding: 'base64' },
		};
		const signed = await runFirmador({
			parameters: {
				resource: 'hash',
				operation: 'sign',
				hashSource: 'field',
				hash: 'A'.repeat(40),
				signerCuil: '20111111112',
				companyCuit: '30500010912',
				options: {},
			},
			credentials,
			continueOnFail: true,
		});
		seen(signed[0].json.error);
		const status = await runFirmador({
			parameters: { resource: 'request', operation: 'getStatus', sessionIds: 'abc', options: {} },
			credentials,
			continueOnFail: true,
		});
		seen(status[0].json.error);
		expect(received).toBe(0);
	});
});

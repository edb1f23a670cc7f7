/**
 * Issue #19 (1, 2) in a real n8n: the credentials' "Test" button (n8n's credential tester, its own HTTP
 * path) does not follow a redirect to another host, and a Base URL with user:password@ is refused without
 * the password in the answer. The redirects point at a counting server on 127.0.0.2 (loopback only).
 */
import { N8nInstance, TEST_OWNER } from '../support/n8n';
import { startRedirectPair, type RedirectPair } from '../support/redirects';

jest.setTimeout(5 * 60_000);

let n8n: N8nInstance;
let pair: RedirectPair;

beforeAll(async () => {
	pair = await startRedirectPair();
	n8n = new N8nInstance({ owner: TEST_OWNER });
	await n8n.start();
});
afterAll(async () => {
	await n8n?.dispose();
	await pair?.close();
});

const credentials = (base: string): Array<[string, Record<string, unknown>]> => [
	['afipSdkApi', { accessToken: 'redirect-e2e-token', baseUrl: `${base}/api/v1` }],
	['digiCertApi', { apiKey: 'redirect-e2e-key', region: 'custom', baseUrl: `${base}/services/v2` }],
	[
		'firmadorApi',
		{
			baseUrl: base,
			appId: 'app',
			secret: Buffer.from('redirect-e2e-secret').toString('base64'),
			keyEncoding: 'base64',
			uriToSign: 'absoluteUrl',
			queryBrackets: 'literal',
			timeoutSeconds: 10,
		},
	],
];

test.each([301, 302, 307, 308])(
	'HTTP %i to another host: every credential test fails saying so, nothing reaches 127.0.0.2',
	async (status) => {
		pair.status = status;
		pair.redirected.length = 0;
		for (const [type, data] of credentials(pair.url)) {
			const result = await n8n.testCredential(type, data);
			expect([type, result.status]).toEqual([type, 'Error']);
			expect(result.message).toMatch(new RegExp(`answered ${status}`));
		}
		expect(pair.redirected).toHaveLength(3);
		expect(pair.reachedTarget).toHaveLength(0);
	},
);

test('a Base URL with user:password@: every credential test fails, nothing is sent, the password is not in the answer', async () => {
	pair.redirected.length = 0;
	for (const [type, data] of credentials(pair.url.replace('http://', 'http://url-user:s3cret-in-url@'))) {
		const result = await n8n.testCredential(type, data);
		expect([type, result.status]).toEqual([type, 'Error']);
		expect(result.message).not.toContain('s3cret-in-url');
	}
	expect(pair.redirected).toHaveLength(0);
	expect(pair.reachedTarget).toHaveLength(0);
});

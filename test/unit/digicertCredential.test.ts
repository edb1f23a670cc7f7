/**
 * The DigiCert API credential: its Test request's base URL expression must give the same URL as the
 * node's transport (digicertBaseUrl) for every region. The expression is evaluated as plain JavaScript
 * with `$credentials` bound, which is what n8n's expression engine does with this (pure) expression.
 */
import { DigiCertApi } from '../../credentials/DigiCertApi.credentials';
import { digicertBaseUrl } from '../../nodes/DigiCertCodeSigning/transport/region';

const credential = new DigiCertApi();

function evaluate(expression: string, $credentials: Record<string, unknown>): unknown {
	const m = /^=\{\{([\s\S]*)\}\}$/.exec(expression);
	if (!m) throw new Error(`not an expression: ${expression}`);
	// eslint-disable-next-line @typescript-eslint/no-implied-eval
	return new Function('$credentials', `return (${m[1]});`)($credentials);
}

describe('DigiCertApi credential', () => {
	it('has the stable names and a password API key', () => {
		expect(credential.name).toBe('digiCertApi');
		expect(credential.displayName).toBe('DigiCert API');
		expect(credential.properties.map((p) => p.name)).toEqual(['apiKey', 'region', 'baseUrl']);
		expect(credential.properties[0].typeOptions?.password).toBe(true);
		expect(credential.properties[2].displayOptions).toEqual({ show: { region: ['custom'] } });
	});

	it.each([
		[{ region: 'us' }],
		[{ region: 'eu' }],
		[{ region: 'custom', baseUrl: 'http://127.0.0.1:4321/services/v2' }],
		[{ region: 'custom', baseUrl: 'http://localhost:4321/services/v2/' }],
		[{ region: 'custom', baseUrl: 'https://proxy.example.com/services/v2///' }],
	])('Test request base URL matches the transport for %j', (creds) => {
		const baseURL = evaluate(credential.test.request.baseURL as string, { apiKey: 'k', ...creds });
		expect(baseURL).toBe(digicertBaseUrl(creds.region, (creds as { baseUrl?: string }).baseUrl));
		expect(credential.test.request.url).toBe('/user/me');
	});

	it.each(['http://proxy.example.com/services/v2', 'HTTP://10.0.0.5/services/v2', 'http://127.0.0.1.evil.example/services/v2'])(
		'never sends the key over plain http to %s: the transport refuses it, the Test goes to a name that cannot resolve',
		(baseUrl) => {
			expect(() => digicertBaseUrl('custom', baseUrl)).toThrow(/is plain http/);
			expect(evaluate(credential.test.request.baseURL as string, { apiKey: 'k', region: 'custom', baseUrl })).toBe(
				'https://plain-http-refused-use-https.invalid',
			);
		},
	);

	it.each(['https://user:pass@proxy.example.com/services/v2', 'http://u@127.0.0.1:4321/services/v2'])(
		'never sends a Test to a base URL with user:password@ (%s): the transport refuses it too',
		(baseUrl) => {
			expect(() => digicertBaseUrl('custom', baseUrl)).toThrow(/contains a user name or password/);
			expect(evaluate(credential.test.request.baseURL as string, { apiKey: 'k', region: 'custom', baseUrl })).toBe(
				'https://user-or-password-in-base-url-refused.invalid',
			);
		},
	);

	it('sends the key in X-DC-DEVKEY and maps 403 to "invalid API key"', () => {
		expect(credential.authenticate.properties.headers).toEqual({ 'X-DC-DEVKEY': '={{$credentials.apiKey}}' });
		const rule = credential.test.rules?.find((r) => r.type === 'responseCode' && r.properties.value === 403);
		expect(rule?.properties.message).toMatch(/invalid API key/);
	});
});

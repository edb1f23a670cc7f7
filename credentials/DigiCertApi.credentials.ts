import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { redirectTestRules } from '../nodes/shared/secureUrl';

/**
 * DigiCert CertCentral API key. The base URL follows the region (US, EU) or a custom URL (a proxy or the
 * local simulator); the test calls GET /user/me, and a 403 (access_denied|access_denied_invalid_key)
 * reads as "invalid API key".
 */
export class DigiCertApi implements ICredentialType {
	name = 'digiCertApi';

	displayName = 'DigiCert API';

	documentationUrl = 'https://dev.digicert.com/en/certcentral-apis/authentication.html';

	icon = { light: 'file:../icons/digicert.svg', dark: 'file:../icons/digicert.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A CertCentral API key (Automation → API Keys). Sent in the X-DC-DEVKEY header.',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'US (www.digicert.com)', value: 'us' },
				{ name: 'EU (certcentral.digicert.eu)', value: 'eu' },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: 'us',
			description: 'Where your CertCentral account lives',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://proxy.example.com/services/v2',
			description:
				'Full URL up to and including /services/v2. Must be https (the API key travels in a header), except a proxy on this machine (127.0.0.1 / localhost).',
			displayOptions: { show: { region: ['custom'] } },
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-DC-DEVKEY': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				// Plain http to anything but loopback is never contacted (the key would cross unencrypted), nor a URL
				// holding user:password@: the test goes to a name that cannot resolve and says why in it.
				'={{$credentials.region === "custom" ? (/^[a-z][a-z0-9+.-]*:\\/\\/[^\\/?#]*@/i.test(String($credentials.baseUrl).trim()) ? "https://user-or-password-in-base-url-refused.invalid" : /^http:\\/\\/(?!(localhost|127\\.\\d+\\.\\d+\\.\\d+|\\[::1\\])(:\\d+)?(\\/|$))/i.test(String($credentials.baseUrl).trim()) ? "https://plain-http-refused-use-https.invalid" : String($credentials.baseUrl).trim().replace(/\\/+$/, "")) : ($credentials.region === "eu" ? "https://certcentral.digicert.eu/services/v2" : "https://www.digicert.com/services/v2")}}',
			url: '/user/me',
			method: 'GET',
			// The API key must not be repeated at another address.
			disableFollowRedirect: true,
		},
		rules: [
			...redirectTestRules('DigiCert', 'API key', 'DigiCert API'),
			{
				type: 'responseCode',
				properties: { value: 403, message: 'invalid API key (DigiCert answered 403 access_denied)' },
			},
			{
				type: 'responseCode',
				properties: { value: 401, message: 'invalid API key (DigiCert answered 401)' },
			},
		],
	};
}

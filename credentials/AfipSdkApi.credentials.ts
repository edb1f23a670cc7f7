import type { IAuthenticateGeneric, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Afip SDK access token. The "Test" button runs in the ARCA Automation node (testedBy): an empty
 * automation request that the API rejects with 400 for a good token (no quota used) and 401 for a bad one.
 */
export class AfipSdkApi implements ICredentialType {
	name = 'afipSdkApi';

	displayName = 'Afip SDK API';

	documentationUrl = 'https://afipsdk.com/docs/automations/integrations/api';

	icon = { light: 'file:../icons/afipSdk.svg', dark: 'file:../icons/afipSdk.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The access_token from app.afipsdk.com',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.afipsdk.com/api/v1',
			description: 'Change only to use a proxy or a test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};
}

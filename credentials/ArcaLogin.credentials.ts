import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The taxpayer's ARCA (ex AFIP) login. Kept here, never in node parameters, so the password stays out of
 * workflow JSON. Its "Test" checks the CUITs locally: it never logs in, because every failed ARCA login
 * counts toward locking the taxpayer's clave fiscal.
 */
// The names arcaLogin / ARCA Login are fixed by the product (workflows refer to them); it is a login, not an API key.
// eslint-disable-next-line n8n-nodes-base/cred-class-name-unsuffixed
export class ArcaLogin implements ICredentialType {
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-name-unsuffixed
	name = 'arcaLogin';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'ARCA Login';

	documentationUrl = 'https://afipsdk.com/docs/automations/create-cert-prod/api';

	icon = { light: 'file:../icons/arca.svg', dark: 'file:../icons/arca.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName:
				'The Test button only checks these values here (CUIT check digits, a password present): it never logs in to ARCA, because every failed login counts toward locking the clave fiscal. The first run of an ARCA Automation node is the real test.',
			name: 'testNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Taxpayer CUIT',
			name: 'cuit',
			type: 'string',
			default: '',
			required: true,
			placeholder: '20111111112',
			description: 'CUIT the certificates are for (11 digits, dashes allowed)',
		},
		{
			displayName: 'Login Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			placeholder: '20111111112',
			description:
				'CUIT used to log in to ARCA. Usually the same as the taxpayer CUIT; for a company, the CUIT of the administrator who logs in.',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The clave fiscal. The credential test does not use it: a failed ARCA login counts toward locking it.',
		},
		{
			displayName: 'Allowed Afip SDK Host',
			name: 'allowedAfipSdkHost',
			type: 'string',
			default: 'app.afipsdk.com',
			required: true,
			description:
				'The only Afip SDK server this password may be sent to (host, or host:port). Whoever may use this credential cannot pair it with an Afip SDK credential pointing elsewhere: such a run fails before any request.',
		},
	];
}

/**
 * Credentials the example workflows refer to (by these ids), pointed at the simulators.
 * Used by `npm run dev` and by the end-to-end tests. Values are demo values, not secrets.
 */
import type { CredentialImport } from './n8n';

export const DEMO_IDS = {
	afipSdkApi: 'certsignAfipSdk1',
	arcaLogin: 'certsignArcaLgn1',
} as const;

export const DEMO_ARCA = { cuit: '20409378472', username: '20409378472', password: 'demo-clave-fiscal', token: 'demo-access-token' };

export function arcaDemoCredentials(afipSdkBaseUrl: string): CredentialImport[] {
	return [
		{
			id: DEMO_IDS.afipSdkApi,
			name: 'Afip SDK (demo simulator)',
			type: 'afipSdkApi',
			data: { accessToken: DEMO_ARCA.token, baseUrl: afipSdkBaseUrl },
		},
		{
			id: DEMO_IDS.arcaLogin,
			name: 'ARCA Login (demo taxpayer)',
			type: 'arcaLogin',
			data: { cuit: DEMO_ARCA.cuit, username: DEMO_ARCA.username, password: DEMO_ARCA.password },
		},
	];
}

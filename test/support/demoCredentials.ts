/**
 * Credentials the example workflows refer to (by these ids), pointed at the simulators.
 * Used by `npm run dev` and by the end-to-end tests. Values are demo values, not secrets.
 */
import type { CredentialImport } from './n8n';

export const DEMO_IDS = {
	afipSdkApi: 'certsignAfipSdk1',
	arcaLogin: 'certsignArcaLgn1',
	digiCertApi: 'certsignDigiCert1',
	firmadorApi: 'firmadorApiDemo01',
	firmadorSftp: 'firmadorSftpDemo1',
	smtp: 'certsignSmtp0001',
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
			// The simulator runs on loopback: the demo login may only be sent there.
			data: { cuit: DEMO_ARCA.cuit, username: DEMO_ARCA.username, password: DEMO_ARCA.password, allowedAfipSdkHost: '127.0.0.1' },
		},
	];
}

export function digiCertDemoCredentials(simulatorUrl: string, apiKey: string): CredentialImport[] {
	return [
		{
			id: DEMO_IDS.digiCertApi,
			name: 'DigiCert (demo simulator)',
			type: 'digiCertApi',
			data: { apiKey, region: 'custom', baseUrl: simulatorUrl },
		},
	];
}

export interface FirmadorDemo {
	apiUrl: string;
	app: { appId: string; secret: string; secretFormat: 'base64' | 'text' };
	sftp: { host: string; port: number; username: string; password: string; hostKeyFingerprint: string };
}

export function firmadorDemoCredentials(demo: FirmadorDemo): CredentialImport[] {
	return [
		{
			id: DEMO_IDS.firmadorApi,
			name: 'Firmador API (demo simulator)',
			type: 'firmadorApi',
			data: { baseUrl: demo.apiUrl, appId: demo.app.appId, secret: demo.app.secret, keyEncoding: demo.app.secretFormat },
		},
		{
			id: DEMO_IDS.firmadorSftp,
			name: 'Firmador SFTP (demo server)',
			type: 'firmadorSftp',
			data: { ...demo.sftp, uploadFolder: '/upload', signedFolder: '/signed' },
		},
	];
}

/** n8n's own SMTP credential, pointed at the demo SMTP catcher (test/simulators/smtp): no TLS, no login. */
export function smtpDemoCredentials(host: string, port: number): CredentialImport[] {
	return [
		{
			id: DEMO_IDS.smtp,
			name: 'SMTP account (demo catcher)',
			type: 'smtp',
			data: { user: '', password: '', host, port, secure: false, disableStartTls: true },
		},
	];
}

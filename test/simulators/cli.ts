/**
 * Starts every simulator on fixed loopback ports, for `npm run dev` and `npm run simulators`.
 * Ports (env): CERTSIGN_AFIPSDK_PORT 8701, CERTSIGN_FIRMADOR_PORT 8702, CERTSIGN_DIGICERT_PORT 8703,
 * CERTSIGN_WSAA_PORT 8704 (ARCA's WSAA, sharing ARCA's state with Afip SDK), CERTSIGN_SFTP_PORT 2222, CERTSIGN_SMTP_PORT 2525 (the SMTP catcher of the e-mail example). Firmador's files live
 * under CERTSIGN_SFTP_ROOT (default .dev/sftp). Tests pass `ephemeralPorts` (every port chosen by the OS).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { arcaDemoCredentials, digiCertDemoCredentials, firmadorDemoCredentials, smtpDemoCredentials } from '../support/demoCredentials';
import type { CredentialImport } from '../support/n8n';
import { startAfipSdkSimulator } from './afipsdk/server';
import { createArcaState } from './arcaState';
import { DEFAULT_DIGICERT_API_KEY, startDigiCertSimulator } from './digicert/server';
import { startFirmadorSimulator } from './firmador/server';
import { startSftpSimulator } from './sftp/server';
import { startSmtpCatcher } from './smtp/server';
import { startWsaaSimulator } from './wsaa/server';

export async function startAllSimulators(
	sftpRoot = resolve(process.env.CERTSIGN_SFTP_ROOT ?? '.dev/sftp'),
	options: { ephemeralPorts?: boolean } = {},
) {
	const port = (name: string, fallback: number) => (options.ephemeralPorts ? 0 : Number(process.env[name] ?? fallback));
	// One ARCA behind both: a certificate created through Afip SDK and authorized there gets tickets from WSAA.
	const arca = createArcaState();
	const afipSdk = await startAfipSdkSimulator({ port: port('CERTSIGN_AFIPSDK_PORT', 8701), pollsUntilDone: 2, arca });
	const wsaa = await startWsaaSimulator({ port: port('CERTSIGN_WSAA_PORT', 8704), arca });
	const digiCert = await startDigiCertSimulator({ port: port('CERTSIGN_DIGICERT_PORT', 8703), issueAfterReads: 2 });
	// A few issued orders, two of them expiring soon, so the renewal examples have something to do.
	const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
	for (const days of [20, 45, 200, 400]) digiCert.control.seedOrder({ status: 'issued', validTill: inDays(days) });

	mkdirSync(join(sftpRoot, 'upload'), { recursive: true });
	mkdirSync(join(sftpRoot, 'signed'), { recursive: true });
	const sftp = await startSftpSimulator({ root: sftpRoot, port: port('CERTSIGN_SFTP_PORT', 2222) });
	const firmador = await startFirmadorSimulator({
		port: port('CERTSIGN_FIRMADOR_PORT', 8702),
		uploadFolder: join(sftpRoot, 'upload'),
		signedFolder: join(sftpRoot, 'signed'),
	});
	const smtp = await startSmtpCatcher({
		port: port('CERTSIGN_SMTP_PORT', 2525),
		onMessage: options.ephemeralPorts
			? undefined
			: (mail) => console.log(`[smtp catcher] ${mail.from} → ${mail.to.join(', ')}: ${mail.subject}`),
	});

	const credentials: CredentialImport[] = [
		...arcaDemoCredentials(afipSdk.baseUrl),
		...digiCertDemoCredentials(digiCert.url, DEFAULT_DIGICERT_API_KEY),
		...firmadorDemoCredentials({
			apiUrl: firmador.url,
			app: firmador.apps[0],
			sftp: {
				host: sftp.host,
				port: sftp.port,
				username: sftp.username,
				password: sftp.password,
				hostKeyFingerprint: sftp.hostKeyFingerprint,
			},
		}),
		...smtpDemoCredentials(smtp.host, smtp.port),
	];
	return {
		afipSdk,
		wsaa,
		digiCert,
		firmador,
		sftp,
		smtp,
		credentials,
		describe: () =>
			[
				`  Afip SDK   ${afipSdk.baseUrl}  (token demo-access-token)`,
				`  WSAA       ${wsaa.loginUrl.dev}  (testing; production: ${wsaa.loginUrl.prod}; control: ${wsaa.url}/_control)`,
				`  DigiCert   ${digiCert.url}  (API key ${DEFAULT_DIGICERT_API_KEY}; control: ${digiCert.origin}/__control)`,
				// Demo values of local simulators (nothing real): printed so a user can rebuild the demo credentials by hand.
				`  Firmador   ${firmador.url}  (App ID ${firmador.apps[0].appId}, Secret ${firmador.apps[0].secret}, Secret Encoding ${firmador.apps[0].secretFormat})`,
				`  SFTP       ${sftp.host}:${sftp.port}  (user ${sftp.username}, password ${sftp.password}, host key ${sftp.hostKeyFingerprint}, files in ${sftpRoot})`,
				`  SMTP       ${smtp.host}:${smtp.port}  (catches every e-mail; printed here, never relayed)`,
			].join('\n'),
		async close() {
			await Promise.all([afipSdk.close(), wsaa.close(), digiCert.close(), firmador.close(), sftp.close(), smtp.close()]);
			arca.dispose();
		},
	};
}

export type RunningSimulators = Awaited<ReturnType<typeof startAllSimulators>>;

if (require.main === module) {
	void startAllSimulators().then((sims) => {
		console.log(`Simulators:\n${sims.describe()}`);
		const stop = () => void sims.close().then(() => process.exit(0));
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	});
}

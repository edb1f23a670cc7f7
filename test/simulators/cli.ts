/**
 * Starts every simulator on fixed loopback ports (for `npm run dev` and `npm run simulators`).
 * Ports: CERTSIGN_AFIPSDK_PORT (8701).
 */
import { startAfipSdkSimulator } from './afipsdk/server';

export interface RunningSimulators {
	afipSdk: { baseUrl: string };
	close(): Promise<void>;
}

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export async function startAllSimulators(): Promise<RunningSimulators> {
	const afipSdk = await startAfipSdkSimulator({ port: port('CERTSIGN_AFIPSDK_PORT', 8701), pollsUntilDone: 2 });
	return {
		afipSdk,
		async close() {
			await afipSdk.close();
		},
	};
}

if (require.main === module) {
	void startAllSimulators().then((sims) => {
		console.log(`Afip SDK simulator: ${sims.afipSdk.baseUrl} (token demo-access-token)`);
		const stop = () => void sims.close().then(() => process.exit(0));
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	});
}

/**
 * Issue #19 (3): the ARCA node names its certificate and key files after the alias (or the server's
 * automation id). An alias with path segments must not reach the binary's fileName: a later Write File
 * node would write outside its folder. The node runs in-process (n8n-core's real HTTP path) against the
 * Afip SDK simulator, set to accept any alias without spaces.
 */
import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { runArca } from '../support/nodeContext';

jest.setTimeout(60_000);

const HOSTILE = '../../../../home/node/.n8n/evil';
let sim: AfipSdkSimulator;
let credentials: Record<string, Record<string, string>>;

beforeAll(async () => {
	sim = await startAfipSdkSimulator({ pollsUntilDone: 0, aliasRule: 'lenient' });
	credentials = {
		afipSdkApi: { accessToken: 'demo-access-token', baseUrl: sim.baseUrl },
		arcaLogin: { cuit: '20409378472', username: '20409378472', password: 'demo-clave-fiscal', allowedAfipSdkHost: '127.0.0.1' },
	};
});
afterAll(async () => await sim.close());

const fileNames = (output: Awaited<ReturnType<typeof runArca>>) => [
	output[0].binary?.certificate?.fileName,
	output[0].binary?.privateKey?.fileName,
];

test('Certificate → Create with a path for an alias: the files are plain names, nothing of the path is left', async () => {
	const output = await runArca({
		parameters: {
			resource: 'certificate',
			operation: 'create',
			environment: 'dev',
			alias: HOSTILE,
			taxpayerCuit: '',
			waitForCompletion: true,
			options: { pollInterval: 1 },
		},
		credentials,
	});
	expect(output[0].json.status).toBe('complete');
	expect(fileNames(output)).toEqual(['evil_20409378472_dev.crt.pem', 'evil_20409378472_dev.key.pem']);
});

test('Automation → Run with a path for an alias in its parameters: the same', async () => {
	const output = await runArca({
		parameters: {
			resource: 'automation',
			operation: 'run',
			automationName: 'create-cert-dev',
			automationParams: JSON.stringify({ alias: HOSTILE }),
			waitForCompletion: true,
			options: { pollInterval: 1 },
		},
		credentials,
	});
	expect(output[0].json.status).toBe('complete');
	expect(fileNames(output)).toEqual(['evil.crt.pem', 'evil.key.pem']);
	for (const name of fileNames(output)) expect(name).not.toMatch(/[\\/]|\.\./);
});

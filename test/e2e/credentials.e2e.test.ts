/**
 * The "Test" button of the ARCA credentials in a running n8n (REST API the editor uses),
 * against the Afip SDK simulator.
 */
import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { DEMO_ARCA } from '../support/demoCredentials';
import { N8nInstance, TEST_OWNER } from '../support/n8n';

jest.setTimeout(5 * 60_000);

let sim: AfipSdkSimulator;
let n8n: N8nInstance;

beforeAll(async () => {
	sim = await startAfipSdkSimulator();
	n8n = new N8nInstance({ owner: TEST_OWNER });
	await n8n.start();
});

afterAll(async () => {
	await n8n?.dispose();
	await sim?.close();
});

test('Afip SDK API: a good token passes, a bad one is named, an unreachable URL is said; no quota is used', async () => {
	const before = sim.stats.automationsRun;
	expect(await n8n.testCredential('afipSdkApi', { accessToken: DEMO_ARCA.token, baseUrl: sim.baseUrl })).toEqual({
		status: 'OK',
		message: 'Access token accepted',
	});
	expect(await n8n.testCredential('afipSdkApi', { accessToken: 'wrong', baseUrl: sim.baseUrl })).toEqual({
		status: 'Error',
		message: 'Afip SDK rejected the access token',
	});
	const unreachable = await n8n.testCredential('afipSdkApi', { accessToken: 'x', baseUrl: 'http://127.0.0.1:9/api/v1' });
	expect(unreachable.status).toBe('Error');
	expect(unreachable.message).toMatch(/^Could not reach Afip SDK/);
	expect(sim.stats.automationsRun).toBe(before);
});

test('ARCA Login: CUIT check digits are checked locally, ARCA is never contacted', async () => {
	const posts = sim.stats.posts;
	expect((await n8n.testCredential('arcaLogin', { cuit: DEMO_ARCA.cuit, username: DEMO_ARCA.username, password: 'x' })).status).toBe('OK');
	expect(await n8n.testCredential('arcaLogin', { cuit: '20409378473', username: DEMO_ARCA.username, password: 'x' })).toEqual({
		status: 'Error',
		message: 'Taxpayer CUIT "20409378473" has a wrong check digit',
	});
	expect((await n8n.testCredential('arcaLogin', { cuit: DEMO_ARCA.cuit, username: DEMO_ARCA.username, password: '' })).message).toBe(
		'Password is empty',
	);
	expect(sim.stats.posts).toBe(posts);
});

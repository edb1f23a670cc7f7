/**
 * Issue #18 (ARCA): under a strict alias rule, a bad alias used to fail only after an automation from the
 * monthly quota and an ARCA login had been spent. Options → Alias Rule "Letters and Digits Only" checks it
 * before any request; "Server Decides" (default) still lets the server judge (existing aliases may hold - or _).
 */
import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { runArca } from '../support/nodeContext';

jest.setTimeout(60_000);

const login = { cuit: '20409378472', username: '20409378472', password: 'demo-clave-fiscal' };
const arcaLogin = () => ({ ...login, allowedAfipSdkHost: new URL(sim.baseUrl).host });
let sim: AfipSdkSimulator;

beforeAll(async () => {
	sim = await startAfipSdkSimulator({
		pollsUntilDone: 0,
		tokens: ['demo-token'],
		accounts: [{ cuits: [login.cuit], username: login.username, password: login.password }],
	});
});
afterAll(async () => await sim?.close());

const create = async (alias: string, aliasRule?: string) =>
	await runArca({
		parameters: {
			resource: 'certificate',
			operation: 'create',
			environment: 'dev',
			alias,
			taxpayerCuit: '',
			waitForCompletion: true,
			options: { pollInterval: 1, ...(aliasRule ? { aliasRule } : {}) },
		},
		items: [{ json: {} }],
		credentials: { afipSdkApi: { accessToken: 'demo-token', baseUrl: sim.baseUrl }, arcaLogin: arcaLogin() },
		continueOnFail: true,
	});

describe('Alias Rule', () => {
	it.each(['alnum', 'lenient'] as const)('server rule %s: Letters and Digits Only refuses "mi-alias" before any request', async (rule) => {
		sim.control.aliasRule = rule;
		const before = { posts: sim.stats.posts, run: sim.stats.automationsRun };
		const out = await create('mi-alias', 'lettersAndDigits');
		expect(out[0].json.error).toBe('Alias "mi-alias" has characters other than letters and digits (item 1)');
		expect(sim.stats.posts).toBe(before.posts);
		expect(sim.stats.automationsRun).toBe(before.run);
		const fine = await create('mialias', 'lettersAndDigits');
		expect(fine[0].json.error).toBeUndefined();
	});
	it('Server Decides (default): the strict server refuses after an automation was spent; the lenient one accepts', async () => {
		sim.control.aliasRule = 'alnum';
		const before = sim.stats.automationsRun;
		const strict = await create('mi-alias');
		expect(String(strict[0].json.error)).toMatch(/El alias solo puede contener letras y números/);
		expect(sim.stats.automationsRun).toBe(before + 1);
		sim.control.aliasRule = 'lenient';
		const lenient = await create('mi-alias');
		expect(lenient[0].json.error).toBeUndefined();
		expect(lenient[0].json.alias).toBe('mi-alias');
	});
	it('a value outside the list is refused naming the option', async () => {
		const out = await create('mialias', 'strictest');
		expect(out[0].json.error).toBe('Options → Alias Rule "strictest" is not one of: server, lettersAndDigits (item 1)');
	});
});

/**
 * Issue #19 (medium): one execution never sends a rejected ARCA login twice, whatever the Wait for
 * Completion setting. With Wait off, the first automation of a login is awaited until ARCA has judged the
 * login; Automation → Get Result that sees a rejected login records it for the rest of the execution.
 * (The in-process harness has one execution for every run of this file; each case uses its own password.)
 */
import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { runArca } from '../support/nodeContext';

jest.setTimeout(60_000);

const CUIT = '20409378472';
let sim: AfipSdkSimulator;

beforeAll(async () => {
	sim = await startAfipSdkSimulator({
		pollsUntilDone: 1,
		tokens: ['demo-token'],
		accounts: [{ cuits: [CUIT], username: CUIT, password: 'the-right-one' }],
	});
});
afterAll(async () => await sim?.close());

const credentials = (password: string) => ({
	afipSdkApi: { accessToken: 'demo-token', baseUrl: sim.baseUrl },
	arcaLogin: { cuit: CUIT, username: CUIT, password, allowedAfipSdkHost: new URL(sim.baseUrl).host },
});
const create = async (
	password: string,
	count: number,
	wait: boolean,
	options: Record<string, unknown> = { pollInterval: 1, timeout: 30 },
) =>
	await runArca({
		parameters: {
			resource: 'certificate',
			operation: 'create',
			environment: 'dev',
			alias: (i: number) => `guard${password.length}x${i}`,
			taxpayerCuit: '',
			waitForCompletion: wait,
			options,
		},
		items: Array.from({ length: count }, () => ({ json: {} })),
		credentials: credentials(password),
		continueOnFail: true,
	});

it('Wait off, 5 items with a wrong password: ARCA sees the password once, the other 4 items are not sent', async () => {
	const before = { failed: sim.stats.failedLogins, posts: sim.stats.posts };
	const out = await create('wrong-password-one', 5, false);
	expect(sim.stats.failedLogins - before.failed).toBe(1);
	expect(sim.stats.posts - before.posts).toBe(1);
	expect(String(out[0].json.error)).toMatch(/Clave o usuario incorrecto/);
	for (const [i, item] of out.slice(1).entries()) {
		expect(item.json.error).toMatch(
			new RegExp(
				`^Not sent: ARCA rejected this login earlier in this execution \\(node "ARCA Automation", item 1, automation [\\w-]+\\) \\(item ${i + 2}\\)$`,
			),
		);
	}
});

it('Wait off, 3 items with the right login: the first is awaited until ARCA accepted the login, the others return at once', async () => {
	const before = sim.stats.posts;
	const out = await create('the-right-one', 3, false);
	expect(sim.stats.posts - before).toBe(3);
	expect(out.map((item) => item.json.status)).toEqual(['complete', 'in_process', 'in_process']);
	expect(out.every((item) => item.json.error === undefined)).toBe(true);
});

it('Wait on keeps the old guard: 3 items, one failed login', async () => {
	const before = sim.stats.failedLogins;
	const out = await create('wrong-password-two', 3, true);
	expect(sim.stats.failedLogins - before).toBe(1);
	expect(out.slice(1).every((item) => /^Not sent: ARCA rejected this login earlier/.test(String(item.json.error)))).toBe(true);
});

it('a first automation without a verdict (timeout) holds back the login; Get Result that sees the rejection records it', async () => {
	sim.control.pollsUntilDone = 4;
	try {
		const before = { failed: sim.stats.failedLogins, posts: sim.stats.posts };
		const first = await create('wrong-password-three', 2, false, { pollInterval: 1, timeout: 1 });
		const automationId = String(first[0].json.automationId);
		expect(first[0].json.error).toMatch(/^Automation [\w-]+ is still not finished/);
		expect(first[1].json.error).toMatch(/^Not sent: the first automation with this ARCA login in this execution \(/);
		expect(sim.stats.posts - before.posts).toBe(1);
		// Get Result picks the first one up and sees the rejection
		const result = await runArca({
			parameters: {
				resource: 'automation',
				operation: 'getResult',
				automationId,
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 30 },
			},
			items: [{ json: {} }],
			credentials: { afipSdkApi: credentials('x').afipSdkApi },
			continueOnFail: true,
		});
		expect(String(result[0].json.error)).toMatch(/Clave o usuario incorrecto/);
		const again = await create('wrong-password-three', 1, true);
		expect(again[0].json.error).toMatch(
			new RegExp(
				`^Not sent: ARCA rejected this login earlier in this execution \\(node "ARCA Automation", item 1, automation ${automationId}\\)`,
			),
		);
		expect(sim.stats.failedLogins - before.failed).toBe(1);
		expect(sim.stats.posts - before.posts).toBe(1);
	} finally {
		sim.control.pollsUntilDone = 1;
	}
});

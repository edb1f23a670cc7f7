/**
 * The editor, as a person clicks it: Debian's Chromium (playwright-core) against a real n8n 2.40.7 with the
 * packed package installed into its `.n8n/nodes` (test/support/n8n.ts), the simulators, the demo
 * credentials and the example workflows as `npm run dev` imports them. Screenshots go to docs/screenshots/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

import { startAllSimulators, type RunningSimulators } from '../simulators/cli';
import { launchChromium, newContext, screenshot, signIn, type Theme } from '../support/browser';
import { DEMO_ARCA, DEMO_IDS } from '../support/demoCredentials';
import { demoExamples } from '../support/demoExamples';
import { N8nInstance, TEST_OWNER, type WorkflowJson } from '../support/n8n';
import { readExecutions, waitFor } from '../support/triggerE2e';

jest.setTimeout(10 * 60_000);

const NODES = [
	// displayName (nodes/*/*.node.ts), icon file (icons/), the name the trigger panel shows (n8n drops " Trigger")
	{ name: 'ARCA Automation', icon: 'arca', shown: 'ARCA Automation' },
	{ name: 'Firmador', icon: 'firmador', shown: 'Firmador' },
	{ name: 'DigiCert Code Signing', icon: 'digicert', shown: 'DigiCert Code Signing' },
	{ name: 'Certificate Trigger', icon: 'certificateTrigger', shown: 'Certificate' },
];

/** A manual trigger and ARCA Create with a bad parameter (the demo credentials). */
function badArcaWorkflow(id: string, parameters: Record<string, string>): WorkflowJson {
	return {
		id,
		name: `Bad input: ${JSON.stringify(parameters)}`,
		nodes: [
			{ parameters: {}, id: `${id}-t`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{
				parameters: {
					resource: 'certificate',
					operation: 'create',
					environment: 'dev',
					waitForCompletion: true,
					options: { pollInterval: 1, timeout: 60 },
					...parameters,
				},
				id: `${id}-a`,
				name: 'Create Certificate',
				type: 'n8n-nodes-certsign.arcaAutomation',
				typeVersion: 1,
				position: [240, 0],
				credentials: {
					afipSdkApi: { id: DEMO_IDS.afipSdkApi, name: 'Afip SDK (demo simulator)' },
					arcaLogin: { id: DEMO_IDS.arcaLogin, name: 'ARCA Login (demo taxpayer)' },
				},
			},
		],
		connections: { Start: { main: [[{ node: 'Create Certificate', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

let sims: RunningSimulators;
let n8n: N8nInstance;
let browser: Browser;
let sftpRoot: string;
let filesDir: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
	sftpRoot = mkdtempSync(join(tmpdir(), 'certsign-browser-sftp-'));
	filesDir = mkdtempSync(join(tmpdir(), 'certsign-browser-files-'));
	sims = await startAllSimulators(sftpRoot, { ephemeralPorts: true });
	n8n = new N8nInstance({ owner: TEST_OWNER, env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir } });
	await n8n.importCredentials(sims.credentials);
	await n8n.importWorkflows([
		...demoExamples(filesDir, { firmadorCaPem: sims.firmador.caPem }).map((example) => example.workflow),
		badArcaWorkflow('badCuitBrowser01', { alias: 'facturacion', taxpayerCuit: '20409378473' }),
		badArcaWorkflow('badAliasBrowser1', { alias: 'my alias' }),
	]);
	await n8n.start();
	browser = await launchChromium();
});

afterAll(async () => {
	for (const context of contexts) await context.close().catch(() => undefined);
	await browser?.close();
	await n8n?.dispose();
	await sims?.close();
	for (const dir of [sftpRoot, filesDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signedInPage(theme: Theme = 'light'): Promise<Page> {
	const context = await newContext(browser, theme);
	contexts.push(context);
	const page = await context.newPage();
	await signIn(page, n8n);
	return page;
}

/** An image has loaded when the browser decoded it (a broken icon has naturalWidth 0). */
async function imageLoaded(image: Locator, timeoutMs = 10_000): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const state = await image.evaluate((img: any) => ({ complete: img.complete as boolean, width: img.naturalWidth as number }));
		if (state.complete) return state.width > 0;
		if (Date.now() > deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** The locator's text (whitespace collapsed) once it matches, or its last text after the timeout. */
async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const text = (await locator.innerText()).replace(/\s+/g, ' ');
		if (pattern.test(text) || Date.now() > deadline) return text;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function openNodePanel(page: Page) {
	await page.goto(`${n8n.baseUrl}/workflow/new`);
	await page.getByTestId('canvas-add-button').click();
	await page.getByTestId('node-creator-search-bar').waitFor();
}

function creatorItem(page: Page, shownName: string): Locator {
	return page
		.getByTestId('item-iterator-item')
		.filter({ has: page.getByTestId('node-creator-item-name').getByText(shownName, { exact: true }) });
}

/**
 * Opens an example, clicks Execute workflow and waits for `node` to succeed (or some node to show its error, which
 * fails the test with it); then checks the node's output (its binary fields, its JSON) and takes a screenshot.
 */
async function runExampleFromEditor(
	page: Page,
	run: { workflow: string; node: string; shot: string; json: RegExp; binary?: string[] },
): Promise<void> {
	await page.goto(`${n8n.baseUrl}/workflow/${run.workflow}`);
	const target = page.getByTestId('canvas-node').filter({ hasText: run.node });
	await target.waitFor();
	await page.getByTestId('execute-workflow-button').click();
	await target.getByTestId('canvas-node-status-success').or(page.getByTestId('node-issues')).first().waitFor({ timeout: 180_000 });
	const failed = page.getByTestId('canvas-node').filter({ has: page.getByTestId('node-issues') });
	let error = '';
	if ((await failed.count()) > 0) {
		await failed.first().dblclick();
		error = await waitForText(page.getByTestId('output-panel'), /\(item \d+\)|error/i);
	}
	expect({ workflow: run.workflow, error }).toEqual({ workflow: run.workflow, error: '' });
	await target.dblclick();
	const output = page.getByTestId('output-panel');
	await output.waitFor();
	if (run.binary?.length) {
		await output.getByTestId('radio-button-binary').click();
		const files = output.locator('[data-test-id^="ndv-binary-data_"]');
		await files.first().waitFor();
		const cards = (await files.allInnerTexts()).join('\n');
		for (const property of run.binary)
			expect({ workflow: run.workflow, cards }).toEqual({ workflow: run.workflow, cards: expect.stringContaining(property) });
	}
	await output.getByTestId('radio-button-json').click();
	expect({ workflow: run.workflow, json: await waitForText(output, run.json) }).toEqual({
		workflow: run.workflow,
		json: expect.stringMatching(run.json),
	});
	await screenshot(page, run.shot);
	await page.getByTestId('ndv-close-button').click();
}

describe.each(['light', 'dark'] as Theme[])('%s theme', (theme) => {
	test('log in as the owner; the nodes panel finds each node by name, with its icon', async () => {
		const page = await signedInPage(theme);
		expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('N8N_THEME'))).toBe(theme);
		await openNodePanel(page);
		for (const node of NODES) {
			await page.getByTestId('node-creator-search-bar').fill(node.name);
			const item = creatorItem(page, node.shown);
			await item.first().waitFor();
			const icon = item.first().locator('img').first();
			const src = await icon.getAttribute('src');
			expect({ node: node.name, src }).toEqual({
				node: node.name,
				src: expect.stringMatching(new RegExp(`/icons/n8n-nodes-certsign/dist/icons/${node.icon}(\\.dark)?\\.svg$`)),
			});
			// n8n shows the node's dark icon (icons/*.dark.svg) in dark theme
			expect({ node: node.name, dark: src!.endsWith('.dark.svg') }).toEqual({ node: node.name, dark: theme === 'dark' });
			expect(await imageLoaded(icon)).toBe(true);
			await screenshot(page, `node-panel-${node.name.toLowerCase().replace(/ /g, '-')}-${theme}`);
		}
	});

	test('an example workflow runs from the editor; the output panel shows its JSON and binary files', async () => {
		const page = await signedInPage(theme);
		const runs = [
			{
				workflow: 'arcaCreateCert01',
				node: 'Create Testing Certificate',
				shot: 'run-arca',
				binary: ['certificate', 'privateKey'],
				json: /"alias": "demo"/,
			},
			{ workflow: 'firmadorSignOne01', node: 'Download Signed', shot: 'run-firmador', binary: ['data'], json: /"status": "signed"/ },
			{
				workflow: 'digicertOrderDl01',
				node: 'Download Certificate',
				shot: 'run-digicert',
				binary: ['certificate'],
				json: /"certificateId": \d+/,
			},
		];
		for (const run of runs) await runExampleFromEditor(page, { ...run, shot: `${run.shot}-${theme}` });
	});

	test('a test click on each trigger example never buys a certificate or creates a production one', async () => {
		const page = await signedInPage(theme);
		const ordersBefore = sims.digiCert.control.orders().length;
		const productionJobs = () => [...sims.afipSdk.jobs.values()].filter((job) => job.automation.endsWith('-prod')).length;
		const productionBefore = productionJobs();
		const mailsBefore = sims.smtp.messages.length;
		for (const workflow of ['certTrigDigiCert1', 'certTrigArcaPem01']) {
			const executionsBefore = readExecutions(n8n, workflow, 'Renewal Due').length;
			await page.goto(`${n8n.baseUrl}/workflow/${workflow}`);
			const trigger = page.getByTestId('canvas-node').filter({ hasText: 'Renewal Due' });
			await trigger.waitFor();
			await page.getByTestId('execute-workflow-button').click();
			await trigger.getByTestId('canvas-node-status-success').waitFor({ timeout: 120_000 });
			// the whole test run has ended (n8n saves manual executions)
			const ended = await waitFor(
				'the test run to end',
				() => {
					const runs = readExecutions(n8n, workflow, 'Renewal Due')
						.slice(executionsBefore)
						.filter((r) => r.status !== 'running' && r.status !== 'new');
					return runs.length > 0 && runs;
				},
				120_000,
				1000,
			);
			const run = ended[ended.length - 1];
			const sample = run.items[0] as { sample?: boolean; due?: boolean };
			expect({ workflow, sample: sample?.sample }).toEqual({ workflow, sample: true });
			// a sample that reaches Renew Order is refused there with the reason; one that is not due stops at "Due for Renewal?"
			if (run.error)
				expect({ workflow, error: run.error }).toEqual({
					workflow,
					error: expect.stringMatching(/is the Certificate Trigger's test sample/),
				});
			await screenshot(page, `run-${workflow === 'certTrigDigiCert1' ? 'certificate-trigger' : 'certificate-trigger-arca'}-${theme}`);
		}
		expect({
			ordersPlaced: sims.digiCert.control.orders().length - ordersBefore,
			productionCertificates: productionJobs() - productionBefore,
			mails: sims.smtp.messages.length - mailsBefore,
		}).toEqual({
			ordersPlaced: 0,
			productionCertificates: 0,
			mails: 0,
		});
	});
});

/** Creates a credential from Overview → Create credential, fills it, saves; returns what the Test says. */
async function createCredential(
	page: Page,
	typeName: string,
	fields: Record<string, string>,
	choices: Record<string, RegExp> = {},
): Promise<string> {
	await page.goto(`${n8n.baseUrl}/home/credentials`);
	await page.getByTestId('add-resource-credential').click();
	await page.getByTestId('new-credential-type-select').locator('input').fill(typeName);
	await page.getByTestId('new-credential-type-select-option').filter({ hasText: typeName }).first().click();
	await page.getByTestId('new-credential-type-button').click();
	const modal = page.getByTestId('editCredential-modal');
	for (const [field, choice] of Object.entries(choices)) {
		await modal.getByTestId(`parameter-input-${field}`).click();
		await page.locator('.el-select-dropdown__item, [role=option]').filter({ hasText: choice }).first().click();
	}
	for (const [field, value] of Object.entries(fields)) {
		const input = modal.getByTestId(`parameter-input-${field}`).locator('input, textarea').first();
		// The form may still be putting its defaults in place when the modal opens (a cold run once saved
		// "http://firmador.tucertificado.com.ar" + the typed URL): fill until the field holds exactly the value.
		for (let attempt = 1; ; attempt++) {
			await input.fill(value);
			await page.waitForTimeout(150);
			if ((await input.inputValue()) === value) break;
			if (attempt === 5)
				throw new Error(
					`the credential field ${field} does not keep the value typed into it (holds ${JSON.stringify(await input.inputValue())})`,
				);
		}
	}
	await modal.getByTestId('credential-save-button').click();
	// n8n tests the credential on save: a green "Connection tested successfully", or "Couldn’t connect with
	// these settings" whose "More details" shows the credential test's own message.
	const verdict = modal
		.getByText(/Connection tested successfully|Couldn.t connect with these settings/)
		.filter({ visible: true })
		.first();
	await verdict.waitFor({ timeout: 60_000 });
	if (/Couldn.t connect/.test(await verdict.innerText())) {
		// the failure's "More details" link renders a moment after the verdict: wait for it, then open it
		const details = modal.getByText('More details').filter({ visible: true }).first();
		if (
			await details.waitFor({ timeout: 10_000 }).then(
				() => true,
				() => false,
			)
		)
			await details.click();
	}
	await page.waitForTimeout(300);
	return (await modal.innerText()).replace(/\s+/g, ' ');
}

async function closeCredential(page: Page) {
	await page.keyboard.press('Escape');
	await page.getByTestId('editCredential-modal').waitFor({ state: 'hidden' });
}

test('each of the five credentials, created from the UI: its Test succeeds against the simulators and fails readably on a wrong secret', async () => {
	const page = await signedInPage('light');
	const firmador = sims.firmador.apps[0];
	const sftp = sims.sftp;
	const cases: Array<{
		type: string;
		good: Record<string, string>;
		bad: Record<string, string>;
		badMessage: RegExp;
		choices?: Record<string, RegExp>;
	}> = [
		{
			type: 'Afip SDK API',
			good: { accessToken: DEMO_ARCA.token, baseUrl: sims.afipSdk.baseUrl },
			bad: { accessToken: 'wrong-token', baseUrl: sims.afipSdk.baseUrl },
			badMessage: /Afip SDK rejected the access token/,
		},
		{
			type: 'ARCA Login',
			good: { cuit: DEMO_ARCA.cuit, username: DEMO_ARCA.username, password: DEMO_ARCA.password, allowedAfipSdkHost: '127.0.0.1' },
			// ARCA is never contacted (a failed login counts toward locking the clave fiscal): what it can
			// check is the CUIT's check digit.
			bad: { cuit: '20409378473', username: DEMO_ARCA.username, password: DEMO_ARCA.password, allowedAfipSdkHost: '127.0.0.1' },
			badMessage: /wrong check digit/,
		},
		{
			type: 'Firmador API',
			good: { baseUrl: sims.firmador.url, appId: firmador.appId, secret: firmador.secret },
			bad: {
				baseUrl: sims.firmador.url,
				appId: firmador.appId,
				secret: Buffer.from('not-the-shared-key-of-this-app!!').toString('base64'),
			},
			badMessage: /Firmador refused the signature \(HTTP 401\) with every reading of the document \(144 tried\): check App ID and Secret/,
		},
		{
			type: 'Firmador SFTP',
			good: {
				host: sftp.host,
				port: String(sftp.port),
				username: sftp.username,
				password: sftp.password,
				hostKeyFingerprint: sftp.hostKeyFingerprint,
				uploadFolder: '/upload',
				signedFolder: '/signed',
			},
			bad: {
				host: sftp.host,
				port: String(sftp.port),
				username: sftp.username,
				password: 'wrong-password',
				hostKeyFingerprint: sftp.hostKeyFingerprint,
				uploadFolder: '/upload',
				signedFolder: '/signed',
			},
			badMessage: /SFTP login to \S+ as \S+ failed: the server accepted neither the password nor the private key/,
		},
		{
			type: 'DigiCert API',
			good: { apiKey: sims.digiCert.apiKey, baseUrl: sims.digiCert.url },
			bad: { apiKey: 'wrong-api-key-0000000000000000', baseUrl: sims.digiCert.url },
			badMessage: /invalid API key/i,
			choices: { region: /Custom/ },
		},
	];
	const results: Record<string, { good: string; bad: string }> = {};
	for (const c of cases) {
		const good = await createCredential(page, c.type, c.good, c.choices);
		if (c.type === 'DigiCert API') await screenshot(page, 'credential-digicert-light');
		await closeCredential(page);
		const bad = await createCredential(page, c.type, c.bad, c.choices);
		await closeCredential(page);
		results[c.type] = { good, bad };
		expect({ type: c.type, good }).toEqual({ type: c.type, good: expect.stringContaining('Connection tested successfully') });
		expect({ type: c.type, bad }).toEqual({ type: c.type, bad: expect.stringMatching(c.badMessage) });
		expect({ type: c.type, bad }).toEqual({ type: c.type, bad: expect.not.stringContaining('Connection tested successfully') });
		expect({ type: c.type, bad }).toEqual({ type: c.type, bad: expect.not.stringMatching(/getConnection|connect:/) });
	}
});

test('a bad parameter (CUIT with a wrong check digit, alias with a space) shows the error on the node after a run, naming item and field', async () => {
	const page = await signedInPage('light');
	const cases = [
		{ workflow: 'badCuitBrowser01', message: /Taxpayer CUIT "20409378473" has a wrong check digit/ },
		{ workflow: 'badAliasBrowser1', message: /Alias "my alias" contains a space/ },
	];
	for (const c of cases) {
		await page.goto(`${n8n.baseUrl}/workflow/${c.workflow}`);
		const node = page.getByTestId('canvas-node').filter({ hasText: 'Create Certificate' });
		await node.waitFor();
		await page.getByTestId('execute-workflow-button').click();
		await node.getByTestId('node-issues').waitFor({ timeout: 60_000 });
		await node.dblclick();
		const output = page.getByTestId('output-panel');
		await output.waitFor();
		const text = await waitForText(output, c.message);
		expect({ workflow: c.workflow, text }).toEqual({ workflow: c.workflow, text: expect.stringMatching(c.message) });
		expect({ workflow: c.workflow, text }).toEqual({ workflow: c.workflow, text: expect.stringMatching(/\(item 1\)/) });
		await screenshot(page, `bad-input-${c.workflow === 'badCuitBrowser01' ? 'cuit' : 'alias'}-light`);
		await page.getByTestId('ndv-close-button').click();
	}
});

// The Test of ARCA Login checks the CUITs' check digits and deliberately never logs in to ARCA (a failed
// login counts toward locking the clave fiscal). n8n shows any OK credential test as "Connection tested
// successfully" and n8n's scanner requires every credential to have a test, so the credential itself says,
// above its fields, what its Test checks: the user reading the green banner is not misled.
test('ARCA Login: the credential says its Test only checks the values and never logs in to ARCA', async () => {
	const page = await signedInPage('light');
	const shown = await createCredential(page, 'ARCA Login', {
		cuit: DEMO_ARCA.cuit,
		username: DEMO_ARCA.username,
		password: DEMO_ARCA.password,
		allowedAfipSdkHost: '127.0.0.1',
	});
	await closeCredential(page);
	expect(shown).toMatch(/The Test button only checks these values here .* it never logs in to ARCA/);
	const bad = await createCredential(page, 'ARCA Login', {
		cuit: '20409378473',
		username: DEMO_ARCA.username,
		password: DEMO_ARCA.password,
		allowedAfipSdkHost: '127.0.0.1',
	});
	await closeCredential(page);
	expect(bad).toMatch(/Taxpayer CUIT "20409378473" has a wrong check digit/);
	expect(bad).not.toContain('Connection tested successfully');
});

async function openNode(page: Page, workflowId: string, nodeName: string): Promise<Locator> {
	await page.goto(`${n8n.baseUrl}/workflow/${workflowId}`);
	await page.getByTestId('canvas-node').filter({ hasText: nodeName }).dblclick();
	const parameters = page.getByTestId('node-parameters');
	await parameters.waitFor();
	return parameters;
}

/** Hovers a parameter's label and its help icon; returns whether the description became visible. */
async function descriptionShown(page: Page, parameters: Locator, field: string, label: string, description: string): Promise<boolean> {
	const item = parameters.getByTestId('parameter-item').filter({ has: page.getByTestId(`parameter-input-${field}`) });
	await item.getByText(label, { exact: true }).first().hover();
	await item.locator('[data-icon="circle-help"]').first().hover();
	const text = page.getByText(description, { exact: true }).filter({ visible: true });
	await text
		.first()
		.waitFor({ timeout: 10_000 })
		.catch(() => undefined);
	return (await text.count()) > 0;
}

test("DigiCert's Organization and Container fields list the simulator's entries", async () => {
	const page = await signedInPage('light');
	const parameters = await openNode(page, 'digicertOrderDl01', 'Order Code Signing Certificate');
	const listed: Record<string, string[]> = {};
	for (const field of ['organization', 'container']) {
		const locator = parameters.getByTestId(`resource-locator-${field}`);
		await locator.getByTestId('rlc-mode-selector').click();
		await page.locator('[data-test-id="mode-list"]').filter({ visible: true }).click();
		await locator.getByTestId('rlc-input').click();
		await page.getByTestId('rlc-item').first().waitFor();
		listed[field] = await page.getByTestId('rlc-item').filter({ visible: true }).allInnerTexts();
		if (field === 'organization') await screenshot(page, 'digicert-organization-list-light');
		await page.keyboard.press('Escape');
		await page
			.getByTestId('rlc-item')
			.first()
			.waitFor({ state: 'hidden' })
			.catch(() => undefined);
	}
	expect(listed.organization.map((t) => t.trim())).toEqual(['Example Corp (123456)', 'Ejemplo S.A. (AR) (234567)']);
	expect(listed.container.join('\n')).toMatch(/Example Corp \(top\)/);
	expect(listed.container.join('\n')).toMatch(/Build servers/);
});

// allInnerTexts() does not wait: the dropdown renders its options a moment after the click.
async function openDropdown(page: Page, input: Locator): Promise<string[]> {
	await input.click();
	const options = page.locator('[role=option]').filter({ visible: true });
	await options.first().waitFor({ state: 'visible', timeout: 15_000 });
	return options.allInnerTexts();
}

test('the ARCA Web Service dropdown and the Firmador signer fields show their descriptions', async () => {
	const page = await signedInPage('light');
	const arca = await openNode(page, 'arcaAuthWsfe0001', 'Authorize wsfe');
	expect(await descriptionShown(page, arca, 'service', 'Web Service', 'The ARCA web service to authorize for this certificate')).toBe(true);
	const options = await openDropdown(page, arca.getByTestId('parameter-input-service'));
	expect(options.map((o) => o.trim().split('\n')[0])).toEqual(
		expect.arrayContaining(['Factura Electrónica (WSFE)', 'Exportación (WSFEX)']),
	);
	await screenshot(page, 'arca-web-service-light');
	await page.keyboard.press('Escape');

	const firmador = await openNode(page, 'firmadorSignOne01', 'Sign PDF');
	expect(
		await descriptionShown(
			page,
			firmador,
			'signerCuil',
			'Signer CUIL',
			'CUIL of the person who signs (11 digits, dashes allowed). They approve the request with their OTP/PIN.',
		),
	).toBe(true);
	expect(
		await descriptionShown(
			page,
			firmador,
			'companyCuit',
			'Company CUIT',
			'CUIT of the company the signature is made for (11 digits, dashes allowed)',
		),
	).toBe(true);
});

// A name like "Padrón A13" says little: every option carries a description (and its web-service ID).
test('each ARCA Web Service option shows a description in the dropdown', async () => {
	const page = await signedInPage('light');
	const arca = await openNode(page, 'arcaAuthWsfe0001', 'Authorize wsfe');
	const options = await openDropdown(page, arca.getByTestId('parameter-input-service'));
	expect(options.length).toBeGreaterThan(3);
	for (const option of options) expect(option.trim().split('\n').length).toBeGreaterThan(1);
});

// A node with two credentials labels each with its type (n8n 2.x writes just "Credential" without a displayName).
test('the ARCA and Firmador nodes label each credential selector with its credential type', async () => {
	const page = await signedInPage('light');
	const labelsOf = async () => {
		const labels = page.getByTestId('credentials-label');
		await labels.first().waitFor();
		return (await labels.allInnerTexts()).map((text) => text.trim().split('\n')[0].trim());
	};
	await openNode(page, 'arcaCreateCert01', 'Create Testing Certificate');
	expect(await labelsOf()).toEqual(['Afip SDK API', 'ARCA Login']);
	await screenshot(page, 'credentials-arca-light');
	await page.getByTestId('ndv-close-button').click();
	await openNode(page, 'firmadorSignOne01', 'Sign PDF');
	expect(await labelsOf()).toEqual(['Firmador API', 'Firmador SFTP']);
});

// n8n adds "Custom API Call" to nodes whose credential authenticates requests; it is made with the HTTP Request node.
test("choosing Custom API Call on DigiCert shows n8n's HTTP Request advice", async () => {
	const page = await signedInPage('light');
	const parameters = await openNode(page, 'digicertOrderDl01', 'Order Code Signing Certificate');
	const options = await openDropdown(page, parameters.getByTestId('parameter-input-operation'));
	expect(options.map((o) => o.trim().split('\n')[0])).toContain('Custom API Call');
	await page.locator('[role=option]').filter({ visible: true }).filter({ hasText: 'Custom API Call' }).first().click();
	const notice = page.getByTestId('node-parameters-http-notice');
	expect(await waitForText(notice, /HTTP Request/)).toMatch(/Use the HTTP Request node to make a custom API call/);
});

// With On Error "Continue (using error output)", each output's table has only its own columns.
test('bad input with the error output: the Signed and Failed tables show no undefined cells', async () => {
	const page = await signedInPage('light');
	await page.goto(`${n8n.baseUrl}/workflow/firmadorBadInput01`);
	const failedNode = page.getByTestId('canvas-node').filter({ hasText: 'Failed' });
	await failedNode.waitFor();
	await page.getByTestId('execute-workflow-button').click();
	await failedNode.getByTestId('canvas-node-status-success').waitFor({ timeout: 120_000 });
	for (const [node, rows, pattern] of [
		['Failed', 3, /is not a PDF.*item 1/],
		['Signed', 1, /[0-9a-f]{8}-[0-9a-f]{4}/],
	] as const) {
		await page.getByTestId('canvas-node').filter({ hasText: node }).dblclick();
		const output = page.getByTestId('output-panel');
		await output.waitFor();
		await output.getByTestId('radio-button-table').click();
		const table = output.locator('table');
		await table.first().waitFor();
		const text = await waitForText(output, pattern);
		expect({ node, text }).toEqual({ node, text: expect.stringMatching(pattern) });
		expect({ node, rows: await table.first().locator('tbody tr').count() }).toEqual({ node, rows });
		expect({
			node,
			undefinedCells: await table
				.first()
				.locator('td')
				.filter({ hasText: /^\s*undefined\s*$/ })
				.count(),
		}).toEqual({
			node,
			undefinedCells: 0,
		});
		if (node === 'Failed') await screenshot(page, 'error-output-firmador-light');
		await page.getByTestId('ndv-close-button').click();
	}
});

test("the Certificate Trigger says beside n8n's Poll Times that once an hour is enough", async () => {
	const page = await signedInPage('light');
	const parameters = await openNode(page, 'certTrigDigiCert1', 'Renewal Due');
	expect(await waitForText(parameters, /Poll Times above is n8n's setting/)).toMatch(/Once an hour is plenty for renewals/);
});

test("this wave's examples run from the editor: renew → authorize → last invoice number; sign → wait → download → verify", async () => {
	const page = await signedInPage('light');
	const runs = [
		{
			workflow: 'arcaRenewCheck01',
			node: 'Last Invoice Number',
			shot: 'run-arca-web-service-call',
			json: /"method": "FECompUltimoAutorizado"/,
		},
		{ workflow: 'firmadorVerify001', node: 'Verify Signature', shot: 'run-firmador-verify', json: /"valid": true/ },
	];
	for (const run of runs) await runExampleFromEditor(page, { ...run, shot: `${run.shot}-light` });
});

/**
 * Every shipped example, as the demo editor (`npm run dev`) imports it — the demo credentials, the simulators,
 * the SMTP catcher, the prepared ARCA certificate (test/support/demoExamples.ts) — runs to success in a real
 * n8n: the manual-trigger ones with `n8n execute`, the two Certificate Trigger ones published (n8n polls once
 * at activation) and read back from n8n's execution list.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startAllSimulators, type RunningSimulators } from '../simulators/cli';
import { demoExamples, type ShippedExample } from '../support/demoExamples';
import { N8nInstance } from '../support/n8n';
import { readExecutions, waitFor } from '../support/triggerE2e';

jest.setTimeout(20 * 60_000);

let sims: RunningSimulators;
let n8n: N8nInstance;
let filesDir: string;
let sftpRoot: string;
let examples: ShippedExample[];

const isTriggerOnly = (example: ShippedExample) => !example.workflow.nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger');

beforeAll(async () => {
	sftpRoot = mkdtempSync(join(tmpdir(), 'certsign-examples-sftp-'));
	filesDir = mkdtempSync(join(tmpdir(), 'certsign-examples-files-'));
	sims = await startAllSimulators(sftpRoot, { ephemeralPorts: true });
	n8n = new N8nInstance({ env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir } });
	await n8n.importCredentials(sims.credentials);
	examples = demoExamples(filesDir, { firmadorCaPem: sims.firmador.caPem });
	await n8n.importWorkflows(examples.map((example) => example.workflow));
});

afterAll(async () => {
	await n8n?.dispose();
	await sims?.close();
	for (const dir of [filesDir, sftpRoot]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every example has a sticky note saying what it shows and what to look at', () => {
	expect(examples.length).toBeGreaterThanOrEqual(11);
	for (const { file, workflow } of examples) {
		const notes = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');
		expect({ file, notes: notes.length }).toEqual({ file, notes: expect.any(Number) });
		expect(notes.length).toBeGreaterThanOrEqual(1);
		const text = notes.map((note) => String(note.parameters?.content ?? '')).join('\n');
		expect(text).toMatch(/look at/i);
	}
});

// First, while the simulators hold the demo's due orders: the DigiCert renewal example (run below) renews
// them, and a renewed order is no longer due.
test('the Certificate Trigger examples poll at activation and their executions succeed (the e-mail reaches the SMTP catcher)', async () => {
	const triggers = examples.filter(isTriggerOnly);
	expect(triggers.map((example) => example.file).sort()).toEqual(['trigger-renewal-arca-pem.json', 'trigger-renewal-digicert.json']);
	for (const { workflow } of triggers) await n8n.publishWorkflow(workflow.id);
	await n8n.start();
	for (const { file, workflow } of triggers) {
		const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-certsign.certificateTrigger')!;
		const runs = await waitFor(
			`an execution of ${file}`,
			() => {
				const done = readExecutions(n8n, workflow.id, trigger.name).filter((run) => run.status !== 'running' && run.status !== 'new');
				return done.length > 0 && done;
			},
			180_000,
		).catch((error: Error) => {
			const lines = n8n.log
				.split('\n')
				.filter((line) => /activat|publish|poll|trigger|error|fail/i.test(line) && !/api\.n8n\.io|Strapi|system task/i.test(line));
			throw new Error(`${error.message}\nn8n's log (activation, polls, errors):\n${lines.slice(-60).join('\n')}`);
		});
		expect({ file, status: runs[0].status, error: runs[0].error }).toEqual({ file, status: 'success', error: undefined });
		const lastNodes = Object.keys(runs[0].nodes);
		expect(lastNodes.length).toBeGreaterThanOrEqual(3);
	}
	// The DigiCert example's Send E-mail node delivered to the catcher, once per due order.
	expect(sims.smtp.messages.length).toBeGreaterThanOrEqual(1);
	expect(sims.smtp.messages[0]).toMatchObject({ from: 'certificates@example.com', to: ['security-team@example.com'] });
	expect(sims.smtp.messages[0].subject).toMatch(/is due for renewal/);
	// the first notice went through Renew Order: the mail names the renewal order (the example once read a $json.id no node outputs)
	expect(sims.smtp.messages.some((mail) => /Renewal order \d+ was placed/.test(mail.data))).toBe(true);
	// The ARCA PEM example wrote the renewed certificate and key.
	const written = readdirSync(join(filesDir, 'arca'));
	expect(written.some((name) => name.endsWith('.crt.pem'))).toBe(true);
	expect(written.some((name) => name.endsWith('.key.pem'))).toBe(true);
	await n8n.stop();
});

test('every manual-trigger example runs to success, also a second time (as someone clicking Execute again)', async () => {
	const manual = examples.filter((example) => !isTriggerOnly(example));
	expect(manual.length).toBeGreaterThanOrEqual(9);
	const failures: string[] = [];
	for (const { file, workflow } of [...manual, ...manual]) {
		const result = await n8n.execute(workflow.id);
		const ran = Object.keys(result.runData);
		// After a node whose On Error is "Continue (using error output)", its Success and Error branches are
		// alternatives (a re-run of the renewal example renews nothing): at least one of them runs.
		const branches = workflow.nodes
			.filter((node) => node.onError === 'continueErrorOutput')
			.map((node) => ((workflow.connections as any)[node.name]?.main ?? []).flat().map((c: { node: string }) => c.node) as string[]);
		const optional = new Set(branches.flat());
		const functional = workflow.nodes.filter(
			(node) => node.type !== 'n8n-nodes-base.stickyNote' && !node.disabled && !optional.has(node.name as string),
		);
		// The bad-input example's good PDF is signed every time (the three bad items leave by the Error output).
		if (file === 'firmador-bad-input.json' && result.success && (result.runData.Signed?.length ?? 0) === 0)
			failures.push(`${file}: the good PDF did not reach Signed: ${JSON.stringify(result.output('Sign PDF', 1).map((i) => i.json.error))}`);
		if (!result.success) failures.push(`${file}: ${result.error?.message} (node ${result.error?.node?.name})`);
		else if (functional.some((node) => !ran.includes(node.name as string))) failures.push(`${file}: only ${ran.join(', ')} ran`);
		else if (branches.some((targets) => !targets.some((name) => ran.includes(name))))
			failures.push(`${file}: neither branch after the error output ran (${ran.join(', ')})`);
	}
	expect(failures).toEqual([]);
});

test('the sign-verify-mail example mailed the contract only after Verify found it valid, the signed PDF attached', () => {
	const mails = sims.smtp.messages.filter((mail) => mail.subject === 'Signed contract: contrato-locacion.pdf');
	expect(mails).toHaveLength(2); // the manual examples ran twice
	expect(mails[0].to).toEqual(['legal@example.com']);
	expect(mails[0].data).toContain('Signer: Firmante Simulado 20111111112 (CUIL 20111111112)');
	expect(mails[0].data).toContain('Chain: trusted');
	expect(mails[0].data).toMatch(/Content-Type: application\/pdf; name=contrato-locacion\.pdf/);
});

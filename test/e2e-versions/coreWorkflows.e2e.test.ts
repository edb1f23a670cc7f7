/**
 * The core workflows on every other n8n version of test/n8n-versions.json (the default version runs the
 * whole e2e suite): the package installed from the packed tarball, the example workflows run with
 * `n8n execute` against the simulators, and the Certificate Trigger activated in `n8n start`, its
 * execution reporting to a local sink (a way to see it that every n8n version has).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startAllSimulators, type RunningSimulators } from '../simulators/cli';
import { DEMO_IDS } from '../support/demoCredentials';
import { N8N_VERSIONS, N8nInstance, REPO_ROOT, type WorkflowJson } from '../support/n8n';

jest.setTimeout(20 * 60_000);

const OTHER_VERSIONS = N8N_VERSIONS.versions.map((v) => v.n8n).filter((v) => v !== N8N_VERSIONS.default);
const example = (file: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson;

function triggerToSink(sinkUrl: string): WorkflowJson {
	return {
		id: 'versionTrigger01',
		name: 'Certificate Trigger reporting to a sink',
		nodes: [
			{
				parameters: {
					pollTimes: { item: [{ mode: 'everyHour', minute: 5 }] },
					event: 'renewalDue',
					includeDigiCert: true,
					includePem: false,
					policy: 'daysBefore',
					daysBefore: 30,
					options: {},
				},
				id: 'trigger',
				name: 'Renewal Due',
				type: 'n8n-nodes-certsign.certificateTrigger',
				typeVersion: 1,
				position: [0, 0],
				credentials: { digiCertApi: { id: DEMO_IDS.digiCertApi, name: 'DigiCert (demo simulator)' } },
			},
			{
				parameters: {
					method: 'POST',
					url: sinkUrl,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				},
				id: 'sink',
				name: 'Report',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [250, 0],
			},
		],
		connections: { 'Renewal Due': { main: [[{ node: 'Report', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	} as WorkflowJson;
}

describe.each(OTHER_VERSIONS)('n8n %s', (version) => {
	let sims: RunningSimulators;
	let sftpRoot: string;
	let n8n: N8nInstance;
	let sink: Server;
	const reported: Array<Record<string, unknown>> = [];

	beforeAll(async () => {
		for (const name of ['CERTSIGN_AFIPSDK_PORT', 'CERTSIGN_FIRMADOR_PORT', 'CERTSIGN_DIGICERT_PORT', 'CERTSIGN_SFTP_PORT'])
			process.env[name] = '0';
		sftpRoot = mkdtempSync(join(tmpdir(), 'certsign-versions-sftp-'));
		sims = await startAllSimulators(sftpRoot, { ephemeralPorts: true });
		sink = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				reported.push(JSON.parse(body || '{}'));
				res.end('{}');
			});
		});
		await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
		n8n = new N8nInstance({ n8nVersion: version, env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
		expect(n8n.installedNodeTypes()).toEqual(
			expect.arrayContaining(['ArcaAutomation', 'Firmador', 'DigiCertCodeSigning', 'CertificateTrigger']),
		);
		await n8n.importCredentials(sims.credentials);
		await n8n.importWorkflows([
			example('arca-create-testing-certificate.json'),
			example('firmador-sign-batch.json'),
			example('digicert-order-and-download.json'),
			triggerToSink(`http://127.0.0.1:${(sink.address() as AddressInfo).port}/renewal`),
		]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await sims?.close();
		await new Promise((resolve) => sink?.close(resolve));
		if (sftpRoot) rmSync(sftpRoot, { recursive: true, force: true });
	});

	test('ARCA: create a testing certificate (certificate and key as files)', async () => {
		const run = await n8n.execute('arcaCreateCert01');
		expect(run.success).toBe(true);
		const [item] = run.output('Create Testing Certificate');
		expect(item.json.status).toBe('complete');
		expect(item.binary?.certificate?.fileName).toMatch(/\.crt\.pem$/);
		expect(item.binary?.privateKey).toBeDefined();
	});

	test('Firmador: sign 20 PDFs in one batch, wait, download the signed copies', async () => {
		const run = await n8n.execute('firmadorSignBatch1');
		expect(run.success).toBe(true);
		const signed = run.output('Download Signed');
		expect(signed).toHaveLength(20);
		for (const item of signed) expect(item.binary?.data?.mimeType).toBe('application/pdf');
	});

	test('DigiCert: order, wait until issued, download the certificate', async () => {
		const run = await n8n.execute('digicertOrderDl01');
		expect(run.success).toBe(true);
		const [item] = run.output('Download Certificate');
		expect(Buffer.from(item.binary!.certificate.data, 'base64').toString('utf8')).toContain('-----BEGIN CERTIFICATE-----');
	});

	test('Certificate Trigger: activated, it polls and its execution runs', async () => {
		await n8n.publishWorkflow('versionTrigger01');
		await n8n.start(180_000);
		const deadline = Date.now() + 120_000;
		while (reported.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
		expect(reported.length).toBeGreaterThan(0);
		expect(reported[0]).toMatchObject({ event: 'renewalDue' });
	});
});

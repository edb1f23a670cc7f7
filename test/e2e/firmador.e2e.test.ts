/**
 * Firmador in a real n8n: the packed package installed into .n8n/nodes, the example workflows imported
 * and run with `n8n execute`, against the Firmador simulator and a real OpenSSH sftp server that share
 * the upload and signed folders. Then the editor's credential "Test" buttons through the REST API.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { verifyPdfSignatures } from '../../nodes/shared/pdfSignatures';
import { startFirmadorSimulator, type FirmadorSimulator } from '../simulators/firmador/server';
import { firmadorExample } from '../support/firmadorE2e';
import { N8nInstance, TEST_OWNER } from '../support/n8n';
import { startSshd, type SshdServer } from '../support/sshd';

jest.setTimeout(10 * 60_000);

const IDS = { firmadorApi: 'firmadorApiE2e001', firmadorSftp: 'firmadorSftpE2e01' };

let sshd: SshdServer;
let sim: FirmadorSimulator;
let n8n: N8nInstance;
let uploadFolder: string;
let signedFolder: string;
let apiData: Record<string, unknown>;
let sftpData: Record<string, unknown>;

beforeAll(async () => {
	sshd = await startSshd();
	uploadFolder = path.join(sshd.root, 'upload');
	signedFolder = path.join(sshd.root, 'signed');
	sim = await startFirmadorSimulator({ uploadFolder, signedFolder });
	const app = sim.apps[0];
	apiData = { baseUrl: sim.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat };
	sftpData = {
		host: sshd.host,
		port: sshd.port,
		username: sshd.username,
		password: '',
		privateKey: sshd.privateKey,
		passphrase: '',
		hostKeyFingerprint: sshd.hostKeyFingerprint,
		uploadFolder,
		signedFolder,
	};
	n8n = new N8nInstance({ owner: TEST_OWNER });
	expect(n8n.installedNodeTypes()).toContain('Firmador');
	await n8n.importCredentials([
		{ id: IDS.firmadorApi, name: 'Firmador API (e2e)', type: 'firmadorApi', data: apiData },
		{ id: IDS.firmadorSftp, name: 'Firmador SFTP (e2e)', type: 'firmadorSftp', data: sftpData },
	]);
});

afterAll(async () => {
	await n8n?.dispose();
	await sim?.close();
	await sshd?.stop();
});

async function runExample(file: string) {
	const workflow = firmadorExample(file, IDS);
	await n8n.importWorkflow(workflow);
	return await n8n.execute(workflow.id);
}

test('sign one PDF, wait for the signature, download the signed copy', async () => {
	const result = await runExample('firmador-sign-pdf-and-wait.json');
	expect(result.error).toBeUndefined();
	const [signed] = result.output('Sign PDF');
	expect(signed.json).toMatchObject({
		fileName: 'contrato-01.pdf',
		status: 'signed',
		statusCode: 4,
		statusFrom: 'code',
		statusMessage: 'El archivo ya está firmado.',
	});
	expect(signed.json.response).toMatchObject({ CodigoEstado: 4, MensajeEstado: 'El archivo ya está firmado.' });
	const uploaded = readFileSync(path.join(uploadFolder, 'contrato-01.pdf'));
	expect(signed.json.hash).toBe(createHash('sha1').update(uploaded).digest('hex').toUpperCase());
	const [download] = result.output('Download Signed');
	expect(download.binary?.data).toMatchObject({ fileName: 'contrato-01.pdf', mimeType: 'application/pdf' });
	const onServer = readFileSync(path.join(signedFolder, 'contrato-01.pdf'));
	expect(download.json.hash).toBe(createHash('sha1').update(onServer).digest('hex').toUpperCase());
	// the simulator's signed copy carries a real signature of the signer's CUIL
	expect(verifyPdfSignatures(onServer, { trustedRootsPem: sim.caPem })).toMatchObject({
		signed: true,
		valid: true,
		signatures: [{ taxId: { number: '20111111112' }, chain: 'trusted' }],
	});
	// the request carried the seed's fields, HMAC-signed; the visible-signature numbers as numbers
	const post = sim.control.requests().find((r) => r.url === '/api/Firmador')!;
	expect(post.status).toBe(200);
	expect(post.authorization).toMatch(/^hmac sim-app:[A-Za-z0-9+/]+=*:[0-9a-f]{32}:\d+$/);
	expect(JSON.parse(post.body)).toMatchObject({
		CUILPersona: '20111111112',
		CUITEmpresa: '30500010912',
		Visible: true,
		NumeroPagina: 1,
		CoordenadaX: 40,
	});
});

test('sign a contract, wait, download the signed copy, verify it: valid, the CUIL signed, chain trusted with the simulator CA as root', async () => {
	// The shipped example without its e-mail step, Verify trusting the simulator's CA.
	const workflow = firmadorExample('firmador-sign-verify-mail.json', IDS);
	workflow.nodes = workflow.nodes.filter((node) => !['Signature Valid?', 'Send E-mail'].includes(node.name));
	delete workflow.connections['Verify Signature'];
	delete workflow.connections['Signature Valid?'];
	const verifyNode = workflow.nodes.find((node) => node.name === 'Verify Signature')!;
	expect(verifyNode.credentials).toBeUndefined(); // Verify needs no credential
	verifyNode.parameters.trustedRoots = sim.caPem;
	workflow.id = 'firmadorVerifyE2e';
	await n8n.importWorkflow(workflow);
	const result = await n8n.execute(workflow.id);
	expect(result.error).toBeUndefined();
	expect(result.output('Wait for Signature')[0].json.status).toBe('signed');
	const [verified] = result.output('Verify Signature');
	expect(verified.json).toMatchObject({ fileName: 'contrato-locacion.pdf', signed: true, valid: true, signatureCount: 1, problems: [] });
	expect((verified.json.signatures as unknown[])[0]).toMatchObject({
		valid: true,
		signerName: 'Firmante Simulado 20111111112',
		cuil: '20111111112',
		chain: 'trusted',
		coversWholeDocument: true,
		digestMatches: true,
		signatureValid: true,
		certificateValidAtSigningTime: true,
	});
	expect(verified.binary?.data).toMatchObject({ fileName: 'contrato-locacion.pdf', mimeType: 'application/pdf' });
});

test('sign 20 PDFs in one batch request and collect the 20 signed copies', async () => {
	const before = sim.control.requests().length;
	const result = await runExample('firmador-sign-batch.json');
	expect(result.error).toBeUndefined();
	const signed = result.output('Sign PDFs');
	expect(signed).toHaveLength(20);
	expect(new Set(signed.map((s) => s.json.sessionId)).size).toBe(1);
	const posts = sim.control
		.requests()
		.slice(before)
		.filter((r) => r.method === 'POST');
	expect(posts.map((p) => p.url)).toEqual(['/api/FirmadorMasivo']);
	expect(JSON.parse(posts[0].body).Archivos).toHaveLength(20);
	const waited = result.output('Wait for Completion');
	expect(waited.every((w) => w.json.status === 'signed')).toBe(true);
	const downloads = result.output('Download Signed');
	expect(downloads).toHaveLength(20);
	expect(downloads.map((d) => d.binary?.data?.fileName)).toEqual(signed.map((s) => s.json.fileName));
	for (const d of downloads) {
		const onServer = readFileSync(path.join(signedFolder, d.binary!.data.fileName));
		expect(d.json.hash).toBe(createHash('sha1').update(onServer).digest('hex').toUpperCase());
	}
});

test('sign hashes and read the signed hashes', async () => {
	const result = await runExample('firmador-sign-hashes.json');
	expect(result.error).toBeUndefined();
	const signed = result.output('Sign Hashes');
	expect(signed).toHaveLength(3);
	expect(signed[0].json.status).toBe('signed');
	expect(signed[0].json.hash).toBe(createHash('sha1').update('factura 1').digest('hex').toUpperCase());
	const read = result.output('Get Signed Hashes');
	expect(read).toHaveLength(3);
	expect(read.map((r) => r.json.hash)).toEqual(signed.map((s) => s.json.hash));
	expect(read.every((r) => r.json.signed === true && String(r.json.signedHash).length > 100)).toBe(true);
	expect(read.map((r) => (r as { pairedItem?: unknown }).pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	const post = sim.control
		.requests()
		.filter((r) => r.url === '/api/FirmadorHashMasivo')
		.at(-1)!;
	expect(JSON.parse(post.body).Hash[0].Hash).toHaveLength(80);
});

test('sign XML and read the signed XML', async () => {
	const result = await runExample('firmador-sign-xml.json');
	expect(result.error).toBeUndefined();
	const read = result.output('Get Signed XML');
	expect(read).toHaveLength(2);
	expect(String(read[0].json.signedXml)).toMatch(
		/^<comprobante><numero>1<\/numero>.*<Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/,
	);
	expect(read[1].binary?.data?.mimeType).toBe('application/xml');
});

test('bad input: error items for a non-PDF, a wrong CUIL and a missing file; the good item is signed', async () => {
	const before = sim.control.requests().length;
	const result = await runExample('firmador-bad-input.json');
	expect(result.error).toBeUndefined();
	// On Error = Continue (using error output): n8n moves an item to the Error output only when the item carries
	// `error` (or its json has nothing but error/message/details); ours carry more (errorDescription, field…).
	const signed = result.output('Sign PDF', 0);
	const failed = result.output('Sign PDF', 1);
	expect(signed).toHaveLength(1);
	expect(signed[0].json.sessionId).toBeDefined();
	expect(signed[0].json.error).toBeUndefined();
	expect(failed.map((i) => String(i.json.error))).toEqual([
		expect.stringMatching(/is not a PDF.*item 1/),
		expect.stringMatching(/Signer CUIL "20111111113" has a wrong check digit.*item 2/),
		expect.stringMatching(/Input Binary Field "data" is missing.*item 3/),
	]);
	expect(result.output('Signed')).toHaveLength(1);
	expect(result.output('Failed')).toHaveLength(3);
	const posts = sim.control
		.requests()
		.slice(before)
		.filter((r) => r.method === 'POST');
	expect(posts).toHaveLength(1);
	expect(existsSync(path.join(uploadFolder, 'fake.pdf'))).toBe(false);
});

test('credential Test buttons: HMAC and SFTP (host key pinned)', async () => {
	await n8n.start();
	expect(await n8n.testCredential('firmadorApi', apiData)).toEqual({
		status: 'OK',
		message: 'Firmador accepted the signature with these settings',
	});
	const badSecret = await n8n.testCredential('firmadorApi', { ...apiData, secret: Buffer.from('nope').toString('base64') });
	expect(badSecret.status).toBe('Error');
	expect(badSecret.message).toMatch(/^Firmador refused the signature \(HTTP 401\) with every reading of the document \(144 tried\)/);
	// a server that signs other readings: the Test names the settings that work (the editor's Test button runs this)
	sim.control.configure({ signedUri: 'pathAndQuery', emptyBodyHash: 'md5OfEmpty' });
	try {
		const found = await n8n.testCredential('firmadorApi', apiData);
		expect(found).toEqual({
			status: 'Error',
			message: expect.stringContaining('Your server accepts: URI to Sign = Path and Query; Empty Body Hash = MD5 of Empty.'),
		});
		expect(
			await n8n.testCredential('firmadorApi', {
				...apiData,
				signatureDetails: true,
				uriToSign: 'pathAndQuery',
				emptyBodyHash: 'md5OfEmpty',
			}),
		).toEqual({ status: 'OK', message: 'Firmador accepted the signature with these settings' });
	} finally {
		sim.control.configure({ signedUri: 'absoluteUrl', emptyBodyHash: 'empty' });
	}
	const sftpOk = await n8n.testCredential('firmadorSftp', sftpData);
	expect(sftpOk).toEqual({ status: 'OK', message: 'Connection successful, host key verified' });
	const wrongKey = await n8n.testCredential('firmadorSftp', { ...sftpData, hostKeyFingerprint: 'SHA256:' + 'B'.repeat(43) });
	expect(wrongKey.status).toBe('Error');
	expect(wrongKey.message).toContain(sshd.hostKeyFingerprint);
	const noFolder = await n8n.testCredential('firmadorSftp', { ...sftpData, uploadFolder: '/no/such/folder' });
	expect(noFolder).toEqual({ status: 'Error', message: 'Connected, but the Upload Folder /no/such/folder does not exist on the server' });
});

/**
 * Issue #19 (4): two items of one Sign run whose names differ only in letter case or in how é is spelled
 * (one composed code point or e + a combining accent) are one file on a case-insensitive SFTP server, and
 * with Replace Existing File on, the second upload would replace the first. The second fails before upload.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { startFirmadorSimulator, type FirmadorSimulator } from '../simulators/firmador/server';
import { memoryBinary, runFirmador } from '../support/nodeContext';
import { startSshd, type SshdServer } from '../support/sshd';

jest.setTimeout(120_000);

const CUIL = '20111111112';
const CUIT = '30500010912';
const pdf = (label: string) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${label}\n`), randomBytes(200), Buffer.from('\n%%EOF\n')]);

describe('Firmador Sign: one name per run, compared without case and Unicode spelling', () => {
	let sshd: SshdServer;
	let sim: FirmadorSimulator;
	let uploadFolder: string;
	let credentials: Record<string, any>;

	beforeAll(async () => {
		sshd = await startSshd();
		uploadFolder = path.join(sshd.root, 'upload');
		const signedFolder = path.join(sshd.root, 'signed');
		sim = await startFirmadorSimulator({ uploadFolder, signedFolder });
		const app = sim.apps[0];
		credentials = {
			firmadorApi: { baseUrl: sim.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat },
			firmadorSftp: {
				host: sshd.host,
				port: sshd.port,
				username: sshd.username,
				privateKey: sshd.privateKey,
				hostKeyFingerprint: sshd.hostKeyFingerprint,
				uploadFolder,
				signedFolder,
			},
		};
	});
	afterAll(async () => {
		await sim?.close();
		await sshd?.stop();
	});

	const requestCount = () => sim.control.requests().filter((r) => r.url.startsWith('/api/')).length;

	it.each([
		['letter case', 'Contrato.pdf', 'CONTRATO.PDF'],
		['é composed and decomposed', 'Reseña Café.pdf', 'Resen\u0303a Cafe\u0301.pdf'],
	])('%s: the second item fails before its upload, in a batch with Replace on', async (_case, first, second) => {
		const before = requestCount();
		const out = await runFirmador({
			parameters: [first, second].map((fileName) => ({
				resource: 'document',
				operation: 'sign',
				binaryPropertyName: 'data',
				fileName,
				signerCuil: CUIL,
				companyCuit: CUIT,
				reason: '',
				visible: false,
				options: { overwrite: true, batch: true, batchSize: 50 },
			})),
			items: [0, 1].map((i) => ({ json: {}, binary: { data: memoryBinary(pdf(`${_case} ${i}`), 'x.pdf') } })),
			credentials,
			continueOnFail: true,
		});
		expect(out[0].json.sessionId).toBeDefined();
		expect(out[1].json.error).toBe(
			`File Name "${second}" is also uploaded by (item 1) to ${path.join(uploadFolder, second)}; give each item its own name (item 2)`,
		);
		expect(requestCount()).toBe(before + 1);
	});
});

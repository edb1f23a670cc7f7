/** The dev SFTP server (ssh2 Server API) works with Firmador's SFTP transport, password login. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FirmadorSftp } from '../../nodes/Firmador/transport/sftp';
import { startSftpSimulator, type SftpSimulator } from '../simulators/sftp/server';
import { downloadBuffer } from '../support/sshd';

jest.setTimeout(60_000);

describe('dev SFTP simulator', () => {
	let sftpSim: SftpSimulator;
	let dir: string;
	beforeAll(async () => {
		dir = mkdtempSync(path.join(tmpdir(), 'firmador-devsftp-'));
		sftpSim = await startSftpSimulator({ root: dir });
	});
	afterAll(async () => {
		await sftpSim.close();
		rmSync(dir, { recursive: true, force: true });
	});
	const settings = () => ({
		host: sftpSim.host,
		port: sftpSim.port,
		username: sftpSim.username,
		password: sftpSim.password,
		hostKeyFingerprint: sftpSim.hostKeyFingerprint,
		uploadFolder: '/upload',
		signedFolder: '/signed',
	});

	it('uploads (mkdir -p, temp + rename, replace), stats and downloads under its root', async () => {
		const sftp = await FirmadorSftp.connect(settings());
		try {
			const started = Date.now();
			for (let i = 0; i < 10; i++) await sftp.upload(Buffer.from(`%PDF-${i}`), '/upload/a/b', `f${i}.pdf`);
			const perUpload = (Date.now() - started) / 10;
			expect(perUpload).toBeLessThan(1000);
			await expect(sftp.upload(Buffer.from('%PDF-new'), '/upload/a/b', 'f1.pdf')).rejects.toMatchObject({ kind: 'exists' });
			expect(readFileSync(path.join(dir, 'upload/a/b/f1.pdf'), 'utf8')).toBe('%PDF-1');
			await sftp.upload(Buffer.from('%PDF-new'), '/upload/a/b', 'f1.pdf', { overwrite: true });
			expect(readFileSync(path.join(dir, 'upload/a/b/f1.pdf'), 'utf8')).toBe('%PDF-new');
			expect((await downloadBuffer(sftp, '/upload/a/b/f2.pdf')).toString()).toBe('%PDF-2');
			expect(await sftp.folderExists('/upload/a')).toBe(true);
			expect(await sftp.folderExists('/nope')).toBe(false);
		} finally {
			await sftp.end();
		}
	});

	it('rejects a wrong password and a wrong host key', async () => {
		const refused = await FirmadorSftp.connect(
			{ ...settings(), password: 'wrong' },
			{ maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 },
		).catch((e) => e);
		expect(refused).toMatchObject({ kind: 'auth' });
		// In words, without ssh2-sftp-client's "getConnection:" prefix (the credential Test shows this message).
		expect(refused.message).toMatch(/^SFTP login to \S+ as \S+ failed: the server accepted neither the password nor the private key$/);
		await expect(FirmadorSftp.connect({ ...settings(), hostKeyFingerprint: 'SHA256:' + 'C'.repeat(43) })).rejects.toMatchObject({
			kind: 'hostKey',
		});
	});
});

/** Firmador's SFTP transport against a real OpenSSH server on loopback. */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

import { FirmadorSftp, normaliseFingerprint, SftpError } from '../../nodes/Firmador/transport/sftp';
import { downloadBuffer, startSshd, type SshdServer } from '../support/sshd';

jest.setTimeout(60_000);

describe('Firmador SFTP transport (real OpenSSH)', () => {
	let sshd: SshdServer;
	beforeAll(async () => {
		sshd = await startSshd();
	});
	afterAll(async () => {
		await sshd?.stop();
	});

	const settings = () => ({
		host: sshd.host,
		port: sshd.port,
		username: sshd.username,
		privateKey: sshd.privateKey,
		hostKeyFingerprint: sshd.hostKeyFingerprint,
		uploadFolder: path.join(sshd.root, 'in', 'deep', 'er'),
		signedFolder: path.join(sshd.root, 'out'),
	});

	it('uploads a stream under a temp name, renames it, checks size and hashes while streaming', async () => {
		const sftp = await FirmadorSftp.connect(settings());
		try {
			const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]);
			const chunks = [content.subarray(0, 1000), content.subarray(1000, 150_000), content.subarray(150_000)];
			const result = await sftp.upload(Readable.from(chunks), settings().uploadFolder, 'contrato 1.pdf');
			const local = path.join(settings().uploadFolder, 'contrato 1.pdf');
			expect(result.size).toBe(content.length);
			expect(result.sha1).toBe(createHash('sha1').update(content).digest('hex').toUpperCase());
			expect(readFileSync(local).equals(content)).toBe(true);
			// no temp file left behind
			expect(readdirSync(settings().uploadFolder).filter((f) => f.endsWith('.part'))).toEqual([]);
			// a second upload of the same name is refused and leaves the first as it was ...
			await expect(sftp.upload(Buffer.from('%PDF-short'), settings().uploadFolder, 'contrato 1.pdf')).rejects.toMatchObject({
				kind: 'exists',
			});
			expect(readFileSync(local).equals(content)).toBe(true);
			expect(readdirSync(settings().uploadFolder).filter((f) => f.endsWith('.part'))).toEqual([]);
			// ... and replaces it only when asked to
			const again = await sftp.upload(Buffer.from('%PDF-short'), settings().uploadFolder, 'contrato 1.pdf', { overwrite: true });
			expect(again.size).toBe(10);
			expect(readFileSync(local, 'utf8')).toBe('%PDF-short');
			// download
			const back = await downloadBuffer(sftp, local);
			expect(back.toString()).toBe('%PDF-short');
			await expect(downloadBuffer(sftp, path.join(sshd.root, 'nope.pdf'))).rejects.toThrow(/not on the SFTP server/);
		} finally {
			await sftp.end();
		}
	});

	it('removes the temp file when the source stream fails midway', async () => {
		const sftp = await FirmadorSftp.connect(settings());
		try {
			const failing = new Readable({
				read() {
					this.push(Buffer.alloc(50_000, 1));
					this.destroy(new Error('source broke'));
				},
			});
			await expect(sftp.upload(failing, settings().uploadFolder, 'broken.pdf')).rejects.toThrow(/broken.pdf|source broke/);
			expect(existsSync(path.join(settings().uploadFolder, 'broken.pdf'))).toBe(false);
			expect(readdirSync(settings().uploadFolder).filter((f) => f.includes('broken'))).toEqual([]);
		} finally {
			await sftp.end();
		}
	});

	it('refuses a server whose host key does not match the fingerprint, naming both', async () => {
		const wrong = 'SHA256:' + createHash('sha256').update('another key').digest('base64').replace(/=+$/, '');
		const error = await FirmadorSftp.connect({ ...settings(), hostKeyFingerprint: wrong }).catch((e) => e);
		expect(error).toBeInstanceOf(SftpError);
		expect(error.kind).toBe('hostKey');
		expect(error.message).toContain(sshd.hostKeyFingerprint);
		expect(error.message).toContain(wrong);
	});

	it('rejects a malformed fingerprint before connecting and a wrong key as a login failure', async () => {
		expect(() => normaliseFingerprint('MD5:aa:bb')).toThrow(/not a SHA256 fingerprint/);
		const { generateKeyPairSync } = await import('node:crypto');
		const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		const error = await FirmadorSftp.connect({ ...settings(), privateKey: other }).catch((e) => e);
		expect(error).toBeInstanceOf(SftpError);
		expect(['auth']).toContain(error.kind);
	});

	it('retries a refused connection a bounded number of times, then fails clearly', async () => {
		const sleeps: number[] = [];
		const error = await FirmadorSftp.connect({ ...settings(), port: 1 }, { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 20 }, async (ms) => {
			sleeps.push(ms);
		}).catch((e) => e);
		expect(error.kind).toBe('connect');
		expect(sleeps.length).toBe(2);
	});
});

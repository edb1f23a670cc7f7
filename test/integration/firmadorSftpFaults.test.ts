/**
 * Firmador's SFTP transport when OpenSSH goes wrong: the server side of the connection killed mid-upload,
 * a connection frozen (SIGSTOP) so nothing answers, a NUL in a name, and a server whose host key changed.
 * The processes killed or frozen here are the per-connection sshd children of the test's own sshd.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

import { FirmadorSftp, SftpError } from '../../nodes/Firmador/transport/sftp';
import { startSshd, type SshdServer } from '../support/sshd';

jest.setTimeout(60_000);

describe('Firmador SFTP under faults (real OpenSSH)', () => {
	let sshd: SshdServer;
	beforeAll(async () => {
		sshd = await startSshd();
	});
	afterAll(async () => {
		for (const pid of sshd?.connectionPids() ?? []) {
			try {
				process.kill(pid, 'SIGCONT');
			} catch {
				// already gone
			}
		}
		await sshd?.stop();
	});

	const folder = () => path.join(sshd.root, 'upload');
	const settings = (extra: Record<string, unknown> = {}) => ({
		host: sshd.host,
		port: sshd.port,
		username: sshd.username,
		privateKey: sshd.privateKey,
		hostKeyFingerprint: sshd.hostKeyFingerprint,
		uploadFolder: folder(),
		signedFolder: path.join(sshd.root, 'signed'),
		...extra,
	});

	/** 2 MiB in 64 KiB pieces, one every 20 ms: long enough to be interrupted. */
	const slowSource = (content: Buffer) => {
		let offset = 0;
		return new Readable({
			read() {
				setTimeout(() => {
					if (offset >= content.length) {
						this.push(null);
						return;
					}
					this.push(content.subarray(offset, offset + 64 * 1024));
					offset += 64 * 1024;
				}, 20);
			},
		});
	};

	it('the server connection killed mid-upload: a clear error, no file under its final name, a re-run uploads it whole', async () => {
		const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2 * 1024 * 1024)]);
		const sftp = await FirmadorSftp.connect(settings());
		await sftp.ensureFolder(folder());
		const upload = sftp.upload(slowSource(content), folder(), 'killed.pdf');
		await new Promise((r) => setTimeout(r, 300));
		const pids = sshd.connectionPids();
		expect(pids.length).toBeGreaterThan(0);
		for (const pid of pids) process.kill(pid, 'SIGKILL');
		const error = await upload.catch((e) => e);
		await sftp.end();
		expect(error).toBeInstanceOf(SftpError);
		expect(error.message).toMatch(/^Upload of killed\.pdf to .* failed: /);
		expect(existsSync(path.join(folder(), 'killed.pdf'))).toBe(false);
		// a re-run on a new connection uploads it whole (a .part left by the killed connection is not the file)
		const again = await FirmadorSftp.connect(settings());
		try {
			const result = await again.upload(Readable.from([content]), folder(), 'killed.pdf');
			expect(result.size).toBe(content.length);
			expect(readFileSync(path.join(folder(), 'killed.pdf')).equals(content)).toBe(true);
			expect(result.sha1).toBe(createHash('sha1').update(content).digest('hex').toUpperCase());
		} finally {
			await again.end();
		}
	});

	it('a connection that stops answering fails the operation after the operation timeout instead of hanging', async () => {
		const sftp = await FirmadorSftp.connect(settings({ operationTimeoutMs: 1_000 }));
		const pids = sshd.connectionPids();
		for (const pid of pids) process.kill(pid, 'SIGSTOP');
		const started = Date.now();
		try {
			const error = await sftp.upload(Buffer.from('%PDF-frozen'), folder(), 'frozen.pdf').catch((e) => e);
			expect(error).toBeInstanceOf(SftpError);
			expect(error.kind).toBe('timeout');
			expect(error.message).toMatch(/got no answer for 1 s; the connection was closed/);
			expect(Date.now() - started).toBeLessThan(5_000);
		} finally {
			for (const pid of pids) process.kill(pid, 'SIGCONT');
			await sftp.end();
		}
		expect(existsSync(path.join(folder(), 'frozen.pdf'))).toBe(false);
	});

	it('a NUL or another control character in a name is refused before it reaches the server', async () => {
		const sftp = await FirmadorSftp.connect(settings({ operationTimeoutMs: 2_000 }));
		try {
			for (const name of ['a\u0000b.pdf', 'line\nbreak.pdf', 'dir/x.pdf', '..']) {
				const error = await sftp.upload(Buffer.from('%PDF-x'), folder(), name).catch((e) => e);
				expect(error).toBeInstanceOf(SftpError);
				expect(error.message).toMatch(/is not a plain file name/);
			}
			expect(readdirSync(folder()).filter((f) => /^a|^line/.test(f))).toEqual([]);
		} finally {
			await sftp.end();
		}
	});

	it('a server whose host key changed (same address, new key) is refused', async () => {
		const pinned = sshd.hostKeyFingerprint;
		const port = sshd.port;
		const root = sshd.root;
		await sshd.stop();
		sshd = await startSshd({ port });
		expect(sshd.hostKeyFingerprint).not.toBe(pinned);
		const error = await FirmadorSftp.connect({ ...settings(), hostKeyFingerprint: pinned }).catch((e) => e);
		expect(error).toBeInstanceOf(SftpError);
		expect(error.kind).toBe('hostKey');
		expect(error.message).toBe(
			`The SFTP server's host key does not match the credential: server presented ${sshd.hostKeyFingerprint}, expected ${pinned}`,
		);
		expect(root).not.toBe(sshd.root);
	});
});

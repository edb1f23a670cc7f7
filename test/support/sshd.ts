/**
 * A real OpenSSH sftp server for integration tests: /usr/sbin/sshd on a random loopback port, with a
 * throwaway host key and user key in a temp folder, `internal-sftp`, no chroot, running as the current
 * user (root in CI: PermitRootLogin yes, StrictModes no, AuthorizedKeysFile in the temp folder).
 * Installs openssh-server with apt-get when sshd is missing.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface SshdServer {
	host: string;
	port: number;
	username: string;
	/** OpenSSH private key of the authorised user key (PEM text). */
	privateKey: string;
	/** `SHA256:<base64 without padding>`, as ssh-keygen -lf prints it. */
	hostKeyFingerprint: string;
	/** Temp folder for test files (uploads go below it). */
	root: string;
	stop(): Promise<void>;
	log(): string;
	/** Pids of the per-connection sshd processes (children of the listener), to kill or freeze a live connection. */
	connectionPids(): number[];
}

export function ensureSshd() {
	if (existsSync(SSHD)) return;
	const install = () =>
		execFileSync('apt-get', ['install', '-y', 'openssh-server'], {
			stdio: 'ignore',
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
	try {
		install();
	} catch {
		execFileSync('apt-get', ['update'], { stdio: 'ignore' });
		install();
	}
	if (!existsSync(SSHD)) throw new Error('openssh-server could not be installed');
}

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** SHA256 fingerprint of an OpenSSH public key line (`ssh-ed25519 AAAA... comment`). */
export function fingerprintOfPublicKeyLine(line: string): string {
	const blob = Buffer.from(line.trim().split(/\s+/)[1], 'base64');
	return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

async function waitForBanner(port: number, child: ChildProcess, log: () => string, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log()}`);
		const ok = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('data', (d) => {
				socket.destroy();
				resolve(d.toString().startsWith('SSH-'));
			});
			socket.once('error', () => resolve(false));
			socket.setTimeout(1000, () => {
				socket.destroy();
				resolve(false);
			});
		});
		if (ok) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`sshd did not answer on port ${port}: ${log()}`);
}

export async function startSshd(options: { keyType?: 'ed25519' | 'rsa'; port?: number } = {}): Promise<SshdServer> {
	ensureSshd();
	const dir = mkdtempSync(path.join(tmpdir(), 'certsign-sshd-'));
	const root = path.join(dir, 'files');
	mkdirSync(root, { recursive: true });
	const keyType = options.keyType ?? 'ed25519';
	const hostKey = path.join(dir, 'host_key');
	const userKey = path.join(dir, 'user_key');
	execFileSync('ssh-keygen', ['-q', '-t', keyType, '-N', '', '-f', hostKey, '-C', 'certsign-test-host']);
	execFileSync('ssh-keygen', ['-q', '-t', keyType, '-N', '', '-f', userKey, '-C', 'certsign-test-user']);
	const authorized = path.join(dir, 'authorized_keys');
	writeFileSync(authorized, readFileSync(`${userKey}.pub`));
	const port = options.port ?? (await freePort());
	const username = userInfo().username;
	const config = path.join(dir, 'sshd_config');
	writeFileSync(
		config,
		[
			`Port ${port}`,
			'ListenAddress 127.0.0.1',
			`HostKey ${hostKey}`,
			`PidFile ${path.join(dir, 'sshd.pid')}`,
			`AuthorizedKeysFile ${authorized}`,
			'StrictModes no',
			'PermitRootLogin yes',
			'PubkeyAuthentication yes',
			'PasswordAuthentication no',
			'KbdInteractiveAuthentication no',
			'UsePAM no',
			`AllowUsers ${username}`,
			'Subsystem sftp internal-sftp',
			'LogLevel VERBOSE',
			'MaxStartups 50:30:100',
			'MaxSessions 50',
			'',
		].join('\n'),
	);
	mkdirSync('/run/sshd', { recursive: true }); // privilege-separation folder sshd insists on
	let output = '';
	const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout?.on('data', (c) => (output += c));
	child.stderr?.on('data', (c) => (output += c));
	await waitForBanner(port, child, () => output);
	return {
		host: '127.0.0.1',
		port,
		username,
		privateKey: readFileSync(userKey, 'utf8'),
		hostKeyFingerprint: fingerprintOfPublicKeyLine(readFileSync(`${hostKey}.pub`, 'utf8')),
		root,
		log: () => output,
		connectionPids: () => {
			try {
				return execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' })
					.split(/\s+/)
					.filter(Boolean)
					.map(Number);
			} catch {
				return []; // pgrep exits 1 when there is none
			}
		},
		stop: async () => {
			if (child.exitCode === null) {
				await new Promise<void>((resolve) => {
					child.once('exit', () => resolve());
					child.kill('SIGTERM');
				});
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** A remote file read whole through the node's streaming download (tests only: the node never buffers files). */
export async function downloadBuffer(
	sftp: { downloadTo(remotePath: string, sink: NodeJS.WritableStream): Promise<unknown> },
	remotePath: string,
): Promise<Buffer> {
	const { Writable } = await import('node:stream');
	const chunks: Buffer[] = [];
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			chunks.push(chunk);
			done();
		},
	});
	sink.on('error', () => undefined); // downloadTo rejects with the same error
	await sftp.downloadTo(remotePath, sink);
	return Buffer.concat(chunks);
}

/**
 * SFTP side of Firmador: one connection per execution serving every item, the host key pinned by its
 * OpenSSH SHA256 fingerprint, a bounded connect retry (ssh2-sftp-client 12 has none), `mkdir -p`,
 * uploads streamed to a temporary name then renamed (never over an existing file unless asked), with the
 * SHA-1 computed while streaming and the remote size checked. Every operation has a timeout: a dead
 * channel (OpenSSH drops it on a NUL in a path, a server can stop answering) ends the connection and
 * fails the caller instead of holding the execution. Knows nothing about n8n beyond its sleep().
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';

import { sleep } from 'n8n-workflow';
import SftpClient from 'ssh2-sftp-client';

import { RetryableFailure, withBackoff, type BackoffPolicy } from '../../shared/backoff';
import { inWords } from '../../shared/words';
import { sha1Counter } from './sha1Counter';

export interface FirmadorSftpSettings {
	host: string;
	port: number;
	username: string;
	password?: string;
	privateKey?: string;
	passphrase?: string;
	/** `SHA256:...` as OpenSSH prints it; empty is refused unless allowAnyHostKey. */
	hostKeyFingerprint?: string;
	/** Connect without a pinned host key (insecure, explicit). Ignored when a fingerprint is set. */
	allowAnyHostKey?: boolean;
	/** Most milliseconds one SFTP operation may go without progress (default 30 s). */
	operationTimeoutMs?: number;
	uploadFolder: string;
	signedFolder: string;
}

const CONNECT_RETRY: BackoffPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 3000 };
const DEFAULT_OPERATION_TIMEOUT_MS = 30_000;
/** SFTP WRITE requests an upload keeps outstanding (each of the server's largest write size). */
const WRITES_IN_FLIGHT = 8;
/** ssh2's write size when it cannot tell the server's (the SFTP draft's minimum packet is 34,000 bytes). */
const FALLBACK_WRITE_SIZE = 32 * 1024;

/** The largest data length of one SFTP WRITE on this connection (ssh2 keeps it as `_maxWriteLen`). */
function maxWriteLength(client: SftpClient): number {
	const size = (client as unknown as { sftp?: { _maxWriteLen?: number } }).sftp?._maxWriteLen;
	return typeof size === 'number' && size > 0 ? size : FALLBACK_WRITE_SIZE;
}

export class SftpError extends Error {
	constructor(
		message: string,
		readonly kind: 'hostKey' | 'auth' | 'connect' | 'io' | 'size' | 'timeout' | 'exists',
		readonly description?: string,
	) {
		super(message);
		this.name = 'SftpError';
	}
}

/** The transport's one error type: an SftpError passes through, anything else is described as `message`. */
function sftpFailure(error: unknown, message: string): SftpError {
	if (error instanceof SftpError) return error;
	return new SftpError(inWords(`${message}: ${(error as Error)?.message ?? String(error)}`), 'io');
}

/** `SHA256:<base64 without padding>` of a raw SSH public key blob, as `ssh-keygen -lf` prints it. */
function sshFingerprint(keyBlob: Buffer): string {
	return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

export function normaliseFingerprint(value: string | undefined): string {
	const text = (value ?? '').trim();
	if (!text) return '';
	const body = text.replace(/^SHA256:/i, '').replace(/=+$/, '');
	if (!/^[A-Za-z0-9+/]{43}$/.test(body)) {
		throw new SftpError(
			`Host Key Fingerprint "${text}" is not a SHA256 fingerprint`,
			'hostKey',
			'Use the form SHA256:xxxx (43 characters after the colon), as printed by `ssh-keygen -lf <key>` or `ssh-keyscan host | ssh-keygen -lf -`',
		);
	}
	return `SHA256:${body}`;
}

function joinRemote(folder: string, name: string): string {
	if (!folder) return name;
	return `${folder.replace(/\/+$/, '')}/${name.replace(/^\/+/, '')}`;
}

export interface UploadResult {
	remotePath: string;
	size: number;
	sha1: string;
}

export class FirmadorSftp {
	private readonly client = new SftpClient('firmador');
	/** Folders checked or created, as promises: concurrent uploads to a new folder share one mkdir. */
	private readonly madeDirs = new Map<string, Promise<void>>();

	private constructor(readonly settings: FirmadorSftpSettings) {}

	/** True when the connection was made without checking the host key (Accept Any Host Key). */
	get hostKeyUnverified(): boolean {
		return !normaliseFingerprint(this.settings.hostKeyFingerprint);
	}

	private get timeoutMs(): number {
		return this.settings.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
	}

	/**
	 * Runs one SFTP call with an inactivity timeout. `progress` (when given) is called by the caller while
	 * data flows, so a long healthy upload does not time out. On timeout the connection is ended: a dead
	 * channel would otherwise keep the promise pending forever.
	 */
	private async timed<T>(label: string, run: (progress: () => void) => Promise<T>): Promise<T> {
		let lastProgress = Date.now();
		let settled = false;
		const progress = () => {
			lastProgress = Date.now();
		};
		// A watchdog on n8n's sleep (community nodes may not use timers directly): it checks a few times per
		// timeout whether the operation made progress.
		const step = Math.max(20, Math.min(250, Math.floor(this.timeoutMs / 4)));
		const watchdog = (async (): Promise<never> => {
			while (!settled) {
				await sleep(step);
				if (!settled && Date.now() - lastProgress >= this.timeoutMs) {
					this.client.end().catch(() => undefined);
					throw new SftpError(
						`SFTP ${label} got no answer for ${Math.round(this.timeoutMs / 1000)} s; the connection was closed`,
						'timeout',
						'The server or the network stopped answering. Nothing was left under the final file name; run it again.',
					);
				}
			}
			return await new Promise<never>(() => undefined);
		})();
		watchdog.catch(() => undefined);
		try {
			return await Promise.race([run(progress), watchdog]);
		} finally {
			settled = true;
		}
	}

	static async connect(
		settings: FirmadorSftpSettings,
		policy: BackoffPolicy = CONNECT_RETRY,
		sleep?: (ms: number) => Promise<void>,
	): Promise<FirmadorSftp> {
		const expected = normaliseFingerprint(settings.hostKeyFingerprint);
		if (!expected && settings.allowAnyHostKey !== true) {
			throw new SftpError(
				'The Firmador SFTP credential has no Host Key Fingerprint',
				'hostKey',
				'Set the server\'s fingerprint (ssh-keyscan host | ssh-keygen -lf -), or turn on "Accept Any Host Key (Insecure)" if you accept a connection that could be intercepted.',
			);
		}
		const outcome = await withBackoff(
			async () => {
				const attempt = new FirmadorSftp(settings);
				let seen = '';
				try {
					await attempt.client.connect({
						host: settings.host,
						port: Number(settings.port) || 22,
						username: settings.username,
						password: settings.password || undefined,
						privateKey: settings.privateKey || undefined,
						passphrase: settings.passphrase || undefined,
						readyTimeout: 20_000,
						// A server that stops answering after login is found by keepalives, not by waiting forever.
						keepaliveInterval: 5_000,
						keepaliveCountMax: 3,
						hostVerifier: (key: Buffer) => {
							seen = sshFingerprint(key);
							return !expected || seen === expected;
						},
					} as SftpClient.ConnectOptions);
					// Many small SFTP round trips: without TCP_NODELAY, Nagle + delayed ACKs add ~40-90 ms to each.
					(attempt.client as unknown as { client?: { setNoDelay?: (on: boolean) => void } }).client?.setNoDelay?.(true);
					return attempt;
				} catch (error) {
					await attempt.client.end().catch(() => undefined);
					const failure = classifyConnectError(error as Error, expected, seen, settings);
					if (failure.kind === 'connect') return new RetryableFailure(failure.message, failure);
					throw failure;
				}
			},
			policy,
			{ sleep },
		);
		if (outcome instanceof RetryableFailure) throw outcome.detail as SftpError;
		return outcome;
	}

	async end() {
		await this.client.end().catch(() => undefined);
	}

	async ensureFolder(folder: string) {
		if (!folder || folder === '/') return;
		let made = this.madeDirs.get(folder);
		if (!made) {
			made = this.makeFolder(folder);
			this.madeDirs.set(folder, made);
			made.catch(() => this.madeDirs.delete(folder));
		}
		await made;
	}

	private async makeFolder(folder: string) {
		try {
			const kind = await this.timed(`check of ${folder}`, async () => await this.client.exists(folder));
			if (kind === false) await this.timed(`mkdir of ${folder}`, async () => await this.client.mkdir(folder, true));
			else if (kind !== 'd') throw new SftpError(`Remote path ${folder} exists but is not a folder`, 'io');
		} catch (error) {
			throw sftpFailure(error, `Could not create the remote folder ${folder}`);
		}
	}

	/** Checks that a folder exists (credential test). */
	async folderExists(folder: string): Promise<boolean> {
		return (await this.timed(`check of ${folder}`, async () => await this.client.exists(folder))) === 'd';
	}

	/** Whether a remote file (or anything) exists at `remotePath`. */
	async exists(remotePath: string): Promise<boolean> {
		return (await this.timed(`check of ${remotePath}`, async () => await this.client.exists(remotePath))) !== false;
	}

	/**
	 * Streams `source` to `<folder>/.<name>.<random>.part`, checks the remote size against the bytes
	 * sent, then renames it to `<folder>/<name>`. An existing `<folder>/<name>` is refused (before and,
	 * through SFTP's non-replacing rename, at the rename) unless `overwrite`.
	 */
	async upload(source: Readable | Buffer, folder: string, name: string, options: { overwrite?: boolean } = {}): Promise<UploadResult> {
		if (/[\u0000-\u001f/\\]/.test(name) || name === '.' || name === '..')
			throw new SftpError(`"${name.replace(/[\u0000-\u001f]/g, '?')}" is not a plain file name`, 'io');
		await this.ensureFolder(folder);
		const finalPath = joinRemote(folder, name);
		if (!options.overwrite && (await this.exists(finalPath))) {
			throw new SftpError(
				`${finalPath} already exists on the SFTP server`,
				'exists',
				'Give the file another name, or turn on the Replace Existing File option.',
			);
		}
		const tempPath = joinRemote(folder, `.${name}.${randomBytes(6).toString('hex')}.part`);
		let progress: () => void = () => undefined;
		// Re-chunked to the server's largest SFTP write (OpenSSH: 256 KiB less the header; ssh2 reads it from
		// the limits extension) so each WRITE is full, and the write stream may hold WRITES_IN_FLIGHT of them:
		// ssh2's WriteStream sends the chunks it has buffered together (_writev) instead of one 64 KiB
		// read-stream chunk per round trip. Memory stays bounded by a few writes.
		const writeSize = maxWriteLength(this.client);
		const hashing = sha1Counter(() => progress(), { chunkSize: writeSize, highWaterMark: writeSize * WRITES_IN_FLIGHT });
		const counter = hashing.stream;
		const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
		input.on('error', (error) => counter.destroy(error));
		input.pipe(counter);
		try {
			await this.timed(`upload of ${name}`, async (alive) => {
				progress = alive;
				// ssh2's WriteStream takes any Writable option; the typings list only the SFTP ones.
				const writeStreamOptions = { highWaterMark: writeSize * WRITES_IN_FLIGHT } as SftpClient.WriteStreamOptions;
				await this.client.put(counter, tempPath, { writeStreamOptions });
			});
			const stat = await this.timed(`stat of ${tempPath}`, async () => await this.client.stat(tempPath));
			if (stat.size !== hashing.size) {
				throw new SftpError(`Upload of ${name} is incomplete: the server has ${stat.size} bytes, ${hashing.size} were sent`, 'size');
			}
			if (options.overwrite) {
				const renamed = await this.timed(`rename to ${finalPath}`, async () => await this.client.posixRename(tempPath, finalPath)).then(
					() => true,
					(error: unknown) => error,
				);
				if (renamed !== true) {
					if (renamed instanceof SftpError && renamed.kind === 'timeout') throw renamed;
					if (await this.exists(finalPath)) await this.timed(`delete of ${finalPath}`, async () => await this.client.delete(finalPath));
					await this.timed(`rename to ${finalPath}`, async () => await this.client.rename(tempPath, finalPath));
				}
			} else {
				// SFTP v3 rename does not replace: a file that appeared meanwhile makes it fail, never lost.
				const renamed = await this.timed(`rename to ${finalPath}`, async () => await this.client.rename(tempPath, finalPath)).then(
					() => true,
					(error: unknown) => error,
				);
				if (renamed !== true) {
					if (!(renamed instanceof SftpError) && (await this.exists(finalPath).catch(() => false))) {
						throw new SftpError(
							`${finalPath} already exists on the SFTP server`,
							'exists',
							'Give the file another name, or turn on the Replace Existing File option.',
						);
					}
					throw sftpFailure(renamed, `Rename to ${finalPath} failed`);
				}
			}
			return { remotePath: finalPath, size: hashing.size, sha1: hashing.sha1() };
		} catch (error) {
			input.unpipe?.(counter);
			counter.destroy();
			await this.timed(`delete of ${tempPath}`, async () => await this.client.delete(tempPath, true)).catch(() => undefined);
			throw sftpFailure(error, `Upload of ${name} to ${folder} failed`);
		}
	}

	/** Streams a remote file into `sink` (ended when the file is read), without holding it in memory. */
	async downloadTo(remotePath: string, sink: Writable): Promise<void> {
		try {
			const kind = await this.timed(`check of ${remotePath}`, async () => await this.client.exists(remotePath));
			if (kind !== '-') throw new SftpError(`The signed file ${remotePath} is not on the SFTP server (yet)`, 'io');
			await this.timed(`download of ${remotePath}`, async (alive) => {
				sink.on('drain', alive);
				const onData = () => alive();
				sink.on('pipe', (src) => src.on('data', onData));
				await this.client.get(remotePath, sink);
			});
		} catch (error) {
			sink.destroy(error as Error);
			throw sftpFailure(error, `Download of ${remotePath} failed`);
		}
	}
}

function classifyConnectError(error: Error, expected: string, seen: string, settings: FirmadorSftpSettings): SftpError {
	// ssh2-sftp-client prefixes its messages with the method that failed ("getConnection: …"): not the user's concern.
	const message = inWords(String(error?.message ?? error)).replace(/^(?:(?:getConnection|connect|sftp):\s*)+/i, '');
	if (expected && seen && seen !== expected) {
		return new SftpError(
			`The SFTP server's host key does not match the credential: server presented ${seen}, expected ${expected}`,
			'hostKey',
			'Someone may be intercepting the connection, or the server key changed. Check the fingerprint with the provider before updating the credential.',
		);
	}
	if (/authentication|All configured authentication methods failed|privateKey|passphrase|Cannot parse/i.test(message)) {
		const reason = /All configured authentication methods failed/i.test(message)
			? 'the server accepted neither the password nor the private key'
			: message;
		return new SftpError(`SFTP login to ${settings.host} as ${settings.username} failed: ${reason}`, 'auth');
	}
	return new SftpError(`Could not connect to the SFTP server ${settings.host}:${settings.port}: ${message}`, 'connect');
}

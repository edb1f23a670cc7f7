/**
 * A small SFTP server for `npm run dev` (no root, no OpenSSH needed), built on ssh2's Server API. It maps
 * the remote `/` to a local folder, so the Firmador simulator can read uploads and write signed copies
 * through the filesystem. Password login (and optionally one public key); a fresh RSA host key whose
 * OpenSSH fingerprint is returned for the credential. Integration tests use real OpenSSH instead
 * (test/support/sshd.ts).
 */
import { createHash, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { Server, utils, type Connection } from 'ssh2';

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

export interface SftpSimulatorOptions {
	/** Local folder shown as `/`. */
	root: string;
	username?: string;
	password?: string;
	port?: number;
	host?: string;
}

export interface SftpSimulator {
	host: string;
	port: number;
	username: string;
	password: string;
	hostKeyFingerprint: string;
	root: string;
	close(): Promise<void>;
}

function attrsOf(stats: fs.Stats) {
	return {
		mode: stats.mode,
		uid: stats.uid,
		gid: stats.gid,
		size: stats.size,
		atime: Math.floor(stats.atimeMs / 1000),
		mtime: Math.floor(stats.mtimeMs / 1000),
	};
}

function sameText(a: string, b: string) {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

export async function startSftpSimulator(options: SftpSimulatorOptions): Promise<SftpSimulator> {
	const root = path.resolve(options.root);
	fs.mkdirSync(root, { recursive: true });
	const username = options.username ?? 'firmador';
	const password = options.password ?? 'firmador-dev-password';
	const hostKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
	const parsed = utils.parseKey(hostKey);
	if (parsed instanceof Error) throw parsed;
	const key = Array.isArray(parsed) ? parsed[0] : parsed;
	const hostKeyFingerprint = 'SHA256:' + createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '');

	/** Remote path → local path inside root (never outside it). */
	const local = (remote: string) => {
		const normal = path.posix.normalize('/' + remote.replace(/\\/g, '/'));
		return path.join(root, normal);
	};
	const remoteOf = (localPath: string) => '/' + path.relative(root, localPath).split(path.sep).join('/');

	const connections = new Set<Connection>();
	const server = new Server({ hostKeys: [hostKey] }, (client) => {
		connections.add(client);
		(client as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
		client.on('close', () => connections.delete(client));
		client.on('error', () => undefined);
		client.on('authentication', (ctx) => {
			if (ctx.method === 'password' && sameText(ctx.username, username) && sameText(ctx.password, password)) return ctx.accept();
			ctx.reject(['password']);
		});
		client.on('ready', () => {
			client.on('session', (acceptSession) => {
				const session = acceptSession();
				session.on('sftp', (acceptSftp) => {
					const sftp = acceptSftp();
					const handles = new Map<string, { fd?: number; dir?: string[]; path: string }>();
					let next = 0;
					const newHandle = (entry: { fd?: number; dir?: string[]; path: string }) => {
						const id = Buffer.alloc(4);
						id.writeUInt32BE(next++);
						handles.set(id.toString('hex'), entry);
						return id;
					};
					const fail = (reqid: number, error: NodeJS.ErrnoException) =>
						sftp.status(
							reqid,
							error.code === 'ENOENT'
								? STATUS_CODE.NO_SUCH_FILE
								: error.code === 'EACCES'
									? STATUS_CODE.PERMISSION_DENIED
									: STATUS_CODE.FAILURE,
							error.message,
						);
					sftp.on('OPEN', (reqid, filename, flags) => {
						let mode = 'r';
						if (flags & OPEN_MODE.WRITE)
							mode = flags & OPEN_MODE.APPEND ? 'a' : flags & OPEN_MODE.TRUNC || flags & OPEN_MODE.CREAT ? 'w' : 'r+';
						if (flags & OPEN_MODE.EXCL) mode = 'wx';
						fs.open(local(filename), mode, (error, fd) =>
							error ? fail(reqid, error) : sftp.handle(reqid, newHandle({ fd, path: local(filename) })),
						);
					});
					sftp.on('WRITE', (reqid, handle, offset, data) => {
						const entry = handles.get(handle.toString('hex'));
						if (entry?.fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE);
						fs.write(entry.fd, data, 0, data.length, offset, (error) => (error ? fail(reqid, error) : sftp.status(reqid, STATUS_CODE.OK)));
					});
					sftp.on('READ', (reqid, handle, offset, length) => {
						const entry = handles.get(handle.toString('hex'));
						if (entry?.fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE);
						const buffer = Buffer.alloc(length);
						fs.read(entry.fd, buffer, 0, length, offset, (error, bytes) => {
							if (error) return fail(reqid, error);
							if (bytes === 0) return sftp.status(reqid, STATUS_CODE.EOF);
							sftp.data(reqid, buffer.subarray(0, bytes));
						});
					});
					sftp.on('FSTAT', (reqid, handle) => {
						const entry = handles.get(handle.toString('hex'));
						if (!entry) return sftp.status(reqid, STATUS_CODE.FAILURE);
						fs.stat(entry.path, (error, stats) => (error ? fail(reqid, error) : sftp.attrs(reqid, attrsOf(stats))));
					});
					const stat = (reqid: number, remote: string) =>
						fs.stat(local(remote), (error, stats) => (error ? fail(reqid, error) : sftp.attrs(reqid, attrsOf(stats))));
					sftp.on('STAT', stat);
					sftp.on('LSTAT', stat);
					sftp.on('SETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
					sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
					sftp.on('CLOSE', (reqid, handle) => {
						const key2 = handle.toString('hex');
						const entry = handles.get(key2);
						handles.delete(key2);
						if (entry?.fd !== undefined) fs.close(entry.fd, () => sftp.status(reqid, STATUS_CODE.OK));
						else sftp.status(reqid, entry ? STATUS_CODE.OK : STATUS_CODE.FAILURE);
					});
					sftp.on('OPENDIR', (reqid, remote) => {
						fs.readdir(local(remote), (error, names) =>
							error ? fail(reqid, error) : sftp.handle(reqid, newHandle({ dir: names, path: local(remote) })),
						);
					});
					sftp.on('READDIR', (reqid, handle) => {
						const entry = handles.get(handle.toString('hex'));
						if (!entry?.dir) return sftp.status(reqid, STATUS_CODE.FAILURE);
						if (entry.dir.length === 0) return sftp.status(reqid, STATUS_CODE.EOF);
						const names = entry.dir.splice(0, entry.dir.length).map((name) => {
							const stats = fs.statSync(path.join(entry.path, name));
							return {
								filename: name,
								longname: `${stats.isDirectory() ? 'd' : '-'}rw-r--r-- 1 owner group ${stats.size} Jan 1 00:00 ${name}`,
								attrs: attrsOf(stats),
							};
						});
						sftp.name(reqid, names);
					});
					sftp.on('REALPATH', (reqid, remote) => {
						const resolved = remoteOf(local(remote === '.' ? '/' : remote));
						sftp.name(reqid, [{ filename: resolved, longname: resolved, attrs: {} as never }]);
					});
					sftp.on('MKDIR', (reqid, remote) =>
						fs.mkdir(local(remote), (error) => (error ? fail(reqid, error) : sftp.status(reqid, STATUS_CODE.OK))),
					);
					sftp.on('RMDIR', (reqid, remote) =>
						fs.rmdir(local(remote), (error) => (error ? fail(reqid, error) : sftp.status(reqid, STATUS_CODE.OK))),
					);
					sftp.on('REMOVE', (reqid, remote) =>
						fs.unlink(local(remote), (error) => (error ? fail(reqid, error) : sftp.status(reqid, STATUS_CODE.OK))),
					);
					sftp.on('RENAME', (reqid, from, to) => {
						// SFTP v3 RENAME does not overwrite (as OpenSSH)
						if (fs.existsSync(local(to))) return sftp.status(reqid, STATUS_CODE.FAILURE, 'target exists');
						fs.rename(local(from), local(to), (error) => (error ? fail(reqid, error) : sftp.status(reqid, STATUS_CODE.OK)));
					});
				});
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		host: '127.0.0.1',
		port,
		username,
		password,
		hostKeyFingerprint,
		root,
		close: async () => {
			for (const c of connections) c.end();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

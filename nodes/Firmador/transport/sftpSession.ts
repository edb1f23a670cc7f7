/**
 * The SFTP credential as a connection for one execution: its settings checked before any connection
 * (folders normalised, host and port, a pinned host key or the explicit insecure toggle), one connection
 * shared by every item, and the warnings the execution's output carries (an unverified host key).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { checkBaseFolder, RemotePathError } from '../protocol/paths';
import { FirmadorSftp, normaliseFingerprint, SftpError, type FirmadorSftpSettings } from './sftp';

/** Warnings an execution collects (e.g. an unverified SFTP host key); the node adds them to every output item. */
const warnings = new WeakMap<object, string[]>();

function addWarning(ctx: IExecuteFunctions, text: string) {
	const list = warnings.get(ctx) ?? [];
	if (!list.includes(text)) list.push(text);
	warnings.set(ctx, list);
}

export function takeWarnings(ctx: IExecuteFunctions): string[] {
	const list = warnings.get(ctx) ?? [];
	warnings.delete(ctx);
	return list;
}

const UNVERIFIED_HOST_KEY_WARNING =
	"The SFTP server's host key was not verified (Accept Any Host Key is on in the Firmador SFTP credential): the connection could have been intercepted.";

/** The SFTP credential's settings, checked (folders normalised, no `..` or control characters) before any connection. */
export function sftpSettingsFrom(c: IDataObject): FirmadorSftpSettings {
	const folder = (label: string, value: unknown) => {
		let problem: string | undefined;
		let checked = '';
		try {
			checked = checkBaseFolder(String(value ?? ''));
		} catch (error) {
			problem = (error as RemotePathError).message;
		}
		if (problem !== undefined) throw new SftpError(`The Firmador SFTP credential's ${label} ${problem}`, 'io');
		return checked;
	};
	const host = String(c.host ?? '').trim();
	if (!host) throw new SftpError("The Firmador SFTP credential's Host is empty", 'connect');
	if (/[\s/\\\u0000-\u001f]/.test(host))
		throw new SftpError(`The Firmador SFTP credential's Host "${host.replace(/[\u0000-\u001f]/g, '?')}" is not a host name`, 'connect');
	const port = Number(c.port ?? 22);
	if (!Number.isInteger(port) || port < 1 || port > 65535)
		throw new SftpError(`The Firmador SFTP credential's Port ${String(c.port)} is not a port number (1-65535)`, 'connect');
	// Checked here, before any connection: a malformed fingerprint, or none without the explicit toggle.
	const fingerprint = normaliseFingerprint(String(c.hostKeyFingerprint ?? ''));
	if (!fingerprint && c.allowAnyHostKey !== true) {
		throw new SftpError(
			'The Firmador SFTP credential has no Host Key Fingerprint',
			'hostKey',
			'Set the server\'s fingerprint (ssh-keyscan host | ssh-keygen -lf -), or turn on "Accept Any Host Key (Insecure)" if you accept a connection that could be intercepted.',
		);
	}
	return {
		host,
		port,
		username: String(c.username ?? ''),
		password: (c.password as string) || undefined,
		privateKey: (c.privateKey as string) || undefined,
		passphrase: (c.passphrase as string) || undefined,
		hostKeyFingerprint: String(c.hostKeyFingerprint ?? '').trim(),
		allowAnyHostKey: c.allowAnyHostKey === true,
		uploadFolder: folder('Upload Folder', c.uploadFolder),
		signedFolder: folder('Signed Folder', c.signedFolder),
		...(typeof c.operationTimeoutMs === 'number' ? { operationTimeoutMs: c.operationTimeoutMs } : {}),
	};
}

export async function sftpSettings(ctx: IExecuteFunctions): Promise<FirmadorSftpSettings> {
	return sftpSettingsFrom((await ctx.getCredentials('firmadorSftp')) as IDataObject);
}

export async function withSftp<T>(
	ctx: IExecuteFunctions,
	run: (sftp: FirmadorSftp, settings: FirmadorSftpSettings) => Promise<T>,
	known?: FirmadorSftpSettings,
): Promise<T> {
	const settings = known ?? (await sftpSettings(ctx));
	const sftp = await FirmadorSftp.connect(settings);
	if (sftp.hostKeyUnverified) addWarning(ctx, UNVERIFIED_HOST_KEY_WARNING);
	try {
		return await run(sftp, settings);
	} finally {
		await sftp.end();
	}
}

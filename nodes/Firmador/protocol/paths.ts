/**
 * Remote SFTP paths for Firmador, checked before any connection: every path the node touches is the
 * credential's folder, or a folder below it, plus a plain file name. `..`, absolute paths outside the
 * credential's folder, backslashes, control characters and NUL are refused (a NUL made OpenSSH's
 * internal-sftp drop the channel and the execution hang). Pure: no n8n imports.
 */

/** POSIX normalisation of a path without `..` segments (refused before): drops `.` and empty segments. */
function normalise(path: string): string {
	const absolute = path.startsWith('/');
	const parts = path.split('/').filter((part) => part !== '' && part !== '.');
	const joined = parts.join('/');
	if (absolute) return `/${joined}`;
	return joined || '.';
}

export class RemotePathError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RemotePathError';
	}
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function describeControl(text: string): string {
	const found = text.match(CONTROL)?.[0] ?? '';
	return `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A plain file name: not empty, no folders, no `.`/`..`, no control characters, at most 255 bytes. */
export function checkRemoteFileName(name: string): string {
	if (name === '' || name.trim() === '') throw new RemotePathError('is empty');
	if (CONTROL.test(name)) throw new RemotePathError(`contains a control character (${describeControl(name)})`);
	if (/[/\\]/.test(name)) throw new RemotePathError(`"${name}" must be a plain file name without folders`);
	if (name === '.' || name === '..') throw new RemotePathError(`"${name}" is not a file name`);
	if (name !== name.trim()) throw new RemotePathError(`"${name}" starts or ends with a space`);
	if (Buffer.byteLength(name, 'utf8') > 255) throw new RemotePathError('is longer than 255 bytes');
	return name;
}

/** A credential folder: empty (the login folder) or a path without `..` and control characters, normalised. */
export function checkBaseFolder(folder: string): string {
	const text = (folder ?? '').trim();
	if (!text) return '';
	if (CONTROL.test(text)) throw new RemotePathError(`contains a control character (${describeControl(text)})`);
	if (text.includes('\\')) throw new RemotePathError(`"${text}" contains a backslash: use / between folders`);
	if (text.split('/').includes('..')) throw new RemotePathError(`"${text}" contains ..`);
	const normal = normalise(text);
	return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

/**
 * The folder an operation uses: the credential's folder, or `override` when it is that folder or below
 * it (absolute) or a relative path (taken below it). Never a folder outside the credential's.
 */
export function resolveRemoteFolder(base: string, override: string): string {
	const root = checkBaseFolder(base);
	const text = (override ?? '').trim();
	if (!text) return root;
	if (CONTROL.test(text)) throw new RemotePathError(`contains a control character (${describeControl(text)})`);
	if (text.includes('\\')) throw new RemotePathError(`"${text}" contains a backslash: use / between folders`);
	if (text.split('/').includes('..'))
		throw new RemotePathError(`"${text}" contains .. (it must stay inside the credential's folder ${root || '(login folder)'})`);
	if (text.startsWith('/')) {
		const normal = normalise(text).replace(/\/+$/, '') || '/';
		if (!root || !root.startsWith('/')) {
			throw new RemotePathError(
				`"${text}" is an absolute path; the credential's folder is ${root || 'the login folder'}: give a folder relative to it`,
			);
		}
		if (normal !== root && !normal.startsWith(root === '/' ? '/' : `${root}/`)) {
			throw new RemotePathError(`"${text}" is outside the credential's folder ${root}`);
		}
		return normal;
	}
	const joined = normalise(root ? `${root}/${text}` : text).replace(/\/+$/, '');
	return joined === '.' ? '' : joined;
}

/** `folder/name` with both already checked. */
export function remotePath(folder: string, name: string): string {
	if (!folder) return name;
	return `${folder.replace(/\/+$/, '')}/${name}`;
}

/**
 * A name pattern with `{name}` / `{base}` filled in. A function replacer, so `$&`, `$1`, `$$` in the
 * values stay literal (String.replace expands them in a replacement string).
 */
export function fillNamePattern(pattern: string, values: Record<string, string>): string {
	return pattern.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole));
}

/** A file-name piece from the server (e.g. an XML `Hash`): only letters, digits, `-` and `_` survive. */
export function safeNamePart(value: unknown, fallback: string): string {
	const text = String(value ?? '')
		.replace(/[^A-Za-z0-9_-]/g, '')
		.slice(0, 64);
	return text || fallback;
}

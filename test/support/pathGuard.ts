/**
 * Every test file runs with this guard (jest setupFiles): reading a file beside the repository (e.g. the
 * planning folder `../shared` that a user's clone never has) or in the home folder outside the project's
 * cache throws at once, naming the path. The repository, the OS temp folder, the cache and system folders
 * (/usr, /etc, /proc, ...) stay readable.
 */
import fs from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');
/** The planning folder that sits beside the repository on the team's machines and never in a user's clone. */
export const PLANNING_FOLDER = 'shared';
export const CACHE = path.resolve(
	process.env.CERTSIGN_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'n8n-nodes-certsign'),
);

const within = (child: string, parent: string) => child === parent || child.startsWith(parent + path.sep);

/** Why reading `target` is not allowed, or undefined when it is. */
export function outsideReason(target: string): string | undefined {
	const resolved = path.resolve(target);
	if (within(resolved, REPO) || within(resolved, CACHE)) return undefined;
	const parent = path.dirname(REPO);
	const tmp = path.resolve(tmpdir());
	if (within(resolved, parent)) {
		// A clone directly in the temp folder shares its parent with every temp file: only the planning folder is off limits then.
		if (parent !== tmp || within(resolved, path.join(parent, PLANNING_FOLDER)))
			return `${resolved} is beside the repository (${REPO}), not in it`;
	}
	if (within(resolved, tmp)) return undefined;
	const home = path.resolve(homedir());
	if (within(resolved, home) && home !== '/') return `${resolved} is in the home folder, outside the project's cache (${CACHE})`;
	return undefined;
}

type AnyFn = (...args: any[]) => any;
const READERS = [
	'readFileSync',
	'readFile',
	'existsSync',
	'statSync',
	'createReadStream',
	'readdirSync',
	'openSync',
	'open',
	'opendirSync',
] as const;

export function installPathGuard() {
	const target = fs as unknown as Record<string, AnyFn & { __certsignGuard?: boolean }>;
	for (const name of READERS) {
		const original = target[name];
		if (typeof original !== 'function' || original.__certsignGuard) continue;
		const guarded = function (this: unknown, file: unknown, ...rest: unknown[]) {
			if (typeof file === 'string' || file instanceof URL) {
				const reason = outsideReason(file instanceof URL ? file.pathname : file);
				if (reason) throw new Error(`Tests may only read the repository, the temp folder and the cache: ${reason}`);
			}
			return original.call(this, file, ...rest);
		} as AnyFn & { __certsignGuard?: boolean };
		guarded.__certsignGuard = true;
		target[name] = guarded;
	}
	const promises = fs.promises as unknown as Record<string, AnyFn>;
	const readFile = promises.readFile;
	promises.readFile = async function (file: unknown, ...rest: unknown[]) {
		if (typeof file === 'string') {
			const reason = outsideReason(file);
			if (reason) throw new Error(`Tests may only read the repository, the temp folder and the cache: ${reason}`);
		}
		return await readFile.call(this, file, ...rest);
	};
}

installPathGuard();

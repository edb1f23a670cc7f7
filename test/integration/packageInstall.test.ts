/**
 * The packed package installed the two ways the README gives, into scratch folders: n8n must not get a
 * second copy of n8n-workflow (the package's peer dependency: n8n provides it; a second copy breaks
 * `instanceof` checks between n8n and the nodes).
 *
 * 1. By hand, as the README says: `npm install --omit=peer --ignore-scripts <package>` in `~/.n8n/nodes`.
 * 2. As n8n's own installer (Settings → Community Nodes) does in 2.x
 *    (packages/cli/src/modules/community-packages/community-packages.service.ts, `downloadPackage`):
 *    unpack the tarball into `nodes/node_modules/<name>`, drop devDependencies, peerDependencies and
 *    optionalDependencies from its package.json, then `npm install --audit=false --fund=false
 *    --bin-links=false --install-strategy=shallow --ignore-scripts=true --package-lock=false` inside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packPackage } from '../support/n8n';

jest.setTimeout(5 * 60_000);

const NAME = 'n8n-nodes-certsign';
let scratch: string;
let tarball: string;

/** Every package folder named `name` under a node_modules tree. */
function findPackages(root: string, name: string): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			if (!entry.isDirectory()) continue;
			const full = join(dir, entry.name);
			if (entry.name === name && dir.endsWith('node_modules')) found.push(full);
			if (entry.name === 'node_modules' || dir.endsWith('node_modules') || entry.name.startsWith('@')) walk(full);
		}
	};
	if (existsSync(root)) walk(root);
	return found;
}

/** npm without the project's settings (its .npmrc and the npm_config_* of `npm test`). */
function npm(args: string[], cwd: string) {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_config_')));
	execFileSync('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

beforeAll(() => {
	tarball = packPackage();
	scratch = mkdtempSync(join(tmpdir(), 'certsign-install-'));
});

afterAll(() => {
	if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the packed package declares n8n-workflow only as a peer dependency', () => {
	const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, any>;
	expect(manifest.peerDependencies).toHaveProperty('n8n-workflow');
	expect(manifest.dependencies ?? {}).not.toHaveProperty('n8n-workflow');
	expect(Object.keys(manifest.dependencies ?? {})).toEqual(['ssh2-sftp-client']);
});

test('README manual install: `npm install --omit=peer --ignore-scripts` in ~/.n8n/nodes installs no n8n-workflow', () => {
	const nodesDir = join(scratch, 'manual', '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	npm(['install', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', tarball], nodesDir);
	const modules = join(nodesDir, 'node_modules');
	expect(existsSync(join(modules, NAME, 'dist', 'nodes', 'Firmador', 'Firmador.node.js'))).toBe(true);
	expect(existsSync(join(modules, 'ssh2-sftp-client', 'package.json'))).toBe(true);
	expect(findPackages(modules, 'n8n-workflow')).toEqual([]);
	expect(JSON.parse(readFileSync(join(nodesDir, 'package.json'), 'utf8')).dependencies).toHaveProperty(NAME);
});

test('a plain `npm install` without --omit=peer would install n8n-workflow (why the README says --omit=peer)', () => {
	const nodesDir = join(scratch, 'plain', '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', tarball], nodesDir);
	expect(findPackages(join(nodesDir, 'node_modules'), 'n8n-workflow').length).toBeGreaterThan(0);
});

test("n8n's own installer steps install the package and its one dependency, and no n8n-workflow", () => {
	const nodesDir = join(scratch, 'n8n', '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', NAME);
	mkdirSync(packageDir, { recursive: true });
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const manifestPath = join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<
		string,
		unknown
	>;
	expect(peerDependencies).toHaveProperty('n8n-workflow');
	void devDependencies;
	void optionalDependencies;
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	npm(
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		packageDir,
	);
	expect(existsSync(join(packageDir, 'node_modules', 'ssh2-sftp-client', 'package.json'))).toBe(true);
	expect(findPackages(join(nodesDir, 'node_modules'), 'n8n-workflow')).toEqual([]);
});

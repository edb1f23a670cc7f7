/**
 * A clone carries every file its tests, scripts and configs read: nothing beside the repository (the
 * team's planning folder is not in a user's clone), nothing in the home folder outside the cache.
 * In jest the guard of test/support/pathGuard.ts enforces this at run time; scripts and configs run
 * outside jest, so their path literals are checked here.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CACHE, outsideReason, PLANNING_FOLDER, REPO } from '../support/pathGuard';

/** A line that reads one of the planning folder's subfolders (vectors, seeds, notes). */
const READS_PLANNING = new RegExp(`(^|[^A-Za-z])${PLANNING_FOLDER}/(vectors|seeds|notes)/`);

const SELF = [path.join('test', 'unit', 'repoBoundary.test.ts'), path.join('test', 'support', 'pathGuard.ts')];

function trackedAndNewFiles(): string[] {
	const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
	return out
		.split('\n')
		.filter(Boolean)
		.filter((f) => /^(test|scripts|bench|\.ci)\//.test(f) || /^[^/]+\.(js|mjs|cjs|json|sh)$/.test(f))
		.filter((f) => !f.endsWith('package-lock.json') && !SELF.includes(f) && !f.startsWith('test/fixtures/'))
		.filter((f) => fs.existsSync(path.join(REPO, f)));
}

describe('the repository boundary', () => {
	test('the run-time guard refuses a read beside the repository and allows the repo, temp and cache', () => {
		// A path only: the guard must refuse it before anything is read.
		const beside = path.join(path.dirname(REPO), PLANNING_FOLDER, 'vectors', 'firmador-hmac.json');
		expect(outsideReason(beside)).toMatch(/beside the repository/);
		expect(() => fs.readFileSync(beside)).toThrow(/Tests may only read the repository.*beside the repository/);
		expect(() => fs.existsSync(beside)).toThrow(/beside the repository/);
		expect(outsideReason(path.join(REPO, 'test/fixtures/firmador-hmac.json'))).toBeUndefined();
		expect(outsideReason(path.join(tmpdir(), 'certsign-x', 'a.pdf'))).toBeUndefined();
		expect(outsideReason(path.join(CACHE, 'n8n-2.40.7', 'package.json'))).toBeUndefined();
		expect(outsideReason('/usr/sbin/sshd')).toBeUndefined();
	});

	test('jest installs the guard for every project', () => {
		const config = require(path.join(REPO, 'jest.config.js')) as { projects: Array<{ setupFiles?: string[] }> };
		for (const project of config.projects) expect(project.setupFiles).toContain('<rootDir>/test/support/pathGuard.ts');
	});

	test('no test, script or config names a path outside the repository', () => {
		const problems: string[] = [];
		for (const file of trackedAndNewFiles()) {
			const text = fs.readFileSync(path.join(REPO, file), 'utf8');
			text.split('\n').forEach((line, i) => {
				const where = `${file}:${i + 1}`;
				if (READS_PLANNING.test(line) && !/^\s*(\/\/|\*|#)/.test(line)) problems.push(`${where} reads the planning folder: ${line.trim()}`);
				if (/['"`]\/work\//.test(line)) problems.push(`${where} names an absolute path of this machine: ${line.trim()}`);
				for (const match of line.matchAll(/['"`]((?:\.\.\/)+[^'"`$]*)['"`]/g)) {
					const fromFile = path.resolve(path.dirname(path.join(REPO, file)), match[1]);
					const fromRoot = path.resolve(REPO, match[1]);
					if (outsideReason(fromFile) && outsideReason(fromRoot)) problems.push(`${where} climbs out of the repository: ${match[1]}`);
				}
			});
		}
		expect(problems).toEqual([]);
	});

	test('the scan itself can fail: a planted reference is found', () => {
		const line = `const v = require('../../../${PLANNING_FOLDER}/vectors/firmador-hmac.json');`;
		expect(READS_PLANNING.test(line)).toBe(true);
		const relative = /['"`]((?:\.\.\/)+[^'"`$]*)['"`]/.exec(line)![1];
		expect(outsideReason(path.resolve(REPO, 'test/unit', relative))).toMatch(/beside the repository/);
	});
});

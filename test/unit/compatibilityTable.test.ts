/**
 * README's Compatibility table and test/n8n-versions.json (what the installer installs and the suites run
 * on) name the same n8n versions with the same Node majors: one cannot change without the other.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

interface VersionsFile {
	default: string;
	versions: Array<{ n8n: string; node: string }>;
}

/** Rows of the first table under "## Compatibility": [n8n version, Node major]. */
function compatibilityRows(readme: string): Array<[string, string]> {
	const start = readme.indexOf('\n## Compatibility');
	if (start < 0) throw new Error('README has no "## Compatibility" section');
	const section = readme.slice(start + 1, readme.indexOf('\n## ', start + 1));
	const rows = section.split('\n').filter((line) => /^\|\s*\d+\.\d+\.\d+/.test(line));
	return rows.map((line) => {
		const cells = line.split('|').map((cell) => cell.trim());
		return [cells[1].split(/\s/)[0], cells[2]];
	});
}

describe('README Compatibility table', () => {
	const versions = JSON.parse(readFileSync(path.join(root, 'test', 'n8n-versions.json'), 'utf8')) as VersionsFile;
	const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

	test('lists exactly the tested n8n versions, each with its Node major', () => {
		const expected = versions.versions.map((v) => [v.n8n, v.node]).sort();
		expect(compatibilityRows(readme).sort()).toEqual(expected);
	});

	test('the default version is one of them', () => {
		expect(versions.versions.map((v) => v.n8n)).toContain(versions.default);
	});

	test('a README that drifts is caught', () => {
		const drifted = readme.replace(`| ${versions.default} |`, '| 2.99.0 |');
		expect(compatibilityRows(drifted).map(([n8n]) => n8n)).not.toEqual(expect.arrayContaining([versions.default]));
		expect(compatibilityRows(drifted).sort()).not.toEqual(versions.versions.map((v) => [v.n8n, v.node]).sort());
	});
});

// n8n's community-package scanner (@n8n/scan-community-package, the gate of n8n's verification programme),
// run offline the way it scans a published package: its own ESLint configuration (inline eslint-disable
// comments ignored) over the sources (package.json, nodes/, credentials/) and over the packed tarball
// (compiled .js and the published package.json).
//
// It passes when every error is one of the findings this package accepts on purpose (ACCEPTED below, each
// with its reason, also listed in the README). Anything else fails the test command.
//
//   node scripts/scan-package.mjs            (dist/ must be built: npm run build)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
import { ESLint } from 'eslint';
import glob from 'fast-glob';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Findings accepted on purpose. Everything else is fixed, not excused. */
const ACCEPTED = [
	{
		why: 'ssh2-sftp-client is the one runtime dependency: Firmador uploads documents by SFTP (the provider has no other channel). It is why the package is an unverified community package and cannot run on n8n Cloud.',
		match: (f) =>
			f.rule === '@n8n/community-nodes/no-runtime-dependencies' && f.file === 'package.json' && onlyDependency('ssh2-sftp-client'),
	},
	{
		why: 'Cloud-only rule implied by that dependency: the SFTP transport imports ssh2-sftp-client and streams binary data through node:stream (no file is held in memory).',
		match: (f) =>
			f.rule === '@n8n/community-nodes/no-restricted-imports' &&
			/'(ssh2-sftp-client|node:stream)'/.test(f.message) &&
			/^(dist\/)?nodes\/Firmador\//.test(f.file),
	},
	{
		why: 'arcaLogin and firmadorSftp are logins (username + password / SSH key), not API keys: the names are fixed by the product (PRODUCT.md) and an -Api suffix would mislabel them.',
		match: (f) =>
			/^n8n-nodes-base\/(cred-class-name-unsuffixed|cred-class-field-name-unsuffixed|cred-class-field-display-name-missing-api|node-class-description-credentials-name-unsuffixed)$/.test(
				f.rule,
			) &&
			(/credentials\/(ArcaLogin|FirmadorSftp)\.credentials\.ts$/.test(f.file) ||
				/nodes\/(ArcaAutomation\/ArcaAutomation|Firmador\/Firmador)\.node\.ts$/.test(f.file)) &&
			/\b(arcaLogin|firmadorSftp|ArcaLogin|FirmadorSftp|ARCA Login|Firmador SFTP)\b/.test(f.source),
	},
];

function onlyDependency(name) {
	const deps = Object.keys(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).dependencies ?? {});
	return deps.length === 1 && deps[0] === name;
}

async function scan(dir, patterns, label) {
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const findings = [];
	for (const result of await eslint.lintFiles(files)) {
		const lines = readFileSync(result.filePath, 'utf8').split('\n');
		for (const m of result.messages) {
			findings.push({
				where: label,
				file: path.relative(dir, result.filePath),
				line: m.line,
				rule: m.ruleId ?? 'parse',
				severity: m.severity === 2 ? 'error' : 'warning',
				message: m.message,
				source: lines[(m.line ?? 1) - 1] ?? '',
			});
		}
	}
	// The scanner's own verdict on the same folder, so this script can never be laxer than the gate about
	// what it counts: with no error here, analyzePackage must pass too.
	const verdict = await analyzePackage(dir, patterns);
	return { findings, passed: verdict.passed };
}

function packTarball() {
	const dest = mkdtempSync(path.join(tmpdir(), 'certsign-scan-'));
	const out = execFileSync('npm', ['pack', '--pack-destination', dest, '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
	const [{ filename }] = JSON.parse(out);
	execFileSync('tar', ['-xzf', path.join(dest, filename), '-C', dest]);
	return { dest, dir: path.join(dest, 'package') };
}

const tarball = packTarball();
try {
	const source = await scan(root, SOURCE_FILE_PATTERNS, 'source');
	const packed = await scan(tarball.dir, ['**/*.js', 'package.json'], 'tarball');
	const all = [...source.findings, ...packed.findings];
	const errors = all.filter((f) => f.severity === 'error');
	const unexpected = errors.filter((f) => !ACCEPTED.some((a) => a.match(f)));
	const accepted = errors.length - unexpected.length;
	const warnings = all.filter((f) => f.severity === 'warning');
	for (const f of [...errors, ...warnings]) {
		const tag = f.severity === 'warning' ? 'warning ' : ACCEPTED.some((a) => a.match(f)) ? 'accepted' : 'ERROR   ';
		console.log(`${tag} ${f.where}:${f.file}:${f.line} ${f.rule} — ${f.message.split('. ')[0]}`);
	}
	console.log(
		`n8n scanner: ${unexpected.length} errors, ${accepted} accepted (runtime dependency / Cloud-only / login credential names), ${warnings.length} warnings` +
			` — analyzePackage: source ${source.passed ? 'passed' : 'failed'}, tarball ${packed.passed ? 'passed' : 'failed'}`,
	);
	if (errors.length === 0 && (!source.passed || !packed.passed)) {
		console.log('analyzePackage failed although no error was counted: this script no longer matches the scanner');
		process.exitCode = 1;
	}
	if (unexpected.length > 0) process.exitCode = 1;
} finally {
	rmSync(tarball.dest, { recursive: true, force: true });
}

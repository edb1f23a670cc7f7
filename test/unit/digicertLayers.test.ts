/**
 * Issue #20 (1-3): the layers between the DigiCert node and the Certificate Trigger, checked on the import
 * lines of the sources.
 * - nothing under nodes/CertificateTrigger imports the DigiCert node's actions (only its transport,
 *   protocol, descriptions and methods, as n8n's GoogleSheetsTrigger does);
 * - the DigiCert transport imports no n8n item glue (nodes/shared/n8n/*): the item layer attaches item context;
 * - DigiCert's protocol is pure (no n8n imports);
 * - no DigiCert operation imports another operation (shared pieces live in actions/common.ts or descriptions/).
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const DIGICERT = path.join(ROOT, 'nodes', 'DigiCertCodeSigning');

function sources(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sources(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

/** The module specifiers a file imports (static imports and re-exports). */
function importsOf(file: string): string[] {
	const text = fs.readFileSync(file, 'utf8');
	return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => m[1]);
}

/** Files (relative to the repository) whose imports resolve into `target`, with the import. */
function importing(files: string[], target: (resolved: string, spec: string) => boolean): string[] {
	return files.flatMap((file) =>
		importsOf(file)
			.filter((spec) => target(spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec, spec))
			.map((spec) => `${path.relative(ROOT, file)} → ${spec}`),
	);
}

describe('DigiCert and Certificate Trigger layers', () => {
	test('the import reader finds imports (a planted one is seen)', () => {
		const planted = path.join(ROOT, 'nodes', 'CertificateTrigger', 'renewalDue.ts');
		expect(importsOf(planted)).toContain('../DigiCertCodeSigning/transport');
	});

	test('nothing under nodes/CertificateTrigger imports the DigiCert actions', () => {
		const actions = path.join(DIGICERT, 'actions');
		expect(importing(sources(path.join(ROOT, 'nodes', 'CertificateTrigger')), (resolved) => resolved.startsWith(actions))).toEqual([]);
	});

	test('the DigiCert transport imports no n8n item glue', () => {
		const glue = path.join(ROOT, 'nodes', 'shared', 'n8n');
		expect(importing(sources(path.join(DIGICERT, 'transport')), (resolved) => resolved.startsWith(glue))).toEqual([]);
	});

	test('the DigiCert protocol is pure: no n8n imports', () => {
		expect(importing(sources(path.join(DIGICERT, 'protocol')), (_resolved, spec) => spec.startsWith('n8n-'))).toEqual([]);
	});

	test('no DigiCert operation imports another operation', () => {
		const problems: string[] = [];
		for (const resource of fs.readdirSync(path.join(DIGICERT, 'actions'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
			const dir = path.join(DIGICERT, 'actions', resource.name);
			const index = fs.readFileSync(path.join(dir, 'index.ts'), 'utf8');
			const operations = new Set([...index.matchAll(/^import \* as (\w+) from '\.\/(\w+)'/gm)].map((m) => path.join(dir, m[2])));
			expect(operations.size).toBeGreaterThan(1);
			const files = sources(dir).filter((file) => path.basename(file) !== 'index.ts');
			problems.push(...importing(files, (resolved) => operations.has(resolved)));
		}
		expect(problems).toEqual([]);
	});
});

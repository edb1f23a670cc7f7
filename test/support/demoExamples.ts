/**
 * The example workflows as the demo editor (`npm run dev`) and the example tests import them.
 *
 * Three examples need something of the machine they run on, which the demo provides:
 * - "Renewal due (ARCA PEM)" watches a certificate the user pastes in; the shipped file holds a
 *   placeholder. The demo pastes a prepared one: a certificate for alias `facturacion` of the demo taxpayer,
 *   issued by a throwaway test CA (test/support/testCa.ts), 600 of its 730 days used, so it is due.
 * - The same example writes the new certificate and key under `/home/node/.n8n-files/arca/` (the folder
 *   n8n's Docker image allows); the demo writes them under its own allowed folder instead (`filesDir`, which
 *   the demo's n8n gets as N8N_RESTRICT_FILE_ACCESS_TO).
 * - "Sign a contract, verify it, e-mail it if valid" trusts the root certificate the user pastes into Verify's
 *   Trusted Roots; the demo pastes the Firmador simulator's test CA (`firmadorCaPem`, the simulator's `caPem`).
 * Everything else is exactly the shipped JSON.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEMO_ARCA } from './demoCredentials';
import { REPO_ROOT, type WorkflowJson } from './n8n';
import { TestCa } from './testCa';

export const ARCA_PEM_PLACEHOLDER = 'PASTE THE CERTIFICATE OF ALIAS facturacion HERE';
export const FIRMADOR_ROOT_PLACEHOLDER = "PASTE THE ROOT CERTIFICATE (PEM) OF YOUR SIGNERS' CERTIFICATION AUTHORITY HERE";
export const SHIPPED_FILES_DIR = '/home/node/.n8n-files/';

export interface ShippedExample {
	file: string;
	workflow: WorkflowJson;
}

export function shippedExamples(): ShippedExample[] {
	return readdirSync(join(REPO_ROOT, 'examples'))
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson }));
}

/** A certificate of the demo taxpayer for alias `facturacion`, issued 600 days ago for 730 days: due for renewal. */
export function dueArcaCertificate(): string {
	const ca = new TestCa('/C=AR/O=AFIP/CN=Computadores Test (certsign demo CA)');
	try {
		return ca.issue({
			subject: `/C=AR/O=facturacion/CN=facturacion/serialNumber=CUIT ${DEMO_ARCA.cuit}`,
			days: 730,
			notBefore: new Date(Date.now() - 600 * 86_400_000),
		}).certPem;
	} finally {
		ca.dispose();
	}
}

/** The shipped examples, prepared for the demo (see above). `filesDir` is created. */
export function demoExamples(filesDir: string, options: { firmadorCaPem?: string } = {}): ShippedExample[] {
	mkdirSync(join(filesDir, 'arca'), { recursive: true });
	let pem: string | undefined;
	return shippedExamples().map(({ file, workflow }) => {
		let text = JSON.stringify(workflow);
		if (text.includes(ARCA_PEM_PLACEHOLDER)) {
			pem ??= dueArcaCertificate();
			const prepared = JSON.parse(text) as WorkflowJson;
			for (const node of prepared.nodes) {
				for (const entry of node.parameters?.pemCertificates?.certificate ?? []) {
					if (String(entry.pem).includes(ARCA_PEM_PLACEHOLDER)) entry.pem = pem;
				}
			}
			text = JSON.stringify(prepared);
		}
		if (options.firmadorCaPem && text.includes(FIRMADOR_ROOT_PLACEHOLDER)) {
			const prepared = JSON.parse(text) as WorkflowJson;
			for (const node of prepared.nodes) {
				if (node.parameters?.trustedRoots === FIRMADOR_ROOT_PLACEHOLDER) node.parameters.trustedRoots = options.firmadorCaPem;
			}
			text = JSON.stringify(prepared);
		}
		text = text.split(SHIPPED_FILES_DIR).join(`${filesDir.replace(/\/$/, '')}/`);
		return { file, workflow: JSON.parse(text) as WorkflowJson };
	});
}

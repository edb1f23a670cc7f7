/**
 * The editor's Docs link of each node and credential lands on its section of the README: n8n opens a node's
 * `documentationUrl` as given (the codex's primaryDocumentation gets ?utm_… appended after it, so a #section
 * there would not match; it points at the README itself).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { AfipSdkApi } from '../../credentials/AfipSdkApi.credentials';
import { ArcaLogin } from '../../credentials/ArcaLogin.credentials';
import { DigiCertApi } from '../../credentials/DigiCertApi.credentials';
import { FirmadorApi } from '../../credentials/FirmadorApi.credentials';
import { FirmadorSftp } from '../../credentials/FirmadorSftp.credentials';
import { ArcaAutomation } from '../../nodes/ArcaAutomation/ArcaAutomation.node';
import { CertificateTrigger } from '../../nodes/CertificateTrigger/CertificateTrigger.node';
import { DigiCertCodeSigning } from '../../nodes/DigiCertCodeSigning/DigiCertCodeSigning.node';
import { Firmador } from '../../nodes/Firmador/Firmador.node';

const REPO = 'https://github.com/n8n-nodes-certsign/n8n-nodes-certsign';
const root = join(__dirname, '..', '..');

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

const anchors = new Set(
	readFileSync(join(root, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,6} /.test(line))
		.map((line) => slug(line.replace(/^#+ /, ''))),
);

test.each([
	['ARCA Automation', new ArcaAutomation().description.documentationUrl, 'arca-automation'],
	['Firmador', new Firmador().description.documentationUrl, 'firmador'],
	['DigiCert Code Signing', new DigiCertCodeSigning().description.documentationUrl, 'digicert-code-signing'],
	['Certificate Trigger', new CertificateTrigger().description.documentationUrl, 'certificate-trigger'],
])('%s: the Docs link opens its README section', (_name, url, anchor) => {
	expect(url).toBe(`${REPO}#${anchor}`);
	expect(anchors.has(anchor)).toBe(true);
});

test('credentials link to the provider or to a README section that exists', () => {
	for (const credential of [new AfipSdkApi(), new ArcaLogin(), new DigiCertApi(), new FirmadorApi(), new FirmadorSftp()]) {
		const url = credential.documentationUrl ?? '';
		expect({ credential: credential.name, url }).toEqual({ credential: credential.name, url: expect.stringMatching(/^https:\/\//) });
		if (url.startsWith(REPO))
			expect({ credential: credential.name, known: anchors.has(url.split('#')[1] ?? '') }).toEqual({
				credential: credential.name,
				known: true,
			});
	}
});

test('the codex Docs links (n8n appends ?utm_… to them) carry no #section', () => {
	for (const node of ['ArcaAutomation', 'Firmador', 'DigiCertCodeSigning', 'CertificateTrigger']) {
		const codex = JSON.parse(readFileSync(join(root, 'nodes', node, `${node}.node.json`), 'utf8'));
		for (const doc of codex.resources.primaryDocumentation)
			expect({ node, url: doc.url }).toEqual({ node, url: expect.not.stringContaining('#') });
	}
});

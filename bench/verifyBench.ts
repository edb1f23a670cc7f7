/**
 * B8: Firmador Document → Verify over N signed PDFs of 100 KB in a real n8n, beside shell loops of poppler's
 * `pdfsig` and of `openssl cms -verify` over the same files, in the same rounds (order rotated, ratios
 * paired per round). The PDFs are signed the way the Firmador simulator signs (an incremental update with a
 * detached CMS by a throwaway CA whose leaf carries a CUIL); the OpenSSL loop gets each signature and its
 * signed bytes extracted beforehand (not timed), as a script around OpenSSL would have to.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { signPdf } from '../test/simulators/firmador/pdfSigner';
import type { WorkflowJson } from '../test/support/n8n';
import { TestCa } from '../test/support/testCa';
import { hrms, runOk, spread, type Spread } from './lib';
import { executeMeasured, type BenchEnv } from './n8nBench';

export interface B8Row {
	docs: number;
	rounds: number;
	nodeMs: Spread;
	pdfsigMs: Spread;
	opensslMs: Spread;
	/** pdfsig loop time / node time, paired per round (> 1: the node is faster). */
	pdfsigOverNode: Spread;
	opensslOverNode: Spread;
	peakRssMiB: Spread;
	msPerDoc: number;
}

/** The signature's DER (without /Contents padding) and the two signed ranges of a signed PDF. */
function extractSignature(pdf: Buffer): { der: Buffer; content: Buffer } {
	const text = pdf.toString('latin1');
	const match = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text);
	if (!match) throw new Error('no /ByteRange in the signed PDF');
	const [a, b, c, d] = match.slice(1).map(Number);
	const hex = text.slice(a + b + 1, c - 1);
	const padded = Buffer.from(hex, 'hex');
	// DER SEQUENCE with a long-form length: cut the zero padding off.
	const lengthBytes = padded[1] & 0x7f;
	let length = 0;
	for (let i = 0; i < lengthBytes; i++) length = length * 256 + padded[2 + i];
	return { der: padded.subarray(0, 2 + lengthBytes + length), content: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]) };
}

/** A well-formed one-page PDF of about `size` bytes (the page's content stream carries the bulk), with an xref table. */
function wellFormedPdf(size: number, label: string): Buffer {
	const padding = '% '.concat('x'.repeat(76), '\n').repeat(Math.max(1, Math.floor((size - 700) / 79)));
	const content = `BT /F1 12 Tf 20 100 Td (${label}) Tj ET\n${padding}`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
	const offsets: number[] = [];
	objects.forEach((body, i) => {
		offsets.push(Buffer.byteLength(out, 'latin1'));
		out += `${i + 1} 0 obj\n${body}\nendobj\n`;
	});
	const xref = Buffer.byteLength(out, 'latin1');
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

function verifyWorkflow(id: string, dir: string, rootPem: string): WorkflowJson {
	const nodes = [
		{ parameters: {}, id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
		{
			parameters: { fileSelector: `${dir}/*.pdf`, options: {} },
			id: 'read',
			name: 'Read Files',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1.1,
			position: [220, 0],
		},
		{
			parameters: { resource: 'document', operation: 'verify', binaryPropertyName: 'data', trustedRoots: rootPem, options: {} },
			id: 'verify',
			name: 'Verify',
			type: 'n8n-nodes-certsign.firmador',
			typeVersion: 1,
			position: [440, 0],
		},
	];
	return {
		id,
		name: `bench ${id}`,
		nodes,
		connections: {
			Start: { main: [[{ node: 'Read Files', type: 'main', index: 0 }]] },
			'Read Files': { main: [[{ node: 'Verify', type: 'main', index: 0 }]] },
		},
	};
}

export async function benchB8(env: BenchEnv, sizes: number[], rounds: number, log: (line: string) => void): Promise<B8Row[]> {
	const ca = new TestCa('/C=AR/O=Bench/CN=Bench Signing CA');
	const rows: B8Row[] = [];
	try {
		const leaf = ca.issue({ subject: '/C=AR/CN=Firmante Bench/serialNumber=CUIL 20111111112', days: 365 });
		const caFile = path.join(env.dataDir, 'b8-ca.pem');
		writeFileSync(caFile, ca.certPem);
		for (const docs of sizes) {
			const dir = mkdtempSync(path.join(env.dataDir, `b8-${docs}-`));
			const extracted = mkdtempSync(path.join(env.dataDir, `b8-cms-${docs}-`));
			for (let i = 0; i < docs; i++) {
				const signed = signPdf(
					wellFormedPdf(100 * 1024, `bench document ${i}`),
					{ ...leaf, name: 'Firmante Bench' },
					{ reason: 'Conforme' },
				);
				const name = `doc-${String(i).padStart(5, '0')}`;
				writeFileSync(path.join(dir, `${name}.pdf`), signed);
				const { der, content } = extractSignature(signed);
				writeFileSync(path.join(extracted, `${name}.der`), der);
				writeFileSync(path.join(extracted, `${name}.bin`), content);
			}
			const workflow = verifyWorkflow(`benchB8verify${docs}`, dir, ca.certPem);
			await env.n8n.importWorkflows([workflow]);
			const samples = { node: [] as number[], pdfsig: [] as number[], openssl: [] as number[], rss: [] as number[] };
			const variants = ['node', 'pdfsig', 'openssl'] as const;
			for (let round = 0; round < rounds; round++) {
				const order = [...variants.slice(round % 3), ...variants.slice(0, round % 3)];
				for (const variant of order) {
					if (variant === 'node') {
						const result = await executeMeasured(env, workflow.id);
						if (!result.ok) throw new Error(`B8 node ${docs}: ${result.error}`);
						const out = result.items.Verify ?? [];
						if (out.length !== docs || !out.every((item) => item.valid === true && item.signatures?.[0]?.chain === 'trusted')) {
							throw new Error(
								`B8 node ${docs}: ${out.length} items, not all valid and trusted: ${JSON.stringify(out.find((item) => item.valid !== true))?.slice(0, 300)}`,
							);
						}
						samples.node.push(result.nodeMs.Verify);
						samples.rss.push(result.peakRssMiB);
					} else if (variant === 'pdfsig') {
						const started = process.hrtime.bigint();
						const { stdout } = await runOk('bash', ['-c', `for f in "${dir}"/*.pdf; do pdfsig "$f"; done`]);
						samples.pdfsig.push(hrms(started));
						const valid = stdout.split('\n').filter((line) => /Signature Validation: Signature is Valid/.test(line)).length;
						if (valid !== docs) throw new Error(`B8 pdfsig ${docs}: ${valid} valid signatures`);
					} else {
						const started = process.hrtime.bigint();
						await runOk('bash', [
							'-c',
							`for s in "${extracted}"/*.der; do openssl cms -verify -binary -inform DER -in "$s" -content "\${s%.der}.bin" -CAfile "${caFile}" -purpose any -out /dev/null 2>/dev/null || { echo "failed: $s" >&2; exit 1; }; done`,
						]);
						samples.openssl.push(hrms(started));
					}
				}
			}
			const nodeMs = spread(samples.node);
			const row: B8Row = {
				docs,
				rounds,
				nodeMs,
				pdfsigMs: spread(samples.pdfsig),
				opensslMs: spread(samples.openssl),
				pdfsigOverNode: spread(samples.pdfsig.map((v, i) => v / samples.node[i])),
				opensslOverNode: spread(samples.openssl.map((v, i) => v / samples.node[i])),
				peakRssMiB: spread(samples.rss),
				msPerDoc: nodeMs.median / docs,
			};
			log(
				`  B8 ${docs} PDFs: node ${nodeMs.median.toFixed(0)} ms (${row.msPerDoc.toFixed(2)} ms/doc), pdfsig loop ${row.pdfsigMs.median.toFixed(0)} ms (${row.pdfsigOverNode.median.toFixed(2)}× the node), openssl loop ${row.opensslMs.median.toFixed(0)} ms (${row.opensslOverNode.median.toFixed(2)}×), n8n peak RSS ${row.peakRssMiB.median.toFixed(0)} MiB`,
			);
			rows.push(row);
			rmSync(dir, { recursive: true, force: true });
			rmSync(extracted, { recursive: true, force: true });
		}
	} finally {
		ca.dispose();
	}
	return rows;
}

import { performance } from 'node:perf_hooks';

import { csrToDer } from '../../nodes/DigiCertCodeSigning/protocol/csr';
import { pemBlocks } from '../../nodes/shared/pemBlocks';
import { splitPemCertificates } from '../../nodes/shared/x509';

const BEGIN_ONLY = (kb: number, label: string) => `-----BEGIN ${label}-----\n`.repeat(Math.ceil((kb * 1024) / (label.length + 17)));

/** Median of a few runs, in ms. */
function timeOf(run: () => unknown): number {
	const samples: number[] = [];
	for (let i = 0; i < 5; i++) {
		const t = performance.now();
		run();
		samples.push(performance.now() - t);
	}
	return samples.sort((a, b) => a - b)[2];
}

describe('PEM blocks in one pass', () => {
	test('finds complete blocks in order and ignores a BEGIN without END', () => {
		const text =
			'x\n-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\nkey\n-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nCCC';
		expect(pemBlocks(text, ['CERTIFICATE']).map((b) => b.body.trim())).toEqual(['AAA', 'BBB']);
		expect(splitPemCertificates(text)).toHaveLength(2);
	});

	test('cost grows linearly: 0.5 MB of BEGIN lines without END (the old regexes took seconds and 4x per doubling)', () => {
		const small = BEGIN_ONLY(128, 'CERTIFICATE');
		const large = BEGIN_ONLY(512, 'CERTIFICATE');
		const ratio = (timeOf(() => splitPemCertificates(large)) + 0.05) / (timeOf(() => splitPemCertificates(small)) + 0.05);
		// 4x the input: linear is ~4, quadratic ~16. Generous bound for a noisy machine.
		expect(ratio).toBeLessThan(9);
		const csrRatio =
			(timeOf(() => {
				try {
					csrToDer(BEGIN_ONLY(512, 'CERTIFICATE REQUEST'));
				} catch {
					/* expected */
				}
			}) +
				0.05) /
			(timeOf(() => {
				try {
					csrToDer(BEGIN_ONLY(128, 'CERTIFICATE REQUEST'));
				} catch {
					/* expected */
				}
			}) +
				0.05);
		expect(csrRatio).toBeLessThan(9);
		expect(timeOf(() => splitPemCertificates(large))).toBeLessThan(200);
	});

	test('inputs over 1 MB are refused before parsing', () => {
		expect(() => splitPemCertificates('a'.repeat(1024 * 1024 + 1))).toThrow(/at most 1024 KB is accepted/);
		expect(() => csrToDer('a'.repeat(1024 * 1024 + 1))).toThrow(/at most 1024 KB accepted/);
	});
});

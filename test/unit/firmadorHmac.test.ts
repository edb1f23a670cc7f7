import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { firmadorNonce, signFirmadorRequest, unixSeconds, type FirmadorSecretFormat } from '../../nodes/Firmador/protocol/hmac';

interface Vector {
	appId: string;
	secret: string;
	secretFormat: FirmadorSecretFormat;
	method: string;
	url: string;
	body: string;
	timestamp: number;
	nonce: string;
	encodedUri: string;
	contentMd5Base64: string;
	rawSignatureData: string;
	signature: string;
	authorization: string;
}

const VECTORS_FILE = path.resolve(__dirname, '../fixtures/firmador-hmac.json');

function loadVectors(): Vector[] {
	if (!existsSync(VECTORS_FILE)) throw new Error(`Firmador HMAC vectors not found at ${VECTORS_FILE}`);
	const parsed = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as { vectors: Vector[] };
	if (!Array.isArray(parsed.vectors) || parsed.vectors.length === 0) throw new Error(`${VECTORS_FILE} has no vectors`);
	return parsed.vectors;
}

const vectors = loadVectors();

describe('signFirmadorRequest against vectors/firmador-hmac.json', () => {
	it('has the ten documented vectors, both key formats', () => {
		expect(vectors.length).toBe(10);
		expect(new Set(vectors.map((v) => v.secretFormat))).toEqual(new Set(['base64', 'text']));
	});

	it.each(vectors.map((v, i) => [i, v] as const))('vector %i matches byte for byte', (_i, v) => {
		const result = signFirmadorRequest({
			appId: v.appId,
			secret: v.secret,
			secretFormat: v.secretFormat,
			method: v.method,
			url: v.url,
			body: v.body,
			timestamp: v.timestamp,
			nonce: v.nonce,
		});
		expect(result.encodedUri).toBe(v.encodedUri);
		expect(result.contentMd5Base64).toBe(v.contentMd5Base64);
		expect(result.rawSignatureData).toBe(v.rawSignatureData);
		expect(result.signature).toBe(v.signature);
		expect(result.authorization).toBe(v.authorization);
	});

	it('changes the signature when one body byte changes', () => {
		const v = vectors.find((x) => x.body !== '')!;
		const result = signFirmadorRequest({ ...v, body: v.body.replace('Conforme', 'conforme') });
		expect(result.signature).not.toBe(v.signature);
	});

	it('rejects a Base64 secret that is not Base64', () => {
		const v = vectors[0];
		expect(() => signFirmadorRequest({ ...v, secret: 'not base64!', secretFormat: 'base64' })).toThrow(/Base64/);
	});
});

describe('firmadorNonce / unixSeconds', () => {
	it('gives 32 lower-case hex characters, different every time', () => {
		const seen = new Set<string>();
		for (let i = 0; i < 200; i++) {
			const nonce = firmadorNonce();
			expect(nonce).toMatch(/^[0-9a-f]{32}$/);
			seen.add(nonce);
		}
		expect(seen.size).toBe(200);
	});
	it('floors milliseconds', () => {
		expect(unixSeconds(1767225637999)).toBe(1767225637);
	});
});

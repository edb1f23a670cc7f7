import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CsrError, csrProblems, csrToDer, parseCsr } from '../../nodes/DigiCertCodeSigning/protocol/csr';

const dir = mkdtempSync(join(tmpdir(), 'csr-test-'));
function makeCsr(name: string, keyArgs: string[], subj: string): string {
	execFileSync(
		'openssl',
		['req', '-new', ...keyArgs, '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`), '-subj', subj, '-utf8'],
		{ stdio: 'pipe' },
	);
	return readFileSync(join(dir, `${name}.csr`), 'utf8');
}
function toDer(pem: string): Buffer {
	return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

let rsa3072: string;
let rsa2048: string;
let ecP256: string;
let ed25519: string;
beforeAll(() => {
	rsa3072 = makeCsr('rsa3072', ['-newkey', 'rsa:3072'], '/C=US/ST=Utah/O=Example Corp/OU=Engineering/CN=Example Corp');
	rsa2048 = makeCsr('rsa2048', ['-newkey', 'rsa:2048'], '/CN=Small Key');
	ecP256 = makeCsr('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/O=Ñandú S.A./CN=Ñandú S.A.');
	ed25519 = makeCsr('ed', ['-newkey', 'ed25519'], '/CN=Edwards');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCsr', () => {
	it('reads an RSA 3072 CSR from PEM: subject, key size, valid signature', () => {
		const csr = parseCsr(rsa3072);
		expect(csr.subject).toBe('C=US, ST=Utah, O=Example Corp, OU=Engineering, CN=Example Corp');
		expect(csr.subjectFields.CN).toBe('Example Corp');
		expect(csr.publicKeyAlgorithm).toBe('rsa');
		expect(csr.rsaBits).toBe(3072);
		expect(csr.signatureAlgorithm).toBe('sha256WithRSAEncryption');
		expect(csr.signatureValid).toBe(true);
		expect(csrProblems(csr)).toEqual([]);
	});

	it('reads the same CSR from DER (Buffer) and from bare base64, and re-encodes the PEM identically', () => {
		const der = toDer(rsa3072);
		const fromDer = parseCsr(der);
		expect(fromDer.rsaBits).toBe(3072);
		expect(fromDer.pem.replace(/\s+/g, '')).toBe(rsa3072.replace(/\s+/g, ''));
		expect(parseCsr(der.toString('base64')).subject).toBe(fromDer.subject);
		expect(parseCsr(Buffer.from(rsa3072)).rsaBits).toBe(3072);
	});

	it('agrees with openssl on the RSA modulus size', () => {
		const text = execFileSync('openssl', ['req', '-noout', '-text'], { input: rsa2048 }).toString();
		const bits = Number(/Public-Key: \((\d+) bit\)/.exec(text)?.[1]);
		expect(parseCsr(rsa2048).rsaBits).toBe(bits);
		expect(bits).toBe(2048);
	});

	it('flags RSA keys under 3072 bits', () => {
		expect(csrProblems(parseCsr(rsa2048))).toEqual(['its RSA key has 2048 bits; code signing needs at least 3072']);
	});

	it('reads EC keys (curve) and UTF-8 subjects', () => {
		const csr = parseCsr(ecP256);
		expect(csr.publicKeyAlgorithm).toBe('ec');
		expect(csr.ecCurve).toBe('P-256');
		expect(csr.subjectFields.O).toBe('Ñandú S.A.');
		expect(csr.signatureAlgorithm).toBe('ecdsa-with-SHA256');
		expect(csr.signatureValid).toBe(true);
		expect(csrProblems(csr)).toEqual([]);
	});

	it('refuses Ed25519 for code signing but still verifies it', () => {
		const csr = parseCsr(ed25519);
		expect(csr.publicKeyAlgorithm).toBe('ed25519');
		expect(csr.signatureValid).toBe(true);
		expect(csrProblems(csr)[0]).toMatch(/not accepted for code signing/);
	});

	it('detects a tampered request: signature no longer verifies', () => {
		const der = Buffer.from(toDer(rsa3072));
		const at = der.indexOf(Buffer.from('Engineering'));
		der[at] = 'X'.charCodeAt(0);
		const csr = parseCsr(der);
		expect(csr.subjectFields.OU).toBe('Xngineering');
		expect(csr.signatureValid).toBe(false);
		expect(csrProblems(csr)[0]).toMatch(/does not verify/);
	});

	it('rejects truncated input, trailing bytes, other PEM blocks and garbage', () => {
		const der = toDer(rsa3072);
		expect(() => parseCsr(der.subarray(0, der.length - 10))).toThrow(CsrError);
		expect(() => parseCsr(Buffer.concat([der, Buffer.from([0])]))).toThrow(/trailing bytes/);
		expect(() => parseCsr('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')).toThrow(/found a PEM "CERTIFICATE" block/);
		expect(() => parseCsr('hello world!')).toThrow(/neither PEM nor base64/);
		expect(() => parseCsr('')).toThrow(/empty/);
		expect(() => parseCsr(Buffer.from([0x30, 0x80, 0, 0]))).toThrow(/indefinite/);
		expect(() => csrToDer('AAAA')).toThrow(/SEQUENCE/);
	});

	it('accepts the legacy NEW CERTIFICATE REQUEST header', () => {
		const legacy = rsa3072.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST');
		expect(parseCsr(legacy).rsaBits).toBe(3072);
	});
});

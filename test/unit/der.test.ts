import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';

import {
	decodeOid,
	DER_TAG,
	DerError,
	derExplicit,
	derGeneralizedTime,
	derImplicit,
	derInteger,
	derNull,
	derOctetString,
	derOid,
	derPrintableString,
	DerReader,
	derSequence,
	derSet,
	derTime,
	derTlv,
	derUtcTime,
	derUtf8String,
} from '../../nodes/shared/der';
import { TestCa } from '../support/testCa';

const hex = (b: Buffer) => b.toString('hex');

describe('DER encoder', () => {
	test("INTEGER is minimal two's complement", () => {
		expect(hex(derInteger(0))).toBe('020100');
		expect(hex(derInteger(127))).toBe('02017f');
		expect(hex(derInteger(128))).toBe('02020080');
		expect(hex(derInteger(256))).toBe('02020100');
		expect(hex(derInteger(-1))).toBe('0201ff');
		expect(hex(derInteger(-128))).toBe('020180');
		expect(hex(derInteger(-129))).toBe('0202ff7f');
		expect(hex(derInteger(Buffer.from('00ff', 'hex')))).toBe('020200ff');
		expect(hex(derInteger(Buffer.from('0001', 'hex')))).toBe('020101');
	});

	test('OBJECT IDENTIFIER and lengths over 127 bytes', () => {
		expect(hex(derOid('1.2.840.113549.1.7.2'))).toBe('06092a864886f70d010702');
		expect(hex(derOid('2.16.840.1.101.3.4.2.1'))).toBe('0609608648016503040201');
		expect(decodeOid(derOid('2.999.3').subarray(2))).toBe('2.999.3');
		expect(() => derOid('1.2.x')).toThrow(DerError);
		const long = derOctetString(Buffer.alloc(300, 7));
		expect(hex(long.subarray(0, 4))).toBe('0482012c');
		expect(long.length).toBe(304);
	});

	test('SET OF is sorted by encoding; SEQUENCE keeps order', () => {
		const a = derInteger(2);
		const b = derInteger(1);
		expect(hex(derSet([a, b]))).toBe('3106020101020102');
		expect(hex(derSet([a, b], false))).toBe('3106020102020101');
		expect(hex(derSequence(a, b))).toBe('3006020102020101');
	});

	test('times, strings, tags', () => {
		const date = new Date(Date.UTC(2026, 11, 6, 18, 5, 9));
		expect(derUtcTime(date).subarray(2).toString()).toBe('261206180509Z');
		expect(derGeneralizedTime(date).subarray(2).toString()).toBe('20261206180509Z');
		expect(derTime(new Date(Date.UTC(2051, 0, 1)))[0]).toBe(DER_TAG.GENERALIZED_TIME);
		expect(() => derUtcTime(new Date(Date.UTC(2050, 0, 1)))).toThrow(/1950-2049/);
		expect(hex(derNull())).toBe('0500');
		expect(hex(derUtf8String('ñ'))).toBe('0c02c3b1');
		expect(() => derPrintableString('a@b')).toThrow(/PrintableString/);
		expect(hex(derExplicit(0, derNull()))).toBe('a0020500');
		expect(hex(derImplicit(1, Buffer.from([5]), false))).toBe('810105');
	});

	test('OpenSSL reads what the encoder writes, and the reader reads it back', () => {
		const when = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
		const der = derSequence(
			derInteger(-300),
			derOid('1.2.840.113549.1.9.5'),
			derSet([derUtcTime(when), derPrintableString('CUIL 20123456786')]),
			derExplicit(0, derOctetString(Buffer.from('hi'))),
			derGeneralizedTime(when),
			derUtf8String('añb'),
		);
		const parsed = execFileSync('openssl', ['asn1parse', '-inform', 'DER'], { input: der, encoding: 'utf8' });
		expect(parsed).toMatch(/INTEGER\s+:-012C/);
		expect(parsed).toMatch(/OBJECT\s+:signingTime/);
		expect(parsed).toMatch(/UTCTIME\s+:300102030405Z/);
		expect(parsed).toMatch(/PRINTABLESTRING\s+:CUIL 20123456786/);
		const r = new DerReader(der);
		const [int, oid, set, tagged, gen, utf8] = r.children(r.root());
		expect(hex(r.content(int))).toBe('fed4');
		expect(r.oid(oid)).toBe('1.2.840.113549.1.9.5');
		const setItems = r.children(set);
		expect(
			r.time(
				setItems.find((n) => n.tag === DER_TAG.UTC_TIME),
				'time',
			),
		).toEqual(when);
		expect(r.time(gen, 'time')).toEqual(when);
		expect(r.content(r.children(tagged)[0]).toString()).toBe('hi');
		expect(r.content(utf8).toString('utf8')).toBe('añb');
	});
});

describe('DER reader', () => {
	test('reads a real certificate (serial, validity)', () => {
		const ca = new TestCa();
		try {
			const cert = new X509Certificate(ca.certPem);
			const r = new DerReader(cert.raw);
			const [tbs] = r.children(r.root());
			const [version, serial, , , validity] = r.children(tbs);
			expect(version.tag).toBe(0xa0);
			expect(r.integerHex(serial, 'serial')).toBe(cert.serialNumber.toUpperCase().replace(/^(00)+(?=..)/, ''));
			const [notBefore] = r.children(validity);
			expect(r.time(notBefore, 'notBefore').getTime()).toBe(new Date(cert.validFrom).getTime());
			r.checkTree(r.root());
		} finally {
			ca.dispose();
		}
	});

	test('hostile input fails with a clear error', () => {
		const r = (bytes: number[] | Buffer) => new DerReader(Buffer.from(bytes as number[]));
		expect(() => r([0x30]).root()).toThrow(/truncated DER at byte 0/);
		expect(() => r([0x30, 0x80, 0, 0]).root()).toThrow(/indefinite/);
		expect(() => r([0x30, 0x85, 1, 1, 1, 1, 1]).root()).toThrow(/bad DER length/);
		expect(() => r([0x30, 0x81, 0x05, 0, 0, 0, 0, 0]).root()).toThrow(/non-minimal/);
		expect(() => r([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0]).root()).toThrow(/runs past its container/);
		expect(() => r([0x1f, 0x01, 0x00]).root()).toThrow(/multi-byte DER tag/);
		expect(() => r([0x30, 0x03, 0x02, 0x02, 0x00]).checkTree(r([0x30, 0x03, 0x02, 0x02, 0x00]).root())).toThrow(/runs past/);
		expect(() => r([0x04, 0x01, 0x00, 0x00]).root()).toThrow(/1 trailing bytes/);
		expect(() => r([0x04, 0x00]).children({ tag: 4, start: 0, contentStart: 2, end: 2 })).toThrow(/primitive/);
		expect(() => r([0x02, 0x00]).time({ tag: 2, start: 0, contentStart: 2, end: 2 }, 'signingTime')).toThrow(/signingTime is not/);
		expect(() => decodeOid(Buffer.from([0x2a, 0x86]))).toThrow(/truncated OBJECT IDENTIFIER/);
		// custom error class keeps the caller's type
		class MyError extends Error {}
		expect(() => new DerReader(Buffer.from([0x30]), (m) => new MyError(m)).root()).toThrow(MyError);
	});

	test('depth and element limits stop deep nesting and huge trees quickly', () => {
		let deep = derNull();
		for (let i = 0; i < 5000; i++) deep = derSequence(deep);
		const r = new DerReader(deep);
		const started = Date.now();
		expect(() => r.checkTree(r.root())).toThrow(/nests deeper than 64/);
		const wide = derTlv(DER_TAG.SEQUENCE, Buffer.alloc(600_000)); // 300,000 empty elements
		const w = new DerReader(wide);
		expect(() => w.checkTree(w.root())).toThrow(/more than 200000 elements/);
		expect(Date.now() - started).toBeLessThan(2000);
	});

	test("a key pair's SPKI walks cleanly", () => {
		const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const spki = publicKey.export({ type: 'spki', format: 'der' });
		const r = new DerReader(spki);
		const [alg] = r.children(r.root());
		expect(r.children(alg).map((n) => r.oid(n))).toEqual(['1.2.840.10045.2.1', '1.2.840.10045.3.1.7']);
	});
});

import { normaliseSha1Hex, responseHashToSha1Hex, sha1HexToHashBytes } from '../../nodes/Firmador/protocol/hashEncoding';

// The exact array of the seed's FirmadorHash example.
const SEED_EXAMPLE = [
	67, 0, 67, 0, 50, 0, 56, 0, 50, 0, 66, 0, 50, 0, 69, 0, 48, 0, 55, 0, 55, 0, 66, 0, 66, 0, 66, 0, 49, 0, 55, 0, 69, 0, 56, 0, 49, 0, 66,
	0, 66, 0, 53, 0, 50, 0, 57, 0, 68, 0, 69, 0, 51, 0, 70, 0, 65, 0, 56, 0, 49, 0, 70, 0, 57, 0, 54, 0, 52, 0, 65, 0, 49, 0, 48, 0, 52, 0,
	70, 0,
];

describe('Firmador Hash byte array', () => {
	it('decodes the seed example (80 bytes) to CC282B2E077BBB17E81BB529DE3FA81F964A104F', () => {
		expect(SEED_EXAMPLE.length).toBe(80);
		expect(responseHashToSha1Hex(SEED_EXAMPLE)).toBe('CC282B2E077BBB17E81BB529DE3FA81F964A104F');
	});
	it('encodes the hex (any case) back to the seed example exactly', () => {
		expect(sha1HexToHashBytes('cc282b2e077bbb17e81bb529de3fa81f964a104f')).toEqual(SEED_EXAMPLE);
	});
	it('offers the 20 raw digest bytes as an alternative', () => {
		const raw = sha1HexToHashBytes('CC282B2E077BBB17E81BB529DE3FA81F964A104F', 'raw');
		expect(raw.length).toBe(20);
		expect(raw[0]).toBe(0xcc);
		expect(responseHashToSha1Hex(raw)).toBe('CC282B2E077BBB17E81BB529DE3FA81F964A104F');
	});
	it('rejects what is not a SHA-1', () => {
		expect(() => normaliseSha1Hex('abc')).toThrow(/not a SHA-1/);
		expect(() => sha1HexToHashBytes('zz282B2E077BBB17E81BB529DE3FA81F964A104F')).toThrow(/not a SHA-1/);
		expect(responseHashToSha1Hex([1, 2, 3])).toBeUndefined();
	});
});

import { dotnetUrlEncode } from '../../nodes/Firmador/protocol/dotnetUrlEncode';

describe('dotnetUrlEncode (.NET HttpUtility.UrlEncode)', () => {
	it('keeps letters, digits and - _ . ! * ( )', () => {
		expect(dotnetUrlEncode('AZaz09-_.!*()')).toBe('AZaz09-_.!*()');
	});
	it('turns a space into +', () => {
		expect(dotnetUrlEncode('a b')).toBe('a+b');
	});
	it("encodes ~ and ' (unlike encodeURIComponent) with lower-case hex", () => {
		expect(dotnetUrlEncode("~'")).toBe('%7e%27');
		expect(dotnetUrlEncode('http://h/a?b[]=1&c=2')).toBe('http%3a%2f%2fh%2fa%3fb%5b%5d%3d1%26c%3d2');
	});
	it('encodes each UTF-8 byte of non-ASCII text', () => {
		expect(dotnetUrlEncode('año')).toBe('a%c3%b1o');
		expect(dotnetUrlEncode('€')).toBe('%e2%82%ac');
	});
	it('encodes + and % themselves', () => {
		expect(dotnetUrlEncode('+%')).toBe('%2b%25');
	});
});

import { chunk, describeStatus, parseSessionIds, repairReasonPhrase } from '../../nodes/Firmador/protocol/status';

describe('Firmador status helpers', () => {
	it('follows the code table: 1, 4, 5 final; only 4 signed', () => {
		expect(
			[0, 1, 2, 3, 4, 5].map((c) => describeStatus(c, c === 1 ? 'El tiempo para validar la Solicitud ha expirado' : '').status),
		).toEqual(['pendingValidation', 'validationExpired', 'queued', 'signing', 'signed', 'failed']);
		expect(
			[0, 1, 2, 3, 4, 5].map((c) => describeStatus(c, c === 1 ? 'El tiempo para validar la Solicitud ha expirado' : '').final),
		).toEqual([false, true, false, false, true, true]);
		expect([0, 1, 2, 3, 4, 5].map((c) => describeStatus(c, '', 'expired').final)).toEqual([false, true, false, false, true, true]);
		expect(describeStatus(4).signed).toBe(true);
		expect(describeStatus('4').code).toBe(4);
		expect(describeStatus(9)).toEqual({ code: 9, status: 'unknown', final: false, signed: false, statusFrom: 'code' });
	});
	it('parses id lists', () => {
		expect(parseSessionIds(' a, b;c\nb ')).toEqual(['a', 'b', 'c']);
		expect(parseSessionIds(['x', 'x', ' y '])).toEqual(['x', 'y']);
		expect(parseSessionIds('')).toEqual([]);
	});
	it('chunks', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
	});
	it('repairs a UTF-8 reason phrase read as Latin-1 and leaves a good one alone', () => {
		const good = 'El usuario no posee un método de autenticación OTP';
		expect(repairReasonPhrase(Buffer.from(good, 'utf8').toString('latin1'))).toBe(good);
		expect(repairReasonPhrase(good)).toBe(good);
	});
});

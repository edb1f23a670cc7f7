import { checkCuit, cuitCheckDigit } from '../../nodes/shared/cuit';

describe('CUIT / CUIL check digit', () => {
	test.each(['20111111112', '20409378472', '30500010912', '27123456780', '20-40937847-2', ' 20 40937847 2 '])('%s is valid', (cuit) => {
		const result = checkCuit(cuit);
		expect(result).toEqual({ valid: true, cuit: cuit.replace(/\D/g, '') });
	});

	test('the check digit follows weights 5,4,3,2,7,6,5,4,3,2 mod 11', () => {
		// 2·5+0·4+4·3+0·2+9·7+3·6+7·5+8·4+4·3+7·2 = 207; 207 mod 11 = 9; 11-9 = 2
		expect(cuitCheckDigit('2040937847')).toBe(2);
		// 2·5+7·4+1·3+2·2+3·7+4·6+5·5+6·4+7·3+8·2 = 176 = 16·11: remainder 0 → digit 0
		expect(cuitCheckDigit('2712345678')).toBe(0);
	});

	test('remainder 1 has no check digit', () => {
		const withRemainderOne = Array.from({ length: 100 }, (_, i) => `20${String(i).padStart(8, '0')}`).find((ten) => {
			const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
			return weights.reduce((acc, w, i) => acc + w * Number(ten[i]), 0) % 11 === 1;
		})!;
		expect(cuitCheckDigit(withRemainderOne)).toBeUndefined();
		for (let d = 0; d <= 9; d++) expect(checkCuit(`${withRemainderOne}${d}`).valid).toBe(false);
	});

	test.each([
		['20409378473', 'has a wrong check digit'],
		// The CUIL of the shared HMAC vectors: fine for signing tests, but its check digit is wrong (should be 0).
		['27123456786', 'has a wrong check digit'],
		['2040937847', 'is not 11 digits'],
		['204093784721', 'is not 11 digits'],
		['99409378472', 'is not a CUIT/CUIL prefix'],
		['20.40937847.2', 'is not 11 digits'],
		['', 'is empty'],
	])('%s is refused: %s', (cuit, reason) => {
		const result = checkCuit(cuit);
		expect(result.valid).toBe(false);
		if (!result.valid) expect(result.reason).toContain(reason);
	});

	test('non-strings are refused, numbers are read as digits', () => {
		expect(checkCuit(undefined).valid).toBe(false);
		expect(checkCuit(20409378472)).toEqual({ valid: true, cuit: '20409378472' });
	});
});

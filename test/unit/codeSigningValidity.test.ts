import { codeSigningValidity, MAX_CODE_SIGNING_DAYS, validityDays, ValidityError } from '../../nodes/DigiCertCodeSigning/protocol/validity';

describe('codeSigningValidity', () => {
	it('one year → validity_years 1', () => {
		expect(codeSigningValidity({ unit: 'years', value: 1 })).toEqual({ validity_years: 1 });
	});
	it('days up to 459 → order_validity', () => {
		expect(codeSigningValidity({ unit: 'days', value: 459 })).toEqual({ order_validity: { days: 459 } });
		expect(codeSigningValidity({ unit: 'days', value: 1 })).toEqual({ order_validity: { days: 1 } });
		expect(MAX_CODE_SIGNING_DAYS).toBe(459);
	});
	it.each([2, 3])('%d years is refused with the reason', (years) => {
		expect(() => codeSigningValidity({ unit: 'years', value: years })).toThrow(ValidityError);
		expect(() => codeSigningValidity({ unit: 'years', value: years })).toThrow(/2026-02-24.*460 days/);
	});
	it('460 days and more, 0 days, fractions and 4 years are refused', () => {
		expect(() => codeSigningValidity({ unit: 'days', value: 460 })).toThrow(/maximum is 459/);
		expect(() => codeSigningValidity({ unit: 'days', value: 0 })).toThrow(/at least 1/);
		expect(() => codeSigningValidity({ unit: 'days', value: 30.5 })).toThrow(/whole number/);
		expect(() => codeSigningValidity({ unit: 'years', value: 4 })).toThrow(/must be 1/);
	});
	it('validityDays reads either form', () => {
		expect(validityDays({ validity_years: 1 })).toBe(365);
		expect(validityDays({ order_validity: { days: 200 } })).toBe(200);
	});
});

/**
 * CUIT / CUIL: Argentina's 11-digit tax ids. The last digit is a mod-11 check digit over the first ten
 * with weights 5,4,3,2,7,6,5,4,3,2 (ARCA's published algorithm).
 */
const WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const KNOWN_PREFIXES = ['20', '23', '24', '27', '30', '33', '34', '50', '51', '55'];

export type CuitCheck = { valid: true; cuit: string } | { valid: false; reason: string };

/** The check digit for the first ten digits, or undefined when none exists (remainder 1). */
export function cuitCheckDigit(firstTen: string): number | undefined {
	let sum = 0;
	for (let i = 0; i < 10; i++) sum += Number(firstTen[i]) * WEIGHTS[i];
	const remainder = sum % 11;
	if (remainder === 0) return 0;
	if (remainder === 1) return undefined;
	return 11 - remainder;
}

/** Accepts `20111111112` or `20-11111111-2` (spaces tolerated); returns the 11 bare digits. */
export function checkCuit(input: unknown): CuitCheck {
	if (typeof input !== 'string' && typeof input !== 'number') {
		return { valid: false, reason: 'is empty' };
	}
	const text = String(input).trim();
	if (text === '') return { valid: false, reason: 'is empty' };
	if (!/^\d{2}[- ]?\d{8}[- ]?\d$/.test(text)) {
		return { valid: false, reason: `"${text}" is not 11 digits (format 20111111112 or 20-11111111-2)` };
	}
	const digits = text.replace(/\D/g, '');
	if (!KNOWN_PREFIXES.includes(digits.slice(0, 2))) {
		return { valid: false, reason: `"${text}" starts with ${digits.slice(0, 2)}, which is not a CUIT/CUIL prefix` };
	}
	const expected = cuitCheckDigit(digits.slice(0, 10));
	if (expected === undefined || expected !== Number(digits[10])) {
		return { valid: false, reason: `"${text}" has a wrong check digit` };
	}
	return { valid: true, cuit: digits };
}

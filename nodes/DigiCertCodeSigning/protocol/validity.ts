/**
 * Validity of a DigiCert code-signing order. Since 2026-02-24 DigiCert issues no 2- or 3-year
 * code-signing certificates and from 2026-03-01 the CA/B Forum caps code-signing validity at 460 days;
 * DigiCert accepts `order_validity.days` up to 459. One year (`validity_years: 1`) remains valid.
 */

export const MAX_CODE_SIGNING_DAYS = 459;

export type ValiditySpec = { unit: 'years'; value: number } | { unit: 'days'; value: number };

export type ValidityBody = { validity_years: 1 } | { order_validity: { days: number } };

export class ValidityError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ValidityError';
	}
}

const MULTI_YEAR_REASON =
	'DigiCert stopped issuing 2- and 3-year code-signing certificates on 2026-02-24, and from 2026-03-01 the CA/Browser Forum caps code-signing validity at 460 days; choose 1 year or a number of days up to 459';

/** The order body fragment for a validity, or a ValidityError with the reason. */
export function codeSigningValidity(spec: ValiditySpec): ValidityBody {
	const value = Number(spec.value);
	if (!Number.isInteger(value)) throw new ValidityError(`must be a whole number, got ${JSON.stringify(spec.value)}`);
	if (spec.unit === 'years') {
		if (value === 1) return { validity_years: 1 };
		if (value === 2 || value === 3) throw new ValidityError(`of ${value} years is no longer possible: ${MULTI_YEAR_REASON}`);
		throw new ValidityError(`in years must be 1 (got ${value})`);
	}
	if (spec.unit === 'days') {
		if (value < 1) throw new ValidityError(`in days must be at least 1 (got ${value})`);
		if (value > MAX_CODE_SIGNING_DAYS) {
			throw new ValidityError(
				`of ${value} days is too long: the maximum is ${MAX_CODE_SIGNING_DAYS} days (CA/Browser Forum cap of 460 days from 2026-03-01)`,
			);
		}
		return { order_validity: { days: value } };
	}
	throw new ValidityError(`unit must be "years" or "days"`);
}

/** Days a validity body stands for (1 year = 365 days), e.g. for a simulator or a summary. */
export function validityDays(body: { validity_years?: number; order_validity?: { days?: number } }): number {
	if (body.order_validity?.days !== undefined) return body.order_validity.days;
	return (body.validity_years ?? 1) * 365;
}

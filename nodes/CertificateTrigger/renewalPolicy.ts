/**
 * When is a certificate due for renewal? Pure: the clock is passed in, nothing is read from the system.
 *
 * Two policies:
 * - `daysBefore`: due from `days` days before notAfter (if the lifetime is shorter than that, due from
 *   notBefore, i.e. as soon as the certificate is valid).
 * - `fractionRemaining`: due once less than `fraction` of the lifetime (notBefore → notAfter) remains;
 *   the default 1/3 is what certbot uses. Code-signing approval can take days, so lead time matters.
 *
 * The window starts at `windowStart` and is inclusive: at exactly windowStart the certificate is due.
 * An expired certificate stays due (the window never closes on its own); a certificate that is not yet
 * valid is never due.
 */

import { DAY_MS } from '../shared/time';

const DEFAULT_FRACTION = 1 / 3;

export type RenewalPolicy = { mode: 'daysBefore'; days: number } | { mode: 'fractionRemaining'; fraction?: number };

export type RenewalRule = 'daysBefore' | 'fractionRemaining';

export interface RenewalAssessment {
	/** Renewal is due now (now ≥ windowStart and the certificate is already valid). */
	due: boolean;
	/** When the renewal window opens (ISO 8601). */
	windowStart: string;
	/** Whole days from now to notAfter, rounded down; negative once expired. */
	daysRemaining: number;
	/** Lifetime notBefore → notAfter in days (may be fractional). */
	lifetimeDays: number;
	/** The rule of the policy that decides; set whether or not it is due. */
	rule: RenewalRule;
	/** Human text for the rule, e.g. "30 days before expiry" or "less than 1/3 of the lifetime left". */
	ruleText: string;
	expired: boolean;
	notYetValid: boolean;
}

function toDate(value: Date | string, name: string): Date {
	const date = value instanceof Date ? new Date(value.getTime()) : new Date(value);
	if (Number.isNaN(date.getTime())) throw new RangeError(`${name} is not a valid date: ${String(value)}`);
	return date;
}

/** 1/3 → "1/3", 0.25 → "1/4", 0.4 → "40%". */
export function describeFraction(fraction: number): string {
	const inverse = 1 / fraction;
	if (Math.abs(inverse - Math.round(inverse)) < 1e-9) return `1/${Math.round(inverse)}`;
	return `${Math.round(fraction * 1000) / 10}%`;
}

/** Throws a RangeError naming the bad field; returns the policy with defaults filled in. */
export function normalizePolicy(policy: RenewalPolicy): Required<RenewalPolicy> {
	if (policy.mode === 'daysBefore') {
		if (typeof policy.days !== 'number' || !Number.isFinite(policy.days) || policy.days <= 0) {
			throw new RangeError(`Days Before Expiry must be a number greater than 0, got ${String(policy.days)}`);
		}
		return { mode: 'daysBefore', days: policy.days };
	}
	if (policy.mode === 'fractionRemaining') {
		const fraction = policy.fraction ?? DEFAULT_FRACTION;
		if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction <= 0 || fraction >= 1) {
			throw new RangeError(`Fraction of Lifetime Remaining must be between 0 and 1 (exclusive), got ${String(fraction)}`);
		}
		return { mode: 'fractionRemaining', fraction };
	}
	throw new RangeError(`Unknown renewal policy mode: ${String((policy as { mode: unknown }).mode)}`);
}

export function assessRenewal(
	notBeforeIn: Date | string,
	notAfterIn: Date | string,
	nowIn: Date | string,
	policyIn: RenewalPolicy,
): RenewalAssessment {
	const notBefore = toDate(notBeforeIn, 'notBefore');
	const notAfter = toDate(notAfterIn, 'notAfter');
	const now = toDate(nowIn, 'now');
	if (notAfter.getTime() <= notBefore.getTime()) {
		throw new RangeError(`notAfter (${notAfter.toISOString()}) must be later than notBefore (${notBefore.toISOString()})`);
	}
	const policy = normalizePolicy(policyIn);
	const lifetimeMs = notAfter.getTime() - notBefore.getTime();

	let windowStartMs: number;
	let ruleText: string;
	if (policy.mode === 'daysBefore') {
		windowStartMs = Math.max(notBefore.getTime(), notAfter.getTime() - policy.days * DAY_MS);
		ruleText = `${policy.days} days before expiry`;
	} else {
		// Rounded to the millisecond so that "exactly at the window start" is a representable instant.
		windowStartMs = notAfter.getTime() - Math.round(lifetimeMs * policy.fraction);
		ruleText = `less than ${describeFraction(policy.fraction)} of the lifetime left`;
	}

	const nowMs = now.getTime();
	const notYetValid = nowMs < notBefore.getTime();
	const expired = nowMs >= notAfter.getTime();
	return {
		due: !notYetValid && nowMs >= windowStartMs,
		windowStart: new Date(windowStartMs).toISOString(),
		daysRemaining: Math.floor((notAfter.getTime() - nowMs) / DAY_MS),
		lifetimeDays: lifetimeMs / DAY_MS,
		rule: policy.mode,
		ruleText,
		expired,
		notYetValid,
	};
}

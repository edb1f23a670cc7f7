/**
 * DigiCert order statuses (pending, needs_approval, processing, waiting_pickup, reissue_pending, issued,
 * rejected, canceled, revoked, expired, ...) folded into six that workflows branch on.
 */

import { DAY_MS } from '../../shared/time';

export type NormalizedStatus = 'pending' | 'issued' | 'rejected' | 'canceled' | 'revoked' | 'expired';

/** The statuses DigiCert gives an order, as the order list filter and the trigger offer them. */
export const ORDER_STATUSES = [
	'pending',
	'needs_approval',
	'processing',
	'waiting_pickup',
	'reissue_pending',
	'issued',
	'rejected',
	'canceled',
	'revoked',
	'expired',
] as const;

const MAP: Record<string, NormalizedStatus> = {
	pending: 'pending',
	submitted: 'pending',
	approved: 'pending',
	needs_approval: 'pending',
	processing: 'pending',
	waiting_pickup: 'pending',
	reissue_pending: 'pending',
	awaiting_validation: 'pending',
	issued: 'issued',
	rejected: 'rejected',
	denied: 'rejected',
	canceled: 'canceled',
	cancelled: 'canceled',
	revoked: 'revoked',
	expired: 'expired',
};

/**
 * DigiCert's dates: a bare `YYYY-MM-DD` (or a full timestamp). One reading for the node and the trigger:
 * a certificate valid till a day is valid through the end of that day (UTC), and valid from its start.
 * Returns epoch milliseconds, NaN when unreadable.
 */
export function digiCertInstant(value: unknown, edge: 'start' | 'end'): number {
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (!text) return Number.NaN;
	if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T${edge === 'end' ? '23:59:59.999' : '00:00:00.000'}Z`);
	return Date.parse(text);
}

/**
 * Normalises a raw status. An "issued" order whose valid_till has passed counts as expired; an
 * unknown status is treated as pending (still in DigiCert's hands) rather than as a success.
 */
export function normalizeStatus(raw: string | undefined | null, validTill?: string | null, now: Date = new Date()): NormalizedStatus {
	const key = String(raw ?? '')
		.trim()
		.toLowerCase();
	const status = MAP[key] ?? 'pending';
	if (status === 'issued' && validTill) {
		const end = digiCertInstant(validTill, 'end');
		if (!Number.isNaN(end) && end < now.getTime()) return 'expired';
	}
	return status;
}

/** Whole days from `now` until the end of `validTill` (YYYY-MM-DD or ISO); negative once past. */
export function daysUntil(validTill: string | null | undefined, now: Date = new Date()): number | null {
	if (!validTill) return null;
	const end = digiCertInstant(validTill, 'end');
	if (Number.isNaN(end)) return null;
	return Math.floor((end - now.getTime()) / DAY_MS);
}

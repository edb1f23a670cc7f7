/**
 * DigiCert order statuses (pending, needs_approval, processing, waiting_pickup, reissue_pending, issued,
 * rejected, canceled, revoked, expired, ...) folded into six that workflows branch on.
 */

export type NormalizedStatus = 'pending' | 'issued' | 'rejected' | 'canceled' | 'revoked' | 'expired';

export const NORMALIZED_STATUSES: NormalizedStatus[] = ['pending', 'issued', 'rejected', 'canceled', 'revoked', 'expired'];

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
 * Normalises a raw status. An "issued" order whose valid_till has passed counts as expired; an
 * unknown status is treated as pending (still in DigiCert's hands) rather than as a success.
 */
export function normalizeStatus(raw: string | undefined | null, validTill?: string | null, now: Date = new Date()): NormalizedStatus {
	const key = String(raw ?? '').trim().toLowerCase();
	const status = MAP[key] ?? 'pending';
	if (status === 'issued' && validTill) {
		const end = Date.parse(validTill.length === 10 ? `${validTill}T23:59:59Z` : validTill);
		if (!Number.isNaN(end) && end < now.getTime()) return 'expired';
	}
	return status;
}

/** Whole days from `now` until the end of `validTill` (YYYY-MM-DD or ISO); negative once past. */
export function daysUntil(validTill: string | null | undefined, now: Date = new Date()): number | null {
	if (!validTill) return null;
	const end = Date.parse(validTill.length === 10 ? `${validTill}T23:59:59Z` : validTill);
	if (Number.isNaN(end)) return null;
	return Math.floor((end - now.getTime()) / 86_400_000);
}

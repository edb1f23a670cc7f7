/**
 * The Certificate Trigger's de-duplication state, as plain JSON (it lives in n8n's workflow static data).
 * Pure: every function takes the old state and the clock and returns a new state; nothing is mutated.
 *
 * Renewal due
 *   One entry per certificate that is due, keyed by issuer + serial: a renewed (or reissued) certificate has
 *   a new serial and therefore a new key, so it starts with a clean slate. An entry remembers that the event
 *   fired for the certificate's current renewal window, when, and when the last reminder went out.
 *   A certificate that is not due has no entry: if it leaves the due state (e.g. the policy was relaxed)
 *   its entry is dropped, so that entering the window again fires again. Entries of certificates no longer listed by a source that
 *   was read successfully are pruned after a grace period (a source that failed prunes nothing).
 *
 * The status-changes feed's own state (cursor and seen changes) is a rule of DigiCert's endpoint: it lives in
 * DigiCertCodeSigning/protocol/statusFeed.ts.
 */

import { DAY_MS } from '../shared/time';

export type CertSource = 'digicert' | 'pem';

export interface RenewalEntry {
	source: CertSource;
	/** Order id or PEM label: for people reading the state, not used as a key. */
	ref: string;
	/** The renewal window the event fired for (ISO); undefined: not fired (yet, or reset). */
	firedWindowStart?: string;
	firedAt?: string;
	/** The last firing, first or reminder (ISO). */
	lastFiredAt?: string;
	reminders: number;
	lastSeenAt: string;
}

export interface RenewalState {
	version: 1;
	certs: Record<string, RenewalEntry>;
}

export const emptyRenewalState = (): RenewalState => ({ version: 1, certs: {} });

/** Normalises whatever static data holds (nothing, an older shape, garbage) into a RenewalState. */
export function readRenewalState(raw: unknown): RenewalState {
	const state = raw as Partial<RenewalState> | undefined;
	if (!state || state.version !== 1 || typeof state.certs !== 'object' || state.certs === null) return emptyRenewalState();
	// One damaged entry (null, a number, a missing window) must not stop the trigger: it is forgotten, and
	// the certificate it stood for is judged afresh on this poll.
	const certs: Record<string, RenewalEntry> = {};
	for (const [key, entry] of Object.entries(state.certs)) {
		if (entry && typeof entry === 'object' && !Array.isArray(entry)) certs[key] = entry;
	}
	return { version: 1, certs };
}

/** Serials compare case- and separator-insensitively (DigiCert prints hex upper case, OpenSSL with colons). */
export function certificateKey(issuer: string, serial: string): string {
	const cleanSerial = serial
		.replace(/[^0-9a-f]/gi, '')
		.toUpperCase()
		.replace(/^0+(?=.)/, '');
	return `${issuer.trim()}#${cleanSerial}`;
}

export interface ObservedCertificate {
	key: string;
	source: CertSource;
	ref: string;
	due: boolean;
	windowStart: string;
}

export type FireKind = 'due' | 'reminder';

export interface RenewalDecision {
	key: string;
	fire: FireKind | null;
}

export interface RenewalOptions {
	/** Reminder every N days while still due; 0 / undefined: none. */
	reminderEveryDays?: number;
}

/**
 * Decides, for each observed certificate, whether the event fires now, and returns the state as it must
 * be once those events are emitted. Call it with the certificates of every source that was read.
 */
export function planRenewalEvents(
	state: RenewalState,
	observed: ObservedCertificate[],
	now: Date,
	options: RenewalOptions = {},
): { decisions: RenewalDecision[]; next: RenewalState } {
	const nowIso = now.toISOString();
	const certs: Record<string, RenewalEntry> = { ...state.certs };
	const decisions: RenewalDecision[] = [];
	const every = options.reminderEveryDays ?? 0;
	for (const cert of observed) {
		const previous = certs[cert.key];
		const entry: RenewalEntry = previous
			? { ...previous, source: cert.source, ref: cert.ref, lastSeenAt: nowIso }
			: { source: cert.source, ref: cert.ref, reminders: 0, lastSeenAt: nowIso };
		let fire: FireKind | null = null;
		if (!cert.due) {
			// Out of the window: nothing to remember (entering the window again fires again). Not keeping an entry
			// per certificate that is not due keeps the state small for large accounts (50,000 orders: under 1 MB).
			delete certs[cert.key];
			decisions.push({ key: cert.key, fire });
			continue;
		} else if (entry.firedWindowStart === undefined) {
			fire = 'due';
			entry.firedWindowStart = cert.windowStart;
			entry.firedAt = nowIso;
			entry.lastFiredAt = nowIso;
			entry.reminders = 0;
		} else if (every > 0 && entry.lastFiredAt && now.getTime() - Date.parse(entry.lastFiredAt) >= every * DAY_MS) {
			fire = 'reminder';
			entry.lastFiredAt = nowIso;
			entry.reminders += 1;
		}
		certs[cert.key] = entry;
		decisions.push({ key: cert.key, fire });
	}
	return { decisions, next: { version: 1, certs } };
}

/**
 * Drops entries of the given sources whose certificate was not seen for `graceDays` (0: not seen in
 * this poll). Pass only the sources that were read successfully in this poll.
 */
export function pruneRenewalState(state: RenewalState, sourcesRead: CertSource[], now: Date, graceDays = 0): RenewalState {
	const limit = now.getTime() - graceDays * DAY_MS;
	const certs: Record<string, RenewalEntry> = {};
	for (const [key, entry] of Object.entries(state.certs)) {
		if (sourcesRead.includes(entry.source) && !(Date.parse(entry.lastSeenAt) >= limit)) continue;
		certs[key] = entry;
	}
	return { version: 1, certs };
}

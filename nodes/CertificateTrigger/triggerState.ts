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
 * Order status changed
 *   A cursor (the time of the last poll) and the changes already emitted. Each poll asks for the changes
 *   of the last (now − cursor + overlap) minutes: the overlap absorbs clock skew between n8n and the
 *   service and a change recorded late; the seen set stops the overlap from emitting twice. The
 *   status-changes endpoint returns no timestamp, so a change is keyed by order id + certificate id +
 *   status, stamped with the time we first saw it; a key is forgotten once no window can return it again
 *   (a time watermark: the set holds only what the next window can return, with no count cap, so a burst
 *   of 20,000 changes is never emitted twice). Keys are stored grouped by the time they were first seen.
 */

import { DAY_MS } from '../shared/time';

const MINUTE_MS = 60_000;

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
	const cleanSerial = serial.replace(/[^0-9a-f]/gi, '').toUpperCase().replace(/^0+(?=.)/, '');
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
export function pruneRenewalState(
	state: RenewalState,
	sourcesRead: CertSource[],
	now: Date,
	graceDays = 0,
): RenewalState {
	const limit = now.getTime() - graceDays * DAY_MS;
	const certs: Record<string, RenewalEntry> = {};
	for (const [key, entry] of Object.entries(state.certs)) {
		if (sourcesRead.includes(entry.source) && !(Date.parse(entry.lastSeenAt) >= limit)) continue;
		certs[key] = entry;
	}
	return { version: 1, certs };
}

/* ------------------------------------------------------------------------------------------------ */
/* Order status changes                                                                              */
/* ------------------------------------------------------------------------------------------------ */

export interface StatusChangeState {
	version: 2;
	/** Time of the last poll whose window is covered (ISO). Undefined before the first poll. */
	cursor?: string;
	/** when we first saw them (ISO) → the change keys first seen then. */
	seen: Record<string, string[]>;
}

export const emptyStatusChangeState = (): StatusChangeState => ({ version: 2, seen: {} });

/** Reads the stored state; version 1 (key → time) is converted, anything damaged starts afresh. */
export function readStatusChangeState(raw: unknown): StatusChangeState {
	const state = raw as { version?: number; cursor?: unknown; seen?: unknown } | undefined;
	if (!state || typeof state.seen !== 'object' || state.seen === null || Array.isArray(state.seen)) return emptyStatusChangeState();
	const cursor = typeof state.cursor === 'string' ? state.cursor : undefined;
	const seen: Record<string, string[]> = {};
	if (state.version === 1) {
		for (const [key, at] of Object.entries(state.seen as Record<string, unknown>)) if (typeof at === 'string') (seen[at] ??= []).push(key);
		return { version: 2, cursor, seen };
	}
	if (state.version !== 2) return emptyStatusChangeState();
	for (const [at, keys] of Object.entries(state.seen as Record<string, unknown>)) {
		if (Array.isArray(keys)) seen[at] = keys.filter((k): k is string => typeof k === 'string');
	}
	return { version: 2, cursor, seen };
}

export interface StatusChange {
	order_id: number | string;
	certificate_id?: number | string | null;
	status: string;
}

export const statusChangeKey = (change: StatusChange) =>
	`${String(change.order_id)}:${change.certificate_id === undefined || change.certificate_id === null ? '' : String(change.certificate_id)}:${change.status}`;

export interface WindowOptions {
	/** Minutes re-read before the cursor on every poll. */
	overlapMinutes: number;
	/** The endpoint's limit (DigiCert: 7 days = 10080 minutes). */
	maxMinutes: number;
}

export const DEFAULT_WINDOW: WindowOptions = { overlapMinutes: 5, maxMinutes: 10_080 };

/**
 * How many minutes to ask for. `truncated` is true when the cursor is older than the endpoint allows:
 * changes before (now − maxMinutes) cannot be read any more.
 */
export function statusWindowMinutes(
	state: StatusChangeState,
	now: Date,
	options: WindowOptions = DEFAULT_WINDOW,
): { minutes: number; windowStart: string; truncated: boolean; firstPoll: boolean } {
	const firstPoll = state.cursor === undefined || Number.isNaN(Date.parse(state.cursor));
	let minutes: number;
	if (firstPoll) {
		minutes = Math.max(1, options.overlapMinutes);
	} else {
		const elapsed = Math.max(0, now.getTime() - Date.parse(state.cursor as string));
		minutes = Math.ceil(elapsed / MINUTE_MS) + options.overlapMinutes;
	}
	const truncated = minutes > options.maxMinutes;
	minutes = Math.max(1, Math.min(minutes, options.maxMinutes));
	return { minutes, windowStart: new Date(now.getTime() - minutes * MINUTE_MS).toISOString(), truncated, firstPoll };
}

/**
 * Given the changes the window returned, says which are new (to emit, if their status is watched) and
 * returns the state to keep: cursor = now, every returned change marked seen (watched or not, so a
 * change is judged once), keys no window can return again forgotten.
 *
 * On the first poll (no cursor) nothing is emitted unless `emitOnFirstPoll`: the changes returned are
 * only marked seen, so activating the trigger does not replay history.
 */
export function planStatusChanges(
	state: StatusChangeState,
	changes: StatusChange[],
	now: Date,
	options: WindowOptions & { emitOnFirstPoll?: boolean } = DEFAULT_WINDOW,
): { fresh: StatusChange[]; next: StatusChangeState } {
	const { windowStart, firstPoll } = statusWindowMinutes(state, now, options);
	const nowIso = now.toISOString();
	const seen: Record<string, string[]> = {};
	const known = new Set<string>();
	// A key seen before the start of this window (minus the overlap, for skew) cannot come back.
	const forgetBefore = Date.parse(windowStart) - options.overlapMinutes * MINUTE_MS;
	for (const [seenAt, keys] of Object.entries(state.seen)) {
		if (!(Date.parse(seenAt) >= forgetBefore)) continue;
		seen[seenAt] = keys;
		for (const key of keys) known.add(key);
	}
	const fresh: StatusChange[] = [];
	const firstSeenNow: string[] = [];
	for (const change of changes) {
		const key = statusChangeKey(change);
		if (known.has(key)) continue;
		known.add(key);
		firstSeenNow.push(key);
		if (!firstPoll || options.emitOnFirstPoll) fresh.push(change);
	}
	if (firstSeenNow.length) seen[nowIso] = [...(seen[nowIso] ?? []), ...firstSeenNow];
	return { fresh, next: { version: 2, cursor: nowIso, seen } };
}

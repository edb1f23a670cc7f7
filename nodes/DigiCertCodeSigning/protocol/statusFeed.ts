/**
 * DigiCert's order status-changes feed (GET /order/certificate/status-changes?minutes=N), read incrementally.
 * Pure: every function takes the old state and the clock and returns a new state; nothing is mutated.
 *
 * A cursor (the time of the last read) and the changes already seen. Each read asks for the changes
 * of the last (now − cursor + overlap) minutes: the overlap absorbs clock skew between n8n and the
 * service and a change recorded late; the seen set stops the overlap from returning a change twice. The
 * endpoint returns no timestamp, so a change is keyed by order id + certificate id + status, stamped with
 * the time we first saw it; a key is forgotten once no window can return it again (a time watermark: the
 * set holds only what the next window can return, with no count cap, so a burst of 20,000 changes is
 * never reported twice). Keys are stored grouped by the time they were first seen. The endpoint reads at
 * most 7 days back.
 */

const MINUTE_MS = 60_000;

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

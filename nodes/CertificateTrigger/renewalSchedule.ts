/**
 * Renewal Due over DigiCert without listing the account on every poll. Pure: the clock is passed in.
 *
 * A full scan lists every issued order that can be due within a day (see dueHorizon) and keeps, per order
 * that is not due yet, the instant its renewal window opens (and, for due orders with reminders on, when
 * the next reminder is owed). Until `validUntil`, nothing else can become due: orders beyond the listing's
 * horizon open their window more than a day after the scan, and every order the scan saw is scheduled.
 * What could break that promise between scans is an order that changes (issued, reissued, revoked, renewed),
 * and those show up in DigiCert's status-changes feed, one cheap request per poll. So a poll between scans
 * costs one request, plus one order read per order whose time has come or that changed to "issued".
 * A rescan happens once validUntil passes (at most a day after the last scan) or when the settings change.
 */
import { readStatusChangeState, type StatusChangeState } from '../DigiCertCodeSigning/protocol/statusFeed';
import { DAY_MS } from '../shared/time';

/** A full scan is trusted this long: the listing horizon (dueHorizon) keeps one day in hand. */
export const SCAN_VALID_MS = DAY_MS;
/** Upcoming entries kept; beyond them the scan is trusted only until the first one left out. */
export const MAX_UPCOMING = 500;

/** [instant in ms, order id]: the order's renewal window opens, or its next reminder is owed, at that instant. */
export type UpcomingEntry = [number, number];

export interface RenewalSchedule {
	version: 1;
	/** The settings the scan was made with; other settings mean a new scan. */
	settingsKey: string;
	scannedAt: number;
	validUntil: number;
	/** The status-changes feed read so far (cursor + changes already seen, as for "Order status changed"). */
	changes: StatusChangeState;
	/** Soonest first. */
	upcoming: UpcomingEntry[];
}

const isEntry = (value: unknown): value is UpcomingEntry =>
	Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && Number.isSafeInteger(value[1]);

/** Whatever static data holds, as a schedule, or undefined (then the poll scans). */
export function readSchedule(raw: unknown): RenewalSchedule | undefined {
	const s = raw as Partial<RenewalSchedule> | undefined;
	if (!s || s.version !== 1 || typeof s.settingsKey !== 'string' || !Array.isArray(s.upcoming)) return undefined;
	if (![s.scannedAt, s.validUntil].every((n) => typeof n === 'number' && Number.isFinite(n))) return undefined;
	if (!s.upcoming.every(isEntry)) return undefined;
	const changes = readStatusChangeState(s.changes);
	// Without a cursor the feed cannot say what changed since the scan.
	if (changes.cursor === undefined) return undefined;
	return { version: 1, settingsKey: s.settingsKey, scannedAt: s.scannedAt!, validUntil: s.validUntil!, changes, upcoming: s.upcoming };
}

/** The schedule can stand in for a scan: made with these settings, not expired, and the clock did not go back. */
export function scheduleHolds(schedule: RenewalSchedule | undefined, settingsKey: string, now: Date): schedule is RenewalSchedule {
	const t = now.getTime();
	return !!schedule && schedule.settingsKey === settingsKey && t < schedule.validUntil && t >= schedule.scannedAt;
}

const bySoonest = (a: UpcomingEntry, b: UpcomingEntry) => a[0] - b[0] || a[1] - b[1];

/** Keeps at most MAX_UPCOMING entries; if some are left out, the schedule ends where they begin. */
function bounded(entries: UpcomingEntry[], validUntil: number): { upcoming: UpcomingEntry[]; validUntil: number } {
	const sorted = entries.filter(([at]) => at < validUntil).sort(bySoonest);
	if (sorted.length <= MAX_UPCOMING) return { upcoming: sorted, validUntil };
	return { upcoming: sorted.slice(0, MAX_UPCOMING), validUntil: sorted[MAX_UPCOMING][0] };
}

/**
 * The schedule a full scan leaves: `entries` holds every future instant the scan found; `changes` is the
 * feed's state with what it returned at the scan marked seen (the scan already reflects those changes).
 */
export function scheduleFromScan(settingsKey: string, entries: UpcomingEntry[], changes: StatusChangeState, now: Date): RenewalSchedule {
	const t = now.getTime();
	return { version: 1, settingsKey, scannedAt: t, changes, ...bounded(entries, t + SCAN_VALID_MS) };
}

/** The entries whose time has come (order ids, each once). */
export function dueOrderIds(schedule: RenewalSchedule, now: Date): number[] {
	const ids = new Set<number>();
	for (const [at, id] of schedule.upcoming) if (at <= now.getTime()) ids.add(id);
	return [...ids];
}

/**
 * The schedule after a poll between scans: the orders this poll read or dropped (`replaced`) lose their old
 * entries and get the ones in `entries`; `changes` is the feed's new state. An entry at or after
 * validUntil is left to the next scan.
 */
export function advanceSchedule(
	schedule: RenewalSchedule,
	replaced: Iterable<number>,
	entries: UpcomingEntry[],
	changes: StatusChangeState,
): RenewalSchedule {
	const gone = new Set(replaced);
	const kept = schedule.upcoming.filter(([, id]) => !gone.has(id));
	return { ...schedule, changes, ...bounded([...kept, ...entries], schedule.validUntil) };
}

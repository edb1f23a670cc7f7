import {
	advanceSchedule,
	dueOrderIds,
	MAX_UPCOMING,
	readSchedule,
	SCAN_VALID_MS,
	scheduleFromScan,
	scheduleHolds,
	type UpcomingEntry,
} from '../../nodes/CertificateTrigger/renewalSchedule';
import { emptyStatusChangeState, type StatusChangeState } from '../../nodes/DigiCertCodeSigning/protocol/statusFeed';

const NOW = new Date('2026-12-01T06:00:00Z');
const T = NOW.getTime();
const feed: StatusChangeState = { version: 2, cursor: NOW.toISOString(), seen: {} };

describe('renewal schedule', () => {
	test('a scan keeps its future entries soonest first, trusted for a day', () => {
		const s = scheduleFromScan(
			'k',
			[
				[T + 5000, 2],
				[T + 1000, 1],
				[T + 2 * SCAN_VALID_MS, 3],
			],
			feed,
			NOW,
		);
		expect(s.upcoming).toEqual([
			[T + 1000, 1],
			[T + 5000, 2],
		]);
		expect(s.validUntil).toBe(T + SCAN_VALID_MS);
		expect(s.scannedAt).toBe(T);
	});

	test('beyond MAX_UPCOMING entries the schedule ends where the first left-out entry begins', () => {
		const entries: UpcomingEntry[] = Array.from({ length: MAX_UPCOMING + 10 }, (_, i) => [T + (i + 1) * 1000, i + 1]);
		const s = scheduleFromScan('k', entries.reverse(), feed, NOW);
		expect(s.upcoming).toHaveLength(MAX_UPCOMING);
		expect(s.upcoming[0]).toEqual([T + 1000, 1]);
		expect(s.validUntil).toBe(T + (MAX_UPCOMING + 1) * 1000);
	});

	test('holds for the same settings from the scan until validUntil, not before the scan (clock went back)', () => {
		const s = scheduleFromScan('k', [], feed, NOW);
		expect(scheduleHolds(s, 'k', NOW)).toBe(true);
		expect(scheduleHolds(s, 'k', new Date(T + SCAN_VALID_MS - 1))).toBe(true);
		expect(scheduleHolds(s, 'k', new Date(T + SCAN_VALID_MS))).toBe(false);
		expect(scheduleHolds(s, 'k', new Date(T - 1))).toBe(false);
		expect(scheduleHolds(s, 'other settings', NOW)).toBe(false);
		expect(scheduleHolds(undefined, 'k', NOW)).toBe(false);
	});

	test('due ids: each order once, entries at or before now', () => {
		const s = scheduleFromScan(
			'k',
			[
				[T + 1000, 7],
				[T + 2000, 7],
				[T + 3000, 8],
			],
			feed,
			NOW,
		);
		expect(dueOrderIds(s, new Date(T + 2000))).toEqual([7]);
		expect(dueOrderIds(s, new Date(T + 999))).toEqual([]);
	});

	test('advancing replaces the entries of the orders read, keeps the rest, drops what is past validUntil', () => {
		const s = scheduleFromScan(
			'k',
			[
				[T + 1000, 1],
				[T + 2000, 2],
			],
			feed,
			NOW,
		);
		const later: StatusChangeState = { version: 2, cursor: new Date(T + 60_000).toISOString(), seen: {} };
		const next = advanceSchedule(
			s,
			[1],
			[
				[T + 9000, 1],
				[T + 2 * SCAN_VALID_MS, 5],
			],
			later,
		);
		expect(next.upcoming).toEqual([
			[T + 2000, 2],
			[T + 9000, 1],
		]);
		expect(next.changes).toBe(later);
		expect(next.validUntil).toBe(s.validUntil);
	});

	test('static data that is not a schedule reads as none (the poll scans)', () => {
		const good = scheduleFromScan('k', [[T + 1000, 1]], feed, NOW);
		expect(readSchedule(JSON.parse(JSON.stringify(good)))).toEqual(good);
		for (const bad of [
			undefined,
			null,
			7,
			{},
			{ ...good, version: 2 },
			{ ...good, upcoming: [[1, 'x']] },
			{ ...good, validUntil: 'soon' },
			{ ...good, changes: emptyStatusChangeState() },
		]) {
			expect(readSchedule(bad)).toBeUndefined();
		}
	});
});

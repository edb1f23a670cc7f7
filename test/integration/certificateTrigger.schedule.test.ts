/**
 * Renewal Due between full scans (renewalSchedule.ts) against the DigiCert simulator: a poll costs one
 * status-changes request unless an order's time has come or an order changed. The clock moves with jest's
 * fake Date only (timers stay real: the HTTP in between is real), for the trigger and the simulator alike.
 */
import { sleep, type IDataObject } from 'n8n-workflow';

import { CertificateTrigger } from '../../nodes/CertificateTrigger/CertificateTrigger.node';
import { DIGICERT_BACKOFF, type ClientSettings } from '../../nodes/DigiCertCodeSigning/transport';
import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { PollHarness } from '../support/nodeContext';

jest.setTimeout(30_000);

const DAY = 86_400_000;
const MINUTE = 60_000;
const START = Date.parse('2026-12-01T06:00:00Z');
const ymdAt = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('Renewal Due: a full scan a day, the status-changes feed in between', () => {
	let sim: DigiCertSimulator;
	let clock = START;
	const setClock = (ms: number) => {
		clock = ms;
		jest.setSystemTime(ms);
	};
	const tuning: ClientSettings = { backoff: DIGICERT_BACKOFF, sleep, random: Math.random, timeoutMs: 60_000 };

	beforeAll(async () => {
		jest.useFakeTimers({
			doNotFake: [
				'nextTick',
				'setImmediate',
				'clearImmediate',
				'setTimeout',
				'clearTimeout',
				'setInterval',
				'clearInterval',
				'queueMicrotask',
				'hrtime',
				'performance',
			],
		});
		setClock(START);
		sim = await startDigiCertSimulator({ issueAfterReads: null, rateLimit: null });
	});
	afterAll(async () => {
		await sim.close();
		jest.useRealTimers();
	});

	const harnessFor = (parameters: IDataObject) =>
		new PollHarness(new CertificateTrigger(), {
			parameters: { event: 'renewalDue', includeDigiCert: true, includePem: false, product: '', options: {}, ...parameters },
			credentials: { digiCertApi: { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url } },
			digiCert: tuning,
		});

	/** Runs one poll; returns its items and the paths it requested. */
	async function poll(harness: PollHarness) {
		const before = sim.control.requests.length;
		const items = await harness.pollItems();
		const paths = sim.control.requests.slice(before).map((r) => r.path.replace(/\?.*/, ''));
		return { ids: items.map((item) => item.orderId), items, paths };
	}
	const scheduleOf = (harness: PollHarness) =>
		harness.memory.renewalSchedule as unknown as { validUntil: number; upcoming: Array<[number, number]> };
	const feed = '/order/certificate/status-changes';
	const list = '/order/certificate';

	test('a quiet poll is one request; a window opening between scans costs one order read; the next day scans again', async () => {
		// Issued long ago (the feed no longer returns them), 30-day policy. Expiry days chosen against START.
		const past = new Date(START - 200 * DAY);
		const due = sim.control.seedOrder({
			status: 'issued',
			validTill: ymdAt(START + 10 * DAY),
			statusChangedAt: past,
			commonName: 'Due now',
		});
		const opensToday = sim.control.seedOrder({
			status: 'issued',
			validTill: ymdAt(START + 30 * DAY),
			statusChangedAt: past,
			commonName: 'Opens today',
		});
		const later = sim.control.seedOrder({
			status: 'issued',
			validTill: ymdAt(START + 90 * DAY),
			statusChangedAt: past,
			commonName: 'Later',
		});
		const harness = harnessFor({ policy: 'daysBefore', daysBefore: 30 });

		const scan = await poll(harness);
		expect(scan.ids).toEqual([due.id]);
		expect(scan.paths).toEqual([feed, list]);
		const schedule = scheduleOf(harness);
		const entry = schedule.upcoming.find(([, id]) => id === opensToday.id);
		expect(entry).toBeDefined();
		expect(entry![0]).toBeGreaterThan(START);
		expect(entry![0]).toBeLessThan(schedule.validUntil);
		expect(schedule.upcoming.some(([, id]) => id === later.id)).toBe(false); // beyond the listing's horizon

		setClock(START + MINUTE);
		expect(await poll(harness)).toMatchObject({ ids: [], paths: [feed] });

		setClock(entry![0] - MINUTE);
		expect(await poll(harness)).toMatchObject({ ids: [], paths: [feed] });

		setClock(entry![0]);
		const opened = await poll(harness);
		expect(opened.ids).toEqual([opensToday.id]);
		expect(opened.paths).toEqual([feed, `${list}/${opensToday.id}`]);
		expect(opened.items[0]).toMatchObject({ event: 'renewalDue', commonName: 'Opens today', due: true });

		setClock(entry![0] + MINUTE);
		expect(await poll(harness)).toMatchObject({ ids: [], paths: [feed] });

		setClock(schedule.validUntil);
		const rescan = await poll(harness);
		expect(rescan.paths).toEqual([feed, list]);
		expect(rescan.ids).toEqual([]); // both already fired
	});

	test('an order issued between scans fires on the next poll; a scheduled order revoked before its window never fires', async () => {
		setClock(START + 3 * DAY);
		const now = () => clock;
		const past = new Date(now() - 100 * DAY);
		const scheduled = sim.control.seedOrder({
			status: 'issued',
			validTill: ymdAt(now() + 30 * DAY),
			statusChangedAt: past,
			commonName: 'To be revoked',
		});
		const harness = harnessFor({ policy: 'daysBefore', daysBefore: 30, product: 'code_signing' });
		const scan = await poll(harness);
		expect(scan.paths).toEqual([feed, list]);
		const entry = scheduleOf(harness).upcoming.find(([, id]) => id === scheduled.id)!;
		expect(entry).toBeDefined();

		setClock(now() + 10 * MINUTE);
		const fresh = sim.control.seedOrder({ status: 'issued', validTill: ymdAt(now() + 12 * DAY), commonName: 'Issued just now' });
		const other = sim.control.seedOrder({
			status: 'issued',
			product: 'code_signing_ev',
			validTill: ymdAt(now() + 12 * DAY),
			commonName: 'Other product',
		});
		const issued = await poll(harness);
		expect(issued.ids).toEqual([fresh.id]);
		expect(issued.paths.sort()).toEqual([feed, `${list}/${fresh.id}`, `${list}/${other.id}`].sort());

		setClock(now() + 10 * MINUTE);
		const response = await fetch(`${sim.url}/order/certificate/${scheduled.id}/revoke`, {
			method: 'PUT',
			headers: { 'X-DC-DEVKEY': sim.apiKey, 'Content-Type': 'application/json' },
			body: JSON.stringify({ comments: 'key lost', skip_approval: true }),
		});
		expect(response.status).toBe(204);
		expect(await poll(harness)).toMatchObject({ ids: [], paths: [feed] });
		expect(scheduleOf(harness).upcoming.some(([, id]) => id === scheduled.id)).toBe(false);

		setClock(entry[0] + MINUTE);
		expect(await poll(harness)).toMatchObject({ ids: [], paths: [feed] });
	});

	test('changed settings scan at once; a restart between scans repeats no event', async () => {
		setClock(START + 6 * DAY);
		const past = new Date(clock - 100 * DAY);
		const order = sim.control.seedOrder({
			status: 'issued',
			validTill: ymdAt(clock + 20 * DAY),
			statusChangedAt: past,
			commonName: 'Twenty days',
		});
		const harness = harnessFor({ policy: 'daysBefore', daysBefore: 10 });
		expect((await poll(harness)).paths).toEqual([feed, list]);
		const entry = scheduleOf(harness).upcoming.find(([, id]) => id === order.id);
		expect(entry).toBeUndefined(); // opens in ~10 days: beyond the day the scan is trusted

		setClock(clock + MINUTE);
		harness.setParameter('daysBefore', 25);
		const rescan = await poll(harness);
		expect(rescan.paths).toEqual([feed, list]);
		expect(rescan.ids).toContain(order.id);

		// The event poll saved the state; quiet polls after it are lost in a restart, and that is harmless.
		setClock(clock + MINUTE);
		expect((await poll(harness)).ids).toEqual([]);
		harness.restart();
		setClock(clock + MINUTE);
		const afterRestart = await poll(harness);
		expect(afterRestart).toMatchObject({ ids: [], paths: [feed] });
	});
});

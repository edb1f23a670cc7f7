import {
	certificateKey,
	emptyRenewalState,
	ObservedCertificate,
	planRenewalEvents,
	pruneRenewalState,
	readRenewalState,
} from '../../nodes/CertificateTrigger/triggerState';
import {
	DEFAULT_WINDOW,
	emptyStatusChangeState,
	planStatusChanges,
	readStatusChangeState,
	statusChangeKey,
	statusWindowMinutes,
} from '../../nodes/DigiCertCodeSigning/protocol/statusFeed';
import { DAY_MS } from '../../nodes/shared/time';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const later = (ms: number, from = T0) => new Date(from.getTime() + ms);
const MIN = 60_000;

const cert = (serial: string, due: boolean, extra: Partial<ObservedCertificate> = {}): ObservedCertificate => ({
	key: certificateKey('CN=Test CA', serial),
	source: 'pem',
	ref: `label-${serial}`,
	due,
	windowStart: '2026-04-01T00:00:00.000Z',
	...extra,
});

describe('certificateKey', () => {
	test('issuer + serial, serial normalised (case, colons, leading zeros)', () => {
		expect(certificateKey('CN=CA', '0a:1B:ff')).toBe(certificateKey('CN=CA', 'A1BFF'));
		expect(certificateKey('CN=CA', '00')).toBe('CN=CA#0');
		expect(certificateKey('CN=CA', 'A1')).not.toBe(certificateKey('CN=Other CA', 'A1'));
	});
});

describe('planRenewalEvents', () => {
	test('fires once per certificate per window; the next poll is quiet', () => {
		const first = planRenewalEvents(emptyRenewalState(), [cert('01', true), cert('02', false)], T0);
		expect(first.decisions).toEqual([
			{ key: certificateKey('CN=Test CA', '01'), fire: 'due' },
			{ key: certificateKey('CN=Test CA', '02'), fire: null },
		]);
		const entry = first.next.certs[certificateKey('CN=Test CA', '01')];
		expect(entry.firedWindowStart).toBe('2026-04-01T00:00:00.000Z');
		expect(entry.firedAt).toBe(T0.toISOString());
		const second = planRenewalEvents(first.next, [cert('01', true), cert('02', false)], later(MIN));
		expect(second.decisions.map((d) => d.fire)).toEqual([null, null]);
	});

	test('a renewed certificate (new serial) is a new key and fires; the old one stops being seen', () => {
		const first = planRenewalEvents(emptyRenewalState(), [cert('01', true)], T0);
		const renewed = planRenewalEvents(first.next, [cert('03', true)], later(MIN));
		expect(renewed.decisions).toEqual([{ key: certificateKey('CN=Test CA', '03'), fire: 'due' }]);
		const pruned = pruneRenewalState(renewed.next, ['pem'], later(MIN));
		expect(Object.keys(pruned.certs)).toEqual([certificateKey('CN=Test CA', '03')]);
	});

	test('reminders every N days while still due, boundary inclusive', () => {
		const opts = { reminderEveryDays: 7 };
		let state = planRenewalEvents(emptyRenewalState(), [cert('01', true)], T0, opts).next;
		let step = planRenewalEvents(state, [cert('01', true)], later(7 * DAY_MS - 1), opts);
		expect(step.decisions[0].fire).toBeNull();
		state = step.next;
		step = planRenewalEvents(state, [cert('01', true)], later(7 * DAY_MS), opts);
		expect(step.decisions[0].fire).toBe('reminder');
		expect(step.next.certs[certificateKey('CN=Test CA', '01')].reminders).toBe(1);
		state = step.next;
		step = planRenewalEvents(state, [cert('01', true)], later(10 * DAY_MS), opts);
		expect(step.decisions[0].fire).toBeNull();
		step = planRenewalEvents(step.next, [cert('01', true)], later(14 * DAY_MS), opts);
		expect(step.decisions[0].fire).toBe('reminder');
		expect(step.next.certs[certificateKey('CN=Test CA', '01')].reminders).toBe(2);
	});

	test('no reminders without the option', () => {
		const state = planRenewalEvents(emptyRenewalState(), [cert('01', true)], T0).next;
		expect(planRenewalEvents(state, [cert('01', true)], later(100 * DAY_MS)).decisions[0].fire).toBeNull();
	});

	test('leaving the window resets the entry: entering it again fires again', () => {
		const fired = planRenewalEvents(emptyRenewalState(), [cert('01', true)], T0).next;
		const out = planRenewalEvents(fired, [cert('01', false)], later(MIN));
		expect(out.decisions[0].fire).toBeNull();
		expect(out.next.certs[certificateKey('CN=Test CA', '01')]).toBeUndefined();
		expect(planRenewalEvents(out.next, [cert('01', true)], later(2 * MIN)).decisions[0].fire).toBe('due');
	});

	test('does not mutate its input', () => {
		const state = emptyRenewalState();
		const frozen = JSON.stringify(state);
		planRenewalEvents(state, [cert('01', true)], T0);
		expect(JSON.stringify(state)).toBe(frozen);
	});
});

describe('pruneRenewalState', () => {
	test('only sources that were read are pruned; grace period honoured', () => {
		let state = planRenewalEvents(emptyRenewalState(), [cert('01', true), cert('D1', true, { source: 'digicert', ref: '42' })], T0).next;
		// next poll: the DigiCert source failed, the PEM list no longer has 01
		state = planRenewalEvents(state, [], later(MIN)).next;
		const pemOnly = pruneRenewalState(state, ['pem'], later(MIN));
		expect(Object.values(pemOnly.certs).map((e) => e.source)).toEqual(['digicert']);
		const withGrace = pruneRenewalState(state, ['pem', 'digicert'], later(MIN), 1);
		expect(Object.keys(withGrace.certs)).toHaveLength(2);
		const afterGrace = pruneRenewalState(state, ['pem', 'digicert'], later(DAY_MS + 1), 1);
		expect(Object.keys(afterGrace.certs)).toHaveLength(0);
	});
});

describe('readRenewalState / readStatusChangeState', () => {
	test('garbage or nothing gives an empty state', () => {
		expect(readRenewalState(undefined)).toEqual(emptyRenewalState());
		expect(readRenewalState({ version: 2, certs: {} })).toEqual(emptyRenewalState());
		expect(readRenewalState({ version: 1, certs: null })).toEqual(emptyRenewalState());
		expect(readStatusChangeState('x')).toEqual(emptyStatusChangeState());
		expect(readStatusChangeState({ version: 1, cursor: 5, seen: {} })).toEqual({ version: 2, cursor: undefined, seen: {} });
	});
});

describe('statusWindowMinutes', () => {
	test('first poll: the overlap only', () => {
		expect(statusWindowMinutes(emptyStatusChangeState(), T0)).toEqual({
			minutes: 5,
			windowStart: later(-5 * MIN).toISOString(),
			truncated: false,
			firstPoll: true,
		});
	});
	test('elapsed minutes rounded up plus the overlap', () => {
		const state = { version: 2 as const, cursor: T0.toISOString(), seen: {} };
		expect(statusWindowMinutes(state, later(60_001)).minutes).toBe(2 + 5);
		expect(statusWindowMinutes(state, later(60_000)).minutes).toBe(1 + 5);
		expect(statusWindowMinutes(state, T0).minutes).toBe(5);
	});
	test('capped at the endpoint limit of 7 days, and says so', () => {
		const state = { version: 2 as const, cursor: T0.toISOString(), seen: {} };
		const w = statusWindowMinutes(state, later(8 * DAY_MS));
		expect(w.minutes).toBe(10_080);
		expect(w.truncated).toBe(true);
		expect(statusWindowMinutes(state, later(7 * DAY_MS - 10 * MIN)).truncated).toBe(false);
	});
	test('a cursor in the future (clock moved back) still asks for at least the overlap', () => {
		const state = { version: 2 as const, cursor: later(DAY_MS).toISOString(), seen: {} };
		expect(statusWindowMinutes(state, T0).minutes).toBe(5);
	});
});

describe('planStatusChanges', () => {
	const issued = { order_id: 101, certificate_id: 9001, status: 'issued' };
	const pending = { order_id: 102, certificate_id: 9002, status: 'pending' };

	test('first poll marks what it sees without emitting; new changes emit once', () => {
		const first = planStatusChanges(emptyStatusChangeState(), [pending], T0);
		expect(first.fresh).toEqual([]);
		expect(first.next.cursor).toBe(T0.toISOString());
		expect(first.next.seen[T0.toISOString()]).toEqual([statusChangeKey(pending)]);

		const second = planStatusChanges(first.next, [pending, issued], later(MIN));
		expect(second.fresh).toEqual([issued]);
		// the overlap returns the same change again: not emitted twice
		const third = planStatusChanges(second.next, [issued], later(2 * MIN));
		expect(third.fresh).toEqual([]);
	});

	test('emitOnFirstPoll emits on the first poll', () => {
		expect(planStatusChanges(emptyStatusChangeState(), [issued], T0, { ...DEFAULT_WINDOW, emitOnFirstPoll: true }).fresh).toEqual([issued]);
	});

	test('the same order moving to another status is a new change; duplicates in one response count once', () => {
		const state = { version: 2 as const, cursor: T0.toISOString(), seen: {} };
		const r = planStatusChanges(state, [pending, { ...pending, status: 'issued' }, pending], later(MIN));
		expect(r.fresh.map((c) => c.status)).toEqual(['pending', 'issued']);
	});

	test('a key is forgotten only once no window can return it again', () => {
		let state = planStatusChanges({ version: 2, cursor: T0.toISOString(), seen: {} }, [issued], later(MIN)).next;
		// polls every minute: the key must survive while windows (overlap 5 min + skew margin 5 min) can reach it
		for (let m = 2; m <= 11; m++) {
			state = planStatusChanges(state, [], later(m * MIN)).next;
			expect(Object.values(state.seen).flat()).toContain(statusChangeKey(issued));
		}
		state = planStatusChanges(state, [], later(13 * MIN)).next;
		expect(Object.values(state.seen).flat()).toContain(statusChangeKey(issued));
		state = planStatusChanges(state, [], later(14 * MIN)).next;
		expect(Object.values(state.seen).flat()).not.toContain(statusChangeKey(issued));
	});

	test('a stale cursor (state not saved on quiet polls, then a restart) re-reads and still de-duplicates', () => {
		const saved = planStatusChanges({ version: 2, cursor: T0.toISOString(), seen: {} }, [issued], later(MIN)).next;
		// in memory: two quiet polls moved the cursor; the process restarts: back to `saved`
		const afterRestart = planStatusChanges(saved, [issued, pending], later(30 * MIN));
		expect(statusWindowMinutes(saved, later(30 * MIN)).minutes).toBe(29 + 5);
		expect(afterRestart.fresh).toEqual([pending]);
	});

	test.each([6_000, 20_000])(
		'%i changes inside one window are each emitted once (no count cap: the old 5,000 cap re-emitted the overflow)',
		(count) => {
			const many = Array.from({ length: count }, (_, i) => ({ order_id: 1_000_000 + i, certificate_id: 5_000_000 + i, status: 'issued' }));
			const first = planStatusChanges({ version: 2, cursor: T0.toISOString(), seen: {} }, many, later(MIN));
			expect(first.fresh).toHaveLength(count);
			// the next polls' windows return the same changes again (overlap), plus one new
			const extra = { order_id: 42, certificate_id: 43, status: 'revoked' };
			const second = planStatusChanges(first.next, [...many, extra], later(2 * MIN));
			expect(second.fresh).toEqual([extra]);
			const third = planStatusChanges(second.next, [...many, extra], later(3 * MIN));
			expect(third.fresh).toEqual([]);
			// stored compactly: keys grouped by the time they were first seen
			expect(Object.keys(third.next.seen)).toHaveLength(2);
			expect(JSON.stringify(third.next).length).toBeLessThan(count * 30);
		},
	);

	test('a version-1 state (key → time) is read and de-duplicates as before', () => {
		const v1 = { version: 1, cursor: T0.toISOString(), seen: { [statusChangeKey(issued)]: T0.toISOString() } };
		const next = planStatusChanges(readStatusChangeState(v1), [issued, pending], later(MIN));
		expect(next.fresh).toEqual([pending]);
		expect(readStatusChangeState({ version: 9, seen: {} })).toEqual(emptyStatusChangeState());
	});
});

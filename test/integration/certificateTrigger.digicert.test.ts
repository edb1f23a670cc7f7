/**
 * The Certificate Trigger's poll() against the DigiCert simulator, through the DigiCert node's transport,
 * with n8n's static-data rules (saved only when items are returned; restart() reloads the saved copy).
 */
import { sleep, type IDataObject } from 'n8n-workflow';

import { CertificateTrigger } from '../../nodes/CertificateTrigger/CertificateTrigger.node';
import { DIGICERT_BACKOFF, type ClientSettings } from '../../nodes/DigiCertCodeSigning/transport';
import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { PollHarness, runDigiCertNode } from '../support/nodeContext';

// How the DigiCert client of every run here waits and retries (given per run: no process-wide state).
jest.setTimeout(30_000);

const tuning: ClientSettings = { backoff: DIGICERT_BACKOFF, sleep, random: Math.random, timeoutMs: 60_000 };

const DAY = 86_400_000;
const ymd = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

describe('Certificate Trigger against the DigiCert simulator', () => {
	let sim: DigiCertSimulator;
	const realSleep = tuning.sleep;

	beforeAll(async () => {
		sim = await startDigiCertSimulator({ issueAfterReads: null });
		tuning.sleep = async () => undefined; // retries without waiting
	});
	afterAll(async () => {
		tuning.sleep = realSleep;
		await sim.close();
	});

	const harnessFor = (parameters: IDataObject, apiKey = sim.apiKey, mode: 'trigger' | 'manual' = 'trigger') =>
		new PollHarness(new CertificateTrigger(), {
			parameters,
			mode,
			credentials: { digiCertApi: { apiKey, region: 'custom', baseUrl: sim.url } },
			digiCert: tuning,
		});

	const renewalParams = (extra: IDataObject = {}): IDataObject => ({
		event: 'renewalDue',
		includeDigiCert: true,
		includePem: false,
		product: '',
		container: { __rl: true, mode: 'list', value: '' },
		policy: 'daysBefore',
		daysBefore: 400,
		options: {},
		...extra,
	});

	test('Renewal due: once per certificate; nothing on the next poll or after a restart; a renewal (new serial) fires', async () => {
		const due = sim.control.seedOrder({ status: 'issued', validTill: ymd(20), commonName: 'Due Corp' });
		const notDue = sim.control.seedOrder({ status: 'issued', validFrom: ymd(-10), validTill: ymd(440), commonName: 'Fresh Corp' });
		const ev = sim.control.seedOrder({
			status: 'issued',
			product: 'code_signing_ev',
			validTill: ymd(5),
			commonName: 'EV Corp',
			containerId: 765432,
		});
		const pending = sim.control.seedOrder({ status: 'pending', commonName: 'Pending Corp' });
		const harness = harnessFor(renewalParams());

		const first = await harness.pollItems();
		expect(first.map((item) => item.orderId).sort()).toEqual([due.id, ev.id].sort());
		const dueItem = first.find((item) => item.orderId === due.id)!;
		expect(dueItem).toMatchObject({
			event: 'renewalDue',
			source: 'digicert',
			commonName: 'Due Corp',
			serialNumber: expect.stringMatching(/^[0-9A-F]+$/),
			product: 'code_signing',
			policy: { mode: 'daysBefore', days: 400, rule: '400 days before expiry' },
			due: true,
		});
		expect(dueItem.daysRemaining).toBeGreaterThanOrEqual(19);
		expect(dueItem.daysRemaining).toBeLessThanOrEqual(20);
		expect(first.some((item) => item.orderId === notDue.id || item.orderId === pending.id)).toBe(false);

		expect(await harness.pollItems()).toEqual([]);
		harness.restart();
		expect(await harness.pollItems()).toEqual([]);

		const renewal = sim.control.renewOrder(due.id);
		const afterRenewal = await harness.pollItems();
		expect(afterRenewal.map((item) => item.orderId)).toEqual([renewal.id]);
		expect(afterRenewal[0].serialNumber).not.toBe(dueItem.serialNumber);
		expect(await harness.pollItems()).toEqual([]);
		harness.restart();
		expect(await harness.pollItems()).toEqual([]);

		// filters: product and container narrow the listing (a fresh trigger state)
		const evOnly = harnessFor(renewalParams({ product: 'code_signing_ev' }));
		expect((await evOnly.pollItems()).map((item) => item.orderId)).toEqual([ev.id]);
		const container = harnessFor(renewalParams({ container: { __rl: true, mode: 'id', value: '765432' } }));
		expect((await container.pollItems()).map((item) => item.orderId)).toEqual([ev.id]);
		const listCalls = sim.control.requests.filter((r) => r.path.startsWith('/order/certificate?'));
		expect(listCalls[listCalls.length - 1].path).toContain('filters%5Bcontainer_id%5D=765432');
	});

	test('Renewal due: fraction policy; a renewed certificate with a full lifetime does not fire', async () => {
		const order = sim.control.seedOrder({ status: 'issued', validTill: ymd(30), commonName: 'Fraction Corp' });
		const harness = harnessFor(renewalParams({ policy: 'fractionRemaining', fraction: 0.3333 }));
		const first = await harness.pollItems();
		expect(first.map((item) => item.orderId)).toContain(order.id);
		const item = first.find((i) => i.orderId === order.id)!;
		expect(item.policy).toEqual({ mode: 'fractionRemaining', fraction: 1 / 3, rule: 'less than 1/3 of the lifetime left' });
		sim.control.renewOrder(order.id);
		expect(await harness.pollItems()).toEqual([]);
	});

	test('Renewal due: manual mode returns one sample and writes nothing', async () => {
		const harness = harnessFor(renewalParams(), sim.apiKey, 'manual');
		const sample = await harness.pollItems();
		expect(sample).toHaveLength(1);
		expect(sample[0]).toMatchObject({ sample: true, source: 'digicert' });
		expect(harness.memory).toEqual({});
	});

	test('a bad API key fails the poll (activation) with a clear error and no secret', async () => {
		const harness = harnessFor(renewalParams(), 'wrong-key-123');
		let message = '';
		try {
			await harness.poll();
		} catch (error) {
			message = `${(error as Error).message} ${(error as { description?: string }).description ?? ''}`;
		}
		expect(message).toMatch(/API key/i);
		expect(message).toMatch(/access_denied/);
		expect(message).not.toContain('wrong-key-123');
		expect(harness.memory).toEqual({});
	});

	test('Order status changed: baseline first, then each change once; overlap and restart do not repeat', async () => {
		const harness = harnessFor({ event: 'orderStatusChanged', statuses: ['issued'], options: {} });
		const waiting = sim.control.seedOrder({ status: 'pending', commonName: 'Waiting Corp' });
		// first poll: baseline, nothing emitted even though changes exist in the window
		expect(await harness.pollItems()).toEqual([]);
		expect(harness.saved).toBe('{}'); // n8n saves nothing on a null poll

		sim.control.issueOrder(waiting.id);
		const issued = await harness.pollItems();
		expect(issued).toHaveLength(1);
		expect(issued[0]).toMatchObject({ event: 'orderStatusChanged', orderId: waiting.id, status: 'issued' });
		expect((issued[0].order as { id: number; status: string }).id).toBe(waiting.id);
		expect((issued[0].order as { certificate: { serial_number: string } }).certificate.serial_number).toMatch(/^[0-9A-F]+$/);

		// the next poll's window overlaps the change: not emitted again
		expect(await harness.pollItems()).toEqual([]);
		harness.restart();
		expect(await harness.pollItems()).toEqual([]);

		// a status not watched: seen, not emitted; then a watched one on another order
		const other = sim.control.seedOrder({ status: 'pending', commonName: 'Other Corp' });
		sim.control.setStatus(other.id, 'rejected');
		expect(await harness.pollItems()).toEqual([]);
		const third = sim.control.seedOrder({ status: 'pending', commonName: 'Third Corp' });
		sim.control.issueOrder(third.id);
		const next = await harness.pollItems();
		expect(next.map((item) => item.orderId)).toEqual([third.id]);
		const windowCalls = sim.control.requests.filter((r) => r.path.startsWith('/order/certificate/status-changes'));
		for (const call of windowCalls) expect(call.path).toMatch(/minutes=\d+$/);
	});

	test('one order shape: both events carry the order as Order → Get outputs it (normalised status, rawStatus, validFrom/validTill, product)', async () => {
		const credentials = { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url };
		const nodeOutput = async (orderId: number) =>
			(
				await runDigiCertNode({
					digiCert: tuning,
					credentials,
					parameters: { resource: 'order', operation: 'get', orderId: String(orderId) },
				} as never)
			).output[0].json as IDataObject;
		const shared = [
			'orderId',
			'status',
			'rawStatus',
			'certificateId',
			'commonName',
			'validFrom',
			'validTill',
			'daysRemaining',
			'product',
			'organizationId',
			'containerId',
			'alternativeOrderId',
		];
		const pick = (json: IDataObject) => Object.fromEntries(shared.map((key) => [key, json[key]]));

		const due = sim.control.seedOrder({
			status: 'issued',
			product: 'code_signing_ev',
			validTill: ymd(12),
			commonName: 'Shape Corp',
			containerId: 765432,
		});
		const [fired] = (
			await harnessFor(renewalParams({ product: 'code_signing_ev', container: { __rl: true, mode: 'id', value: '765432' } })).pollItems()
		).filter((item) => item.orderId === due.id);
		const node = await nodeOutput(due.id);
		expect(node.product).toBe('code_signing_ev');
		expect(node.validTill).toBe(ymd(12));
		expect(pick(fired)).toEqual(pick(node));
		for (const old of ['notBefore', 'notAfter', 'productNameId', 'reference']) {
			expect(fired).not.toHaveProperty(old);
			expect(node).not.toHaveProperty(old);
		}

		const harness = harnessFor({ event: 'orderStatusChanged', statuses: [], options: {} });
		expect(await harness.pollItems()).toEqual([]);
		const waiting = sim.control.seedOrder({ status: 'pending', commonName: 'Shape Waiting Corp' });
		sim.control.setStatus(waiting.id, 'needs_approval');
		const [changed] = (await harness.pollItems()).filter((item) => item.orderId === waiting.id);
		expect(changed).toMatchObject({ status: 'pending', rawStatus: 'needs_approval' });
		expect(pick(changed)).toEqual(pick(await nodeOutput(waiting.id)));
	});

	test('Order status changed: a failing feed request moves nothing, the next poll repeats the window', async () => {
		const harness = harnessFor({ event: 'orderStatusChanged', statuses: [], options: {} });
		expect(await harness.pollItems()).toEqual([]);
		const order = sim.control.seedOrder({ status: 'pending', commonName: 'Flaky Corp' });
		sim.control.issueOrder(order.id);
		const before = JSON.stringify(harness.memory);
		sim.control.addFault({
			method: 'GET',
			path: '/order/certificate/status-changes',
			kind: 'status',
			status: 404,
			body: { errors: [{ code: 'not_found|endpoint', message: 'gone' }] },
		});
		await expect(harness.poll()).rejects.toThrow();
		expect(JSON.stringify(harness.memory)).toBe(before);
		const items = await harness.pollItems();
		expect(items.map((item) => [item.orderId, item.status])).toEqual([[order.id, 'issued']]);
	});

	test('Order status changed: one order DigiCert will not return is emitted with the reason (the trigger does not jam on it)', async () => {
		const harness = harnessFor({ event: 'orderStatusChanged', statuses: [], options: {} });
		expect(await harness.pollItems()).toEqual([]);
		const order = sim.control.seedOrder({ status: 'pending', commonName: 'Gone Corp' });
		sim.control.issueOrder(order.id);
		sim.control.addFault({
			method: 'GET',
			path: `/order/certificate/${order.id}`,
			kind: 'status',
			status: 404,
			body: { errors: [{ code: 'not_found|order', message: 'gone' }] },
		});
		const items = await harness.pollItems();
		expect(items).toEqual([
			expect.objectContaining({
				orderId: order.id,
				status: 'issued',
				order: null,
				problem: expect.stringMatching(/^DigiCert did not return order \d+: .*gone/),
			}),
		]);
		expect(await harness.pollItems()).toEqual([]);
	});

	test('Order status changed: manual mode returns the latest change with its order, no state', async () => {
		const harness = harnessFor({ event: 'orderStatusChanged', statuses: ['issued'], options: {} }, sim.apiKey, 'manual');
		const sample = await harness.pollItems();
		expect(sample).toHaveLength(1);
		expect(sample[0]).toMatchObject({ event: 'orderStatusChanged', sample: true, status: 'issued' });
		expect(harness.memory).toEqual({});
	});

	test('bad settings fail the poll (so activation) with the field named, before any request', async () => {
		const cases: Array<[string, IDataObject, RegExp, IDataObject?]> = [
			['no source', renewalParams({ includeDigiCert: false, includePem: false }), /^No certificate source selected/],
			[
				'PEM list empty',
				renewalParams({ includeDigiCert: false, includePem: true, pemCertificates: { certificate: [] } }),
				/^PEM Certificates is empty/,
			],
			[
				'PEM without a certificate',
				renewalParams({
					includeDigiCert: false,
					includePem: true,
					pemCertificates: { certificate: [{ label: 'arca', pem: 'PASTE HERE' }] },
				}),
				/^PEM Certificates: "arca" holds no PEM certificate/,
			],
			[
				'PEM of 2 MB',
				renewalParams({
					includeDigiCert: false,
					includePem: true,
					pemCertificates: { certificate: [{ label: 'big', pem: '-----BEGIN CERTIFICATE-----\n'.repeat(80_000) }] },
				}),
				/at most 1024 KB is accepted/,
			],
			[
				'reminder days negative',
				renewalParams({ options: { reminderEveryDays: -1 } }),
				/^Remind Every \(Days\) must be 0 \(off\) or a positive number/,
			],
			['container id negative', renewalParams({ container: { __rl: true, mode: 'id', value: '-3' } }), /^Container must be a container ID/],
			[
				'plain http credential',
				renewalParams(),
				/is plain http/,
				{ apiKey: sim.apiKey, region: 'custom', baseUrl: 'http://digicert-proxy.example.com/services/v2' },
			],
		];
		const before = sim.control.requests.length;
		for (const [name, parameters, message, credential] of cases) {
			const harness = credential
				? new PollHarness(new CertificateTrigger(), { parameters, credentials: { digiCertApi: credential }, digiCert: tuning })
				: harnessFor(parameters);
			const error = await harness.pollItems().then(
				() => undefined,
				(e: Error) => e,
			);
			expect({ name, message: error?.message }).toEqual({ name, message: expect.stringMatching(message) });
		}
		expect(sim.control.requests.length).toBe(before);
	});
});

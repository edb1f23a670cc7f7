/**
 * Issue #19 (low): one record the trigger cannot read never jams it. An order DigiCert will not return
 * (404/403/5xx after retries) and an unreadable PEM entry are skipped and reported; the cursor moves on
 * and every other change or certificate is emitted.
 */
import { CertificateTrigger } from '../../nodes/CertificateTrigger/CertificateTrigger.node';
import { DIGICERT_BACKOFF, type ClientSettings } from '../../nodes/DigiCertCodeSigning/transport';
import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { PollHarness } from '../support/nodeContext';
import { TestCa } from '../support/testCa';

jest.setTimeout(60_000);

const tuning: ClientSettings = { backoff: DIGICERT_BACKOFF, sleep: async () => undefined, random: () => 0.5, timeoutMs: 30_000 };
let sim: DigiCertSimulator;
beforeAll(async () => {
	sim = await startDigiCertSimulator({ issueAfterReads: null, rateLimit: null });
});
afterAll(async () => await sim?.close());

const harness = (parameters: Record<string, unknown>) =>
	new PollHarness(new CertificateTrigger(), {
		parameters,
		credentials: { digiCertApi: { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url } },
		digiCert: tuning,
	} as never);

test('Order status changed: an order DigiCert will not return is emitted with the reason, the others in full; the next poll moves on', async () => {
	const trigger = harness({ event: 'orderStatusChanged', statuses: [], options: {} });
	expect(await trigger.pollItems()).toEqual([]); // first poll: the baseline
	const [broken, fine] = [sim.control.seedOrder({ status: 'pending' }), sim.control.seedOrder({ status: 'pending' })];
	sim.control.setStatus(broken.id, 'rejected');
	sim.control.setStatus(fine.id, 'rejected');
	for (const status of [404, 503]) {
		sim.control.clearFaults();
		sim.control.addFault({ kind: 'status', status, path: `/order/certificate/${broken.id}`, times: 100 });
		const items = await trigger.pollItems();
		const byOrder = Object.fromEntries(items.map((item) => [item.orderId, item]));
		if (status === 404) {
			expect(Object.keys(byOrder).map(Number).sort()).toEqual([broken.id, fine.id].sort());
			expect(byOrder[broken.id]).toMatchObject({
				event: 'orderStatusChanged',
				status: 'rejected',
				order: null,
				problem: expect.stringMatching(new RegExp(`^DigiCert did not return order ${broken.id}: `)),
			});
			expect((byOrder[fine.id].order as { id: number }).id).toBe(fine.id);
		} else {
			// the cursor moved on: nothing is emitted twice, and the trigger does not throw
			expect(items).toEqual([]);
		}
	}
	sim.control.clearFaults();
});

test('Renewal Due: one unreadable PEM entry is skipped and reported; the due certificate fires', async () => {
	const ca = new TestCa('/CN=Resilience CA');
	try {
		const due = ca.issue({ subject: '/CN=due.example', days: 10 });
		const trigger = harness({
			event: 'renewalDue',
			includeDigiCert: false,
			includePem: true,
			pemCertificates: {
				certificate: [
					{ label: 'broken', pem: '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----' },
					{ label: 'due', pem: due.certPem },
				],
			},
			policy: 'daysBefore',
			daysBefore: 30,
			options: {},
		});
		const items = await trigger.pollItems();
		expect(items.map((item) => item.label)).toEqual(['due']);
		expect(items[0].skippedRecords).toEqual([
			{ source: 'pem', ref: 'broken', reason: expect.stringMatching(/^not a readable X\.509 certificate/) },
		]);
		expect(await trigger.pollItems()).toEqual([]);
		// only unreadable entries: a configuration problem, the poll (and so the activation) fails with the reason
		const allBroken = harness({
			event: 'renewalDue',
			includeDigiCert: false,
			includePem: true,
			pemCertificates: {
				certificate: [{ label: 'broken', pem: '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----' }],
			},
			policy: 'daysBefore',
			daysBefore: 30,
			options: {},
		});
		await expect(allBroken.pollItems()).rejects.toThrow('PEM Certificates: "broken" is not a readable X.509 certificate');
	} finally {
		ca.dispose();
	}
});

test('Renewal Due: an order DigiCert will not return when read in full is skipped and reported; the others fire', async () => {
	const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
	const trigger = harness({
		event: 'renewalDue',
		includeDigiCert: true,
		includePem: false,
		product: '',
		container: { __rl: true, mode: 'list', value: '' },
		policy: 'daysBefore',
		daysBefore: 30,
		options: {},
	});
	expect((await trigger.pollItems()).length).toBeGreaterThanOrEqual(0); // baseline scan of whatever the account holds
	// issued between scans (due in 10 days): the feed names both, each is read in full
	const [broken, fine] = [
		sim.control.seedOrder({ status: 'issued', validTill: inDays(10), statusChangedAt: new Date() }),
		sim.control.seedOrder({ status: 'issued', validTill: inDays(10), statusChangedAt: new Date() }),
	];
	sim.control.addFault({ kind: 'status', status: 404, path: `/order/certificate/${broken.id}`, times: 100 });
	const items = await trigger.pollItems();
	expect(items.map((item) => item.orderId)).toEqual([fine.id]);
	expect(items[0].skippedRecords).toEqual([
		{ source: 'digicert', ref: String(broken.id), reason: expect.stringMatching(/^DigiCert did not return the order: /) },
	]);
	sim.control.clearFaults();
});

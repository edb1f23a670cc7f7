/**
 * The Certificate Trigger's "Renewal due" event on PEM certificates (real X.509 from an openssl test CA),
 * driven through poll() with n8n's static-data rules (saved only when items are returned).
 */
import { CertificateTrigger } from '../../nodes/CertificateTrigger/CertificateTrigger.node';
import { PollHarness } from '../support/nodeContext';
import { TestCa } from '../support/testCa';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

describe('Certificate Trigger: Renewal due on PEM certificates', () => {
	let ca: TestCa;
	let pems: Record<string, { certPem: string; serialHex: string }>;

	beforeAll(() => {
		ca = new TestCa();
		pems = {
			// 1-year certificate, 300 days in: 65 days left < 1/3 of 365 → due (fraction policy)
			due: ca.issue({ subject: '/CN=due.example', days: 365, notBefore: daysAgo(300) }),
			// fresh 1-year certificate → not due
			fresh: ca.issue({ subject: '/CN=fresh.example', days: 365, notBefore: daysAgo(10) }),
			// expired two days ago → due (and expired)
			expired: ca.issue({ subject: '/CN=expired.example', days: 30, notBefore: daysAgo(32) }),
			// valid from tomorrow → not due
			future: ca.issue({ subject: '/CN=future.example', days: 10, notBefore: daysAgo(-1) }),
			// the renewal of "due": new serial, fresh
			renewed: ca.issue({ subject: '/CN=due.example', days: 365, notBefore: daysAgo(0.01) }),
		};
	});
	afterAll(() => ca.dispose());

	const params = (entries: Array<[string, string]>, extra: Record<string, unknown> = {}) => ({
		event: 'renewalDue',
		includeDigiCert: false,
		includePem: true,
		pemCertificates: { certificate: entries.map(([label, pem]) => ({ label, pem })) },
		policy: 'fractionRemaining',
		fraction: 0.3333,
		options: {},
		...extra,
	});

	test('fires once per due certificate, nothing on the next poll or after a restart; a renewal fires anew', async () => {
		const harness = new PollHarness(new CertificateTrigger(), {
			parameters: params([
				['due-alias', pems.due.certPem],
				['fresh-alias', pems.fresh.certPem],
				['expired-alias', pems.expired.certPem],
				['future-alias', pems.future.certPem],
			]),
		});
		const first = await harness.pollItems();
		expect(first.map((item) => item.label).sort()).toEqual(['due-alias', 'expired-alias']);
		const due = first.find((item) => item.label === 'due-alias')!;
		expect(due).toMatchObject({
			event: 'renewalDue',
			source: 'pem',
			subject: 'CN=due.example',
			serialNumber: pems.due.serialHex,
			daysRemaining: 64,
			due: true,
			expired: false,
			policy: { mode: 'fractionRemaining', fraction: 1 / 3, rule: 'less than 1/3 of the lifetime left' },
		});
		expect(first.find((item) => item.label === 'expired-alias')).toMatchObject({ expired: true, daysRemaining: -3 });

		expect(await harness.pollItems()).toEqual([]);
		harness.restart();
		expect(await harness.pollItems()).toEqual([]);

		// the alias now holds the renewed certificate: a new serial is a new certificate, not due
		harness.setParameter('pemCertificates', {
			certificate: [
				{ label: 'due-alias', pem: pems.renewed.certPem },
				{ label: 'expired-alias', pem: pems.expired.certPem },
			],
		});
		expect(await harness.pollItems()).toEqual([]);
		// with a policy under which the renewed one is due too, it fires — once
		harness.setParameter('policy', 'daysBefore');
		harness.setParameter('daysBefore', 400);
		const renewed = await harness.pollItems();
		expect(renewed.map((item) => [item.label, item.serialNumber])).toEqual([['due-alias', pems.renewed.serialHex]]);
		expect(renewed[0].policy).toEqual({ mode: 'daysBefore', days: 400, rule: '400 days before expiry' });
		expect(await harness.pollItems()).toEqual([]);
	});

	test('manual mode ("Fetch test event") returns one real sample and moves no state', async () => {
		const harness = new PollHarness(new CertificateTrigger(), {
			parameters: params([
				['fresh-alias', pems.fresh.certPem],
				['due-alias', pems.due.certPem],
			]),
			mode: 'manual',
		});
		const sample = await harness.pollItems();
		expect(sample).toHaveLength(1);
		expect(sample[0]).toMatchObject({ label: 'due-alias', sample: true, event: 'renewalDue', due: true });
		expect(harness.memory).toEqual({});
		expect(harness.saved).toBe('{}');
		// afterwards the real trigger still fires for it
		harness.mode = 'trigger';
		expect((await harness.pollItems()).map((item) => item.label)).toEqual(['due-alias']);
	});

	test('clear errors before any request: no source, no certificate, not a PEM', async () => {
		const noSource = new PollHarness(new CertificateTrigger(), { parameters: params([], { includePem: false }) });
		await expect(noSource.poll()).rejects.toThrow('No certificate source selected');
		const empty = new PollHarness(new CertificateTrigger(), { parameters: params([]) });
		await expect(empty.poll()).rejects.toThrow('PEM Certificates is empty');
		const garbage = new PollHarness(new CertificateTrigger(), { parameters: params([['bad-one', 'hello']]) });
		await expect(garbage.poll()).rejects.toThrow('PEM Certificates: "bad-one" holds no PEM certificate');
		const broken = new PollHarness(new CertificateTrigger(), {
			parameters: params([['broken', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']]),
		});
		await expect(broken.poll()).rejects.toThrow('PEM Certificates: "broken" is not a readable X.509 certificate');
		const badPolicy = new PollHarness(new CertificateTrigger(), {
			parameters: params([['due', pems.due.certPem]], { policy: 'daysBefore', daysBefore: 0 }),
		});
		await expect(badPolicy.poll()).rejects.toThrow('Days Before Expiry must be a number greater than 0');
		expect(noSource.memory).toEqual({});
	});

	test('a chain pasted in one entry watches the first (leaf) certificate', async () => {
		const harness = new PollHarness(new CertificateTrigger(), {
			parameters: params([['chain', pems.due.certPem + ca.certPem]]),
		});
		const items = await harness.pollItems();
		expect(items.map((item) => item.serialNumber)).toEqual([pems.due.serialHex]);
	});
});

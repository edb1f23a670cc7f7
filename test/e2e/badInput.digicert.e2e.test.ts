/**
 * The DigiCert node's bad-input corpus in a real n8n: every case fails on its item with the field named,
 * and no request reaches the simulator (its request log). Values that n8n would refuse to even start a
 * workflow with (an empty required field) arrive with the item, as from an upstream node.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { corpusFailures, runCorpus, type BadInputCase } from '../support/badInput';
import { N8nInstance } from '../support/n8n';

jest.setTimeout(10 * 60_000);

let sim: DigiCertSimulator;
let n8n: N8nInstance;
const dir = mkdtempSync(join(tmpdir(), 'dc-corpus-'));

function csr(bits: number): string {
	execFileSync(
		'openssl',
		[
			'req',
			'-new',
			'-newkey',
			`rsa:${bits}`,
			'-nodes',
			'-keyout',
			join(dir, `k${bits}.key`),
			'-out',
			join(dir, `c${bits}.csr`),
			'-subj',
			'/O=Example Corp/CN=Example Corp',
		],
		{ stdio: 'pipe' },
	);
	return readFileSync(join(dir, `c${bits}.csr`), 'utf8');
}

const GOOD = { digiCertApi: 'dcCorpusGood0001' };
const V = '={{ $json.v }}';

beforeAll(async () => {
	sim = await startDigiCertSimulator({ rateLimit: null });
	n8n = new N8nInstance({ env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
	await n8n.importCredentials([
		{ id: 'dcCorpusGood0001', name: 'good', type: 'digiCertApi', data: { apiKey: sim.apiKey, region: 'custom', baseUrl: sim.url } },
		{
			id: 'dcCorpusHttp0001',
			name: 'plain http',
			type: 'digiCertApi',
			data: { apiKey: sim.apiKey, region: 'custom', baseUrl: 'http://digicert-proxy.example.com/services/v2' },
		},
		{ id: 'dcCorpusEmpty001', name: 'custom, no URL', type: 'digiCertApi', data: { apiKey: sim.apiKey, region: 'custom', baseUrl: '' } },
		{
			id: 'dcCorpusFtp00001',
			name: 'ftp',
			type: 'digiCertApi',
			data: { apiKey: sim.apiKey, region: 'custom', baseUrl: 'ftp://127.0.0.1/services/v2' },
		},
	]);
});

afterAll(async () => {
	await n8n?.dispose();
	await sim?.close();
	rmSync(dir, { recursive: true, force: true });
});

test('bad-input corpus: every case fails on its item naming the field; nothing reaches DigiCert', async () => {
	const csr3072 = csr(3072);
	const csr2048 = csr(2048);
	const certificatePem = sim.ca.certPem;
	const create = (extra: Record<string, unknown>) => ({
		resource: 'order',
		operation: 'create',
		product: 'code_signing',
		organization: { __rl: true, mode: 'id', value: '123456' },
		container: { __rl: true, mode: 'id', value: '765432' },
		csrSource: 'text',
		csr: csr3072,
		validityUnit: 'years',
		validityYears: 1,
		alternativeOrderId: '',
		additionalFields: { skipApproval: true },
		waitForCompletion: false,
		...extra,
	});
	const dc = (name: string, parameters: Record<string, unknown>, error: RegExp, value?: unknown, credentials = GOOD): BadInputCase => ({
		name,
		node: 'digiCertCodeSigning',
		parameters,
		credentials,
		error,
		...(value === undefined ? {} : { items: [{ v: value }] }),
	});
	const get = { resource: 'order', operation: 'get', orderId: V };
	const corpus: BadInputCase[] = [
		dc('get: order id letters', get, /^Order ID must be a positive whole number, got "abc"/, 'abc'),
		dc('get: order id negative', get, /^Order ID must be a positive whole number, got "-5"/, '-5'),
		dc('get: order id decimal', get, /^Order ID must be a positive whole number, got "1.5"/, '1.5'),
		dc('get: order id empty', get, /^Order ID is required/, ''),
		dc('get: order id with a path', get, /^Order ID must be a positive whole number, got "12\/\.\.\/\.\.\/user\/me"/, '12/../../user/me'),
		dc(
			'cancel: order id 0',
			{ resource: 'order', operation: 'cancel', orderId: V, note: 'x' },
			/^Order ID must be a positive whole number, got "0"/,
			'0',
		),
		dc(
			'renew: order id letters',
			{ resource: 'order', operation: 'renew', orderId: V, csrSource: 'none', validityUnit: 'years', validityYears: 1 },
			/^Order ID must be a positive whole number/,
			'x',
		),
		dc(
			'reissue: order id empty',
			{ resource: 'order', operation: 'reissue', orderId: V, csrSource: 'text', csr: csr3072 },
			/^Order ID is required/,
			'',
		),
		dc(
			'download: certificate id letters',
			{ resource: 'certificate', operation: 'download', downloadBy: 'certificate', certificateId: V, orderId: '1', format: 'pem_all' },
			/^Certificate ID must be a positive whole number/,
			'x',
		),
		dc(
			'download: format outside the list',
			{ resource: 'certificate', operation: 'download', downloadBy: 'certificate', certificateId: '1', orderId: '1', format: V },
			/^Format "\.\.\/\.\.\/\.\.\/user\/me\?x=" is not one of/,
			'../../../user/me?x=',
		),
		dc(
			'download: download by outside the list',
			{ resource: 'certificate', operation: 'download', downloadBy: V, certificateId: '1', orderId: '1', format: 'pem_all' },
			/^Download By "everything" is not one of/,
			'everything',
		),
		dc(
			'revoke: not confirmed',
			{ resource: 'certificate', operation: 'revoke', certificateId: '1', confirmRevocation: false },
			/^Confirm Revocation must be on to revoke a certificate/,
		),
		dc(
			'revoke: certificate id 1e3',
			{ resource: 'certificate', operation: 'revoke', certificateId: V, confirmRevocation: true },
			/^Certificate ID must be a positive whole number, got "1e3"/,
			'1e3',
		),
		dc(
			'create: product outside the list',
			create({ product: V }),
			/^Product "ssl_plus" is not one of: code_signing, code_signing_ev/,
			'ssl_plus',
		),
		dc('create: CSR not a CSR', create({ csr: V }), /^CSR is not a valid PKCS#10 request/, 'not a csr at all'),
		dc(
			'create: CSR is a certificate',
			create({ csr: certificatePem }),
			/^CSR is not a valid PKCS#10 request: expected a CERTIFICATE REQUEST, found a PEM "CERTIFICATE" block/,
		),
		dc('create: RSA 2048 key', create({ csr: csr2048 }), /^CSR cannot be used for code signing: .*3072/),
		dc(
			'create: CSR over 1 MB',
			create({ csr: V }),
			/^CSR is not a valid PKCS#10 request: the CSR is \d+ KB/,
			'-----BEGIN CERTIFICATE REQUEST-----\n'.repeat(30_000),
		),
		dc('create: validity 2 years', create({ validityYears: 2 }), /^Validity /),
		dc('create: validity 500 days', create({ validityUnit: 'days', validityDays: 500 }), /^Validity /),
		dc('create: validity 0 days', create({ validityUnit: 'days', validityDays: 0 }), /^Validity /),
		dc(
			'create: EV without provisioning method',
			create({ product: 'code_signing_ev', csrSource: 'none' }),
			/^Provisioning Method is required for EV code signing/,
		),
		dc(
			'create: EV by e-mail without CSR',
			create({ product: 'code_signing_ev', csrSource: 'none', additionalFields: { provisioningMethod: 'email' } }),
			/^CSR is required when the provisioning method is Email/,
		),
		dc(
			'create: additional e-mail not an address',
			create({ additionalFields: { additionalEmails: 'ops@example.com, nope' } }),
			/^Additional Emails contains "nope"/,
		),
		dc(
			'create: reference over 64 characters',
			create({ alternativeOrderId: 'r'.repeat(65) }),
			/^Reference \(Alternative Order ID\) must be at most 64 characters/,
		),
		dc(
			'create: custom field metadata id -1',
			create({ additionalFields: { customFields: { field: [{ metadataId: -1, value: 'x' }] } } }),
			/^Custom Fields #1 Metadata ID must be a positive whole number/,
		),
		dc(
			'create: payment method outside the list',
			create({ additionalFields: { paymentMethod: V } }),
			/^Additional Fields → Payment Method "credit" is not one of/,
			'credit',
		),
		dc(
			'get many: expires within -1 days',
			{ resource: 'order', operation: 'getMany', returnAll: true, filters: { expiresWithinDays: -1 } },
			/^Filters → Expires Within \(Days\) must be a whole number ≥ 0/,
		),
		dc(
			'get many: status outside the list',
			{ resource: 'order', operation: 'getMany', returnAll: true, filters: { status: V } },
			/^Filters → Status "all" is not one of/,
			'all',
		),
		dc(
			'find by reference: empty',
			{ resource: 'order', operation: 'findByReference', alternativeOrderId: V },
			/^Reference \(Alternative Order ID\) is required/,
			'',
		),
		dc(
			'reject: no comment',
			{ resource: 'request', operation: 'reject', requestId: '5', comment: V },
			/^Comment is required to reject a request/,
			'',
		),
		dc(
			'approve: request id letters',
			{ resource: 'request', operation: 'approve', requestId: V },
			/^Request ID must be a positive whole number/,
			'abc',
		),
		dc(
			'credential: plain http to a remote host',
			{ resource: 'order', operation: 'get', orderId: '1' },
			/^Base URL of the DigiCert API credential "http:\/\/digicert-proxy\.example\.com\/services\/v2" is plain http/,
			undefined,
			{ digiCertApi: 'dcCorpusHttp0001' },
		),
		dc(
			'credential: custom region without URL',
			{ resource: 'order', operation: 'get', orderId: '1' },
			/^Base URL of the DigiCert API credential must be an http\(s\) URL/,
			undefined,
			{ digiCertApi: 'dcCorpusEmpty001' },
		),
		dc(
			'credential: ftp URL',
			{ resource: 'order', operation: 'get', orderId: '1' },
			/^Base URL of the DigiCert API credential must be an http\(s\) URL/,
			undefined,
			{ digiCertApi: 'dcCorpusFtp00001' },
		),
	];
	const before = sim.control.requests.length;
	const outcomes = await runCorpus(n8n, 'digicertCorpus01', corpus);
	expect(corpusFailures(outcomes)).toEqual([]);
	expect(sim.control.requests.slice(before)).toEqual([]);
	expect(corpus.length).toBeGreaterThanOrEqual(25);
});

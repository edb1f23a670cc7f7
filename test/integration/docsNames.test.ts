/**
 * Issue #20 (7): the field and parameter names the docs quote are the names the nodes really output and take.
 * Every operation the README and the examples talk about runs here in-process against the simulators (the
 * same set-ups as firmadorNode, digicertNode, certificateTrigger.digicert and testSample); the keys of
 * its output items (nested keys as dotted paths, array elements under their array's name) are what a
 * reference may name. Checked:
 *  - every `$json.x` / `$json["x"]` / `$('Node').item.json.x` in every examples/*.json node parameter, against
 *    the outputs of the node that feeds it (through IF nodes; with two inputs, one of them), or the fields a
 *    Code node writes;
 *  - every backticked name in the examples' sticky notes, against the node the note is talking about
 *    (`*Node Name* → …`), or, outside the "Look at" part, anything the workflow outputs or sets;
 *  - every `{{ $json.x }}` in README.md and the backticked names of the README's output descriptions,
 *    against the outputs of the operation the passage describes;
 *  - the parameter names the README quotes (`Name: value` in its example blocks, `**Name**` to be on),
 *    against the nodes' display names.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject, INodeExecutionData, INodeProperties, INodeType } from 'n8n-workflow';

import { AfipSdkApi } from '../../credentials/AfipSdkApi.credentials';
import { ArcaLogin } from '../../credentials/ArcaLogin.credentials';
import { DigiCertApi } from '../../credentials/DigiCertApi.credentials';
import { FirmadorApi } from '../../credentials/FirmadorApi.credentials';
import { FirmadorSftp } from '../../credentials/FirmadorSftp.credentials';
import { ArcaAutomation } from '../../nodes/ArcaAutomation/ArcaAutomation.node';
import { CertificateTrigger } from '../../nodes/CertificateTrigger/CertificateTrigger.node';
import { DigiCertCodeSigning } from '../../nodes/DigiCertCodeSigning/DigiCertCodeSigning.node';
import { DIGICERT_BACKOFF, type ClientSettings } from '../../nodes/DigiCertCodeSigning/transport';
import { Firmador } from '../../nodes/Firmador/Firmador.node';
import { startAfipSdkSimulator, type AfipSdkSimulator } from '../simulators/afipsdk/server';
import { startDigiCertSimulator, type DigiCertSimulator } from '../simulators/digicert/server';
import { startFirmadorSimulator, type FirmadorSimulator } from '../simulators/firmador/server';
import { memoryBinary, PollHarness, runArca, runDigiCertNode, runFirmador, type DigiCertCredentials } from '../support/nodeContext';
import { appendAnnotation } from '../support/signedPdfs';
import { startSshd, type SshdServer } from '../support/sshd';
import { credentialSurface, nodeSurface, surfaceDiff, type Surface } from '../support/surface';
import { TestCa } from '../support/testCa';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const EXAMPLES = readdirSync(path.join(ROOT, 'examples'))
	.filter((f) => f.endsWith('.json'))
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(ROOT, 'examples', file), 'utf8')) as Workflow }));

interface WorkflowNode {
	name: string;
	type: string;
	parameters?: IDataObject;
}
interface Workflow {
	nodes: WorkflowNode[];
	connections: Record<string, { main?: Array<Array<{ node: string }> | null> }>;
}

/** What one operation was seen to output: keys (dotted paths and every key's own name), string values, binary fields. */
interface Seen {
	paths: Set<string>;
	keys: Set<string>;
	values: Set<string>;
	binary: Set<string>;
}
const seen = new Map<string, Seen>();
const seenFor = (op: string): Seen => {
	let s = seen.get(op);
	if (!s) seen.set(op, (s = { paths: new Set(), keys: new Set(), values: new Set(), binary: new Set() }));
	return s;
};

function collect(value: unknown, prefix: string, into: Seen) {
	if (Array.isArray(value)) {
		for (const element of value) collect(element, prefix, into);
		return;
	}
	if (value && typeof value === 'object') {
		for (const [key, inner] of Object.entries(value as IDataObject)) {
			const dotted = prefix ? `${prefix}.${key}` : key;
			into.paths.add(dotted);
			into.keys.add(key);
			collect(inner, dotted, into);
		}
		return;
	}
	if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') into.values.add(String(value));
}

/** Records the items of a run of `op` (e.g. "firmador:document:sign"); error items only when asked for (Continue On Fail runs). */
function record(op: string, items: Array<INodeExecutionData | IDataObject>, errors = false) {
	const into = seenFor(op);
	expect(items.length).toBeGreaterThan(0);
	for (const item of items) {
		const json = ('json' in item ? item.json : item) as IDataObject;
		if (!errors) expect(json.error).toBeUndefined();
		collect(json, '', into);
		for (const key of Object.keys(((item as INodeExecutionData).binary ?? {}) as object)) into.binary.add(key);
	}
}

/** `signatures[0].cuil`, `["cuil"]` → `signatures.cuil`. */
const normalise = (ref: string) =>
	ref
		.replace(/\[\s*(\d+)\s*\]/g, '')
		.replace(/\[\s*["']([^"']+)["']\s*\]/g, '.$1')
		.replace(/^\./, '');

/** `$json.a.b`, `$json["a"]`, `$json.a[0].b` inside an expression → the normalised paths. */
function jsonRefs(text: string): string[] {
	const refs: string[] = [];
	for (const m of text.matchAll(/(?<![\w.)])\$json((?:\s*\.\s*[A-Za-z_$][\w$]*|\[\s*\d+\s*\]|\[\s*["'][^"']+["']\s*\])+)/g))
		refs.push(normalise(m[1].replace(/\s+/g, '')));
	return refs;
}
/** `$('Node').item.json.a` (also .first(), .last(), .all()[0]) → [node, path]. */
function namedRefs(text: string): Array<[string, string]> {
	const refs: Array<[string, string]> = [];
	for (const m of text.matchAll(
		/\$\(\s*['"]([^'"]+)['"]\s*\)\s*\.\s*(?:item|first\(\)|last\(\)|all\(\)\[\d+\])\s*\.\s*json((?:\.[A-Za-z_$][\w$]*|\[\s*\d+\s*\]|\[\s*["'][^"']+["']\s*\])+)/g,
	))
		refs.push([m[1], normalise(m[2])]);
	return refs;
}

function strings(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string') out.push(value);
	else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
	else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
	return out;
}

const PACKAGE = 'n8n-nodes-certsign.';
/** The operation a package node of a workflow runs: "firmador:document:sign", "certificateTrigger:renewalDue". */
function operationOf(node: WorkflowNode): string | undefined {
	if (!node.type.startsWith(PACKAGE)) return undefined;
	const type = node.type.slice(PACKAGE.length);
	const p = node.parameters ?? {};
	if (type === 'certificateTrigger') return `${type}:${p.event ?? 'renewalDue'}`;
	return `${type}:${p.resource}:${p.operation}`;
}

/** Nodes that pass their input items on unchanged. */
const PASS_THROUGH = new Set(['n8n-nodes-base.if', 'n8n-nodes-base.filter', 'n8n-nodes-base.noOp', 'n8n-nodes-base.wait']);

function parentsOf(workflow: Workflow, name: string): WorkflowNode[] {
	const parents: WorkflowNode[] = [];
	for (const [from, outputs] of Object.entries(workflow.connections))
		for (const output of outputs.main ?? [])
			if ((output ?? []).some((c) => c.node === name)) parents.push(workflow.nodes.find((n) => n.name === from)!);
	return parents;
}

/** Where `$json` of a node comes from: its parents, through pass-through nodes. */
function sourcesOf(workflow: Workflow, name: string, visited = new Set<string>()): WorkflowNode[] {
	const sources: WorkflowNode[] = [];
	for (const parent of parentsOf(workflow, name)) {
		if (visited.has(parent.name)) continue;
		visited.add(parent.name);
		if (PASS_THROUGH.has(parent.type)) sources.push(...sourcesOf(workflow, parent.name, visited));
		else sources.push(parent);
	}
	return sources;
}

/** Whether `source` outputs the field `ref` (dotted path); a reason when it does not. */
function outputs(source: WorkflowNode, ref: string): string | true {
	const op = operationOf(source);
	if (op) {
		const s = seen.get(op);
		if (!s) return `no run of ${op} was recorded`;
		return s.paths.has(ref) ? true : `${op} outputs no "${ref}"`;
	}
	if (source.type === 'n8n-nodes-base.code') {
		const code = String(source.parameters?.jsCode ?? '');
		const first = ref.split('.')[0];
		return new RegExp(`(^|[^\\w$])${first}\\s*[:,}]|["']${first}["']\\s*:`).test(code)
			? true
			: `Code node "${source.name}" writes no "${first}"`;
	}
	return `${source.type} ("${source.name}") outputs no "${ref}"`;
}

/** Every display name of the package's node parameters (collections' and fixed collections' children too) and credentials. */
function displayNames(): Set<string> {
	const names = new Set<string>();
	const walk = (properties: Array<INodeProperties | IDataObject>) => {
		for (const p of properties) {
			if (typeof p.displayName === 'string') names.add(p.displayName);
			const options = (p as IDataObject).options;
			if (Array.isArray(options)) walk(options as IDataObject[]);
			const values = (p as IDataObject).values;
			if (Array.isArray(values)) walk(values as IDataObject[]);
		}
	};
	for (const type of [new ArcaAutomation(), new Firmador(), new DigiCertCodeSigning(), new CertificateTrigger()] as INodeType[])
		walk(type.description.properties);
	for (const credential of [new AfipSdkApi(), new DigiCertApi(), new FirmadorApi()]) walk(credential.properties);
	return names;
}

const IDENTIFIER = /^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*$/;
/** The name a backticked token quotes: `status: signed` → status, `signatures[]` / `signatures[0]` → signatures; undefined for paths, file names, values with spaces. */
function quotedName(token: string): string | undefined {
	const name = token
		.split(':')[0]
		.trim()
		.replace(/\[\d*\]/g, '');
	return IDENTIFIER.test(name) ? name : undefined;
}
const backticked = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);

/** Names in `{a, b: "x", c: {d}}` → a, b, c, d. */
const braceNames = (text: string) => [...text.matchAll(/[{,]\s*([A-Za-z_]\w*)\s*(?=[,:}])/g)].map((m) => m[1]);

/** The README text between two markers (both must be there). */
function between(start: string, end: string, from = 0): string {
	const a = README.indexOf(start, from);
	expect(a).toBeGreaterThanOrEqual(0);
	const b = README.indexOf(end, a + start.length);
	expect(b).toBeGreaterThan(a);
	return README.slice(a + start.length, b);
}

// ---------------------------------------------------------------------------------------------------------
// Running every operation the docs talk about

const CUIL = '20111111112';
const CUIT = '30500010912';
const DAY = 86_400_000;
const pdf = (label: string) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${label}\n`), randomBytes(500), Buffer.from('\n%%EOF\n')]);
const tuning: ClientSettings = { backoff: DIGICERT_BACKOFF, sleep: async () => undefined, random: () => 0.5, timeoutMs: 30_000 };

let afipSdk: AfipSdkSimulator;
let digiCert: DigiCertSimulator;
let firmador: FirmadorSimulator;
let sshd: SshdServer;
let ca: TestCa;
const csrDir = mkdtempSync(path.join(tmpdir(), 'docs-names-'));

beforeAll(async () => {
	[afipSdk, digiCert, sshd] = await Promise.all([
		startAfipSdkSimulator({ pollsUntilDone: 0 }),
		startDigiCertSimulator({ rateLimit: null }),
		startSshd(),
	]);
	const uploadFolder = path.join(sshd.root, 'upload');
	const signedFolder = path.join(sshd.root, 'signed');
	firmador = await startFirmadorSimulator({ uploadFolder, signedFolder });
	ca = new TestCa();

	// ARCA Automation
	const arcaCredentials = {
		afipSdkApi: { accessToken: 'demo-access-token', baseUrl: afipSdk.baseUrl },
		arcaLogin: {
			cuit: '20409378472',
			username: '20409378472',
			password: 'demo-clave-fiscal',
			allowedAfipSdkHost: new URL(afipSdk.baseUrl).host,
		},
	};
	const arca = async (op: string, parameters: IDataObject) => {
		const output = await runArca({ parameters, credentials: arcaCredentials });
		record(op, output);
		return output;
	};
	await arca('arcaAutomation:certificate:create', {
		resource: 'certificate',
		operation: 'create',
		environment: 'dev',
		alias: 'facturacion',
		taxpayerCuit: '',
		waitForCompletion: true,
		options: { pollInterval: 1, includePrivateKeyInJson: true },
	});
	const started = await arca('arcaAutomation:certificate:create', {
		resource: 'certificate',
		operation: 'create',
		environment: 'dev',
		alias: 'facturacion',
		taxpayerCuit: '',
		waitForCompletion: false,
		options: {},
	});
	await arca('arcaAutomation:webService:authorize', {
		resource: 'webService',
		operation: 'authorize',
		environment: 'dev',
		alias: 'facturacion',
		service: 'wsfe',
		taxpayerCuit: '',
		waitForCompletion: true,
		options: { pollInterval: 1 },
	});
	await arca('arcaAutomation:automation:run', {
		resource: 'automation',
		operation: 'run',
		automationName: 'create-cert-dev',
		automationParams: JSON.stringify({ alias: 'facturacion' }),
		waitForCompletion: true,
		options: { pollInterval: 1 },
	});
	await arca('arcaAutomation:automation:run', {
		resource: 'automation',
		operation: 'run',
		automationName: 'list-sales-points',
		automationParams: '{}',
		waitForCompletion: true,
		options: { pollInterval: 1 },
	});
	// Web Service → Get Access Ticket, Call (twice: the ticket reused from static data), Get Last Request XML
	const staticData: IDataObject = {};
	const ws = async (op: string, parameters: IDataObject) => {
		const output = await runArca({
			parameters: { resource: 'webService', environment: 'dev', options: {}, ...parameters },
			items: [{ json: {} }],
			credentials: arcaCredentials,
			staticData,
		});
		record(op, output);
		return output;
	};
	const cuit = arcaCredentials.arcaLogin.cuit;
	await ws('arcaAutomation:webService:getAccessTicket', {
		operation: 'getAccessTicket',
		service: 'wsfe',
		source: 'afipSdk',
		taxpayerCuit: cuit,
	});
	const lastInvoice = {
		operation: 'call',
		call: 'FECompUltimoAutorizado',
		ptoVta: 1,
		cbteTipo: 11,
		ticketSource: 'afipSdk',
		taxpayerCuit: cuit,
	};
	await ws('arcaAutomation:webService:call', lastInvoice);
	expect((await ws('arcaAutomation:webService:call', lastInvoice))[0].json.ticket).toMatchObject({ reused: true });
	await ws('arcaAutomation:webService:call', { operation: 'call', call: 'FEDummy' });
	await ws('arcaAutomation:webService:getLastRequestXml', { operation: 'getLastRequestXml' });
	record(
		'arcaAutomation:error',
		await runArca({
			parameters: { resource: 'automation', operation: 'getResult', automationId: 'no-such-id', waitForCompletion: false, options: {} },
			credentials: { afipSdkApi: { accessToken: 'wrong-token', baseUrl: afipSdk.baseUrl } },
			continueOnFail: true,
		}),
		true,
	);
	await arca('arcaAutomation:automation:getResult', {
		resource: 'automation',
		operation: 'getResult',
		automationId: started[0].json.automationId,
		waitForCompletion: true,
		options: { pollInterval: 1, timeout: 30 },
	});

	// Firmador (simulator + real OpenSSH)
	const app = firmador.apps[0];
	const firmadorCredentials = {
		firmadorApi: { baseUrl: firmador.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat },
		firmadorSftp: {
			host: sshd.host,
			port: sshd.port,
			username: sshd.username,
			privateKey: sshd.privateKey,
			hostKeyFingerprint: sshd.hostKeyFingerprint,
			uploadFolder,
			signedFolder,
		},
	};
	const fir = async (op: string, parameters: IDataObject, items: INodeExecutionData[], continueOnFail = false) => {
		const output = await runFirmador({ parameters, items, credentials: firmadorCredentials, continueOnFail });
		record(op, output, continueOnFail);
		return output;
	};
	const sign = ({ waitForCompletion, ...options }: IDataObject) => ({
		resource: 'document',
		operation: 'sign',
		binaryPropertyName: 'data',
		fileName: '',
		signerCuil: CUIL,
		companyCuit: CUIT,
		reason: 'Conforme',
		visible: false,
		waitForCompletion: waitForCompletion === true,
		options,
	});
	const wait = { waitForCompletion: true, pollInterval: 1, timeout: 30 };
	const signed = await fir('firmador:document:sign', sign(wait), [
		{ json: {}, binary: { data: memoryBinary(pdf('docs 1'), 'docs-1.pdf') } },
	]);
	const unwaited = await fir('firmador:document:sign', sign({ batch: true }), [
		{ json: {}, binary: { data: memoryBinary(pdf('docs 2'), 'docs-2.pdf') } },
	]);
	// bad input with Continue On Fail: error items (firmador-bad-input.json)
	await fir('firmador:document:sign', sign({}), [{ json: {}, binary: { data: memoryBinary(Buffer.from('not a pdf'), 'x.pdf') } }], true);
	await fir(
		'firmador:request:getStatus',
		{ resource: 'request', operation: 'getStatus', sessionIds: `${signed[0].json.sessionId}, ${unwaited[0].json.sessionId}`, options: {} },
		[{ json: {} }],
	);
	// code 1 (statusReason), and ids refused with a 204 phrase (reasonPhrase, Continue On Fail)
	firmador.control.setNextOutcome(1);
	const expired = await fir(
		'firmador:hash:sign',
		{
			resource: 'hash',
			operation: 'sign',
			hashSource: 'field',
			hash: createHash('sha1').update('expired').digest('hex'),
			signerCuil: CUIL,
			companyCuit: CUIT,
			options: {},
		},
		[{ json: {} }],
	);
	firmador.control.setNextOutcome(4);
	await fir(
		'firmador:request:getStatus',
		{ resource: 'request', operation: 'getStatus', sessionIds: expired[0].json.sessionId, options: {} },
		[{ json: {} }],
	);
	firmador.control.inject('noContentPhrase', 1, '/api/EstadoSolicitud');
	await fir(
		'firmador:request:getStatus',
		{ resource: 'request', operation: 'getStatus', sessionIds: expired[0].json.sessionId, options: {} },
		[{ json: {} }],
		true,
	);
	firmador.control.inject('noContent', 1, '/api/EstadoSolicitud');
	await fir(
		'firmador:request:getStatus',
		{ resource: 'request', operation: 'getStatus', sessionIds: expired[0].json.sessionId, options: {} },
		[{ json: {} }],
	);
	await fir(
		'firmador:request:waitForCompletion',
		{
			resource: 'request',
			operation: 'waitForCompletion',
			sessionIds: unwaited[0].json.sessionId,
			options: { pollInterval: 1, timeout: 30 },
		},
		[{ json: {} }],
	);
	const down = await fir(
		'firmador:document:downloadSigned',
		{
			resource: 'document',
			operation: 'downloadSigned',
			fileName: 'docs-1.pdf',
			signedFileName: '{name}',
			signedFolder: '',
			binaryPropertyName: 'data',
		},
		[{ json: signed[0].json }],
	);
	await fir(
		'firmador:document:verify',
		{ resource: 'document', operation: 'verify', binaryPropertyName: 'data', trustedRoots: firmador.caPem, options: {} },
		down,
	);
	await fir(
		'firmador:document:verify',
		{ resource: 'document', operation: 'verify', binaryPropertyName: 'data', trustedRoots: '', options: {} },
		down,
	);
	const changed = appendAnnotation(Buffer.from(down[0].binary!.data.data, 'base64'));
	await fir(
		'firmador:document:verify',
		{ resource: 'document', operation: 'verify', binaryPropertyName: 'data', trustedRoots: firmador.caPem, options: {} },
		[{ json: {}, binary: { data: memoryBinary(changed, 'changed.pdf') } }],
	);
	const hashes = await fir(
		'firmador:hash:sign',
		{
			resource: 'hash',
			operation: 'sign',
			hashSource: 'field',
			hash: createHash('sha1').update('docs').digest('hex'),
			signerCuil: CUIL,
			companyCuit: CUIT,
			waitForCompletion: true,
			options: wait,
		},
		[{ json: {} }],
	);
	await fir(
		'firmador:hash:getSigned',
		{ resource: 'hash', operation: 'getSigned', sessionId: hashes[0].json.sessionId, matchHash: hashes[0].json.hash },
		hashes,
	);
	const pendingHash = await fir(
		'firmador:hash:sign',
		{
			resource: 'hash',
			operation: 'sign',
			hashSource: 'field',
			hash: createHash('sha1').update('pending').digest('hex'),
			signerCuil: CUIL,
			companyCuit: CUIT,
			options: {},
		},
		[{ json: {} }],
	);
	record(
		'firmador:error',
		await runFirmador({
			parameters: { resource: 'hash', operation: 'getSigned', sessionId: pendingHash[0].json.sessionId, matchHash: '' },
			items: [{ json: {} }],
			credentials: firmadorCredentials,
			continueOnFail: true,
		}),
		true,
	);
	firmador.control.configure({ detailWithSignature: 'Firmado con observaciones' });
	await fir(
		'firmador:hash:getSigned',
		{ resource: 'hash', operation: 'getSigned', sessionId: hashes[0].json.sessionId, matchHash: hashes[0].json.hash },
		hashes,
	);
	firmador.control.configure({ detailWithSignature: '' });
	const xml = await fir(
		'firmador:xml:sign',
		{
			resource: 'xml',
			operation: 'sign',
			xmlSource: 'field',
			xml: '<factura><n>1</n></factura>',
			signerCuil: CUIL,
			companyCuit: CUIT,
			reason: 'Conforme',
			waitForCompletion: true,
			options: wait,
		},
		[{ json: {} }],
	);
	await fir(
		'firmador:xml:getSigned',
		{
			resource: 'xml',
			operation: 'getSigned',
			sessionId: xml[0].json.sessionId,
			matchHash: xml[0].json.hash,
			asBinary: true,
			binaryPropertyName: 'data',
		},
		xml,
	);

	// DigiCert Code Signing
	execFileSync(
		'openssl',
		[
			'req',
			'-new',
			'-newkey',
			'rsa:3072',
			'-nodes',
			'-keyout',
			path.join(csrDir, 'k.key'),
			'-out',
			path.join(csrDir, 'c.csr'),
			'-subj',
			'/O=Example Corp/CN=Example Corp',
		],
		{ stdio: 'pipe' },
	);
	const csr = readFileSync(path.join(csrDir, 'c.csr'), 'utf8');
	const credentials: DigiCertCredentials = { apiKey: digiCert.apiKey, region: 'custom', baseUrl: digiCert.url };
	const dc = async (op: string, parameters: IDataObject, items?: INodeExecutionData[]) => {
		const { output } = await runDigiCertNode({ digiCert: tuning, credentials, parameters, items });
		record(op, output);
		return output;
	};
	const create = (extra: IDataObject) => ({
		resource: 'order',
		operation: 'create',
		product: 'code_signing',
		organization: { __rl: true, mode: 'id', value: '123456' },
		container: { __rl: true, mode: 'id', value: '765432' },
		csrSource: 'text',
		csr,
		validityUnit: 'years',
		validityYears: 1,
		alternativeOrderId: '',
		...extra,
	});
	record(
		'digiCertCodeSigning:error',
		(
			await runDigiCertNode({
				digiCert: tuning,
				credentials,
				continueOnFail: true,
				parameters: { resource: 'order', operation: 'get', orderId: '424242' },
			})
		).output,
		true,
	);
	const issued = await dc(
		'digiCertCodeSigning:order:create',
		create({ additionalFields: { skipApproval: true }, waitForCompletion: true, options: { pollInterval: 1, timeout: 60 } }),
	);
	await dc('digiCertCodeSigning:order:create', create({ additionalFields: {}, waitForCompletion: false }));
	await dc('digiCertCodeSigning:order:get', { resource: 'order', operation: 'get', orderId: String(issued[0].json.orderId) });
	digiCert.control.seedOrder({ status: 'issued', validTill: new Date(Date.now() + 20 * DAY).toISOString().slice(0, 10) });
	const many = await dc('digiCertCodeSigning:order:getMany', {
		resource: 'order',
		operation: 'getMany',
		returnAll: true,
		filters: { status: 'issued', expiresWithinDays: 60 },
	});
	await dc('digiCertCodeSigning:order:renew', {
		resource: 'order',
		operation: 'renew',
		orderId: String(many[0].json.orderId),
		csrSource: 'none',
		validityUnit: 'years',
		validityYears: 1,
		alternativeOrderId: '',
		additionalFields: {},
		waitForCompletion: false,
	});
	await dc('digiCertCodeSigning:certificate:download', {
		resource: 'certificate',
		operation: 'download',
		downloadBy: 'certificate',
		certificateId: String(issued[0].json.certificateId),
		format: 'pem_all',
		binaryPropertyName: 'certificate',
	});
	const requests = await dc('digiCertCodeSigning:request:getMany', {
		resource: 'request',
		operation: 'getMany',
		returnAll: true,
		requestFilters: { status: 'pending' },
	});
	await dc('digiCertCodeSigning:request:approve', {
		resource: 'request',
		operation: 'approve',
		requestId: String(requests[0].json.id ?? requests[0].json.requestId),
		comment: 'ok',
	});
	const revocable = await dc(
		'digiCertCodeSigning:order:create',
		create({ additionalFields: { skipApproval: true }, waitForCompletion: true, options: { pollInterval: 1, timeout: 60 } }),
	);
	await dc('digiCertCodeSigning:certificate:revoke', {
		resource: 'certificate',
		operation: 'revoke',
		certificateId: String(revocable[0].json.certificateId),
		confirmRevocation: true,
		comments: 'key compromised',
		skipApproval: false,
	});
	const revokedAtOnce = await dc(
		'digiCertCodeSigning:order:create',
		create({ additionalFields: { skipApproval: true }, waitForCompletion: true, options: { pollInterval: 1, timeout: 60 } }),
	);
	await dc('digiCertCodeSigning:certificate:revoke', {
		resource: 'certificate',
		operation: 'revoke',
		certificateId: String(revokedAtOnce[0].json.certificateId),
		confirmRevocation: true,
		comments: 'key compromised',
		skipApproval: true,
	});
	// the rest of the operations, so every one has its output keys in test/surface.json
	await dc('digiCertCodeSigning:order:reissue', {
		resource: 'order',
		operation: 'reissue',
		orderId: String(issued[0].json.orderId),
		csrSource: 'text',
		csr,
		reissueOptions: { skipApproval: true },
		waitForCompletion: false,
	});
	const referenced = digiCert.control.seedOrder({ status: 'pending', alternativeOrderId: 'docs-ref-1' });
	await dc('digiCertCodeSigning:order:findByReference', {
		resource: 'order',
		operation: 'findByReference',
		alternativeOrderId: 'docs-ref-1',
	});
	await dc('digiCertCodeSigning:order:findByReference', {
		resource: 'order',
		operation: 'findByReference',
		alternativeOrderId: 'docs-no-such-ref',
	});
	await dc('digiCertCodeSigning:order:cancel', {
		resource: 'order',
		operation: 'cancel',
		orderId: String(referenced.id),
		note: 'duplicate',
	});
	const toReject = await dc('digiCertCodeSigning:order:create', create({ additionalFields: {}, waitForCompletion: false }));
	await dc('digiCertCodeSigning:request:reject', {
		resource: 'request',
		operation: 'reject',
		requestId: String((toReject[0].json.requestIds as number[])[0]),
		comment: 'not ours',
	});

	// Certificate Trigger: Renewal Due (DigiCert and PEM, also the test sample) and Order Status Changed
	const trigger = (parameters: IDataObject, mode: 'trigger' | 'manual' = 'trigger') =>
		new PollHarness(new CertificateTrigger(), {
			parameters,
			mode,
			credentials: { digiCertApi: { apiKey: digiCert.apiKey, region: 'custom', baseUrl: digiCert.url } },
			digiCert: tuning,
		});
	const due = ca.issue({ subject: '/CN=due.example', days: 365, notBefore: new Date(Date.now() - 300 * DAY) });
	const renewal = {
		event: 'renewalDue',
		includeDigiCert: true,
		includePem: true,
		product: '',
		container: { __rl: true, mode: 'list', value: '' },
		pemCertificates: { certificate: [{ label: 'facturacion', pem: due.certPem }] },
		policy: 'daysBefore',
		daysBefore: 400,
		options: {},
	};
	record('certificateTrigger:renewalDue', await trigger(renewal).pollItems());
	record('certificateTrigger:renewalDue', await trigger(renewal, 'manual').pollItems());
	const changes = trigger({ event: 'orderStatusChanged', statuses: [], options: {} });
	expect(await changes.pollItems()).toEqual([]);
	const waiting = digiCert.control.seedOrder({ status: 'pending', commonName: 'Waiting Corp' });
	digiCert.control.issueOrder(waiting.id);
	record('certificateTrigger:orderStatusChanged', await changes.pollItems());
});

afterAll(async () => {
	await Promise.all([afipSdk?.close(), digiCert?.close(), firmador?.close()]);
	await sshd?.stop();
	ca?.dispose();
	rmSync(csrDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------

describe('examples/*.json', () => {
	test("the references are found at all (the patterns match the examples' expressions and notes)", () => {
		const all = EXAMPLES.flatMap((e) => e.workflow.nodes.flatMap((n) => strings(n.parameters ?? {})));
		expect(all.flatMap(jsonRefs).length).toBeGreaterThanOrEqual(25);
		expect(all.flatMap(namedRefs).length).toBeGreaterThanOrEqual(8);
		expect(
			EXAMPLES.every((e) =>
				e.workflow.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote' && backticked(String(n.parameters?.content)).length > 0),
			),
		).toBe(true);
	});

	test.each(EXAMPLES.map((e) => [e.file, e.workflow] as const))(
		'%s: every $json reference names a field its source node outputs',
		(_file, workflow) => {
			const problems: string[] = [];
			for (const node of workflow.nodes) {
				if (node.type === 'n8n-nodes-base.stickyNote') continue;
				for (const text of strings(node.parameters ?? {}).filter((s) => s.startsWith('='))) {
					for (const ref of jsonRefs(text)) {
						const sources = sourcesOf(workflow, node.name);
						const answers = sources.map((source) => outputs(source, ref));
						if (sources.length === 0) problems.push(`${node.name}: $json.${ref} but nothing feeds the node`);
						else if (!answers.includes(true)) problems.push(`${node.name}: $json.${ref} — ${answers.join('; ')}`);
					}
					for (const [name, ref] of namedRefs(text)) {
						const source = workflow.nodes.find((n) => n.name === name);
						const answer = source ? outputs(source, ref) : `no node "${name}"`;
						if (answer !== true) problems.push(`${node.name}: $('${name}').item.json.${ref} — ${answer}`);
					}
				}
			}
			expect(problems).toEqual([]);
		},
	);

	test.each(EXAMPLES.map((e) => [e.file, e.workflow] as const))(
		'%s: every name a sticky note quotes is one its node outputs',
		(_file, workflow) => {
			const packageNodes = workflow.nodes.filter((n) => operationOf(n));
			// a note names fields as the user sees them on the JSON tab: dotted paths from the top, binary fields, or a value shown (`status: signed`, all `OK`)
			const named = (s: Seen, name: string, value = name) => s.paths.has(name) || s.binary.has(name) || s.values.has(value);
			// outside "Look at": anything the workflow outputs, or a value/field it sets
			/** Quoted in a note's prose, not as a field: ARCA's error codes. */
			const NOT_FIELDS = new Set(['coe.alreadyAuthenticated']);
			const anywhere = (name: string) =>
				NOT_FIELDS.has(name) ||
				packageNodes.some(
					(n) => seen.has(operationOf(n)!) && (named(seen.get(operationOf(n)!)!, name) || seen.get(operationOf(n)!)!.values.has(name)),
				) ||
				workflow.nodes.some((n) => strings(n.parameters ?? {}).some((s) => s === name || new RegExp(`(^|[^\\w])${name}\\s*:`).test(s)));
			const problems: string[] = [];
			for (const note of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote')) {
				const content = String(note.parameters?.content ?? '');
				const lookAt = content.indexOf('**Look at:**');
				// `*Node Name*` markers of this workflow's nodes, in order
				const markers = [...content.matchAll(/(?<!\*)\*([^*\n]+)\*(?!\*)/g)]
					.filter((m) => workflow.nodes.some((n) => n.name === m[1]))
					.map((m) => ({ at: m.index!, node: workflow.nodes.find((n) => n.name === m[1])! }));
				for (const m of content.matchAll(/`([^`\n]+)`/g)) {
					const name = quotedName(m[1]);
					if (!name) continue;
					const inLookAt = lookAt >= 0 && m.index! > lookAt && !content.slice(lookAt, m.index!).includes('\n\n');
					if (!inLookAt) {
						if (!anywhere(name)) problems.push(`"${m[1]}" (outside Look at): nothing in the workflow outputs or sets it`);
						continue;
					}
					const marker = markers.filter((k) => k.at > lookAt && k.at < m.index!).at(-1);
					const about = marker && operationOf(marker.node) ? [marker.node] : packageNodes;
					// "`signatures[0]`: `signerName`, `cuil`" — names after "`parent`:" in the same phrase are the parent's children
					const phrase = content
						.slice(0, m.index!)
						.split(/\. |→|;/)
						.at(-1)!;
					const parent = [...phrase.matchAll(/`([^`\n]+)`:\s/g)].map((p) => quotedName(p[1])).at(-1);
					const full = parent ? `${parent}.${name}` : name;
					if (!about.some((n) => seen.has(operationOf(n)!) && named(seen.get(operationOf(n)!)!, full, name)))
						problems.push(`"${m[1]}" (${full}) about ${about.map((n) => `${n.name} (${operationOf(n)})`).join(', ')}: not in its output`);
				}
			}
			expect(problems).toEqual([]);
		},
	);
});

describe('README.md', () => {
	const everything = () => {
		const all: Seen = { paths: new Set(), keys: new Set(), values: new Set(), binary: new Set() };
		for (const s of seen.values()) for (const k of ['paths', 'keys', 'values', 'binary'] as const) s[k].forEach((v) => all[k].add(v));
		return all;
	};
	/** Fields the README says come from the user's own previous node, not from one of ours. */
	const USER_FIELDS: Record<string, string> = { csr: 'Order → Create: "a CSR from the previous node\'s `csr` field"' };

	test('every {{ $json.x }} names a field some operation outputs', () => {
		const all = everything();
		const refs = [...README.matchAll(/\{\{[^}]*\}\}/g)].flatMap((m) => jsonRefs(m[0]));
		expect(refs.length).toBeGreaterThanOrEqual(4);
		expect(refs.filter((ref) => !all.paths.has(ref) && !(ref in USER_FIELDS))).toEqual([]);
	});

	/** Each passage of the README that lists an operation's output, and the operation. */
	const passages: Array<[string, string, () => string[]]> = [
		[
			'ARCA Certificate → Create JSON',
			'arcaAutomation:certificate:create',
			() =>
				braceNames(
					between('### Certificate → Create', '### Web Service → Authorize')
						.split('```json')[1]
						.split('```')[0]
						.replace(/"(\w+)"\s*:/g, '$1:'),
				),
		],
		[
			'ARCA Certificate → Create: privateKeyPem and binaries',
			'arcaAutomation:certificate:create',
			() => ['certificate', 'privateKey', 'privateKeyPem', 'certificate.notAfter'],
		],
		['ARCA Wait off', 'arcaAutomation:certificate:create', () => braceNames(between('With Wait off, the node returns', 'at once.'))],
		[
			'ARCA Web Service → Authorize',
			'arcaAutomation:webService:authorize',
			() => braceNames(between('### Web Service → Authorize', '### Web Service → Get Access Ticket').split('Output:')[1]),
		],
		[
			'ARCA Web Service → Get Access Ticket',
			'arcaAutomation:webService:getAccessTicket',
			() => braceNames(between('### Web Service → Get Access Ticket', '### Web Service → Call').split('Output: `')[1].split('`')[0]),
		],
		[
			'ARCA Web Service → Call',
			'arcaAutomation:webService:call',
			() => braceNames(between('### Web Service → Call', '### Web Service → Get Last Request XML').split('Output: `')[1].split('`')[0]),
		],
		[
			'ARCA Automation → Run',
			'arcaAutomation:automation:run',
			() => braceNames(between('### Automation → Run', '### Automation → Get Result').split('Output:')[1].split('—')[0]),
		],
		...(
			[
				['Document → Sign', 'firmador:document:sign', 'Output per item:'],
				['Document → Download Signed', 'firmador:document:downloadSigned', 'output also has'],
				['Hash → Sign', 'firmador:hash:sign', 'Output:'],
				['Hash → Get Signed', 'firmador:hash:getSigned', 'Output:'],
				['XML → Sign', 'firmador:xml:sign', 'Output:'],
				['XML → Get Signed', 'firmador:xml:getSigned', 'Output:'],
				['Request → Get Status', 'firmador:request:getStatus', 'Output per id:'],
			] as const
		).map(([row, op, marker]): [string, string, () => string[]] => [
			`Firmador table: ${row}`,
			op,
			() => {
				const line = README.split('\n').find((l) => l.startsWith(`| ${row} |`));
				expect(line).toBeDefined();
				return backticked(line!.split(marker)[1].split('|')[0])
					.map(quotedName)
					.filter((n): n is string => !!n);
			},
		]),
		[
			'Firmador Document → Verify output',
			'firmador:document:verify',
			() =>
				backticked(between('Output per item (the input', 'What **valid** means'))
					.map(quotedName)
					.filter((n): n is string => !!n),
		],
		// The field names of "One order shape" (the values in parentheses are not names).
		[
			'DigiCert normalised order output',
			'digiCertCodeSigning:order:get',
			() => backticked(between('carry the same fields:', '\n\n').replace(/\([^()]*\)/g, '')),
		],
		[
			'DigiCert Order → Create output',
			'digiCertCodeSigning:order:create',
			() =>
				braceNames(
					between('#### Create', '#### Renew')
						.split('```json')[1]
						.split('```')[0]
						.replace(/"(\w+)"\s*:/g, '$1:'),
				),
		],
		[
			'DigiCert Certificate → Revoke output',
			'digiCertCodeSigning:certificate:revoke',
			() =>
				backticked(between('#### Revoke', '```'))
					.map(quotedName)
					.filter((n): n is string => !!n && !['approved', 'pending'].includes(n)),
		],
		['DigiCert Certificate → Download file field', 'digiCertCodeSigning:certificate:download', () => ['certificate']],
		[
			'Certificate Trigger Renewal Due table',
			'certificateTrigger:renewalDue',
			() =>
				between('Output item (one per certificate):', '### Event "Order Status Changed"')
					.split('\n')
					.filter((l) => l.startsWith('| `'))
					.flatMap((l) => [...backticked(l.split('|')[1]), ...(l.includes('`orderId`') ? backticked(l.split('|')[2]) : [])])
					.map(quotedName)
					.filter((n): n is string => !!n),
		],
		[
			'ARCA error items',
			'arcaAutomation:error',
			() =>
				backticked(
					between('With **Settings → On Error → Continue**, each failing item becomes an output item with', 'the other items go on.'),
				)
					.map(quotedName)
					.filter((n): n is string => !!n),
		],
		[
			'Firmador error detail',
			'firmador:error',
			() =>
				backticked(between('A non-empty `DetalleError` in HashFirmado/XmlFirmado is an item error too', '.'))
					.map(quotedName)
					.filter((n): n is string => !!n),
		],
		[
			'DigiCert error items',
			'digiCertCodeSigning:error',
			() =>
				backticked(between('*Continue On Fail* the error item also carries', '\n'))
					.map(quotedName)
					.filter((n): n is string => !!n),
		],
		['Certificate Trigger test sample', 'certificateTrigger:renewalDue', () => ['sample', 'due']],
		[
			'Certificate Trigger Order Status Changed',
			'certificateTrigger:orderStatusChanged',
			() =>
				braceNames(
					between('### Event "Order Status Changed"', '### Fetch Test Event').split('`{event')[1].replace(/^/, '{event').split('`')[0],
				),
		],
	];

	/** Names a passage quotes that no run here produces, each with why the README is still right. */
	const NOT_PRODUCED: Record<string, Record<string, string>> = {
		'firmador:document:verify': {
			cuit: 'the tax-id key is named after its kind (`cuil` / `cuit` / `cdi`, verify.ts signatureJson); the simulator signs with a CUIL',
			cdi: 'as cuit',
			timestamp: 'a `kind` value for document timestamps; the simulator adds none',
		},
		'arcaAutomation:error': { automationId: 'only "where known": an automation that started and then failed or timed out' },
		'firmador:request:getStatus': {
			setting:
				"a `statusFrom` value when the credential's Status 1 Means forces the reading (protocol/status.ts); the default reads the code",
		},
	};

	test.each(passages)('%s: the names it quotes are in the output of %s', (_passage, op, names) => {
		const s = seen.get(op);
		expect(s).toBeDefined();
		const quoted = names();
		expect(quoted.length).toBeGreaterThan(0);
		// a key at any depth (e.g. signatures[].signerName), a binary field, or a value the passage lists (statusFrom `code`)
		const known = (name: string) =>
			s!.paths.has(name) || s!.keys.has(name) || s!.binary.has(name) || s!.values.has(name) || name in (NOT_PRODUCED[op] ?? {});
		expect(quoted.filter((name) => !known(name))).toEqual([]);
	});

	test('parameter names quoted in the example blocks and as "**Name** to be on" are the nodes\' display names', () => {
		const names = displayNames();
		const quoted: string[] = [];
		let fence: string | undefined;
		const blockLines: string[] = [];
		for (const line of README.split('\n')) {
			if (line.startsWith('```')) fence = fence === undefined ? line.slice(3) : undefined;
			else if (fence === '') blockLines.push(line);
		}
		// the example blocks of the node sections: `Name: value · Name → Child: value`
		for (const line of blockLines.filter((l) => l.includes(' · ') || /^[A-Z][\w ]+(→ [\w ]+)?: /.test(l)))
			for (const part of line.split(' · ')) {
				const name = part.split(':')[0].trim();
				quoted.push(...name.split(' → ').map((n) => n.trim()));
			}
		for (const m of README.matchAll(/\*\*([^*]+)\*\* to be on/g)) quoted.push(m[1]);
		expect(quoted.length).toBeGreaterThan(20);
		expect(quoted.filter((name) => !['Resource', 'Operation'].includes(name) && !names.has(name))).toEqual([]);
	});
});

/**
 * Issue #20: the public surface is frozen. The parameters come from the nodes' and credentials'
 * descriptions, the output keys from the runs above (every operation has run, error items included); the
 * whole is compared with test/surface.json. A change fails here until the file is rewritten on purpose
 * (`UPDATE_SURFACE=1 npx jest test/integration/docsNames.test.ts`) and the node's version is raised.
 */
describe('public surface (test/surface.json)', () => {
	const SURFACE_FILE = path.join(ROOT, 'test', 'surface.json');
	const nodes: Array<[string, INodeType]> = [
		['arcaAutomation', new ArcaAutomation()],
		['firmador', new Firmador()],
		['digiCertCodeSigning', new DigiCertCodeSigning()],
		['certificateTrigger', new CertificateTrigger() as unknown as INodeType],
	];

	/** Every resource:operation a node offers (the trigger: every event), and its error items. */
	function operationsOf(name: string, node: INodeType): string[] {
		if (name === 'certificateTrigger') {
			const event = node.description.properties.find((p) => p.name === 'event')!;
			return (event.options as Array<{ value: string }>).map((o) => `${name}:${o.value}`);
		}
		const ops: string[] = [];
		for (const field of node.description.properties.filter((p) => p.name === 'operation')) {
			const resource = String(field.displayOptions!.show!.resource![0]);
			for (const option of field.options as Array<{ value: string }>) ops.push(`${name}:${resource}:${option.value}`);
		}
		return [...ops, `${name}:error`];
	}

	function currentSurface(): Surface {
		const surface: Surface = { nodes: {}, credentials: {} };
		for (const [name, node] of nodes) {
			const outputs: Record<string, string[]> = {};
			for (const op of operationsOf(name, node)) {
				const s = seen.get(op);
				// Top-level keys only: deeper ones are the provider's own (raw answers), not names of ours.
				outputs[op.slice(name.length + 1)] = s ? [...new Set([...s.paths].map((p) => p.split('.')[0]))].sort() : ['(never run)'];
				if (s) for (const b of [...s.binary].sort()) outputs[op.slice(name.length + 1)].push(`binary:${b}`);
			}
			surface.nodes[name] = nodeSurface(node, outputs);
		}
		for (const credential of [new AfipSdkApi(), new ArcaLogin(), new FirmadorApi(), new FirmadorSftp(), new DigiCertApi()]) {
			surface.credentials[credential.name] = credentialSurface(credential);
		}
		return surface;
	}

	test('every operation of every node has run here (its output keys are part of the surface)', () => {
		const never = nodes.flatMap(([name, node]) => operationsOf(name, node)).filter((op) => !seen.has(op));
		expect(never).toEqual([]);
	});

	test('the surface is the committed one, and a node whose surface changed has a new version', () => {
		const current = currentSurface();
		const committed = existsSync(SURFACE_FILE)
			? (JSON.parse(readFileSync(SURFACE_FILE, 'utf8')) as Surface & { frozen?: Record<string, string> })
			: undefined;
		// Each node version's surface is frozen by its hash: rewriting the file cannot change a released version.
		const frozen: Record<string, string> = { ...(committed?.frozen ?? {}) };
		const changedWithoutNewVersion: string[] = [];
		for (const [name] of nodes) {
			const version = Math.max(...[current.nodes[name].version].flat());
			const hash = createHash('sha256').update(JSON.stringify(current.nodes[name])).digest('hex').slice(0, 16);
			const key = `${name}@${version}`;
			if (frozen[key] && frozen[key] !== hash) changedWithoutNewVersion.push(key);
			else frozen[key] = hash;
		}
		const next = { ...current, frozen: Object.fromEntries(Object.entries(frozen).sort(([a], [b]) => a.localeCompare(b))) };
		if (process.env.UPDATE_SURFACE === '1' && changedWithoutNewVersion.length === 0)
			writeFileSync(SURFACE_FILE, `${JSON.stringify(next, null, '\t')}\n`);
		const diff = surfaceDiff(committed ?? {}, next);
		if (changedWithoutNewVersion.length > 0 || diff.length > 0) {
			throw new Error(
				`The public surface changed (${diff.length} lines):\n${diff.slice(0, 60).join('\n')}\n\n` +
					'Names, defaults and option values are what saved workflows and credentials refer to. If the change is meant: ' +
					(changedWithoutNewVersion.length
						? `raise the version of ${changedWithoutNewVersion.join(', ')} (its surface is frozen; a new typeVersion keeps old workflows on the old behaviour), then `
						: '') +
					'rewrite test/surface.json with UPDATE_SURFACE=1 npx jest test/integration/docsNames.test.ts and commit it.',
			);
		}
	});
});

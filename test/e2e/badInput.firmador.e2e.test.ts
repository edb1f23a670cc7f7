/**
 * The bad-input corpus for the Firmador node and both Firmador credentials, in a real n8n (one execution
 * for the whole table, continue-on-fail on every case): each case must fail with the exact error naming
 * the field and the item, no request may reach the Firmador simulator and no file may reach the SFTP folders.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { startFirmadorSimulator, type FirmadorSimulator } from '../simulators/firmador/server';
import { corpusFailures, runCorpus, type BadInputCase } from '../support/badInput';
import { N8nInstance, TEST_OWNER } from '../support/n8n';
import { startSshd, type SshdServer } from '../support/sshd';

jest.setTimeout(10 * 60_000);

const CUIL = '20111111112';
const CUIT = '30500010912';
const HEX = 'CC282B2E077BBB17E81BB529DE3FA81F964A104F';

let sshd: SshdServer;
let sim: FirmadorSimulator;
let n8n: N8nInstance;
let uploadFolder: string;
let signedFolder: string;

/** Credential ids (17 characters, as the other e2e tests use). */
const API = {
	ok: 'fbadApiOk00000001',
	notBase64: 'fbadApiB64000001',
	encoding: 'fbadApiEnc000001',
	ftpUrl: 'fbadApiUrl000001',
	uri: 'fbadApiUri000001',
	colonAppId: 'fbadApiApp000001',
	brackets: 'fbadApiBrk000001',
	emptySecret: 'fbadApiSec000001',
};
const SFTP = {
	ok: 'fbadSftpOk000001',
	md5: 'fbadSftpMd5000001',
	noFingerprint: 'fbadSftpNoFp00001',
	dotdot: 'fbadSftpDots00001',
	port: 'fbadSftpPort00001',
	host: 'fbadSftpHost00001',
	control: 'fbadSftpCtl000001',
};

beforeAll(async () => {
	sshd = await startSshd();
	uploadFolder = path.join(sshd.root, 'upload');
	signedFolder = path.join(sshd.root, 'signed');
	sim = await startFirmadorSimulator({ uploadFolder, signedFolder });
	const app = sim.apps[0];
	const api = { baseUrl: sim.url, appId: app.appId, secret: app.secret, keyEncoding: app.secretFormat };
	const sftp = {
		host: sshd.host,
		port: sshd.port,
		username: sshd.username,
		password: '',
		privateKey: sshd.privateKey,
		passphrase: '',
		hostKeyFingerprint: sshd.hostKeyFingerprint,
		uploadFolder,
		signedFolder,
	};
	n8n = new N8nInstance({ owner: TEST_OWNER });
	await n8n.importCredentials([
		{ id: API.ok, name: 'api ok', type: 'firmadorApi', data: api },
		{ id: API.notBase64, name: 'api not base64', type: 'firmadorApi', data: { ...api, secret: 'plain secret!' } },
		{ id: API.encoding, name: 'api encoding', type: 'firmadorApi', data: { ...api, keyEncoding: 'hex' } },
		{ id: API.ftpUrl, name: 'api ftp', type: 'firmadorApi', data: { ...api, baseUrl: 'ftp://firmador.example' } },
		{ id: API.uri, name: 'api uri', type: 'firmadorApi', data: { ...api, signatureDetails: true, uriToSign: 'fullUrl' } },
		{ id: API.colonAppId, name: 'api appid', type: 'firmadorApi', data: { ...api, appId: 'sim:app' } },
		{ id: API.brackets, name: 'api brackets', type: 'firmadorApi', data: { ...api, signatureDetails: true, queryBrackets: 'json' } },
		{ id: API.emptySecret, name: 'api empty secret', type: 'firmadorApi', data: { ...api, secret: '' } },
		{ id: SFTP.ok, name: 'sftp ok', type: 'firmadorSftp', data: sftp },
		{ id: SFTP.md5, name: 'sftp md5', type: 'firmadorSftp', data: { ...sftp, hostKeyFingerprint: 'MD5:aa:bb:cc' } },
		{ id: SFTP.noFingerprint, name: 'sftp no fp', type: 'firmadorSftp', data: { ...sftp, hostKeyFingerprint: '' } },
		{ id: SFTP.dotdot, name: 'sftp dotdot', type: 'firmadorSftp', data: { ...sftp, uploadFolder: `${uploadFolder}/../../etc` } },
		{ id: SFTP.port, name: 'sftp port', type: 'firmadorSftp', data: { ...sftp, port: 70000 } },
		{ id: SFTP.host, name: 'sftp host', type: 'firmadorSftp', data: { ...sftp, host: '' } },
		{ id: SFTP.control, name: 'sftp control', type: 'firmadorSftp', data: { ...sftp, signedFolder: `${signedFolder}/a\u0007b` } },
	]);
});

afterAll(async () => {
	await n8n?.dispose();
	await sim?.close();
	await sshd?.stop();
});

const apiOnly = (id = API.ok) => ({ firmadorApi: id });
const both = (sftp = SFTP.ok, api = API.ok) => ({ firmadorApi: api, firmadorSftp: sftp });
const hashSign = (extra: Record<string, unknown> = {}) => ({
	resource: 'hash',
	operation: 'sign',
	hashSource: 'field',
	hash: HEX,
	signerCuil: CUIL,
	companyCuit: CUIT,
	options: {},
	...extra,
});
const xmlSign = (extra: Record<string, unknown> = {}) => ({
	resource: 'xml',
	operation: 'sign',
	xmlSource: 'field',
	xml: '<a>1</a>',
	signerCuil: CUIL,
	companyCuit: CUIT,
	reason: '',
	options: {},
	...extra,
});
const docSign = (extra: Record<string, unknown> = {}) => ({
	resource: 'document',
	operation: 'sign',
	binaryPropertyName: 'data',
	fileName: 'ok.pdf',
	signerCuil: CUIL,
	companyCuit: CUIT,
	reason: '',
	visible: false,
	options: {},
	...extra,
});
const download = (extra: Record<string, unknown> = {}) => ({
	resource: 'document',
	operation: 'downloadSigned',
	fileName: 'ok.pdf',
	signedFileName: '{name}',
	signedFolder: '',
	binaryPropertyName: 'data',
	...extra,
});
const status = (extra: Record<string, unknown> = {}) => ({
	resource: 'request',
	operation: 'getStatus',
	sessionIds: 'abc',
	options: {},
	...extra,
});
const getSigned = (extra: Record<string, unknown> = {}) => ({
	resource: 'hash',
	operation: 'getSigned',
	sessionId: 'abc',
	matchHash: '',
	...extra,
});

/**
 * An empty required field written as an expression: n8n itself refuses to start a workflow whose required
 * field is literally empty (`n8n execute` then ends with "No active execution found"), but an expression
 * that evaluates to nothing gets through to the node, which must catch it.
 */
const EMPTY = '={{ "" }}';
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exact = (text: string) => new RegExp(`^${esc(text)} \\(item \\d+\\)$`);

const CASES: BadInputCase[] = [
	// Hash → Sign
	{
		name: 'CUIL with a wrong check digit',
		node: 'firmador',
		parameters: hashSign({ signerCuil: '20111111113' }),
		credentials: apiOnly(),
		error: /^Signer CUIL .*check digit.* \(item 1\)$/,
	},
	{ name: 'empty CUIL', node: 'firmador', parameters: hashSign({ signerCuil: EMPTY }), credentials: apiOnly(), error: /^Signer CUIL / },
	{
		name: 'CUIL with letters',
		node: 'firmador',
		parameters: hashSign({ signerCuil: '20-ABC-2' }),
		credentials: apiOnly(),
		error: /^Signer CUIL /,
	},
	{
		name: 'CUIT with a wrong check digit',
		node: 'firmador',
		parameters: hashSign({ companyCuit: '30500010911' }),
		credentials: apiOnly(),
		error: /^Company CUIT .*check digit.* \(item 1\)$/,
	},
	{
		name: 'SHA-1 of 39 digits',
		node: 'firmador',
		parameters: hashSign({ hash: HEX.slice(1) }),
		credentials: apiOnly(),
		error: exact(`SHA-1 (Hex) "${HEX.slice(1)}" is not 40 hex digits`),
	},
	{
		name: 'SHA-1 not hex',
		node: 'firmador',
		parameters: hashSign({ hash: 'Z'.repeat(40) }),
		credentials: apiOnly(),
		error: exact(`SHA-1 (Hex) "${'Z'.repeat(40)}" is not 40 hex digits`),
	},
	{
		name: 'empty SHA-1',
		node: 'firmador',
		parameters: hashSign({ hash: EMPTY }),
		credentials: apiOnly(),
		error: exact('SHA-1 (Hex) is empty'),
	},
	{
		name: 'Hash Source outside its list',
		node: 'firmador',
		parameters: hashSign({ hashSource: '={{ "bogus" }}' }),
		credentials: apiOnly(),
		error: exact('Hash Source "bogus" is not one of: field, binary'),
	},
	{
		name: 'Hash Byte Encoding outside its list',
		node: 'firmador',
		parameters: hashSign({ options: { hashEncoding: '={{ "utf8" }}' } }),
		credentials: apiOnly(),
		error: exact('Options → Hash Byte Encoding "utf8" is not one of: utf16leHex, raw'),
	},
	{
		name: 'binary hash source without binary data',
		node: 'firmador',
		parameters: hashSign({ hashSource: 'binary', binaryPropertyName: 'data' }),
		credentials: apiOnly(),
		error: /^Input Binary Field "data" is missing from the input item \(item 1\)$/,
	},
	{
		name: 'batch with a second signer',
		node: 'firmador',
		parameters: hashSign({ hash: EMPTY, signerCuil: '={{ $json.cuil }}', options: { batch: true } }),
		credentials: apiOnly(),
		items: [{ cuil: CUIL }, { cuil: '27123456780' }],
		item: 1,
		error: exact('Signer CUIL and Company CUIT must be the same for all items sent in one request'),
	},
	// XML → Sign
	{ name: 'empty XML', node: 'firmador', parameters: xmlSign({ xml: EMPTY }), credentials: apiOnly(), error: exact('XML is empty') },
	{
		name: 'XML that is not XML',
		node: 'firmador',
		parameters: xmlSign({ xml: 'hello' }),
		credentials: apiOnly(),
		error: exact('XML does not look like XML (it must start with <)'),
	},
	{
		name: 'Hash Control outside its list',
		node: 'firmador',
		parameters: xmlSign({ options: { hashControl: '={{ "md5" }}' } }),
		credentials: apiOnly(),
		error: exact('Options → Hash Control "md5" is not one of: custom, none, sha1, sha256'),
	},
	{
		name: 'XML Source outside its list',
		node: 'firmador',
		parameters: xmlSign({ xmlSource: '={{ "file" }}' }),
		credentials: apiOnly(),
		error: exact('XML Source "file" is not one of: field, binary'),
	},
	// Document → Sign
	{
		name: 'no binary data',
		node: 'firmador',
		parameters: docSign(),
		credentials: both(),
		error: /^Input Binary Field "data" is missing from the input item \(item 1\)$/,
	},
	{
		name: 'file name with a NUL',
		node: 'firmador',
		parameters: docSign({ fileName: '={{ "a\\u0000.pdf" }}' }),
		credentials: both(),
		error: exact('File Name contains a control character (U+0000)'),
	},
	{
		name: 'file name with folders',
		node: 'firmador',
		parameters: docSign({ fileName: '../../x.pdf' }),
		credentials: both(),
		error: exact('File Name "../../x.pdf" must be a plain file name without folders'),
	},
	{
		name: 'upload folder with ..',
		node: 'firmador',
		parameters: docSign({ options: { uploadFolder: '../../etc' } }),
		credentials: both(),
		error: /^Options → Upload Folder "\.\.\/\.\.\/etc" contains \.\. .*\(item 1\)$/,
	},
	{
		name: 'upload folder outside the credential folder',
		node: 'firmador',
		parameters: docSign({ options: { uploadFolder: '/etc' } }),
		credentials: both(),
		error: /^Options → Upload Folder "\/etc" is outside the credential's folder .*\(item 1\)$/,
	},
	{
		name: 'visible signature on page 0',
		node: 'firmador',
		parameters: docSign({ visible: true, page: 0, x: 1, y: 1, width: 10, height: 10 }),
		credentials: both(),
		error: exact('Page must be a whole number ≥ 1, got 0'),
	},
	{
		name: 'visible signature without X',
		node: 'firmador',
		parameters: docSign({ visible: true, page: 1, x: '', y: 1, width: 10, height: 10 }),
		credentials: both(),
		error: exact('X is required for a visible signature'),
	},
	{
		name: 'output binary field empty',
		node: 'firmador',
		parameters: download({ binaryPropertyName: EMPTY }),
		credentials: { firmadorSftp: SFTP.ok },
		error: exact('Put Output File in Field is empty'),
	},
	// Document → Download Signed
	{
		name: 'empty file name',
		node: 'firmador',
		parameters: download({ fileName: EMPTY }),
		credentials: { firmadorSftp: SFTP.ok },
		error: exact('File Name is empty'),
	},
	{
		name: 'signed name pattern leaving the folder',
		node: 'firmador',
		parameters: download({ signedFileName: '../../../../../../etc/passwd' }),
		credentials: { firmadorSftp: SFTP.ok },
		error: exact('Signed File Name "../../../../../../etc/passwd" must be a plain file name without folders'),
	},
	{
		name: 'signed folder outside the credential folder',
		node: 'firmador',
		parameters: download({ signedFolder: '/etc' }),
		credentials: { firmadorSftp: SFTP.ok },
		error: /^Signed Folder "\/etc" is outside the credential's folder .*\(item 1\)$/,
	},
	{
		name: 'file name with a newline',
		node: 'firmador',
		parameters: download({ fileName: '={{ "a\\nb.pdf" }}' }),
		credentials: { firmadorSftp: SFTP.ok },
		error: exact('File Name contains a control character (U+000A)'),
	},
	// Document → Verify (no credential; files with bad content are in test/integration/firmadorVerify.test.ts)
	{
		name: 'verify without binary data',
		node: 'firmador',
		parameters: { resource: 'document', operation: 'verify', binaryPropertyName: 'data', trustedRoots: '', options: {} },
		credentials: {},
		error: /^Input Binary Field "data" is missing from the input item \(item 1\)$/,
	},
	{
		name: 'verify with an empty binary field name',
		node: 'firmador',
		parameters: { resource: 'document', operation: 'verify', binaryPropertyName: EMPTY, trustedRoots: '', options: {} },
		credentials: {},
		error: exact('Input Binary Field is empty'),
	},
	// Request → Get Status, Hash → Get Signed
	{
		name: 'no session ids',
		node: 'firmador',
		parameters: status({ sessionIds: EMPTY }),
		credentials: apiOnly(),
		error: exact('Session IDs is empty'),
	},
	{
		name: 'a session id of 200 characters',
		node: 'firmador',
		parameters: status({ sessionIds: 'x'.repeat(200) }),
		credentials: apiOnly(),
		error: exact('Session IDs holds a value that is not a session id (too long or with control characters)'),
	},
	{
		name: 'empty session id',
		node: 'firmador',
		parameters: getSigned({ sessionId: EMPTY }),
		credentials: apiOnly(),
		error: exact('Session ID is empty'),
	},
	{
		name: 'session id with a control character',
		node: 'firmador',
		parameters: getSigned({ sessionId: '={{ "a\\u0001b" }}' }),
		credentials: apiOnly(),
		error: exact('Session ID is not a session id (too long or with control characters)'),
	},
	// Firmador API credential
	{
		name: 'API secret not Base64',
		node: 'firmador',
		parameters: hashSign(),
		credentials: apiOnly(API.notBase64),
		error: exact('Firmador API credential → Secret is not valid Base64 (set Secret Encoding to Text if it is a plain string)'),
	},
	{
		name: 'API empty secret',
		node: 'firmador',
		parameters: status(),
		credentials: apiOnly(API.emptySecret),
		error: exact('Firmador API credential → Secret is empty'),
	},
	{
		name: 'API secret encoding outside its list',
		node: 'firmador',
		parameters: xmlSign(),
		credentials: apiOnly(API.encoding),
		error: exact('Firmador API credential → Secret Encoding "hex" is not one of: base64, text'),
	},
	{
		name: 'API ftp base URL',
		node: 'firmador',
		parameters: getSigned(),
		credentials: apiOnly(API.ftpUrl),
		error: exact('Firmador API credential → Base URL must be http or https, not ftp:'),
	},
	{
		name: 'API URI to sign outside its list',
		node: 'firmador',
		parameters: hashSign(),
		credentials: apiOnly(API.uri),
		error: exact('Firmador API credential → URI to Sign "fullUrl" is not one of: absoluteUrl, pathAndQuery'),
	},
	{
		name: 'API app id with a colon',
		node: 'firmador',
		parameters: hashSign(),
		credentials: apiOnly(API.colonAppId),
		error: exact(
			'Firmador API credential → App ID contains a colon, a space or a control character (it goes into the Authorization header)',
		),
	},
	{
		name: 'API SessionsID form outside its list',
		node: 'firmador',
		parameters: status(),
		credentials: apiOnly(API.brackets),
		error: exact('Firmador API credential → SessionsID[] on the Wire "json" is not one of: literal, encoded'),
	},
	{
		name: 'API credential on a PDF item',
		node: 'firmador',
		parameters: docSign(),
		credentials: both(SFTP.ok, API.notBase64),
		error: exact('Firmador API credential → Secret is not valid Base64 (set Secret Encoding to Text if it is a plain string)'),
	},
	// Firmador SFTP credential
	{
		name: 'SFTP MD5 fingerprint',
		node: 'firmador',
		parameters: download(),
		credentials: { firmadorSftp: SFTP.md5 },
		error: exact('Host Key Fingerprint "MD5:aa:bb:cc" is not a SHA256 fingerprint'),
	},
	{
		name: 'SFTP no fingerprint and no opt-in',
		node: 'firmador',
		parameters: docSign(),
		credentials: both(SFTP.noFingerprint),
		error: exact('The Firmador SFTP credential has no Host Key Fingerprint'),
	},
	{
		name: 'SFTP upload folder with ..',
		node: 'firmador',
		parameters: docSign(),
		credentials: both(SFTP.dotdot),
		error: /^The Firmador SFTP credential's Upload Folder ".*\/\.\.\/\.\.\/etc" contains \.\. \(item 1\)$/,
	},
	{
		name: 'SFTP port out of range',
		node: 'firmador',
		parameters: download(),
		credentials: { firmadorSftp: SFTP.port },
		error: exact("The Firmador SFTP credential's Port 70000 is not a port number (1-65535)"),
	},
	{
		name: 'SFTP empty host',
		node: 'firmador',
		parameters: download(),
		credentials: { firmadorSftp: SFTP.host },
		error: exact("The Firmador SFTP credential's Host is empty"),
	},
	{
		name: 'SFTP signed folder with a control character',
		node: 'firmador',
		parameters: download(),
		credentials: { firmadorSftp: SFTP.control },
		error: exact("The Firmador SFTP credential's Signed Folder contains a control character (U+0007)"),
	},
];

test(`${CASES.length} bad inputs for the Firmador node and its credentials: the exact error on the exact item, nothing sent, nothing uploaded`, async () => {
	const outcomes = await runCorpus(n8n, 'firmadorBadInputCorpus', CASES);
	expect(corpusFailures(outcomes)).toEqual([]);
	expect(outcomes).toHaveLength(CASES.length);
	expect(CASES.length).toBeGreaterThanOrEqual(30);
	// nothing reached the service, nothing reached the SFTP folders
	expect(sim.control.requests().filter((r) => r.url.startsWith('/api/'))).toEqual([]);
	for (const folder of [uploadFolder, signedFolder]) expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
	console.log(`FIRMADOR BAD INPUTS ${CASES.length} tried, ${outcomes.filter((o) => o.ok).length} failed as expected`);
});

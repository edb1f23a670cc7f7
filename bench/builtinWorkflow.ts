/**
 * B1 (b): the workflow a user would build without this package, from n8n's own nodes: Read Files → FTP (SFTP
 * upload, one per item) → Crypto (SHA-1 of the binary; it drops the binary, so it comes after the upload) → Code (batches of 50, HMAC signature in
 * JavaScript) → HTTP Request (FirmadorMasivo, answer taken as a file) → Extract From File (text: the session
 * id) → Code (status requests of 36 ids, signed) → HTTP Request
 * (EstadoSolicitud) → Code (which are still pending) → If done, else Wait 1 s and ask again.
 * Its Code nodes need NODE_FUNCTION_ALLOW_BUILTIN=crypto. It signs with its own simulator app, so the
 * Firmador credential's secret never sits in a workflow.
 */
import type { WorkflowJson } from '../test/support/n8n';

export const BUILTIN_APP = {
	appId: 'bench-builtin-app',
	secret: Buffer.from('builtin-nodes-workflow-key-00001').toString('base64'),
	secretFormat: 'base64' as const,
};
export const SFTP_CREDENTIAL_ID = 'benchBuiltinSftp1';

/** n8n's FTP node, protocol SFTP, uploading the item's binary `data` to `path` (an expression or a plain path). */
export function ftpUploadNode(path: string) {
	return {
		id: 'upload',
		name: 'Upload',
		type: 'n8n-nodes-base.ftp',
		typeVersion: 1,
		position: [0, 0],
		parameters: { protocol: 'sftp', operation: 'upload', path, binaryData: true, binaryPropertyName: 'data' },
		credentials: { sftp: { id: SFTP_CREDENTIAL_ID, name: 'SFTP (bench)' } },
	};
}

const signer = (baseUrl: string) => `const crypto = require('crypto');
const APP = ${JSON.stringify(BUILTIN_APP.appId)};
const KEY = Buffer.from(${JSON.stringify(BUILTIN_APP.secret)}, 'base64');
const BASE = ${JSON.stringify(baseUrl)};
// .NET HttpUtility.UrlEncode of the lower-cased URL
const urlEncode = (s) => {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (b < 0x80 && /[A-Za-z0-9\\-_.!*()]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).padStart(2, '0');
  }
  return out;
};
const authorization = (method, url, body) => {
  const ts = Math.floor(Date.now() / 1000);
  const nonce = crypto.randomBytes(16).toString('hex');
  const md5 = body ? crypto.createHash('md5').update(body, 'utf8').digest('base64') : '';
  const raw = APP + method + urlEncode(url.toLowerCase()) + ts + nonce + md5;
  const signature = crypto.createHmac('sha256', KEY).update(raw, 'utf8').digest('base64');
  return 'hmac ' + APP + ':' + signature + ':' + nonce + ':' + ts;
};
`;

/**
 * `asFile`: take the answer as a file. FirmadorMasivo answers a bare JSON string ("3f2c…"); the HTTP Request
 * node (4.2, 4.3 and 4.4 in n8n 2.40.7, measured) cannot take that as JSON: Response Format *Autodetect* and
 * *JSON* with Include Response Headers and Status fail with "Response body is not valid JSON. Change
 * "Response Format" to "Text"", *JSON* alone leaves the response stream in the item (`n8n execute` then
 * dies on "Converting circular structure to JSON" and prints nothing), and *Text* fails with that same
 * circular-structure error on the node. *File* works; Extract From File (Text) then reads it.
 */
const http = (id: string, name: string, method: 'GET' | 'POST', x: number, asFile = false) => ({
	id,
	name,
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	position: [x, 0],
	parameters: {
		method,
		url: '={{ $json.url }}',
		sendHeaders: true,
		headerParameters: { parameters: [{ name: 'Authorization', value: '={{ $json.authorization }}' }] },
		...(method === 'POST'
			? { sendBody: true, contentType: 'raw', rawContentType: 'application/json; charset=utf-8', body: '={{ $json.body }}' }
			: {}),
		options: asFile ? { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } } : {},
	},
});

const code = (id: string, name: string, jsCode: string, x: number) => ({
	id,
	name,
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [x, 0],
	parameters: { mode: 'runOnceForAllItems', jsCode },
});

export function builtinWorkflow(
	id: string,
	dir: string,
	options: { baseUrl: string; uploadFolder: string; cuil: string; cuit: string; batchSize: number },
): WorkflowJson {
	const nodes = [
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'read',
			name: 'Read Files',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1.1,
			position: [200, 0],
			parameters: { fileSelector: `${dir}/*.pdf`, options: {} },
		},
		{
			id: 'hash',
			name: 'SHA-1',
			type: 'n8n-nodes-base.crypto',
			typeVersion: 2,
			position: [400, 0],
			parameters: { action: 'hash', type: 'SHA1', binaryData: true, binaryPropertyName: 'data', dataPropertyName: 'hash', encoding: 'hex' },
		},
		{
			...ftpUploadNode(`={{ ${JSON.stringify(options.uploadFolder + '/')} + $('Read Files').item.binary.data.fileName }}`),
			position: [600, 0],
		},
		code(
			'batches',
			'Build Batches',
			`${signer(options.baseUrl)}
const files = $('Read Files').all();
const hashes = $('SHA-1').all();
const out = [];
for (let i = 0; i < files.length; i += ${options.batchSize}) {
  const Archivos = [];
  for (let k = i; k < Math.min(i + ${options.batchSize}, files.length); k++) {
    Archivos.push({ NombreArchivo: files[k].binary.data.fileName, HashArchivo: hashes[k].json.hash.toUpperCase(), Razon: 'Conforme', Visible: false });
  }
  const body = JSON.stringify({ CUILPersona: ${JSON.stringify(options.cuil)}, CUITEmpresa: ${JSON.stringify(options.cuit)}, Archivos });
  const url = BASE + '/api/FirmadorMasivo';
  out.push({ json: { url, body, authorization: authorization('POST', url, body) } });
}
return out;`,
			800,
		),
		http('send', 'Send Batches', 'POST', 1000, true),
		{
			id: 'extract',
			name: 'Read Session ID',
			type: 'n8n-nodes-base.extractFromFile',
			typeVersion: 1.1,
			position: [1100, 0],
			parameters: { operation: 'text', binaryPropertyName: 'data', destinationKey: 'data', options: {} },
		},
		code(
			'statusReq',
			'Status Requests',
			`${signer(options.baseUrl)}
const items = $input.all();
// FirmadorMasivo answers a JSON string: Read Session ID puts its text in json.data
const sessionOf = (j) => { let v = j.data !== undefined ? j.data : j; if (typeof v === 'string') { try { v = JSON.parse(v); } catch (e) {} } return typeof v === 'string' ? v : v.SessionID; };
const ids = items[0].json.pending ? items[0].json.pending : items.map((i) => sessionOf(i.json));
const out = [];
for (let i = 0; i < ids.length; i += 36) {
  const url = BASE + '/api/EstadoSolicitud?' + ids.slice(i, i + 36).map((id) => 'SessionsID[]=' + id).join('&');
  out.push({ json: { url, authorization: authorization('GET', url, '') } });
}
return out;`,
			1200,
		),
		http('status', 'Status', 'GET', 1400),
		code(
			'check',
			'Check',
			`// EstadoSolicitud answers a list: n8n makes one item per entry
const entries = $input.all().map((i) => i.json).filter((e) => e.SessionID);
const pending = entries.filter((e) => e.CodigoEstado !== 4).map((e) => e.SessionID);
return [{ json: { done: pending.length === 0, pending, sessions: entries.length } }];`,
			1600,
		),
		{
			id: 'if',
			name: 'Done?',
			type: 'n8n-nodes-base.if',
			typeVersion: 1,
			position: [1800, 0],
			parameters: { conditions: { boolean: [{ value1: '={{ $json.done }}', value2: true }] } },
		},
		{
			id: 'wait',
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [2000, 100],
			webhookId: 'bench-wait-0001',
			parameters: { amount: 1, unit: 'seconds' },
		},
	];
	const link = (from: string, to: string, output = 0) => ({
		[from]: { main: Array.from({ length: output + 1 }, (_, i) => (i === output ? [{ node: to, type: 'main', index: 0 }] : [])) },
	});
	const connections = {
		...link('Start', 'Read Files'),
		...link('Read Files', 'Upload'),
		...link('Upload', 'SHA-1'),
		...link('SHA-1', 'Build Batches'),
		...link('Build Batches', 'Send Batches'),
		...link('Send Batches', 'Read Session ID'),
		...link('Read Session ID', 'Status Requests'),
		...link('Status Requests', 'Status'),
		...link('Status', 'Check'),
		...link('Check', 'Done?'),
		...link('Done?', 'Wait', 1),
		...link('Wait', 'Status Requests'),
	};
	return { id, name: `bench ${id}`, nodes, connections };
}

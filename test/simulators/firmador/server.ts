/**
 * Firmador simulator: the offline stand-in for the remote-signing service, following
 * the provider document (shared/seeds/firmador-api.txt in the planning folder) strictly.
 *
 * - HMAC: verified from the documented rules with its OWN .NET UrlEncode (not the node's module):
 *   raw = AppId + METHOD + UrlEncode(lower(absolute URL)) + timestamp + nonce + Base64(MD5(body)).
 *   401 for a missing/garbled header, unknown app, bad signature, a timestamp more than 300 s away,
 *   or a nonce seen in the last 300 s (replay).
 * - Endpoints and field names exactly as in the seed. Errors are 204 with the seed's reason phrases;
 *   500 "Error de servidor" on injected faults. Unknown JSON fields are rejected with 400 so that a
 *   client with a misspelt field fails here rather than in production.
 * - Sessions walk CodigoEstado 0 → 2 → 3 → 4, one step per status poll (outcome 1 or 5 on request).
 *   On reaching 4, a signed copy of each PDF is written to the signed folder (the original bytes plus
 *   an appended incremental-update marker).
 * - Where the seed allows two readings, a switch picks the one the simulated server follows (strictly, so a
 *   client that assumes the other fails): `signedUri` (absolute URL / path and query in the string to
 *   sign), `sessionIdsForm` (`SessionsID[]` literal / `%5b%5d`), `code1Pending` (pending requests
 *   reported as the seed's sample does: CodigoEstado 1 + "Pendiente de Validacion"), `responseHashEncoding`
 *   (how `Hash` comes back: hex, lower-case hex, Base64 of the UTF-16LE hex as .NET serialises byte[],
 *   Base64 of the raw digest, a byte array). `control.configure()` switches them at run time.
 * - Fault injection (`control.inject()`): reset before acting, reset after acting, hang (acted, never
 *   answers), 500/502/503, 429 without Retry-After, a 200 with malformed JSON (acted), a slow drip of the
 *   right answer, and 204 No Content.
 * - Simulator choices where the seed is silent (see docs/firmador.md): SessionID is returned as a JSON
 *   string; unknown session ids are left out of EstadoSolicitud (an unknown id alone gives 200 `[]`);
 *   HashFirmado/XmlFirmado return [] for an unknown session and entries with an empty signature and
 *   DetalleError set until the session reaches 4.
 */
import { createHash, createHmac, generateKeyPairSync, randomUUID, sign as cryptoSign, timingSafeEqual, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const PHRASES = {
	missingCuil: 'Debe enviar un número de CUIL de la persona que debe firmar el documento',
	missingHash: 'Debe enviar el hash del archivo',
	missingName: 'Debe enviar el nombre del archivo',
	fileError: 'Se produjo un error con el archivo recibido',
	noOtp: 'El usuario no posee un método de autenticación OTP',
	invalidCuil: 'El CUIL ingresado no es valido',
	serverError: 'Error de servidor',
} as const;

export const STATUS_MESSAGES: Record<number, string> = {
	0: 'La Solicitud no ha sido validada aún con el OTP/PIN correspondiente',
	1: 'El tiempo para validar la Solicitud ha expirado',
	2: 'La Solicitud fue encolada pero el archivo aún no ha sido firmado.',
	3: 'La Solicitud fue encolada y el archivo está en proceso de firma',
	4: 'El archivo ya está firmado.',
	5: 'Se produjo un error al intentar firmar el archivo.',
};

export interface FirmadorApp {
	appId: string;
	secret: string;
	secretFormat: 'base64' | 'text';
}

export interface FirmadorSimulatorOptions {
	port?: number;
	host?: string;
	apps?: FirmadorApp[];
	/** Local folder the SFTP server writes uploads into (the same path the SFTP client sees). */
	uploadFolder: string;
	/** Local folder the signed copies are written to. */
	signedFolder: string;
	/** File name of the signed copy; `{name}` = uploaded name, `{base}` = without .pdf. Default `{name}`. */
	signedName?: string;
	/** CUILs whose person has no OTP method. */
	noOtpCuils?: string[];
	/** Status polls per step of the state machine (default 1). */
	pollsPerStep?: number;
	/** Seconds of allowed clock difference and nonce memory (default 300). */
	windowSeconds?: number;
	now?: () => number;
	/** How the reason phrase bytes go on the wire: latin1 (Node's default) or utf8 bytes. */
	reasonPhraseEncoding?: 'latin1' | 'utf8';
	/** Hash byte-array encoding the simulated service expects (default: UTF-16LE of the upper-case hex). */
	hashEncoding?: 'utf16leHex' | 'raw';
	/** Take the scheme from X-Forwarded-Proto (as behind a TLS-terminating proxy). Default false. */
	trustForwardedProto?: boolean;
	/** What the HMAC's "Request URI" is (default absoluteUrl). */
	signedUri?: 'absoluteUrl' | 'pathAndQuery';
	/** The one form of `SessionsID[]` the server binds (default literal); the other form is an unknown key. */
	sessionIdsForm?: 'literal' | 'encoded';
	/** Report not-yet-validated sessions as the seed's sample does: CodigoEstado 1 + "Pendiente de Validacion". */
	code1Pending?: boolean;
	/** How `Hash` comes back in HashFirmado/XmlFirmado for hash sessions (default upper-case hex). */
	responseHashEncoding?: ResponseHashEncoding;
}

export type ResponseHashEncoding = 'hex' | 'lowerHex' | 'base64Utf16' | 'base64Raw' | 'bytes';

export type FaultKind = 'resetBefore' | 'resetAfter' | 'hang' | 'status500' | 'status502' | 'status503' | 'status429' | 'malformed' | 'drip' | 'noContent';

/** Whether the server did the request's work before the fault showed (a session may exist). */
export const FAULT_ACTS: Record<FaultKind, boolean> = {
	resetBefore: false,
	resetAfter: true,
	hang: true,
	status500: false,
	status502: false,
	status503: false,
	status429: false,
	malformed: true,
	drip: true,
	noContent: false,
};

export type SwitchableOptions = Pick<FirmadorSimulatorOptions, 'signedUri' | 'sessionIdsForm' | 'code1Pending' | 'responseHashEncoding'>;

type SessionKind = 'pdf' | 'pdfBatch' | 'hash' | 'xml';

interface SessionFile {
	name: string;
	sha1: string;
}

export interface SimSession {
	id: string;
	kind: SessionKind;
	cuil: string;
	cuit: string;
	code: number;
	polls: number;
	outcome: 4 | 1 | 5;
	files: SessionFile[];
	hashes: string[];
	xml: Array<{ Hash: string; xml: string; Razon?: string }>;
	signedHashes: string[];
	body: unknown;
	/** A held session does not move on status polls (to test timeouts). */
	held?: boolean;
}

export interface RequestLogEntry {
	method: string;
	url: string;
	status: number;
	reason?: string;
	authorization?: string;
	body: string;
	/** The fault this request met, if any. */
	fault?: FaultKind;
	/** When the whole request had arrived (ms since the epoch) and how long the simulator worked on it (benchmarks). */
	at?: number;
	handledMs?: number;
}

export interface FirmadorSimulator {
	url: string;
	port: number;
	close(): Promise<void>;
	apps: FirmadorApp[];
	control: {
		/** Outcome for sessions created from now on (default 4). */
		setNextOutcome(code: 4 | 1 | 5): void;
		setOutcome(sessionId: string, code: 4 | 1 | 5): void;
		/** Freeze (or release) a session where it is. */
		hold(sessionId: string, held?: boolean): void;
		/** The next `count` API calls (optionally only to `pathPrefix`) answer 500. */
		failNext(count: number, pathPrefix?: string): void;
		/** The next `count` API calls (optionally only to `pathPrefix`) meet this fault. */
		inject(kind: FaultKind, count?: number, pathPrefix?: string, skip?: number): void;
		/** Switch a reading of the seed at run time. */
		configure(options: SwitchableOptions): void;
		/** Faults injected so far (each counted when it fired). */
		faultsFired(): number;
		addNoOtpCuil(cuil: string): void;
		sessions(): SimSession[];
		requests(): RequestLogEntry[];
		reset(): void;
	};
}

// ---- the simulator's own .NET HttpUtility.UrlEncode (written independently of the node's module) ----
function netUrlEncode(value: string): string {
	return encodeURIComponent(value)
		.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())
		.replace(/~/g, '%7e')
		.replace(/'/g, '%27')
		.replace(/%20/g, '+');
}

const WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
function cuilValid(value: string): boolean {
	if (!/^\d{11}$/.test(value)) return false;
	let sum = 0;
	for (let i = 0; i < 10; i++) sum += Number(value[i]) * WEIGHTS[i];
	const rest = sum % 11;
	const check = rest === 0 ? 0 : rest === 1 ? -1 : 11 - rest;
	return check === Number(value[10]);
}

class Reply extends Error {
	constructor(
		readonly status: number,
		readonly reason: string,
		readonly json?: unknown,
	) {
		super(reason);
	}
}
const phrase = (text: string) => new Reply(204, text);
const badRequest = (text: string) => new Reply(400, 'Bad Request', { Message: text });

const FIELDS: Record<string, string[]> = {
	'/api/Firmador': ['CUILPersona', 'NombreArchivo', 'HashArchivo', 'Razon', 'CUITEmpresa', 'CoordenadaX', 'CoordenadaY', 'Ancho', 'Alto', 'NumeroPagina', 'Visible'],
	'/api/FirmadorMasivo': ['CUILPersona', 'CUITEmpresa', 'Archivos'],
	archivo: ['NombreArchivo', 'HashArchivo', 'Razon', 'CoordenadaX', 'CoordenadaY', 'Ancho', 'Alto', 'NumeroPagina', 'Visible'],
	'/api/FirmadorHash': ['CUILPersona', 'CUITEmpresa', 'Hash'],
	'/api/FirmadorHashMasivo': ['CUILPersona', 'CUITEmpresa', 'Hash'],
	hashItem: ['Hash'],
	'/api/FirmadorXmlMasivo': ['CUILPersona', 'CUITEmpresa', 'Xml'],
	xmlItem: ['Hash', 'xml', 'HashControl', 'Razon'],
};

function onlyKnownFields(object: unknown, known: string[], where: string): Record<string, unknown> {
	if (typeof object !== 'object' || object === null || Array.isArray(object)) throw badRequest(`${where} must be a JSON object`);
	for (const key of Object.keys(object)) {
		if (!known.includes(key)) throw badRequest(`Unknown field ${key} in ${where}`);
	}
	return object as Record<string, unknown>;
}

/** JSON.NET-style binding of a string property: strings and numbers are accepted. */
function asText(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
	if (typeof value === 'number') return String(value);
	throw badRequest(`expected a string, got ${typeof value}`);
}

function asNumber(value: unknown, field: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
	throw badRequest(`${field} must be a number`);
}

function asBool(value: unknown, field: string): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw badRequest(`${field} must be true or false`);
}

export async function startFirmadorSimulator(options: FirmadorSimulatorOptions): Promise<FirmadorSimulator> {
	const apps: FirmadorApp[] = options.apps ?? [
		{ appId: 'sim-app', secret: Buffer.from('firmador-simulator-shared-key-32').toString('base64'), secretFormat: 'base64' },
	];
	const windowSeconds = options.windowSeconds ?? 300;
	const now = options.now ?? Date.now;
	const pollsPerStep = Math.max(1, options.pollsPerStep ?? 1);
	const signedName = options.signedName ?? '{name}';
	const hashEncoding = options.hashEncoding ?? 'utf16leHex';
	const noOtp = new Set(options.noOtpCuils ?? []);
	const nonces = new Map<string, number>();
	const sessions = new Map<string, SimSession>();
	const log: RequestLogEntry[] = [];
	let nextOutcome: 4 | 1 | 5 = 4;
	let faults: Array<{ prefix?: string; kind: FaultKind; skip?: number }> = [];
	let fired = 0;
	const switches: SwitchableOptions = {
		signedUri: options.signedUri ?? 'absoluteUrl',
		sessionIdsForm: options.sessionIdsForm ?? 'literal',
		code1Pending: options.code1Pending ?? false,
		responseHashEncoding: options.responseHashEncoding ?? 'hex',
	};
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }) as { privateKey: KeyObject };
	mkdirSync(options.uploadFolder, { recursive: true });
	mkdirSync(options.signedFolder, { recursive: true });

	function verifyHmac(req: IncomingMessage, body: Buffer) {
		const header = req.headers.authorization;
		if (!header || !header.startsWith('hmac ')) throw new Reply(401, 'Unauthorized', { Message: 'Authorization hmac header missing' });
		const parts = header.slice(5).split(':');
		if (parts.length !== 4) throw new Reply(401, 'Unauthorized', { Message: 'Authorization header must be hmac AppId:Signature:Nonce:Timestamp' });
		const [appId, signature, nonce, timestampText] = parts;
		const app = apps.find((a) => a.appId === appId);
		if (!app) throw new Reply(401, 'Unauthorized', { Message: 'Unknown AppId' });
		if (!/^[0-9A-Za-z]{32}$/.test(nonce)) throw new Reply(401, 'Unauthorized', { Message: 'Nonce must be 32 characters' });
		if (!/^\d+$/.test(timestampText)) throw new Reply(401, 'Unauthorized', { Message: 'Timestamp must be UNIX seconds' });
		const nowSeconds = Math.floor(now() / 1000);
		const timestamp = Number(timestampText);
		if (Math.abs(nowSeconds - timestamp) > windowSeconds) throw new Reply(401, 'Unauthorized', { Message: 'Request timestamp outside the allowed window' });
		for (const [seen, at] of nonces) if (nowSeconds - at > windowSeconds) nonces.delete(seen);
		const forwarded = options.trustForwardedProto ? String(req.headers['x-forwarded-proto'] ?? '') : '';
		const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
		const signedUri = switches.signedUri === 'pathAndQuery' ? (req.url ?? '/') : `${scheme}://${req.headers.host}${req.url}`;
		const md5 = body.length ? createHash('md5').update(body).digest('base64') : '';
		const raw = `${appId}${(req.method ?? '').toUpperCase()}${netUrlEncode(signedUri.toLowerCase())}${timestamp}${nonce}${md5}`;
		const key = app.secretFormat === 'base64' ? Buffer.from(app.secret, 'base64') : Buffer.from(app.secret, 'utf8');
		const expected = createHmac('sha256', key).update(raw, 'utf8').digest();
		const given = Buffer.from(signature, 'base64');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
			throw new Reply(401, 'Unauthorized', { Message: 'Signature does not match' });
		}
		// Only a request that passed the signature check consumes its nonce.
		if (nonces.has(nonce)) throw new Reply(401, 'Unauthorized', { Message: 'Nonce already used (replay)' });
		nonces.set(nonce, nowSeconds);
	}

	function checkPerson(body: Record<string, unknown>): { cuil: string; cuit: string } {
		const cuil = asText(body.CUILPersona);
		if (!cuil) throw phrase(PHRASES.missingCuil);
		if (!cuilValid(cuil)) throw phrase(PHRASES.invalidCuil);
		const cuit = asText(body.CUITEmpresa);
		if (!cuit || !/^\d{11}$/.test(cuit)) throw badRequest('CUITEmpresa must be 11 digits');
		if (noOtp.has(cuil)) throw phrase(PHRASES.noOtp);
		return { cuil, cuit };
	}

	function checkFile(archivo: Record<string, unknown>): SessionFile {
		const hash = asText(archivo.HashArchivo);
		if (!hash) throw phrase(PHRASES.missingHash);
		const name = asText(archivo.NombreArchivo);
		if (!name) throw phrase(PHRASES.missingName);
		if (asBool(archivo.Visible, 'Visible')) {
			for (const field of ['CoordenadaX', 'CoordenadaY', 'Ancho', 'Alto', 'NumeroPagina']) {
				if (asNumber(archivo[field], field) === undefined) throw badRequest(`${field} is required when Visible is true`);
			}
		} else {
			for (const field of ['CoordenadaX', 'CoordenadaY', 'Ancho', 'Alto', 'NumeroPagina']) asNumber(archivo[field], field);
		}
		if (name.includes('/') || name.includes('\\') || name.includes('..')) throw phrase(PHRASES.fileError);
		const file = path.join(options.uploadFolder, name);
		if (!existsSync(file)) throw phrase(PHRASES.fileError);
		const content = readFileSync(file);
		const actual = createHash('sha1').update(content).digest('hex');
		if (actual.toLowerCase() !== hash.toLowerCase()) throw phrase(PHRASES.fileError);
		if (content.subarray(0, 5).toString('latin1') !== '%PDF-') throw phrase(PHRASES.fileError);
		return { name, sha1: actual.toUpperCase() };
	}

	function decodeHash(value: unknown): string {
		if (!Array.isArray(value) || value.length === 0) throw phrase(PHRASES.missingHash);
		if (!value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) throw badRequest('Hash must be an array of bytes');
		const bytes = Buffer.from(value as number[]);
		if (hashEncoding === 'raw') {
			if (bytes.length !== 20) throw phrase(PHRASES.missingHash);
			return bytes.toString('hex').toUpperCase();
		}
		const text = bytes.length === 80 ? bytes.toString('utf16le') : '';
		if (!/^[0-9A-F]{40}$/.test(text)) throw phrase(PHRASES.missingHash);
		return text;
	}

	function createSession(kind: SessionKind, person: { cuil: string; cuit: string }, body: unknown, extra: Partial<SimSession>): string {
		const id = randomUUID();
		sessions.set(id, { id, kind, ...person, code: 0, polls: 0, outcome: nextOutcome, files: [], hashes: [], xml: [], signedHashes: [], body, ...extra });
		return id;
	}

	function finishSigning(session: SimSession) {
		for (const file of session.files) {
			const source = readFileSync(path.join(options.uploadFolder, file.name));
			const base = file.name.replace(/\.pdf$/i, '');
			const target = path.join(options.signedFolder, signedName.replace('{name}', file.name).replace('{base}', base));
			const marker = Buffer.from(`\n% Firmado por Firmador (simulador) CUIL ${session.cuil} sesion ${session.id}\n%%EOF\n`, 'latin1');
			writeFileSync(target, Buffer.concat([source, marker]));
		}
		session.signedHashes = session.hashes.map((hex) => cryptoSign('sha256', Buffer.from(hex, 'hex'), privateKey).toString('base64'));
	}

	function advance(session: SimSession) {
		if ([1, 4, 5].includes(session.code) || session.held) return;
		session.polls++;
		if (session.polls % pollsPerStep !== 0) return;
		if (session.code === 0) session.code = session.outcome === 1 ? 1 : 2;
		else if (session.code === 2) session.code = 3;
		else if (session.code === 3) {
			session.code = session.outcome === 5 ? 5 : 4;
			if (session.code === 4) finishSigning(session);
		}
	}

	function signedFileHash(session: SimSession): string {
		if (session.code !== 4 || session.files.length === 0) return '';
		return session.files
			.map((f) => {
				const base = f.name.replace(/\.pdf$/i, '');
				const target = path.join(options.signedFolder, signedName.replace('{name}', f.name).replace('{base}', base));
				return createHash('sha1').update(readFileSync(target)).digest('hex').toUpperCase();
			})
			.join(';');
	}

	/**
	 * Query parameters. `SessionsID[]` is bound in ONE form only (the `sessionIdsForm` switch): literal
	 * brackets, or `%5b%5d` (either hex case); the other form is a different, unknown key.
	 */
	function queryValues(rawUrl: string, name: string): string[] {
		const query = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
		const values: string[] = [];
		for (const pair of query.split('&')) {
			if (!pair) continue;
			const eq = pair.indexOf('=');
			const rawKey = eq < 0 ? pair : pair.slice(0, eq);
			const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
			if (name.endsWith('[]')) {
				const stem = name.slice(0, -2).toLowerCase();
				const wanted = switches.sessionIdsForm === 'encoded' ? `${stem}%5b%5d` : `${stem}[]`;
				if (rawKey.toLowerCase() === wanted) values.push(value);
				continue;
			}
			if (decodeURIComponent(rawKey.replace(/\+/g, ' ')).toLowerCase() === name.toLowerCase()) values.push(value);
		}
		return values;
	}

	/** A hash session's `Hash` in a response, encoded as the switch says. */
	function responseHash(hex: string): unknown {
		switch (switches.responseHashEncoding) {
			case 'lowerHex':
				return hex.toLowerCase();
			case 'base64Utf16':
				return Buffer.from(hex, 'utf16le').toString('base64');
			case 'base64Raw':
				return Buffer.from(hex, 'hex').toString('base64');
			case 'bytes':
				return Array.from(Buffer.from(hex, 'hex'));
			default:
				return hex;
		}
	}

	function parseJson(body: Buffer, req: IncomingMessage): unknown {
		const type = req.headers['content-type'] ?? '';
		if (!type.toLowerCase().startsWith('application/json')) throw new Reply(415, 'Unsupported Media Type', { Message: 'Send application/json' });
		try {
			return JSON.parse(body.toString('utf8'));
		} catch {
			throw badRequest('The body is not valid JSON');
		}
	}

	/** The fault this request meets, taken off the queue (only API calls; checked before the HMAC, as a proxy would). */
	function takeFault(pathname: string): FaultKind | undefined {
		const index = faults.findIndex((f) => !f.prefix || pathname.toLowerCase() === f.prefix.toLowerCase() || pathname.startsWith(f.prefix));
		if (index < 0) return undefined;
		// `skip`: let that many matching requests through first (to hit, say, the second chunk of a batch).
		if ((faults[index].skip ?? 0) > 0) {
			faults[index].skip!--;
			return undefined;
		}
		fired++;
		return faults.splice(index, 1)[0].kind;
	}

	function route(req: IncomingMessage, body: Buffer): { status: number; json: unknown } {
		const rawUrl = req.url ?? '/';
		const pathname = rawUrl.split('?')[0];
		const method = req.method ?? 'GET';
		verifyHmac(req, body);
		const post = (p: string) => method === 'POST' && pathname.toLowerCase() === p.toLowerCase();
		const get = (p: string) => method === 'GET' && pathname.toLowerCase() === p.toLowerCase();
		if (post('/api/Firmador')) {
			const payload = onlyKnownFields(parseJson(body, req), FIELDS['/api/Firmador'], 'the request');
			const person = checkPerson(payload);
			const file = checkFile(payload);
			return { status: 200, json: createSession('pdf', person, payload, { files: [file] }) };
		}
		if (post('/api/FirmadorMasivo')) {
			const payload = onlyKnownFields(parseJson(body, req), FIELDS['/api/FirmadorMasivo'], 'the request');
			const person = checkPerson(payload);
			if (!Array.isArray(payload.Archivos) || payload.Archivos.length === 0) throw phrase(PHRASES.missingName);
			const files = payload.Archivos.map((a, i) => checkFile(onlyKnownFields(a, FIELDS.archivo, `Archivos[${i}]`)));
			return { status: 200, json: createSession('pdfBatch', person, payload, { files }) };
		}
		if (post('/api/FirmadorHash')) {
			const payload = onlyKnownFields(parseJson(body, req), FIELDS['/api/FirmadorHash'], 'the request');
			const person = checkPerson(payload);
			return { status: 200, json: createSession('hash', person, payload, { hashes: [decodeHash(payload.Hash)] }) };
		}
		if (post('/api/FirmadorHashMasivo')) {
			const payload = onlyKnownFields(parseJson(body, req), FIELDS['/api/FirmadorHashMasivo'], 'the request');
			const person = checkPerson(payload);
			if (!Array.isArray(payload.Hash) || payload.Hash.length === 0) throw phrase(PHRASES.missingHash);
			const hashes = payload.Hash.map((h, i) => decodeHash(onlyKnownFields(h, FIELDS.hashItem, `Hash[${i}]`).Hash));
			return { status: 200, json: createSession('hash', person, payload, { hashes }) };
		}
		if (post('/api/FirmadorXmlMasivo')) {
			const payload = onlyKnownFields(parseJson(body, req), FIELDS['/api/FirmadorXmlMasivo'], 'the request');
			const person = checkPerson(payload);
			if (!Array.isArray(payload.Xml) || payload.Xml.length === 0) throw phrase(PHRASES.missingHash);
			const xml = payload.Xml.map((x, i) => {
				const entry = onlyKnownFields(x, FIELDS.xmlItem, `Xml[${i}]`);
				const hash = asText(entry.Hash);
				if (!hash) throw phrase(PHRASES.missingHash);
				const text = typeof entry.xml === 'string' ? entry.xml : '';
				if (!text.trim().startsWith('<')) throw phrase(PHRASES.fileError);
				const control = asText(entry.HashControl);
				if (control) {
					const bytes = Buffer.from(text, 'utf8');
					const accepted = [createHash('sha1').update(bytes).digest('hex'), createHash('sha256').update(bytes).digest('hex')];
					if (!accepted.includes(control.toLowerCase())) throw phrase(PHRASES.fileError);
				}
				return { Hash: hash, xml: text, Razon: asText(entry.Razon) };
			});
			return { status: 200, json: createSession('xml', person, payload, { xml }) };
		}
		if (get('/api/EstadoSolicitud')) {
			const ids = queryValues(rawUrl, 'SessionsID[]');
			const result = [];
			for (const id of ids) {
				const session = sessions.get(id);
				if (!session) continue;
				advance(session);
				const pending = switches.code1Pending && session.code === 0;
				result.push({
					CodigoEstado: pending ? 1 : session.code,
					MensajeEstado: pending ? 'Pendiente de Validacion' : STATUS_MESSAGES[session.code],
					SessionID: session.id,
					HashFirmado: signedFileHash(session),
				});
			}
			return { status: 200, json: result };
		}
		if (get('/api/HashFirmado') || get('/api/XmlFirmado')) {
			const id = queryValues(rawUrl, 'SessionID')[0];
			const session = id ? sessions.get(id) : undefined;
			if (!session) return { status: 200, json: [] };
			const done = session.code === 4;
			const detail = done ? '' : STATUS_MESSAGES[session.code];
			if (get('/api/HashFirmado')) {
				return {
					status: 200,
					json: session.hashes.map((hex, i) => ({ Hash: responseHash(hex), HashFirmado: done ? session.signedHashes[i] : '', DetalleError: detail, CUIL: session.cuil })),
				};
			}
			return {
				status: 200,
				json: session.xml.map((entry) => ({
					Hash: entry.Hash,
					XmlFirmado: done ? signXml(entry.xml, session) : '',
					DetalleError: detail,
					CUIL: session.cuil,
				})),
			};
		}
		throw new Reply(404, 'Not Found', { Message: `No HTTP resource was found that matches ${method} ${pathname}` });
	}

	function signXml(xml: string, session: SimSession): string {
		const digest = createHash('sha1').update(xml, 'utf8').digest('base64');
		const value = cryptoSign('sha256', Buffer.from(xml, 'utf8'), privateKey).toString('base64');
		const signature = `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><Reference URI=""><DigestValue>${digest}</DigestValue></Reference></SignedInfo><SignatureValue>${value}</SignatureValue><KeyInfo><KeyName>${session.cuil}</KeyName></KeyInfo></Signature>`;
		const close = xml.lastIndexOf('</');
		return close < 0 ? xml + signature : xml.slice(0, close) + signature + xml.slice(close);
	}

	function send(res: ServerResponse, status: number, reason: string | undefined, json: unknown, entry: RequestLogEntry) {
		entry.status = status;
		entry.reason = reason;
		if (status === 204) {
			const statusMessage = options.reasonPhraseEncoding === 'utf8' ? Buffer.from(reason ?? '', 'utf8').toString('latin1') : reason;
			res.writeHead(204, statusMessage);
			res.end();
			return;
		}
		const text = json === undefined ? '' : JSON.stringify(json);
		res.writeHead(status, reason, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
		res.end(text);
	}

	/** Faults that show before the server does anything. */
	function refuse(fault: FaultKind, req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry) {
		if (fault === 'resetBefore') {
			entry.status = -1;
			req.socket.destroy();
			return;
		}
		if (fault === 'status429') return send(res, 429, 'Too Many Requests', { Message: 'Rate limit exceeded' }, entry);
		if (fault === 'noContent') return send(res, 204, 'No hay resultados para la solicitud.', undefined, entry);
		const status = fault === 'status502' ? 502 : fault === 'status503' ? 503 : 500;
		return send(res, status, status === 500 ? PHRASES.serverError : status === 502 ? 'Bad Gateway' : 'Service Unavailable', undefined, entry);
	}

	/** Faults that show after the server did the work (a session may exist). */
	function afterActing(fault: FaultKind, result: { status: number; json: unknown }, req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry) {
		entry.status = result.status;
		if (fault === 'resetAfter') {
			entry.status = -1;
			req.socket.destroy();
			return;
		}
		if (fault === 'hang') {
			entry.status = -2;
			return; // the socket stays open and silent until the client gives up (or the simulator closes)
		}
		const text = JSON.stringify(result.json);
		if (fault === 'malformed') {
			const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
			res.writeHead(200, 'OK', { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(cut) });
			res.end(cut);
			return;
		}
		// drip: the right answer, a few bytes every 40 ms (each gap far below a sane request timeout)
		const bytes = Buffer.from(text, 'utf8');
		res.writeHead(200, 'OK', { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length });
		const pieces = 10;
		const size = Math.max(1, Math.ceil(bytes.length / pieces));
		let offset = 0;
		const tick = () => {
			if (res.destroyed) return;
			const part = bytes.subarray(offset, offset + size);
			offset += size;
			if (offset >= bytes.length) res.end(part);
			else {
				res.write(part);
				setTimeout(tick, 40);
			}
		};
		tick();
	}

	function control(req: IncomingMessage, body: Buffer, res: ServerResponse, entry: RequestLogEntry) {
		const action = (req.url ?? '').split('?')[0].slice('/_control/'.length);
		const payload = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, any>) : {};
		if (action === 'outcome') {
			if (payload.sessionId) api.control.setOutcome(payload.sessionId, payload.code);
			else api.control.setNextOutcome(payload.code);
		} else if (action === 'fault') api.control.failNext(payload.count ?? 1, payload.pathPrefix);
		else if (action === 'hold') api.control.hold(payload.sessionId, payload.held !== false);
		else if (action === 'noOtp') api.control.addNoOtpCuil(String(payload.cuil));
		else if (action === 'reset') api.control.reset();
		else if (action === 'sessions') return send(res, 200, 'OK', api.control.sessions(), entry);
		else return send(res, 404, 'Not Found', { Message: 'unknown control action' }, entry);
		send(res, 200, 'OK', { ok: true }, entry);
	}

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const entry: RequestLogEntry = { method: req.method ?? '', url: req.url ?? '', status: 0, authorization: req.headers.authorization, body: body.toString('utf8') };
			log.push(entry);
			try {
				if ((req.url ?? '').startsWith('/_control/')) return control(req, body, res, entry);
				const fault = takeFault((req.url ?? '/').split('?')[0]);
				entry.fault = fault;
				if (fault && !FAULT_ACTS[fault]) return refuse(fault, req, res, entry);
				const started = performance.now();
				entry.at = Date.now();
				let result: ReturnType<typeof route>;
				try {
					result = route(req, body);
				} finally {
					entry.handledMs = performance.now() - started;
				}
				if (fault) return afterActing(fault, result, req, res, entry);
				send(res, result.status, 'OK', result.json, entry);
			} catch (error) {
				if (error instanceof Reply) return send(res, error.status, error.reason, error.json, entry);
				send(res, 500, PHRASES.serverError, undefined, entry);
			}
		});
	});

	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;

	const api: FirmadorSimulator = {
		url: `http://127.0.0.1:${port}`,
		port,
		apps,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
		control: {
			setNextOutcome(code) {
				nextOutcome = code;
			},
			setOutcome(sessionId, code) {
				const session = sessions.get(sessionId);
				if (!session) throw new Error(`no session ${sessionId}`);
				session.outcome = code;
			},
			hold(sessionId, held = true) {
				const session = sessions.get(sessionId);
				if (!session) throw new Error(`no session ${sessionId}`);
				session.held = held;
			},
			failNext(count, pathPrefix) {
				for (let i = 0; i < count; i++) faults.push({ prefix: pathPrefix, kind: 'status500' });
			},
			inject(kind, count = 1, pathPrefix, skip = 0) {
				for (let i = 0; i < count; i++) faults.push({ prefix: pathPrefix, kind, skip });
			},
			configure(next) {
				for (const [key, value] of Object.entries(next)) if (value !== undefined) (switches as Record<string, unknown>)[key] = value;
			},
			faultsFired: () => fired,
			addNoOtpCuil(cuil) {
				noOtp.add(cuil);
			},
			sessions: () => [...sessions.values()],
			requests: () => log,
			reset() {
				sessions.clear();
				nonces.clear();
				log.length = 0;
				faults = [];
				nextOutcome = 4;
			},
		},
	};
	return api;
}

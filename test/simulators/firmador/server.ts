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
 *   On reaching 4, a signed copy of each PDF is written to the signed folder: the original bytes plus an
 *   incremental update with a real PDF signature (./pdfSigner.ts: detached CMS, SHA-256, RSA) by a leaf of
 *   the simulator's test CA whose subject is `CN=<name>, serialNumber=CUIL <the session's CUIL>`. The CA's
 *   certificate is `caPem`, for verifiers to trust.
 * - Where the seed allows two readings, a switch picks the one the simulated server follows (strictly, so a
 *   client that assumes the other fails). Signature: `signedUri` (absolute URL / path and query),
 *   `urlEncoder` (HttpUtility.UrlEncode `%3a` / Uri.EscapeDataString `%3A`), `emptyBodyHash` ('' / MD5 of
 *   nothing), `authorizationOrder` (the format line's / the prose's field order), `signedUriForm` (the raw
 *   request URI / the decoded one: ASP.NET binds `SessionsID[]` and `SessionsID%5b%5d` alike, but a server
 *   may sign either form). Answers: `code1Pending` + `code1Message` (pending requests reported as code 1),
 *   `responseHashEncoding` (how `Hash` comes back), `signedHashForm` (HashFirmado as Base64 / hex / a
 *   byte array), `keyCase` (the seed's keys / camelCase / lower case), `detailWithSignature` (a DetalleError
 *   next to a real signature). Request: `hashEncoding` (the `Hash` bytes the server expects). Every switch
 *   is set at run time by `control.configure()` or `POST /_control/configure`.
 * - Fault injection (`control.inject()` or `POST /_control/fault {kind}`): reset before acting, reset after
 *   acting, hang (acted, never answers), 500/502/503, 429 without Retry-After, a 200 with malformed JSON
 *   (acted), a slow drip of the right answer, 204 with no phrase (`noContent`) and 204 with a phrase
 *   (`noContentPhrase`, "El CUIL ingresado no es valido" unless `phrase` is given), and a 200 whose JSON has
 *   none of the documented keys (`foreignShape`: `[{"Id":"1","State":"done"}]`), and ASP.NET's 400 "The
 *   request is invalid." (`status400`).
 * - Simulator choices where the seed is silent (see docs/firmador.md): SessionID is returned as a JSON
 *   string; unknown session ids are left out of EstadoSolicitud (an unknown id alone gives 200 `[]`);
 *   HashFirmado/XmlFirmado return [] for an unknown session and entries with an empty signature and
 *   DetalleError set until the session reaches 4.
 */
import { createHash, createHmac, sign as cryptoSign, generateKeyPairSync, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { TestCa, type IssuedCertificate } from '../../support/testCa';
import { signPdf } from './pdfSigner';

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
	/** How the lower-case URI is encoded for the HMAC (default httpUtility: `%3a`). */
	urlEncoder?: 'httpUtility' | 'uriEscapeDataString';
	/** The body hash of a request without a body (default empty: ''). */
	emptyBodyHash?: 'empty' | 'md5OfEmpty';
	/** Field order after `hmac ` (default the format line's AppId:Signature:Nonce:Timestamp). */
	authorizationOrder?: 'signatureNonceTimestamp' | 'signatureTimestampNonce' | 'timestampNonceSignature';
	/** Whether the HMAC covers the request URI as it arrived or percent-decoded (default raw). */
	signedUriForm?: 'raw' | 'decoded';
	/** Report not-yet-validated sessions as code 1 (the seed's sample), with `code1Message` (default "Pendiente de Validacion"). */
	code1Pending?: boolean;
	code1Message?: string;
	/** How `Hash` comes back in HashFirmado/XmlFirmado for hash sessions (default upper-case hex). */
	responseHashEncoding?: ResponseHashEncoding;
	/** How HashFirmado (the signature) comes back (default Base64, as .NET serialises byte[]). */
	signedHashForm?: 'base64' | 'hex' | 'bytes';
	/** Key case of the JSON answers (default the seed's: SessionID, CodigoEstado, HashFirmado…). */
	keyCase?: 'seed' | 'camel' | 'lower';
	/** A DetalleError text sent next to a real signature ('' = none, the default). */
	detailWithSignature?: string;
}

export type ResponseHashEncoding = 'hex' | 'lowerHex' | 'base64Utf16' | 'base64Raw' | 'bytes';

export type FaultKind =
	| 'resetBefore'
	| 'resetAfter'
	| 'hang'
	| 'status500'
	| 'status502'
	| 'status503'
	| 'status429'
	| 'malformed'
	| 'drip'
	| 'noContent'
	| 'noContentPhrase'
	| 'foreignShape'
	| 'status400';

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
	noContentPhrase: false,
	foreignShape: false,
	status400: false,
};

export const FAULT_KINDS = Object.keys(FAULT_ACTS) as FaultKind[];

/** Every switch `configure` takes, with the values it allows (the HTTP control API checks against this). */
export const SWITCHES = {
	signedUri: ['absoluteUrl', 'pathAndQuery'],
	urlEncoder: ['httpUtility', 'uriEscapeDataString'],
	emptyBodyHash: ['empty', 'md5OfEmpty'],
	authorizationOrder: ['signatureNonceTimestamp', 'signatureTimestampNonce', 'timestampNonceSignature'],
	signedUriForm: ['raw', 'decoded'],
	code1Pending: [true, false],
	code1Message: 'text',
	responseHashEncoding: ['hex', 'lowerHex', 'base64Utf16', 'base64Raw', 'bytes'],
	signedHashForm: ['base64', 'hex', 'bytes'],
	keyCase: ['seed', 'camel', 'lower'],
	detailWithSignature: 'text',
	hashEncoding: ['utf16leHex', 'raw'],
} as const;

export type SwitchableOptions = Pick<
	FirmadorSimulatorOptions,
	| 'signedUri'
	| 'urlEncoder'
	| 'emptyBodyHash'
	| 'authorizationOrder'
	| 'signedUriForm'
	| 'code1Pending'
	| 'code1Message'
	| 'responseHashEncoding'
	| 'signedHashForm'
	| 'keyCase'
	| 'detailWithSignature'
	| 'hashEncoding'
>;

export const DEFAULT_SWITCHES: Required<SwitchableOptions> = {
	signedUri: 'absoluteUrl',
	urlEncoder: 'httpUtility',
	emptyBodyHash: 'empty',
	authorizationOrder: 'signatureNonceTimestamp',
	signedUriForm: 'raw',
	code1Pending: false,
	code1Message: 'Pendiente de Validacion',
	responseHashEncoding: 'hex',
	signedHashForm: 'base64',
	keyCase: 'seed',
	detailWithSignature: '',
	hashEncoding: 'utf16leHex',
};

type SessionKind = 'pdf' | 'pdfBatch' | 'hash' | 'xml';

interface SessionFile {
	name: string;
	sha1: string;
	/** Razon: written into the signature's /Reason. */
	reason?: string;
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
	/** The test CA that issues the signers' certificates (PEM): pass it to a verifier as its trusted root. Made on first use. */
	readonly caPem: string;
	/** The name the simulator puts in the CN of a CUIL's certificate. */
	signerName(cuil: string): string;
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
		/** The next `count` API calls (optionally only to `pathPrefix`) meet this fault (`phrase`: noContentPhrase's text). */
		inject(kind: FaultKind, count?: number, pathPrefix?: string, skip?: number, phrase?: string): void;
		/** Switch a reading of the seed at run time (unknown switches and values are refused). */
		configure(options: SwitchableOptions): void;
		/** The switches in force. */
		switches(): Required<SwitchableOptions>;
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

// ---- and its own .NET Uri.EscapeDataString (RFC 3986: only A-Z a-z 0-9 - _ . ~ unescaped, upper-case hex) ----
function netEscapeDataString(value: string): string {
	return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The request URI percent-decoded, as a server that signs the decoded URI sees it. */
function decodeRequestUri(value: string): string {
	try {
		return decodeURI(value).replace(/%5b/gi, '[').replace(/%5d/gi, ']');
	} catch {
		return value;
	}
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
	'/api/Firmador': [
		'CUILPersona',
		'NombreArchivo',
		'HashArchivo',
		'Razon',
		'CUITEmpresa',
		'CoordenadaX',
		'CoordenadaY',
		'Ancho',
		'Alto',
		'NumeroPagina',
		'Visible',
	],
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
	const noOtp = new Set(options.noOtpCuils ?? []);
	const nonces = new Map<string, number>();
	const sessions = new Map<string, SimSession>();
	const log: RequestLogEntry[] = [];
	let nextOutcome: 4 | 1 | 5 = 4;
	let faults: Array<{ prefix?: string; kind: FaultKind; skip?: number; phrase?: string }> = [];
	let fired = 0;
	const switches: Required<SwitchableOptions> = { ...DEFAULT_SWITCHES };
	for (const key of Object.keys(DEFAULT_SWITCHES) as Array<keyof SwitchableOptions>) {
		if (options[key] !== undefined) (switches as Record<string, unknown>)[key] = options[key];
	}
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }) as { privateKey: KeyObject };
	mkdirSync(options.uploadFolder, { recursive: true });
	mkdirSync(options.signedFolder, { recursive: true });

	/** The header's fields in the order the `authorizationOrder` switch says. */
	function headerFields(parts: string[]): { appId: string; signature: string; nonce: string; timestampText: string } {
		const [appId, a, b, c] = parts;
		if (switches.authorizationOrder === 'signatureTimestampNonce') return { appId, signature: a, timestampText: b, nonce: c };
		if (switches.authorizationOrder === 'timestampNonceSignature') return { appId, timestampText: a, nonce: b, signature: c };
		return { appId, signature: a, nonce: b, timestampText: c };
	}

	function verifyHmac(req: IncomingMessage, body: Buffer) {
		const header = req.headers.authorization;
		if (!header || !header.startsWith('hmac ')) throw new Reply(401, 'Unauthorized', { Message: 'Authorization hmac header missing' });
		const parts = header.slice(5).split(':');
		if (parts.length !== 4)
			throw new Reply(401, 'Unauthorized', { Message: 'Authorization header must have four fields separated by ":"' });
		const { appId, signature, nonce, timestampText } = headerFields(parts);
		const app = apps.find((a) => a.appId === appId);
		if (!app) throw new Reply(401, 'Unauthorized', { Message: 'Unknown AppId' });
		if (!/^[0-9A-Za-z]{32}$/.test(nonce)) throw new Reply(401, 'Unauthorized', { Message: 'Nonce must be 32 characters' });
		if (!/^\d+$/.test(timestampText)) throw new Reply(401, 'Unauthorized', { Message: 'Timestamp must be UNIX seconds' });
		const nowSeconds = Math.floor(now() / 1000);
		const timestamp = Number(timestampText);
		if (Math.abs(nowSeconds - timestamp) > windowSeconds)
			throw new Reply(401, 'Unauthorized', { Message: 'Request timestamp outside the allowed window' });
		for (const [seen, at] of nonces) if (nowSeconds - at > windowSeconds) nonces.delete(seen);
		const forwarded = options.trustForwardedProto ? String(req.headers['x-forwarded-proto'] ?? '') : '';
		const scheme =
			forwarded === 'https' || forwarded === 'http' ? forwarded : (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
		const requestUri = switches.signedUriForm === 'decoded' ? decodeRequestUri(req.url ?? '/') : (req.url ?? '/');
		const signedUri = switches.signedUri === 'pathAndQuery' ? requestUri : `${scheme}://${req.headers.host}${requestUri}`;
		const encode = switches.urlEncoder === 'uriEscapeDataString' ? netEscapeDataString : netUrlEncode;
		const md5 = body.length || switches.emptyBodyHash === 'md5OfEmpty' ? createHash('md5').update(body).digest('base64') : '';
		const raw = `${appId}${(req.method ?? '').toUpperCase()}${encode(signedUri.toLowerCase())}${timestamp}${nonce}${md5}`;
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
		return { name, sha1: actual.toUpperCase(), reason: asText(archivo.Razon) };
	}

	function decodeHash(value: unknown): string {
		if (!Array.isArray(value) || value.length === 0) throw phrase(PHRASES.missingHash);
		if (!value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) throw badRequest('Hash must be an array of bytes');
		const bytes = Buffer.from(value as number[]);
		if (switches.hashEncoding === 'raw') {
			if (bytes.length !== 20) throw phrase(PHRASES.missingHash);
			return bytes.toString('hex').toUpperCase();
		}
		const text = bytes.length === 80 ? bytes.toString('utf16le') : '';
		if (!/^[0-9A-F]{40}$/.test(text)) throw phrase(PHRASES.missingHash);
		return text;
	}

	function createSession(kind: SessionKind, person: { cuil: string; cuit: string }, body: unknown, extra: Partial<SimSession>): string {
		const id = randomUUID();
		sessions.set(id, {
			id,
			kind,
			...person,
			code: 0,
			polls: 0,
			outcome: nextOutcome,
			files: [],
			hashes: [],
			xml: [],
			signedHashes: [],
			body,
			...extra,
		});
		return id;
	}

	// The signers' CA and one certificate per CUIL, made when first needed (openssl takes a moment).
	let ca: TestCa | undefined;
	const signers = new Map<string, IssuedCertificate>();
	const signerName = (cuil: string) => `Firmante Simulado ${cuil}`;
	const newCa = () => new TestCa('/C=AR/O=Firmador Simulador/CN=Firmador Simulador Test CA');
	function signerFor(cuil: string): IssuedCertificate {
		ca ??= newCa();
		let issued = signers.get(cuil);
		if (!issued) {
			issued = ca.issue({ subject: `/C=AR/CN=${signerName(cuil)}/serialNumber=CUIL ${cuil}`, days: 730 });
			signers.set(cuil, issued);
		}
		return issued;
	}

	function finishSigning(session: SimSession) {
		for (const file of session.files) {
			const source = readFileSync(path.join(options.uploadFolder, file.name));
			const base = file.name.replace(/\.pdf$/i, '');
			const target = path.join(options.signedFolder, signedName.replace('{name}', file.name).replace('{base}', base));
			const signer = signerFor(session.cuil);
			writeFileSync(
				target,
				signPdf(source, { certPem: signer.certPem, keyPem: signer.keyPem, name: signerName(session.cuil) }, { reason: file.reason }),
			);
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

	/** Query parameters as ASP.NET binds them: keys percent-decoded (`SessionsID%5b%5d` is `SessionsID[]`), any case. */
	function queryValues(rawUrl: string, name: string): string[] {
		const query = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
		const values: string[] = [];
		for (const pair of query.split('&')) {
			if (!pair) continue;
			const eq = pair.indexOf('=');
			const rawKey = eq < 0 ? pair : pair.slice(0, eq);
			const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
			if (decodeURIComponent(rawKey.replace(/\+/g, ' ')).toLowerCase() === name.toLowerCase()) values.push(value);
		}
		return values;
	}

	/** HashFirmado (a signature) in the form the `signedHashForm` switch says. */
	function signedHashValue(base64: string): unknown {
		if (base64 === '') return '';
		if (switches.signedHashForm === 'hex') return Buffer.from(base64, 'base64').toString('hex').toUpperCase();
		if (switches.signedHashForm === 'bytes') return Array.from(Buffer.from(base64, 'base64'));
		return base64;
	}

	/** An answer object's keys in the case the `keyCase` switch says. */
	function keyed(entry: Record<string, unknown>): Record<string, unknown> {
		if (switches.keyCase === 'seed') return entry;
		const out: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(entry)) {
			const name =
				switches.keyCase === 'lower'
					? key.toLowerCase()
					: key === 'CUIL'
						? 'cuil'
						: key.replace(/^[A-Z]+?(?=[A-Z][a-z]|$)|^[A-Z]/, (m) => m.toLowerCase());
			out[name] = value;
		}
		return out;
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
		if (!type.toLowerCase().startsWith('application/json'))
			throw new Reply(415, 'Unsupported Media Type', { Message: 'Send application/json' });
		try {
			return JSON.parse(body.toString('utf8'));
		} catch {
			throw badRequest('The body is not valid JSON');
		}
	}

	/** The fault this request meets, taken off the queue (only API calls; checked before the HMAC, as a proxy would). */
	function takeFault(pathname: string): { kind: FaultKind; phrase?: string } | undefined {
		const index = faults.findIndex((f) => !f.prefix || pathname.toLowerCase() === f.prefix.toLowerCase() || pathname.startsWith(f.prefix));
		if (index < 0) return undefined;
		// `skip`: let that many matching requests through first (to hit, say, the second chunk of a batch).
		if ((faults[index].skip ?? 0) > 0) {
			faults[index].skip!--;
			return undefined;
		}
		fired++;
		return faults.splice(index, 1)[0];
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
				result.push(
					keyed({
						CodigoEstado: pending ? 1 : session.code,
						MensajeEstado: pending ? switches.code1Message : STATUS_MESSAGES[session.code],
						SessionID: session.id,
						HashFirmado: signedFileHash(session),
					}),
				);
			}
			return { status: 200, json: result };
		}
		if (get('/api/HashFirmado') || get('/api/XmlFirmado')) {
			const id = queryValues(rawUrl, 'SessionID')[0];
			const session = id ? sessions.get(id) : undefined;
			if (!session) return { status: 200, json: [] };
			const done = session.code === 4;
			const detail = done ? switches.detailWithSignature : STATUS_MESSAGES[session.code];
			if (get('/api/HashFirmado')) {
				return {
					status: 200,
					json: session.hashes.map((hex, i) =>
						keyed({
							Hash: responseHash(hex),
							HashFirmado: signedHashValue(done ? session.signedHashes[i] : ''),
							DetalleError: detail,
							CUIL: session.cuil,
						}),
					),
				};
			}
			return {
				status: 200,
				json: session.xml.map((entry) =>
					keyed({
						Hash: entry.Hash,
						XmlFirmado: done ? signXml(entry.xml, session) : '',
						DetalleError: detail,
						CUIL: session.cuil,
					}),
				),
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
			const statusMessage =
				reason === undefined
					? undefined
					: options.reasonPhraseEncoding === 'utf8'
						? Buffer.from(reason, 'utf8').toString('latin1')
						: reason;
			if (statusMessage === undefined) res.writeHead(204);
			else res.writeHead(204, statusMessage);
			res.end();
			return;
		}
		const text = json === undefined ? '' : JSON.stringify(json);
		res.writeHead(status, reason, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
		res.end(text);
	}

	/** Faults that show before the server does anything. */
	function refuse(fault: FaultKind, req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, phraseText?: string) {
		if (fault === 'resetBefore') {
			entry.status = -1;
			req.socket.destroy();
			return;
		}
		if (fault === 'status429') return send(res, 429, 'Too Many Requests', { Message: 'Rate limit exceeded' }, entry);
		if (fault === 'noContent') return send(res, 204, undefined, undefined, entry);
		if (fault === 'noContentPhrase') return send(res, 204, phraseText ?? PHRASES.invalidCuil, undefined, entry);
		if (fault === 'foreignShape') return send(res, 200, 'OK', [{ Id: '1', State: 'done' }], entry);
		// What ASP.NET Web API answers when it cannot bind a request.
		if (fault === 'status400') return send(res, 400, 'Bad Request', { Message: 'The request is invalid.' }, entry);
		const status = fault === 'status502' ? 502 : fault === 'status503' ? 503 : 500;
		return send(
			res,
			status,
			status === 500 ? PHRASES.serverError : status === 502 ? 'Bad Gateway' : 'Service Unavailable',
			undefined,
			entry,
		);
	}

	/** Faults that show after the server did the work (a session may exist). */
	function afterActing(
		fault: FaultKind,
		result: { status: number; json: unknown },
		req: IncomingMessage,
		res: ServerResponse,
		entry: RequestLogEntry,
	) {
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
		} else if (action === 'fault') {
			const kind = (payload.kind ?? 'status500') as FaultKind;
			if (!FAULT_KINDS.includes(kind))
				return send(
					res,
					400,
					'Bad Request',
					{ Message: `unknown fault kind "${String(payload.kind)}"; one of: ${FAULT_KINDS.join(', ')}` },
					entry,
				);
			api.control.inject(kind, payload.count ?? 1, payload.pathPrefix, payload.skip ?? 0, payload.phrase);
		} else if (action === 'configure') {
			try {
				api.control.configure(payload as SwitchableOptions);
			} catch (error) {
				return send(res, 400, 'Bad Request', { Message: (error as Error).message }, entry);
			}
			return send(res, 200, 'OK', api.control.switches(), entry);
		} else if (action === 'switches') return send(res, 200, 'OK', api.control.switches(), entry);
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
			const entry: RequestLogEntry = {
				method: req.method ?? '',
				url: req.url ?? '',
				status: 0,
				authorization: req.headers.authorization,
				body: body.toString('utf8'),
			};
			log.push(entry);
			try {
				if ((req.url ?? '').startsWith('/_control/')) return control(req, body, res, entry);
				const taken = takeFault((req.url ?? '/').split('?')[0]);
				const fault = taken?.kind;
				entry.fault = fault;
				if (fault && !FAULT_ACTS[fault]) return refuse(fault, req, res, entry, taken?.phrase);
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
		get caPem() {
			ca ??= newCa();
			return ca.certPem;
		},
		signerName,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			ca?.dispose();
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
			inject(kind, count = 1, pathPrefix, skip = 0, phrase) {
				for (let i = 0; i < count; i++) faults.push({ prefix: pathPrefix, kind, skip, phrase });
			},
			configure(next) {
				for (const [key, value] of Object.entries(next)) {
					if (value === undefined) continue;
					const allowed = (SWITCHES as Record<string, readonly unknown[] | 'text'>)[key];
					if (!allowed) throw new Error(`unknown switch "${key}"; one of: ${Object.keys(SWITCHES).join(', ')}`);
					if (allowed === 'text' ? typeof value !== 'string' : !allowed.includes(value)) {
						throw new Error(
							`switch ${key} cannot be ${JSON.stringify(value)}; ${allowed === 'text' ? 'it takes text' : `one of: ${allowed.join(', ')}`}`,
						);
					}
				}
				Object.assign(switches, next);
			},
			switches: () => ({ ...switches }),
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
				Object.assign(switches, DEFAULT_SWITCHES);
				for (const key of Object.keys(DEFAULT_SWITCHES) as Array<keyof SwitchableOptions>) {
					if (options[key] !== undefined) (switches as Record<string, unknown>)[key] = options[key];
				}
			},
		},
	};
	return api;
}

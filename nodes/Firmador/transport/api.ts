/**
 * The one module that talks HTTP to Firmador: requests signed by the firmadorApi credential's
 * authenticate(), full responses with status errors ignored, then mapped here: a 204 is an error whose
 * reason phrase is the message (the provider's documented convention), 401 is a signature problem,
 * 500 "Error de servidor". Safe GETs are retried (bounded backoff) on network errors, 5xx, 429 and
 * garbled bodies; POSTs are sent once, and their errors say whether Firmador may have acted. Errors are built from status + phrase + parsed body + path only (never from the
 * HTTP client's error object, which carries the Authorization header).
 */
import { NodeApiError, sleep, type IDataObject, type IExecuteFunctions, type IHttpRequestOptions, type JsonObject } from 'n8n-workflow';

import { RetryableFailure, withBackoff, type BackoffPolicy } from '../../shared/backoff';
import { withContext } from '../../shared/errors';
import { pollUntil, type WaitSeconds } from '../../shared/poll';
import { isRedirectStatus, redirectRefused, userinfoReason } from '../../shared/secureUrl';
import { clause, inWords } from '../../shared/words';
import { field, isProblem, keysOf, providerPhrase, signedValueToBase64, textOf } from '../protocol/answer';
import { firmadorKey } from '../protocol/hmac';
import type { QueryValue } from '../protocol/request';
import { chunk, describeStatus, repairReasonPhrase } from '../protocol/status';
import { firmadorWireSettings, READING_FIELDS } from '../protocol/wire';

const CREDENTIAL = 'firmadorApi';

interface FullResponse {
	body: unknown;
	statusCode: number;
	statusMessage?: string;
}

function apiError(ctx: IExecuteFunctions, status: number, message: string, description: string, extra: IDataObject = {}) {
	const error = new NodeApiError(ctx.getNode(), { message, status, ...extra } as JsonObject, {
		message,
		description,
		httpCode: String(status),
	});
	return error;
}

function bodyMessage(body: unknown): string {
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		for (const key of ['Message', 'message', 'error', 'ExceptionMessage']) {
			if (typeof record[key] === 'string') return record[key] as string;
		}
	}
	if (typeof body === 'string') return body.slice(0, 300);
	return '';
}

/** Safe GETs are retried on failures that say nothing about the request (network, 5xx, 429, a garbled body). POSTs never are. */
const GET_RETRY: BackoffPolicy = { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 1_000 };
/** The longest Retry-After honoured before a retry (seconds). */
const MAX_RETRY_AFTER_SECONDS = 10;

/** Network errors where the request never reached the service. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);

interface Attempt {
	error: NodeApiError;
	retryable: boolean;
	retryAfterMs?: number;
}

function tag(error: NodeApiError, remoteMayHaveActed: boolean | undefined, method: string): NodeApiError {
	// Only a POST can create something on the service; for a GET the question does not arise.
	if (method === 'POST' && remoteMayHaveActed !== undefined) {
		withContext(error, { remoteMayHaveActed });
		error.description =
			`${error.description ?? ''} ${remoteMayHaveActed ? 'Firmador may have received and acted on this request (a signing request may exist): check with Get Status or the provider before sending it again.' : 'Firmador did not act on this request (no signing request was created).'}`.trim();
	}
	return error;
}

/** A JSON body: parsed once here (the credential turns n8n's own parsing off); a garbled one is an error. */
function parsedBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value !== 'string') return { ok: true, value };
	const text = value.trim();
	if (text === '') return { ok: true, value: undefined };
	// n8n's HTTP client may already have parsed valid JSON (a bare string then arrives unquoted).
	if (/^[[{"]/.test(text) || /^(true|false|null|-?\d+(\.\d+)?)$/.test(text)) {
		try {
			return { ok: true, value: JSON.parse(text) };
		} catch {
			return { ok: false };
		}
	}
	return { ok: true, value: text };
}

async function attemptOnce(
	ctx: IExecuteFunctions,
	method: 'GET' | 'POST',
	path: string,
	request: IHttpRequestOptions,
): Promise<unknown | Attempt> {
	let response: FullResponse;
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL, request)) as FullResponse;
	} catch (thrown) {
		// Network-level failure: report the code and message, not the request (it holds the signature).
		const cause = thrown as { cause?: { code?: string; message?: string }; code?: string; message?: string };
		// Our own credential problems (thrown by authenticate before anything is sent) carry no secrets.
		const own = [cause.message, cause.cause?.message].find((m) => typeof m === 'string' && m.startsWith('The Firmador '));
		if (own) return { error: apiError(ctx, 0, own, 'Fix the Firmador API credential.'), retryable: false };
		const code = cause.cause?.code ?? cause.code ?? '';
		const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(String(cause.message ?? ''));
		const reason = timedOut ? 'no answer within the request timeout' : inWords(code) || 'connection failed';
		const error = apiError(
			ctx,
			0,
			`Could not reach Firmador (${method} ${path}): ${reason}`,
			'Check the Base URL of the Firmador API credential and that the service is reachable.',
			{ path },
		);
		return { error: tag(error, !NOT_SENT.has(code), method), retryable: true };
	}
	const status = response.statusCode;
	const phrase = repairReasonPhrase(response.statusMessage);
	if (isRedirectStatus(status)) {
		const location = (response as { headers?: Record<string, string> }).headers?.location;
		const message = redirectRefused('Firmador', status, location, path, 'signed request', 'Firmador API');
		return {
			error: apiError(ctx, status, message, `${method} ${path} was answered with a redirect and not sent again.`, { path }),
			retryable: false,
		};
	}
	if (status === 204) {
		// The provider's error convention: the reason phrase is the message. With no phrase of its own ("No Content"), on a GET it reads as "no result yet".
		const own = providerPhrase(phrase);
		const error = apiError(
			ctx,
			204,
			own || `Firmador has no result for ${method} ${path} yet (HTTP 204 without a message)`,
			own
				? `Firmador answered ${method} ${path} with HTTP 204 and this reason phrase.`
				: `Firmador answered ${method} ${path} with HTTP 204 and no reason phrase.`,
			{ path },
		);
		if (own) withContext(error, { reasonPhrase: own });
		return { error: tag(error, false, method), retryable: false };
	}
	if (status === 401 || status === 403) {
		const detail = bodyMessage(parsedBody(response.body).ok ? (parsedBody(response.body) as { value: unknown }).value : response.body);
		const error = apiError(
			ctx,
			status,
			`Firmador rejected the request signature${detail ? `: ${clause(detail)}` : ''}`,
			"Check App ID, Secret and Secret Encoding in the Firmador API credential, and that this machine's clock is right (requests older than 5 minutes are refused). If they are right, open the credential and click Test: it tries the other readings of the signature (URI to Sign, URL Encoder, Empty Body Hash, Authorization Field Order, URI Form Signed) and says which one your server accepts.",
			{ path },
		);
		return { error: tag(error, false, method), retryable: false };
	}
	if (status === 429) {
		const header = (response as { headers?: Record<string, string> }).headers?.['retry-after'];
		const seconds =
			header !== undefined && /^\d+$/.test(String(header).trim()) ? Math.min(MAX_RETRY_AFTER_SECONDS, Number(header)) : undefined;
		const error = apiError(
			ctx,
			429,
			`Firmador is limiting requests (HTTP 429) on ${method} ${path}`,
			'Too many requests: try again later, or send fewer items per run.',
			{ path },
		);
		return { error: tag(error, false, method), retryable: true, retryAfterMs: seconds === undefined ? undefined : seconds * 1000 };
	}
	if (status >= 500) {
		const error = apiError(
			ctx,
			status,
			`Firmador server error: ${phrase || 'Error de servidor'}`,
			`${method} ${path} failed on the server side (HTTP ${status}); try again later.`,
			{ path },
		);
		return { error: tag(error, status !== 503, method), retryable: true };
	}
	if (status < 200 || status >= 300) {
		const parsed = parsedBody(response.body);
		const detail = bodyMessage(parsed.ok ? parsed.value : response.body);
		// A 400 to the status query is what a server says that wants the other form of `SessionsID[]`.
		const hint =
			status === 400 && /EstadoSolicitud/i.test(path)
				? ` Firmador refused the status query: if your server wants the other form of the session-id list, switch "${READING_FIELDS.queryBrackets}" in the Firmador API credential (Literal Brackets ⇄ Percent-Encoded); the credential's Test tries both.`
				: '';
		const error = apiError(
			ctx,
			status,
			`Firmador answered HTTP ${status} ${phrase}${detail ? `: ${clause(detail)}` : ''}`,
			`Firmador refused ${method} ${path}.${hint}`,
			{ path },
		);
		return { error: tag(error, false, method), retryable: false };
	}
	const parsed = parsedBody(response.body);
	if (!parsed.ok) {
		const error = apiError(
			ctx,
			status,
			`Firmador answered ${method} ${path} with a body that is not valid JSON`,
			'The answer was cut or garbled on the way.',
			{ path },
		);
		return { error: tag(error, true, method), retryable: true };
	}
	return parsed.value;
}

function isAttempt(value: unknown): value is Attempt {
	return (
		typeof value === 'object' &&
		value !== null &&
		(value as Attempt).error instanceof NodeApiError &&
		typeof (value as Attempt).retryable === 'boolean'
	);
}

export async function firmadorRequest(
	this: IExecuteFunctions,
	method: 'GET' | 'POST',
	path: string,
	options: { qs?: Record<string, QueryValue>; body?: IDataObject; retry?: BackoffPolicy } = {},
): Promise<unknown> {
	const request: IHttpRequestOptions = {
		method,
		url: path,
		qs: options.qs,
		body: options.body,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: true,
		// The signed request (and the documents' names and hashes) must not be repeated at another address.
		disableFollowRedirect: true,
	};
	// POSTs create signing requests: an automatic retry could create a second one, so they are sent once.
	const policy: BackoffPolicy = method === 'GET' ? (options.retry ?? GET_RETRY) : { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 };
	let retryAfterMs: number | undefined;
	const outcome = await withBackoff(
		async () => {
			const result = await attemptOnce(this, method, path, request);
			if (!isAttempt(result)) return { value: result };
			if (!result.retryable) throw result.error;
			retryAfterMs = result.retryAfterMs;
			return new RetryableFailure(result.error.message, result.error);
		},
		policy,
		{
			sleep: async (ms) => {
				const wait = retryAfterMs ?? ms;
				retryAfterMs = undefined;
				await sleep(wait);
			},
		},
	);
	if (outcome instanceof RetryableFailure) throw outcome.detail as NodeApiError;
	return outcome.value;
}

/** The seed says "a SessionID is returned" without its shape: a JSON string, plain text or {SessionID}. */
export function sessionIdFrom(ctx: IExecuteFunctions, body: unknown, path: string): string {
	let value: unknown = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		const text = value.trim();
		if (text.startsWith('"') || text.startsWith('{')) {
			try {
				value = JSON.parse(text);
			} catch {
				value = undefined;
			}
		} else value = text;
	}
	let received = '';
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		received = ` (an object with ${keysOf(value)})`;
		value = field(value as Record<string, unknown>, 'SessionID') ?? field(value as Record<string, unknown>, 'SessionsID');
	}
	// An id is a short token; anything else (an HTML error page, a cut body) is not taken for one.
	if (
		(typeof value === 'string' && /^[A-Za-z0-9._:{}-]{1,128}$/.test(value.trim())) ||
		(typeof value === 'number' && Number.isFinite(value))
	)
		return String(value).trim();
	const error = apiError(
		ctx,
		200,
		`Firmador answered ${path} without a readable SessionID${received}`,
		'The response body did not contain a session id.',
		{ path },
	);
	throw tag(error, true, 'POST');
}

export interface StatusEntry {
	sessionId: string;
	found: boolean;
	statusCode: number | null;
	status: string;
	final: boolean;
	signed: boolean;
	/** What decided the status: the CodigoEstado table, MensajeEstado (code 1), or the credential's Status 1 Means. */
	statusFrom: 'code' | 'message' | 'setting';
	/** Why a code-1 answer was read as it was. */
	statusReason?: string;
	statusMessage?: string;
	/** HashFirmado of the status entry: text as sent, a byte array as Base64. */
	signedHash?: string;
	/** Firmador refused the status query for this id with a 204 and this reason phrase. */
	rejected?: string;
	/** The service's entry as it came. */
	response?: IDataObject;
}

/** The phrase of Firmador's 204 ('' when it sent none). */
export function reasonPhraseOf(error: unknown): string {
	return String((error as { context?: IDataObject }).context?.reasonPhrase ?? '');
}

/** Whether an error is Firmador's HTTP 204 (on a GET: "no result yet"). */
export function isNoContent(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '204';
}

/**
 * Default session ids per EstadoSolicitud call. Firmador runs on IIS, whose default request filtering
 * refuses a query string over 2,048 characters (maxQueryString). A 36-character id costs 50 characters
 * as `SessionsID[]=<id>&` and 54 as `SessionsID%5b%5d=<id>&`: 36 ids = 1,943 characters in the longer
 * form, and the whole URL with the documented base URL stays under 2,048 too. (50 ids made 2,499.)
 */
export const STATUS_IDS_PER_REQUEST = 36;

/** An answer of a shape none of the readings covers: an error that says what arrived. */
export function unexpectedAnswer(ctx: IExecuteFunctions, path: string, problem: string): NodeApiError {
	return apiError(
		ctx,
		200,
		`Firmador answered GET ${path} in an unexpected form: ${problem}`,
		"Nothing was read from this answer. Send the answer to the provider or to this node's maintainers.",
		{ path },
	);
}

/** One EstadoSolicitud entry read whatever the keys' case; `undefined` when it names no session. */
function statusEntry(
	ctx: IExecuteFunctions,
	raw: Record<string, unknown>,
	status1Means: ReturnType<typeof firmadorWireSettings>['status1Means'],
): StatusEntry | undefined {
	const id = textOf(field(raw, 'SessionID'));
	if (!id) return undefined;
	const message = field(raw, 'MensajeEstado');
	const described = describeStatus(field(raw, 'CodigoEstado'), message, status1Means);
	// In a status entry HashFirmado is not a signature the node decodes (for documents the simulator, like the seed's "123", puts a
	// hash there): text is kept as sent, a byte array becomes Base64, anything else is an error.
	const rawSigned = field(raw, 'HashFirmado');
	let signedHash: string | undefined;
	if (typeof rawSigned === 'string' || typeof rawSigned === 'number') signedHash = String(rawSigned) || undefined;
	else if (Array.isArray(rawSigned) && rawSigned.length > 0) {
		const read = signedValueToBase64(rawSigned);
		if (isProblem(read)) throw unexpectedAnswer(ctx, '/api/EstadoSolicitud', `${read.problem} (session ${id})`);
		signedHash = read.value;
	} else if (rawSigned !== undefined && rawSigned !== null && !Array.isArray(rawSigned)) {
		throw unexpectedAnswer(
			ctx,
			'/api/EstadoSolicitud',
			`HashFirmado of session ${id} is neither text nor a byte array: ${JSON.stringify(rawSigned).slice(0, 80)}`,
		);
	}
	return {
		sessionId: id,
		found: true,
		statusCode: described.code,
		status: described.status,
		final: described.final,
		signed: described.signed,
		statusFrom: described.statusFrom,
		...(described.statusReason ? { statusReason: described.statusReason } : {}),
		...(typeof message === 'string' ? { statusMessage: message } : {}),
		...(signedHash !== undefined ? { signedHash } : {}),
		response: raw as IDataObject,
	};
}

/**
 * EstadoSolicitud for many ids, `chunkSize` ids per call. Ids the service does not list are `found: false`.
 * A 204 with no phrase leaves its ids without a result (`noResultYet`); a 204 with a phrase marks each id of
 * that request `rejected` with the phrase (they fail at once instead of waiting for the timeout).
 */
export async function getStatuses(
	this: IExecuteFunctions,
	ids: string[],
	chunkSize = STATUS_IDS_PER_REQUEST,
): Promise<Map<string, StatusEntry>> {
	const result = new Map<string, StatusEntry>();
	const { status1Means } = firmadorWireSettings((await this.getCredentials(CREDENTIAL)) as IDataObject);
	const path = '/api/EstadoSolicitud';
	for (const group of chunk(ids, chunkSize)) {
		const answer = await firmadorRequest.call(this, 'GET', path, { qs: { 'SessionsID[]': group } }).then(
			(value) => ({ value }),
			(error: unknown) => ({ error }),
		);
		if ('error' in answer) {
			if (!isNoContent(answer.error)) throw answer.error as NodeApiError;
			const phrase = reasonPhraseOf(answer.error);
			for (const id of group) {
				result.set(
					id,
					phrase
						? {
								sessionId: id,
								found: false,
								statusCode: null,
								status: 'rejected',
								final: true,
								signed: false,
								statusFrom: 'code',
								rejected: phrase,
							}
						: { sessionId: id, found: false, statusCode: null, status: 'noResultYet', final: false, signed: false, statusFrom: 'code' },
				);
			}
			continue;
		}
		let body = answer.value;
		if (body !== undefined && !Array.isArray(body)) {
			// One entry as an object instead of a list of one is still that entry.
			if (body && typeof body === 'object' && hasSessionKey(body as Record<string, unknown>)) body = [body];
			else
				throw unexpectedAnswer(
					this,
					path,
					`expected a list of {SessionID, CodigoEstado, MensajeEstado, HashFirmado}, received ${Array.isArray(body) ? 'a list' : body && typeof body === 'object' ? `an object with ${keysOf(body)}` : JSON.stringify(body)?.slice(0, 80)}`,
				);
		}
		const entries = ((body ?? []) as unknown[]).filter(
			(e): e is Record<string, unknown> => !!e && typeof e === 'object' && !Array.isArray(e),
		);
		let read = 0;
		for (const raw of entries) {
			const entry = statusEntry(this, raw, status1Means);
			if (!entry) continue;
			read++;
			result.set(entry.sessionId, entry);
		}
		if (entries.length > 0 && read === 0) {
			throw unexpectedAnswer(
				this,
				path,
				`none of its ${entries.length} entries has SessionID (in any case); the first had ${keysOf(entries[0])}`,
			);
		}
		for (const id of group) {
			if (!result.has(id))
				result.set(id, {
					sessionId: id,
					found: false,
					statusCode: null,
					status: 'notFound',
					final: false,
					signed: false,
					statusFrom: 'code',
				});
		}
	}
	return result;
}

function hasSessionKey(record: Record<string, unknown>): boolean {
	return field(record, 'SessionID') !== undefined;
}

/** The first problem of a Firmador API credential (its field and what is wrong), found before any request; null when none. */
export function apiCredentialProblem(c: IDataObject): { field: string; problem: string } | null {
	const baseUrl = String(c.baseUrl ?? '').trim();
	if (!baseUrl) return { field: 'Base URL', problem: 'is empty' };
	if (/[\u0000-\u001f\s]/.test(baseUrl)) return { field: 'Base URL', problem: 'contains spaces or control characters' };
	const userinfo = userinfoReason(baseUrl);
	if (userinfo) return { field: 'Base URL', problem: userinfo };
	let parsed: URL | undefined;
	try {
		parsed = new URL(baseUrl);
	} catch {
		return { field: 'Base URL', problem: `"${baseUrl}" is not a URL` };
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
		return { field: 'Base URL', problem: `must be http or https, not ${parsed.protocol}` };
	const appId = String(c.appId ?? '');
	if (!appId.trim()) return { field: 'App ID', problem: 'is empty' };
	if (/[:\s\u0000-\u001f]/.test(appId))
		return { field: 'App ID', problem: 'contains a colon, a space or a control character (it goes into the Authorization header)' };
	const secret = String(c.secret ?? '');
	if (!secret) return { field: 'Secret', problem: 'is empty' };
	let wire: ReturnType<typeof firmadorWireSettings>;
	try {
		wire = firmadorWireSettings(c);
	} catch (error) {
		const message = (error as Error).message;
		const field = Object.values(READING_FIELDS).find((label) => message.includes(`'s ${label} "`)) ?? 'settings';
		return { field, problem: message.match(/"[^"]*" is not one of: .*$/)?.[0] ?? message };
	}
	if (wire.secretFormat === 'base64') {
		try {
			firmadorKey(secret, 'base64');
		} catch {
			return { field: 'Secret', problem: 'is not valid Base64 (set Secret Encoding to Text if it is a plain string)' };
		}
	}
	return null;
}

export interface WaitResult {
	statuses: Map<string, StatusEntry>;
	timedOut: boolean;
	waitedMs: number;
}

/**
 * Polls EstadoSolicitud for every id together until each is final (1, 4, 5, or refused by a 204 with a
 * phrase) or the timeout passes. A 204 without a phrase means "no result yet" (the next poll asks again).
 */
export async function waitForSessions(
	this: IExecuteFunctions,
	ids: string[],
	wait: WaitSeconds,
	chunkSize = STATUS_IDS_PER_REQUEST,
): Promise<WaitResult> {
	const statuses = new Map<string, StatusEntry>();
	const started = Date.now();
	const outcome = await pollUntil(
		async () => {
			const pending = ids.filter((id) => !statuses.get(id)?.final);
			const latest = await getStatuses.call(this, pending, chunkSize);
			for (const [id, entry] of latest) statuses.set(id, entry);
			return ids.every((id) => statuses.get(id)?.final) ? true : undefined;
		},
		{ intervalMs: wait.intervalSeconds * 1000, timeoutMs: wait.timeoutSeconds * 1000 },
	);
	return { statuses, timedOut: !outcome.done, waitedMs: Date.now() - started };
}

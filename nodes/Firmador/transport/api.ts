/**
 * The one module that talks HTTP to Firmador: requests signed by the firmadorApi credential's
 * authenticate(), full responses with status errors ignored, then mapped here: a 204 is an error whose
 * reason phrase is the message (the provider's documented convention), 401 is a signature problem,
 * 500 "Error de servidor". Safe GETs are retried (bounded backoff) on network errors, 5xx, 429 and
 * garbled bodies; POSTs are sent once, and their errors say whether Firmador may have acted. Errors are built from status + phrase + parsed body + path only (never from the
 * HTTP client's error object, which carries the Authorization header).
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { RetryableFailure, withBackoff, type BackoffPolicy } from '../../shared/backoff';
import { asSentence, chunk, describeStatus, inWords, repairReasonPhrase } from '../protocol/status';
import type { QueryValue } from '../protocol/request';
import { withContext } from '../../shared/n8n/items';
import { isRedirectStatus, redirectRefused } from '../../shared/secureUrl';

export const CREDENTIAL = 'firmadorApi';

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
export const GET_RETRY: BackoffPolicy = { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 1_000 };
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
		error.description = `${error.description ?? ''} ${remoteMayHaveActed ? 'Firmador may have received and acted on this request (a signing request may exist): check with Get Status or the provider before sending it again.' : 'Firmador did not act on this request (no signing request was created).'}`.trim();
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

async function attemptOnce(ctx: IExecuteFunctions, method: 'GET' | 'POST', path: string, request: IHttpRequestOptions): Promise<unknown | Attempt> {
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
		const error = apiError(ctx, 0, `Could not reach Firmador (${method} ${path}): ${reason}`, 'Check the Base URL of the Firmador API credential and that the service is reachable.', { path });
		return { error: tag(error, !NOT_SENT.has(code), method), retryable: true };
	}
	const status = response.statusCode;
	const phrase = repairReasonPhrase(response.statusMessage);
	if (isRedirectStatus(status)) {
		const location = (response as { headers?: Record<string, string> }).headers?.location;
		const message = redirectRefused('Firmador', status, location, path, 'signed request', 'Firmador API');
		return { error: apiError(ctx, status, message, `${method} ${path} was answered with a redirect and not sent again.`, { path }), retryable: false };
	}
	if (status === 204) {
		// The provider's error convention; on a GET it also reads as "no result yet".
		const error = apiError(ctx, 204, phrase || `Firmador answered 204 No Content to ${method} ${path}`, `Firmador answered ${method} ${path} with HTTP 204 (no content) and this reason phrase.`, { path });
		return { error: tag(error, false, method), retryable: false };
	}
	if (status === 401 || status === 403) {
		const detail = bodyMessage(parsedBody(response.body).ok ? (parsedBody(response.body) as { value: unknown }).value : response.body);
		const error = apiError(
			ctx,
			status,
			`Firmador rejected the request signature${detail ? `: ${asSentence(detail).replace(/\.$/, '')}` : ''}`,
			'Check App ID, Secret, Secret Encoding and URI to Sign in the Firmador API credential, and that this machine\'s clock is right (requests older than 5 minutes are refused).',
			{ path },
		);
		return { error: tag(error, false, method), retryable: false };
	}
	if (status === 429) {
		const header = (response as { headers?: Record<string, string> }).headers?.['retry-after'];
		const seconds = header !== undefined && /^\d+$/.test(String(header).trim()) ? Math.min(MAX_RETRY_AFTER_SECONDS, Number(header)) : undefined;
		const error = apiError(ctx, 429, `Firmador is limiting requests (HTTP 429) on ${method} ${path}`, 'Too many requests: try again later, or send fewer items per run.', { path });
		return { error: tag(error, false, method), retryable: true, retryAfterMs: seconds === undefined ? undefined : seconds * 1000 };
	}
	if (status >= 500) {
		const error = apiError(ctx, status, `Firmador server error: ${phrase || 'Error de servidor'}`, `${method} ${path} failed on the server side (HTTP ${status}); try again later.`, { path });
		return { error: tag(error, status !== 503, method), retryable: true };
	}
	if (status < 200 || status >= 300) {
		const parsed = parsedBody(response.body);
		const detail = bodyMessage(parsed.ok ? parsed.value : response.body);
		const error = apiError(ctx, status, `Firmador answered HTTP ${status} ${phrase}${detail ? `: ${asSentence(detail).replace(/\.$/, '')}` : ''}`, `Firmador refused ${method} ${path}.`, { path });
		return { error: tag(error, false, method), retryable: false };
	}
	const parsed = parsedBody(response.body);
	if (!parsed.ok) {
		const error = apiError(ctx, status, `Firmador answered ${method} ${path} with a body that is not valid JSON`, 'The answer was cut or garbled on the way.', { path });
		return { error: tag(error, true, method), retryable: true };
	}
	return parsed.value;
}

function isAttempt(value: unknown): value is Attempt {
	return typeof value === 'object' && value !== null && (value as Attempt).error instanceof NodeApiError && typeof (value as Attempt).retryable === 'boolean';
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
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		value = record.SessionID ?? record.SessionId ?? record.sessionId;
	}
	// An id is a short token; anything else (an HTML error page, a cut body) is not taken for one.
	if ((typeof value === 'string' && /^[A-Za-z0-9._:{}-]{1,128}$/.test(value.trim())) || (typeof value === 'number' && Number.isFinite(value))) return String(value).trim();
	const error = apiError(ctx, 200, `Firmador answered ${path} without a readable SessionID`, 'The response body did not contain a session id.', { path });
	throw tag(error, true, 'POST');
}

export interface StatusEntry {
	sessionId: string;
	found: boolean;
	statusCode: number | null;
	status: string;
	final: boolean;
	signed: boolean;
	/** Which of CodigoEstado / MensajeEstado decided the status (they contradict each other for code 1 in the seed). */
	statusFrom: 'code' | 'message';
	statusMessage?: string;
	signedHash?: string;
	/** The service's entry as it came. */
	response?: IDataObject;
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

/** EstadoSolicitud for many ids, `chunkSize` ids per call. Ids the service does not list are `found: false`. */
export async function getStatuses(this: IExecuteFunctions, ids: string[], chunkSize = STATUS_IDS_PER_REQUEST): Promise<Map<string, StatusEntry>> {
	const result = new Map<string, StatusEntry>();
	for (const group of chunk(ids, chunkSize)) {
		const body = await firmadorRequest.call(this, 'GET', '/api/EstadoSolicitud', { qs: { 'SessionsID[]': group } });
		if (body !== undefined && !Array.isArray(body)) {
			throw apiError(this, 200, 'Firmador answered GET /api/EstadoSolicitud with something other than a list', 'Expected [{CodigoEstado, MensajeEstado, SessionID, HashFirmado}].', { path: '/api/EstadoSolicitud' });
		}
		for (const raw of (body ?? []) as Array<Record<string, unknown>>) {
			if (!raw || typeof raw !== 'object') continue;
			const id = String(raw.SessionID ?? '');
			if (!id) continue;
			const described = describeStatus(raw.CodigoEstado, raw.MensajeEstado);
			result.set(id, {
				sessionId: id,
				found: true,
				statusCode: described.code,
				status: described.status,
				final: described.final,
				signed: described.signed,
				statusFrom: described.statusFrom,
				...(typeof raw.MensajeEstado === 'string' ? { statusMessage: raw.MensajeEstado } : {}),
				...(raw.HashFirmado !== undefined && raw.HashFirmado !== null ? { signedHash: String(raw.HashFirmado) } : {}),
				response: raw as IDataObject,
			});
		}
		for (const id of group) {
			if (!result.has(id)) result.set(id, { sessionId: id, found: false, statusCode: null, status: 'notFound', final: false, signed: false, statusFrom: 'code' });
		}
	}
	return result;
}

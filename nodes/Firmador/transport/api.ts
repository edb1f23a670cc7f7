/**
 * The one module that talks HTTP to Firmador: requests signed by the firmadorApi credential's
 * authenticate(), full responses with status errors ignored, then mapped here: a 204 is an error whose
 * reason phrase is the message (the provider's documented convention), 401 is a signature problem,
 * 500 "Error de servidor". Errors are built from status + phrase + parsed body + path only (never from the
 * HTTP client's error object, which carries the Authorization header).
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { chunk, describeStatus, repairReasonPhrase } from '../../shared/firmadorStatus';
import type { QueryValue } from '../../shared/firmadorRequest';

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

export async function firmadorRequest(
	this: IExecuteFunctions,
	method: 'GET' | 'POST',
	path: string,
	options: { qs?: Record<string, QueryValue>; body?: IDataObject } = {},
): Promise<unknown> {
	const request: IHttpRequestOptions = {
		method,
		url: path,
		qs: options.qs,
		body: options.body,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: true,
	};
	let response: FullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL, request)) as FullResponse;
	} catch (error) {
		// Network-level failure: report the code and message, not the request (it holds the signature).
		const cause = error as { cause?: { code?: string; message?: string }; code?: string; message?: string };
		// Our own credential problems (thrown by authenticate before anything is sent) carry no secrets.
		const own = [cause.message, cause.cause?.message].find((m) => typeof m === 'string' && m.startsWith('The Firmador '));
		if (own) throw apiError(this, 0, own, 'Fix the Firmador API credential');
		const code = cause.cause?.code ?? cause.code ?? '';
		throw apiError(this, 0, `Could not reach Firmador (${method} ${path})${code ? `: ${code}` : ''}`, 'Check the Base URL of the Firmador API credential and that the service is reachable');
	}
	const status = response.statusCode;
	const phrase = repairReasonPhrase(response.statusMessage);
	if (status === 204) {
		throw apiError(this, 204, phrase || 'Firmador answered 204 No Content without a reason', `Firmador refused ${method} ${path} (HTTP 204 with this reason phrase)`, { path });
	}
	if (status === 401 || status === 403) {
		const detail = bodyMessage(response.body);
		throw apiError(
			this,
			status,
			`Firmador rejected the request signature${detail ? `: ${detail}` : ''}`,
			'Check App ID, Secret and Secret Encoding in the Firmador API credential, and that this machine\'s clock is right (requests older than 5 minutes are refused)',
			{ path },
		);
	}
	if (status >= 500) {
		throw apiError(this, status, `Firmador server error: ${phrase || 'Error de servidor'}`, `${method} ${path} failed on the server side; try again later`, { path });
	}
	if (status < 200 || status >= 300) {
		const detail = bodyMessage(response.body);
		throw apiError(this, status, `Firmador answered HTTP ${status} ${phrase}${detail ? `: ${detail}` : ''}`, `${method} ${path}`, { path });
	}
	return response.body;
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
				value = text;
			}
		} else value = text;
	}
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		value = record.SessionID ?? record.SessionId ?? record.sessionId;
	}
	if ((typeof value === 'string' && value.trim() !== '') || typeof value === 'number') return String(value).trim();
	throw apiError(ctx, 200, `Firmador answered ${path} without a SessionID`, 'The response body did not contain a session id');
}

export interface StatusEntry {
	sessionId: string;
	found: boolean;
	code: number | null;
	status: string;
	final: boolean;
	signed: boolean;
	MensajeEstado?: string;
	HashFirmado?: string;
}

/** EstadoSolicitud for many ids, `chunkSize` ids per call. Ids the service does not list are `found: false`. */
export async function getStatuses(this: IExecuteFunctions, ids: string[], chunkSize = 50): Promise<Map<string, StatusEntry>> {
	const result = new Map<string, StatusEntry>();
	for (const group of chunk(ids, chunkSize)) {
		const body = await firmadorRequest.call(this, 'GET', '/api/EstadoSolicitud', { qs: { 'SessionsID[]': group } });
		const list = Array.isArray(body) ? body : [];
		for (const raw of list as Array<Record<string, unknown>>) {
			const id = String(raw.SessionID ?? '');
			if (!id) continue;
			const described = describeStatus(raw.CodigoEstado);
			result.set(id, {
				sessionId: id,
				found: true,
				...described,
				MensajeEstado: raw.MensajeEstado as string | undefined,
				HashFirmado: raw.HashFirmado as string | undefined,
			});
		}
		for (const id of group) {
			if (!result.has(id)) result.set(id, { sessionId: id, found: false, code: null, status: 'notFound', final: false, signed: false });
		}
	}
	return result;
}

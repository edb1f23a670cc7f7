/**
 * The one module that talks HTTP to DigiCert CertCentral (also used by the Certificate Trigger).
 * - Base URL from the credential's region (US, EU or custom).
 * - Requests go through httpRequestWithAuthentication('digiCertApi') (X-DC-DEVKEY is added there) with
 *   returnFullResponse + ignoreHttpStatusErrors: failures are mapped here from status code, parsed body
 *   and request path; the HTTP client's error object (it carries the API key header) is never passed on.
 * - GETs and safe PUTs retry 429, 408, 5xx and network errors with bounded exponential backoff and jitter.
 * - Order POSTs are never blindly repeated: each carries an alternative_order_id; after a timeout, 5xx or
 *   dropped connection the reference is looked up (GET /order/alternate/{ref}) and only a proven absence
 *   leads to a second POST.
 */
import { randomUUID } from 'node:crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { backoffDelay, type BackoffPolicy } from '../../shared/backoff';
import { describeDigiCertFailure, type DigiCertErrorEntry } from './errors';
import { digicertBaseUrl } from './region';
import { paginate } from './pagination';
import { withContext } from '../../shared/n8n/items';
import { DIGICERT_BACKOFF } from '../retryPolicy';

export type DigiCertContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_NAME = 'digiCertApi';

/** Knobs tests turn (sleep that records instead of waiting, a fixed random): process-wide defaults. */
export const transportSettings: {
	backoff: BackoffPolicy;
	sleep: (ms: number) => Promise<void>;
	random: () => number;
	timeoutMs: number;
	onRetry?: (info: { method: string; path: string; retry: number; delayMs: number; reason: string }) => void;
} = {
	backoff: DIGICERT_BACKOFF,
	sleep,
	random: Math.random,
	timeoutMs: 60_000,
};

export interface RawResponse {
	statusCode: number;
	body: any;
	headers: Record<string, string | string[] | undefined>;
}

/** The request never got an HTTP answer (connection refused / reset / timeout). */
export class DigiCertNetworkError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		readonly code: string,
	) {
		super(`Could not complete ${method} ${path} with DigiCert: ${code}`);
		this.name = 'DigiCertNetworkError';
	}

	/** The client gave up waiting: the service may still be working on the request. */
	get isTimeout(): boolean {
		return TIMEOUT_CODES.has(this.code);
	}

	/** The execution was stopped (n8n aborts the request): never retried. */
	get isCanceled(): boolean {
		return this.code === 'ERR_CANCELED';
	}
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'TIMEOUT']);

export async function digiCertBaseUrlFor(ctx: DigiCertContext): Promise<string> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	return digicertBaseUrl(credentials.region as string | undefined, credentials.baseUrl as string | undefined);
}

export interface SendOptions {
	qs?: IDataObject;
	body?: IDataObject;
	/** Binary download: the body comes back as a Buffer. */
	binary?: boolean;
}

/** One HTTP exchange. A network failure comes back as a DigiCertNetworkError value carrying only a code. */
export async function sendOnce(ctx: DigiCertContext, method: IHttpRequestMethods, path: string, options: SendOptions = {}): Promise<RawResponse | DigiCertNetworkError> {
	const baseURL = await digiCertBaseUrlFor(ctx);
	const request: IHttpRequestOptions = {
		method,
		baseURL,
		url: path,
		qs: options.qs,
		headers: { Accept: options.binary ? '*/*' : 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: transportSettings.timeoutMs,
	};
	if (options.body !== undefined) {
		request.body = options.body;
		request.json = true;
	}
	if (options.binary) {
		request.encoding = 'arraybuffer';
		request.json = false;
	} else {
		request.json = true;
	}
	type HttpAnswer = { statusCode: number; body: unknown; headers: Record<string, string | string[] | undefined> };
	const answer: HttpAnswer | DigiCertNetworkError = await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_NAME, request).then(
		(response: HttpAnswer) => response,
		(error) => {
			// n8n's own errors (e.g. no credential set) are final; a missing HTTP answer becomes a value to retry on.
			if (error instanceof NodeOperationError) return Promise.reject(error);
			const e = error as { code?: string; cause?: { code?: string; cause?: { code?: string } }; message?: string };
			const code = e.cause?.code ?? e.code ?? e.cause?.cause?.code ?? (/timeout/i.test(String(e.message)) ? 'ETIMEDOUT' : 'network error');
			return new DigiCertNetworkError(method, path, String(code));
		},
	);
	if (answer instanceof DigiCertNetworkError) return answer;
	let body = answer.body;
	if (options.binary && !Buffer.isBuffer(body)) body = Buffer.from(body as ArrayBuffer);
	if (!options.binary && Buffer.isBuffer(body)) body = body.toString('utf8');
	if (!options.binary && typeof body === 'string' && body.trim().startsWith('{')) {
		try {
			body = JSON.parse(body);
		} catch {
			// keep the text
		}
	}
	return { statusCode: answer.statusCode, body, headers: answer.headers ?? {} };
}

export const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** A NodeApiError built from status, parsed body and path only (never headers). */
export function digiCertApiError(ctx: DigiCertContext, response: RawResponse, method: string, path: string, itemIndex?: number): NodeApiError {
	const summary = describeDigiCertFailure(response.statusCode, response.body, method, path);
	const error = new NodeApiError(
		ctx.getNode(),
		{ errors: summary.errors as unknown as JsonObject[], httpCode: String(response.statusCode), path: path.split('?')[0] } as unknown as JsonObject,
		{ message: summary.message, description: summary.description, httpCode: String(response.statusCode), itemIndex },
	);
	return withContext(error, { errors: summary.errors as unknown as IDataObject[], path: path.split('?')[0] });
}

const NETWORK_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection closed',
	ETIMEDOUT: 'timed out',
	ECONNABORTED: 'timed out',
	ERR_CANCELED: 'execution canceled',
	ESOCKETTIMEDOUT: 'timed out',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	CERT_HAS_EXPIRED: 'TLS certificate expired',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
};

function networkApiError(ctx: DigiCertContext, error: DigiCertNetworkError, attempts: number, itemIndex?: number): NodeApiError {
	const apiError = new NodeApiError(ctx.getNode(), { networkError: error.code, path: error.path.split('?')[0] } as JsonObject, {
		// Words, not the raw code: n8n would swap a message containing ECONNREFUSED & co. for a generic one.
		message: `DigiCert could not be reached (${NETWORK_WORDS[error.code] ?? 'network error'})`,
		description: `${error.method} ${error.path.split('?')[0]} failed ${attempts} time(s) without an HTTP answer (${error.code})`,
		itemIndex,
	});
	return withContext(apiError, { path: error.path.split('?')[0], networkError: error.code });
}

export interface RequestOptions extends SendOptions {
	/** Retry 429/408/5xx/network errors. Default: GET and PUT (the PUTs here are safe to repeat). */
	retry?: boolean;
	itemIndex?: number;
	/** Return the raw response for these status codes instead of throwing (e.g. 404 for a lookup). */
	acceptStatus?: number[];
}

/**
 * Sends a request with retries (when safe) and error mapping. Returns the raw response (2xx, or a status
 * listed in acceptStatus); throws NodeApiError otherwise.
 */
export async function digiCertSend(ctx: DigiCertContext, method: IHttpRequestMethods, path: string, options: RequestOptions = {}): Promise<RawResponse> {
	const retry = options.retry ?? (method === 'GET' || method === 'PUT');
	const policy = transportSettings.backoff;
	for (let attempt = 0; ; attempt++) {
		let reason: string;
		const response = await sendOnce(ctx, method, path, options);
		if (response instanceof DigiCertNetworkError) {
			if (!retry || response.isCanceled || attempt >= policy.maxRetries) throw networkApiError(ctx, response, attempt + 1, options.itemIndex);
			reason = response.code;
		} else if (response.statusCode >= 200 && response.statusCode < 300 && !options.binary && typeof response.body === 'string' && response.body.trim() !== '') {
			// A cut or garbled JSON answer: repeat what is safe to repeat, otherwise say it plainly.
			if (!retry || attempt >= policy.maxRetries) {
				throw new NodeApiError(ctx.getNode(), { path: path.split('?')[0] } as JsonObject, {
					message: `DigiCert's answer to ${method} ${path.split('?')[0]} could not be read (not JSON)`,
					description: method === 'GET' ? 'Reading again did not help; try later.' : 'DigiCert may have carried the request out: check before sending it again.',
					itemIndex: options.itemIndex,
				});
			}
			reason = 'malformed JSON';
		} else {
			if ((response.statusCode >= 200 && response.statusCode < 300) || options.acceptStatus?.includes(response.statusCode)) return response;
			if (!retry || !isRetryableStatus(response.statusCode) || attempt >= policy.maxRetries) {
				throw digiCertApiError(ctx, response, method, path, options.itemIndex);
			}
			reason = `HTTP ${response.statusCode}`;
		}
		const delayMs = backoffDelay(attempt + 1, policy, transportSettings.random);
		transportSettings.onRetry?.({ method, path, retry: attempt + 1, delayMs, reason });
		await transportSettings.sleep(delayMs);
	}
}

/** The parsed JSON body of a successful call (undefined for 204). */
export async function digiCertRequest(ctx: DigiCertContext, method: IHttpRequestMethods, path: string, options: RequestOptions = {}): Promise<any> {
	const response = await digiCertSend(ctx, method, path, options);
	if (response.statusCode === 204) return undefined;
	return response.body;
}

export interface ListOptions {
	qs?: IDataObject;
	returnAll: boolean;
	limit?: number;
	pageSize?: number;
	itemIndex?: number;
}

/** GET a list endpoint (`{<key>: [...], page: {total}}`) following offset/limit to the end or the limit. */
export async function digiCertList(ctx: DigiCertContext, path: string, key: string, options: ListOptions): Promise<IDataObject[]> {
	return await paginate<IDataObject>(
		async (offset, limit) => {
			const body = await digiCertRequest(ctx, 'GET', path, { qs: { ...(options.qs ?? {}), offset, limit }, itemIndex: options.itemIndex });
			const items = Array.isArray(body?.[key]) ? (body[key] as IDataObject[]) : [];
			const total = body?.page?.total;
			return { items, total: typeof total === 'number' ? total : undefined };
		},
		{ pageSize: options.pageSize ?? 1000, max: options.returnAll ? undefined : (options.limit ?? 50) },
	);
}

export interface DownloadedFile {
	data: Buffer;
	contentType: string;
	fileName?: string;
}

export async function digiCertDownload(ctx: DigiCertContext, path: string, itemIndex?: number): Promise<DownloadedFile> {
	const response = await digiCertSend(ctx, 'GET', path, { binary: true, itemIndex, acceptStatus: [] });
	const contentType = String(response.headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim();
	const disposition = String(response.headers['content-disposition'] ?? '');
	const fileName = safeFileName(/filename="?([^";]+)"?/i.exec(disposition)?.[1]);
	return { data: response.body as Buffer, contentType, fileName };
}

// ------------------------------------------------------------------------------------------------
// Idempotent order creation

export interface AlternateOrder {
	order_id: number;
	certificate_id?: number | null;
	status: string;
}

/** Orders carrying a reference; [] when DigiCert says none (404). */
export async function findOrdersByReference(ctx: DigiCertContext, reference: string, itemIndex?: number): Promise<AlternateOrder[]> {
	const response = await digiCertSend(ctx, 'GET', `/order/alternate/${encodeURIComponent(reference)}`, { itemIndex, acceptStatus: [404] });
	if (response.statusCode === 404) return [];
	const orders = response.body?.orders;
	return Array.isArray(orders) ? (orders as AlternateOrder[]) : [];
}

export const newOrderReference = () => `n8n-${randomUUID()}`;

export interface CreatedOrder {
	id: number;
	requests?: Array<{ id: number; status: string }>;
	certificate_id?: number;
	alternative_order_id: string;
	/** True when the POST's answer was lost and the order was found by its reference. */
	recoveredByReference: boolean;
	/** POSTs sent (1 normally). */
	attempts: number;
}

/**
 * POST /order/certificate/{product} at most as often as a lookup proves no order with the reference
 * exists. 4xx answers (other than 408/429) are final and thrown as they are.
 */
export async function createOrderIdempotent(
	ctx: DigiCertContext,
	product: 'code_signing' | 'code_signing_ev',
	body: IDataObject,
	itemIndex?: number,
): Promise<CreatedOrder> {
	const reference = String(body.alternative_order_id ?? '') || newOrderReference();
	const payload = { ...body, alternative_order_id: reference };
	const path = `/order/certificate/${product}`;
	const policy = transportSettings.backoff;
	const maxPosts = policy.maxRetries + 1;
	for (let posts = 1; ; posts++) {
		let failure: { response?: RawResponse; network?: DigiCertNetworkError };
		const response = await sendOnce(ctx, 'POST', path, { body: payload });
		if (response instanceof DigiCertNetworkError) {
			if (response.isCanceled) throw withContext(networkApiError(ctx, response, posts, itemIndex), { alternative_order_id: reference, orderState: 'unknown' });
			failure = { network: response };
		} else {
			if ((response.statusCode === 201 || response.statusCode === 200) && response.body && typeof response.body === 'object') {
				return { ...(response.body as IDataObject), id: Number(response.body?.id), alternative_order_id: reference, recoveredByReference: false, attempts: posts } as CreatedOrder;
			}
			// A 2xx whose body cannot be read is as ambiguous as a 5xx: the order may exist; the lookup decides.
			if (!isRetryableStatus(response.statusCode) && !(response.statusCode < 300)) {
				throw withContext(digiCertApiError(ctx, response, 'POST', path, itemIndex), { alternative_order_id: reference });
			}
			failure = { response };
		}
		if (failure.network?.isTimeout) {
			// The service may still be handling the POST: a lookup cannot prove it will not create the
			// order, so after a timeout the order is only ever looked for, never posted again.
			return await awaitTimedOutOrder(ctx, path, reference, posts, failure.network, itemIndex);
		}
		const delayMs = backoffDelay(posts, policy, transportSettings.random);
		transportSettings.onRetry?.({ method: 'POST', path, retry: posts, delayMs, reason: failure.network?.code ?? `HTTP ${failure.response?.statusCode}` });
		await transportSettings.sleep(delayMs);
		// The failed POST (dropped connection, 5xx, 429) has been answered or abandoned by the service:
		// look the reference up, and post again only when the lookup proves there is no order.
		const existing = await findOrdersByReference(ctx, reference, itemIndex);
		if (existing.length > 0) {
			const found = existing.reduce((a, b) => (a.order_id <= b.order_id ? a : b));
			return {
				id: found.order_id,
				certificate_id: found.certificate_id ?? undefined,
				alternative_order_id: reference,
				recoveredByReference: true,
				attempts: posts,
			};
		}
		if (posts >= maxPosts) {
			const error = failure.response
				? digiCertApiError(ctx, failure.response, 'POST', path, itemIndex)
				: networkApiError(ctx, failure.network!, posts, itemIndex);
			throw withContext(error, { alternative_order_id: reference, orderCreated: false });
		}
	}
}

async function awaitTimedOutOrder(
	ctx: DigiCertContext,
	path: string,
	reference: string,
	posts: number,
	timeout: DigiCertNetworkError,
	itemIndex?: number,
): Promise<CreatedOrder> {
	const policy = transportSettings.backoff;
	for (let lookup = 1; lookup <= policy.maxRetries; lookup++) {
		const delayMs = backoffDelay(lookup, policy, transportSettings.random);
		transportSettings.onRetry?.({ method: 'GET', path: `/order/alternate/${reference}`, retry: lookup, delayMs, reason: timeout.code });
		await transportSettings.sleep(delayMs);
		const existing = await findOrdersByReference(ctx, reference, itemIndex);
		if (existing.length > 0) {
			const found = existing.reduce((a, b) => (a.order_id <= b.order_id ? a : b));
			return { id: found.order_id, certificate_id: found.certificate_id ?? undefined, alternative_order_id: reference, recoveredByReference: true, attempts: posts };
		}
	}
	const error = new NodeApiError(ctx.getNode(), { networkError: timeout.code, path } as JsonObject, {
		message: `DigiCert did not answer the order in time and no order with reference ${reference} has appeared yet`,
		messageMapping: {},
		description: `POST ${path} timed out (${timeout.code}). The order was not sent again, so that no second certificate is bought: look it up later with Order → Find by Reference "${reference}".`,
		itemIndex,
	});
	throw withContext(error, { alternative_order_id: reference, orderState: 'unknown' });
}

export type { DigiCertErrorEntry };

/**
 * A file name the server suggested, made safe for n8n's binary data and for a later Write File node: the
 * last path segment only, no control characters, no `..`; undefined when nothing usable is left.
 */
export function safeFileName(suggested: string | undefined): string | undefined {
	if (!suggested) return undefined;
	const last = suggested.split(/[\\/]/).pop() ?? '';
	const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').replace(/\.{2,}/g, '.').trim().slice(0, 200);
	return clean === '' || clean === '.' ? undefined : clean;
}

/**
 * The one DigiCert CertCentral client, used by the DigiCert node, its dropdowns and the Certificate Trigger.
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

import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { backoffDelay, RetryableFailure, withBackoff, type BackoffPolicy } from '../../shared/backoff';
import { outputFileName } from '../../shared/outputFileName';
import { isRedirectStatus, redirectRefused } from '../../shared/secureUrl';
import { networkWords } from '../../shared/words';
import {
	DEFAULT_WINDOW,
	planStatusChanges,
	statusWindowMinutes,
	type StatusChange,
	type StatusChangeState,
	type WindowOptions,
} from '../protocol/statusFeed';
import { describeDigiCertFailure, type DigiCertErrorEntry } from './errors';
import { paginate } from './pagination';
import { digicertBaseUrl } from './region';

export type DigiCertContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

const CREDENTIAL_NAME = 'digiCertApi';

/**
 * DigiCert allows about 100 requests per 5 s per key; 6 retries with ceilings 1, 2, 4, 8, 16, 20 s
 * (at most 51 s in all) ride out a burst window without hanging a workflow for minutes.
 */
export const DIGICERT_BACKOFF: BackoffPolicy = { maxRetries: 6, baseDelayMs: 1000, maxDelayMs: 20_000 };

export interface RetryInfo {
	method: string;
	path: string;
	retry: number;
	delayMs: number;
	reason: string;
}

/** How a client waits and retries. Defaults for n8n; a test passes its own per context (no process-wide state). */
export interface ClientSettings {
	backoff: BackoffPolicy;
	sleep: (ms: number) => Promise<void>;
	random: () => number;
	timeoutMs: number;
	onRetry?: (info: RetryInfo) => void;
}

const DEFAULT_SETTINGS: ClientSettings = { backoff: DIGICERT_BACKOFF, sleep, random: Math.random, timeoutMs: 60_000 };

const settingsByContext = new WeakMap<object, Partial<ClientSettings>>();

/** Settings for every client built on this context (tests run the node through a context of their own). */
export function setClientSettings(ctx: DigiCertContext, settings: Partial<ClientSettings>): void {
	settingsByContext.set(ctx, settings);
}

export interface RawResponse {
	statusCode: number;
	body: any;
	headers: Record<string, string | string[] | undefined>;
}

/** The request never got an HTTP answer (connection refused / reset / timeout). */
class DigiCertNetworkError extends Error {
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

export interface SendOptions {
	qs?: IDataObject;
	body?: IDataObject;
	/** Binary download: the body comes back as a Buffer. */
	binary?: boolean;
}

export interface RequestOptions extends SendOptions {
	/** Retry 429/408/5xx/network errors. Default: GET and PUT (the PUTs here are safe to repeat). */
	retry?: boolean;
	itemIndex?: number;
	/** Return the raw response for these status codes instead of throwing (e.g. 404 for a lookup). */
	acceptStatus?: number[];
}

export interface ListOptions {
	qs?: IDataObject;
	returnAll: boolean;
	limit?: number;
	/** Items per request: DigiCert's largest page is 1000. */
	pageSize?: number;
	/** Requests at most; reaching it is an error (a server that never ends its list). */
	maxPages?: number;
	/** Advice appended to the error when maxPages is reached. */
	whenCapReached?: string;
	itemIndex?: number;
}

export interface DownloadedFile {
	data: Buffer;
	contentType: string;
	fileName?: string;
}

export interface AlternateOrder {
	order_id: number;
	certificate_id?: number | null;
	status: string;
}

export interface CreatedOrder {
	id: number;
	requests?: Array<{ id: number; status: string }>;
	certificate_id?: number;
	/** Only when the order created a new organization. */
	organization?: { id: number };
	alternative_order_id: string;
	/** True when the POST's answer was lost and the order was found by its reference. */
	recoveredByReference: boolean;
	/** POSTs sent (1 normally). */
	attempts: number;
}

export interface StatusChangeRow {
	order_id: number;
	certificate_id?: number | null;
	status: string;
}

const MAX_PAGE_SIZE = 1000;

/** Filters of DigiCert's order list; empty ones are left out. */
export interface OrderFilters {
	status?: string;
	/** DigiCert's product name_id (code_signing, code_signing_ev). */
	product?: string;
	containerId?: number | string;
	organizationId?: number | string;
	/** YYYY-MM-DD: only orders expiring on or before it (filters[valid_till]=<=). */
	validTillOnOrBefore?: string;
	search?: string;
	sort?: string;
}

function orderListQuery(filters: OrderFilters): IDataObject {
	const qs: IDataObject = {};
	if (filters.status) qs['filters[status]'] = filters.status;
	if (filters.product) qs['filters[product_name_id]'] = filters.product;
	if (filters.organizationId) qs['filters[organization_id]'] = String(filters.organizationId);
	if (filters.containerId) qs['filters[container_id]'] = String(filters.containerId);
	if (filters.validTillOnOrBefore) qs['filters[valid_till]'] = `<=${filters.validTillOnOrBefore}`;
	if (filters.search) qs['filters[search]'] = filters.search;
	if (filters.sort) qs.sort = filters.sort;
	return qs;
}

const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

const newOrderReference = () => `n8n-${randomUUID()}`;

const pathOnly = (path: string) => path.split('?')[0];

/**
 * What the failure says about the request (path, DigiCert's error entries, the order's reference), in the
 * error's own context: the node's item layer copies it to the error item.
 */
function withOrderContext<E extends NodeApiError | NodeOperationError>(error: E, context: IDataObject): E {
	Object.assign(error.context, context);
	return error;
}

/** The lowest order id among the orders carrying a reference: the one the first POST created. */
function createdByReference(existing: AlternateOrder[], reference: string, posts: number): CreatedOrder {
	const found = existing.reduce((a, b) => (a.order_id <= b.order_id ? a : b));
	return {
		id: found.order_id,
		certificate_id: found.certificate_id ?? undefined,
		alternative_order_id: reference,
		recoveredByReference: true,
		attempts: posts,
	};
}

export class DigiCertClient {
	private readonly settings: ClientSettings;

	constructor(
		private readonly ctx: DigiCertContext,
		settings: Partial<ClientSettings> = settingsByContext.get(ctx) ?? {},
	) {
		this.settings = { ...DEFAULT_SETTINGS, ...settings };
	}

	async baseUrl(): Promise<string> {
		const credentials = await this.ctx.getCredentials(CREDENTIAL_NAME);
		return digicertBaseUrl(credentials.region as string | undefined, credentials.baseUrl as string | undefined);
	}

	/**
	 * One HTTP exchange. A network failure comes back as a DigiCertNetworkError value carrying only a code; a
	 * redirect is never followed and throws (it is not a failure a retry can mend).
	 */
	async sendOnce(method: IHttpRequestMethods, path: string, options: SendOptions = {}): Promise<RawResponse | DigiCertNetworkError> {
		const ctx = this.ctx;
		const request: IHttpRequestOptions = {
			method,
			baseURL: await this.baseUrl(),
			url: path,
			qs: options.qs,
			headers: { Accept: options.binary ? '*/*' : 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.settings.timeoutMs,
			json: !options.binary,
			// X-DC-DEVKEY must not be repeated at another address.
			disableFollowRedirect: true,
		};
		if (options.body !== undefined) request.body = options.body;
		if (options.binary) request.encoding = 'arraybuffer';
		type HttpAnswer = { statusCode: number; body: unknown; headers: Record<string, string | string[] | undefined> };
		const answer: HttpAnswer | DigiCertNetworkError = await ctx.helpers.httpRequestWithAuthentication
			.call(ctx, CREDENTIAL_NAME, request)
			.then(
				(response: HttpAnswer) => response,
				(error) => {
					// n8n's own errors (e.g. no credential set) are final; a missing HTTP answer becomes a value to retry on.
					if (error instanceof NodeOperationError) return Promise.reject(error);
					const e = error as { code?: string; cause?: { code?: string; cause?: { code?: string } }; message?: string };
					const code =
						e.cause?.code ?? e.code ?? e.cause?.cause?.code ?? (/timeout/i.test(String(e.message)) ? 'ETIMEDOUT' : 'network error');
					return new DigiCertNetworkError(method, path, String(code));
				},
			);
		if (answer instanceof DigiCertNetworkError) return answer;
		if (isRedirectStatus(answer.statusCode)) {
			const message = redirectRefused(
				'DigiCert',
				answer.statusCode,
				answer.headers?.location,
				`${request.baseURL}${path}`,
				'API key',
				'DigiCert API',
			);
			throw new NodeOperationError(ctx.getNode(), message, { itemIndex: (options as RequestOptions).itemIndex });
		}
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

	private retryHooks(method: string, path: string) {
		return {
			sleep: this.settings.sleep,
			random: this.settings.random,
			onRetry: (failure: RetryableFailure, retry: number, delayMs: number) =>
				this.settings.onRetry?.({ method, path, retry, delayMs, reason: failure.reason }),
		};
	}

	/**
	 * Sends a request with retries (when safe) and error mapping. Returns the raw response (2xx, or a status
	 * listed in acceptStatus); throws NodeApiError otherwise.
	 */
	async send(method: IHttpRequestMethods, path: string, options: RequestOptions = {}): Promise<RawResponse> {
		const retry = options.retry ?? (method === 'GET' || method === 'PUT');
		const policy = retry ? this.settings.backoff : { ...this.settings.backoff, maxRetries: 0 };
		const outcome = await withBackoff<RawResponse>(
			async (attempt) => {
				const response = await this.sendOnce(method, path, options);
				if (response instanceof DigiCertNetworkError) {
					// A stopped execution is never retried.
					if (response.isCanceled) throw this.networkError(response, attempt, options.itemIndex);
					return new RetryableFailure(response.code, response);
				}
				const ok = response.statusCode >= 200 && response.statusCode < 300;
				// A cut or garbled JSON answer: repeat what is safe to repeat, otherwise say it plainly.
				if (ok && !options.binary && typeof response.body === 'string' && response.body.trim() !== '')
					return new RetryableFailure('malformed JSON', response);
				if (ok || options.acceptStatus?.includes(response.statusCode)) return response;
				if (!isRetryableStatus(response.statusCode)) throw this.apiError(response, method, path, options.itemIndex);
				return new RetryableFailure(`HTTP ${response.statusCode}`, response);
			},
			policy,
			this.retryHooks(method, path),
		);
		if (!(outcome instanceof RetryableFailure)) return outcome;
		const last = outcome.detail as RawResponse | DigiCertNetworkError;
		if (last instanceof DigiCertNetworkError) throw this.networkError(last, policy.maxRetries + 1, options.itemIndex);
		if (outcome.reason === 'malformed JSON') {
			throw new NodeApiError(this.ctx.getNode(), { path: pathOnly(path) } as JsonObject, {
				message: `DigiCert's answer to ${method} ${pathOnly(path)} could not be read (not JSON)`,
				description:
					method === 'GET'
						? 'Reading again did not help; try later.'
						: 'DigiCert may have carried the request out: check before sending it again.',
				itemIndex: options.itemIndex,
			});
		}
		throw this.apiError(last, method, path, options.itemIndex);
	}

	/** The parsed JSON body of a successful call (undefined for 204). */
	async request(method: IHttpRequestMethods, path: string, options: RequestOptions = {}): Promise<any> {
		const response = await this.send(method, path, options);
		if (response.statusCode === 204) return undefined;
		return response.body;
	}

	/** GET a list endpoint (`{<key>: [...], page: {total}}`) following offset/limit to the end or the limit. */
	async list(path: string, key: string, options: ListOptions): Promise<IDataObject[]> {
		const maxPages = options.maxPages ?? 10_000;
		let pages = 0;
		// Whether the last page read says more items follow (page.total, or a full page when it has none).
		let more = false;
		const items = await paginate<IDataObject>(
			async (offset, limit) => {
				pages++;
				const body = await this.request('GET', path, { qs: { ...(options.qs ?? {}), offset, limit }, itemIndex: options.itemIndex });
				const rows = Array.isArray(body?.[key]) ? (body[key] as IDataObject[]) : [];
				const total = typeof body?.page?.total === 'number' ? (body.page.total as number) : undefined;
				more = rows.length > 0 && (total !== undefined ? offset + rows.length < total : rows.length === limit);
				return { items: rows, total };
			},
			{ pageSize: options.pageSize ?? MAX_PAGE_SIZE, max: options.returnAll ? undefined : (options.limit ?? 50), maxPages },
		);
		if (options.returnAll && pages >= maxPages && more) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`DigiCert listed more than ${items.length} ${key} (${maxPages} pages) without an end${options.whenCapReached ? `; ${options.whenCapReached}` : ''}`,
				{ itemIndex: options.itemIndex },
			);
		}
		return items;
	}

	async getOrder(orderId: number | string, itemIndex?: number): Promise<IDataObject> {
		return (await this.request('GET', `/order/certificate/${encodeURIComponent(String(orderId))}`, { itemIndex })) as IDataObject;
	}

	/**
	 * GET /order/certificate with DigiCert's filters: the one order listing of Order → Get Many and the
	 * Certificate Trigger.
	 */
	async listOrders(filters: OrderFilters, options: Omit<ListOptions, 'qs'>): Promise<IDataObject[]> {
		return await this.list('/order/certificate', 'orders', { ...options, qs: orderListQuery(filters) });
	}

	/**
	 * One read of the status-changes feed from `state`: the changes not seen before and the state to keep
	 * (see protocol/statusFeed). `truncated`: the cursor was older than the endpoint's 7 days.
	 */
	async readStatusFeed(
		state: StatusChangeState,
		now: Date,
		window: WindowOptions = DEFAULT_WINDOW,
	): Promise<{ fresh: StatusChange[]; next: StatusChangeState; truncated: boolean }> {
		const { minutes, truncated } = statusWindowMinutes(state, now, window);
		const { fresh, next } = planStatusChanges(state, await this.listStatusChanges(minutes), now, window);
		return { fresh, next, truncated };
	}

	async listStatusChanges(minutes: number): Promise<StatusChangeRow[]> {
		const body = (await this.request('GET', '/order/certificate/status-changes', { qs: { minutes } })) as { orders?: StatusChangeRow[] };
		return Array.isArray(body?.orders) ? body.orders : [];
	}

	async download(path: string, itemIndex?: number): Promise<DownloadedFile> {
		const response = await this.send('GET', path, { binary: true, itemIndex, acceptStatus: [] });
		const contentType = String(response.headers['content-type'] ?? 'application/octet-stream')
			.split(';')[0]
			.trim();
		const disposition = String(response.headers['content-disposition'] ?? '');
		const fileName = outputFileName(/filename="?([^";]+)"?/i.exec(disposition)?.[1]);
		return { data: response.body as Buffer, contentType, fileName };
	}

	/** Orders carrying a reference; [] when DigiCert says none (404). */
	async findOrdersByReference(reference: string, itemIndex?: number): Promise<AlternateOrder[]> {
		const response = await this.send('GET', `/order/alternate/${encodeURIComponent(reference)}`, { itemIndex, acceptStatus: [404] });
		if (response.statusCode === 404) return [];
		const orders = response.body?.orders;
		return Array.isArray(orders) ? (orders as AlternateOrder[]) : [];
	}

	/**
	 * POST /order/certificate/{product} at most as often as a lookup proves no order with the reference
	 * exists. 4xx answers (other than 408/429) are final and thrown as they are.
	 */
	async createOrderIdempotent(product: 'code_signing' | 'code_signing_ev', body: IDataObject, itemIndex?: number): Promise<CreatedOrder> {
		const reference = String(body.alternative_order_id ?? '') || newOrderReference();
		const payload = { ...body, alternative_order_id: reference };
		const path = `/order/certificate/${product}`;
		const policy = this.settings.backoff;
		const maxPosts = policy.maxRetries + 1;
		for (let posts = 1; ; posts++) {
			let failure: { response?: RawResponse; network?: DigiCertNetworkError };
			const response = await this.sendOnce('POST', path, { body: payload });
			if (response instanceof DigiCertNetworkError) {
				if (response.isCanceled)
					throw withOrderContext(this.networkError(response, posts, itemIndex), { alternativeOrderId: reference, orderState: 'unknown' });
				failure = { network: response };
			} else {
				if ((response.statusCode === 201 || response.statusCode === 200) && response.body && typeof response.body === 'object') {
					return {
						...(response.body as IDataObject),
						id: Number(response.body?.id),
						alternative_order_id: reference,
						recoveredByReference: false,
						attempts: posts,
					} as CreatedOrder;
				}
				// A 2xx whose body cannot be read is as ambiguous as a 5xx: the order may exist; the lookup decides.
				if (!isRetryableStatus(response.statusCode) && !(response.statusCode < 300)) {
					throw withOrderContext(this.apiError(response, 'POST', path, itemIndex), { alternativeOrderId: reference });
				}
				failure = { response };
			}
			if (failure.network?.isTimeout) {
				// The service may still be handling the POST: a lookup cannot prove it will not create the
				// order, so after a timeout the order is only ever looked for, never posted again.
				return await this.awaitTimedOutOrder(path, reference, posts, failure.network, itemIndex);
			}
			await this.pause(posts, 'POST', path, failure.network?.code ?? `HTTP ${failure.response?.statusCode}`);
			// The failed POST (dropped connection, 5xx, 429) has been answered or abandoned by the service:
			// look the reference up, and post again only when the lookup proves there is no order.
			const existing = await this.findOrdersByReference(reference, itemIndex);
			if (existing.length > 0) return createdByReference(existing, reference, posts);
			if (posts >= maxPosts) {
				const error = failure.response
					? this.apiError(failure.response, 'POST', path, itemIndex)
					: this.networkError(failure.network!, posts, itemIndex);
				throw withOrderContext(error, { alternativeOrderId: reference, orderCreated: false });
			}
		}
	}

	private async awaitTimedOutOrder(
		path: string,
		reference: string,
		posts: number,
		timeout: DigiCertNetworkError,
		itemIndex?: number,
	): Promise<CreatedOrder> {
		for (let lookup = 1; lookup <= this.settings.backoff.maxRetries; lookup++) {
			await this.pause(lookup, 'GET', `/order/alternate/${reference}`, timeout.code);
			const existing = await this.findOrdersByReference(reference, itemIndex);
			if (existing.length > 0) return createdByReference(existing, reference, posts);
		}
		const error = new NodeApiError(this.ctx.getNode(), { networkError: timeout.code, path } as JsonObject, {
			message: `DigiCert did not answer the order in time and no order with reference ${reference} has appeared yet`,
			messageMapping: {},
			description: `POST ${path} timed out (${timeout.code}). The order was not sent again, so that no second certificate is bought: look it up later with Order → Find by Reference "${reference}".`,
			itemIndex,
		});
		throw withOrderContext(error, { alternativeOrderId: reference, orderState: 'unknown' });
	}

	private async pause(retry: number, method: string, path: string, reason: string): Promise<void> {
		const delayMs = backoffDelay(retry, this.settings.backoff, this.settings.random);
		this.settings.onRetry?.({ method, path, retry, delayMs, reason });
		await this.settings.sleep(delayMs);
	}

	/** A NodeApiError built from status, parsed body and path only (never headers). */
	apiError(response: RawResponse, method: string, path: string, itemIndex?: number): NodeApiError {
		const summary = describeDigiCertFailure(response.statusCode, response.body, method, path);
		const error = new NodeApiError(
			this.ctx.getNode(),
			{
				errors: summary.errors as unknown as JsonObject[],
				httpCode: String(response.statusCode),
				path: pathOnly(path),
			} as unknown as JsonObject,
			{ message: summary.message, description: summary.description, httpCode: String(response.statusCode), itemIndex },
		);
		return withOrderContext(error, { errors: summary.errors as unknown as IDataObject[], path: pathOnly(path) });
	}

	private networkError(error: DigiCertNetworkError, attempts: number, itemIndex?: number): NodeApiError {
		const apiError = new NodeApiError(this.ctx.getNode(), { networkError: error.code, path: pathOnly(error.path) } as JsonObject, {
			// Words, not the raw code: n8n would swap a message containing ECONNREFUSED & co. for a generic one.
			message: `DigiCert could not be reached (${networkWords(error.code)})`,
			description: `${error.method} ${pathOnly(error.path)} failed ${attempts} time(s) without an HTTP answer (${error.code})`,
			itemIndex,
		});
		return withOrderContext(apiError, { path: pathOnly(error.path), networkError: error.code });
	}
}

export const digiCertClient = (ctx: DigiCertContext) => new DigiCertClient(ctx);

/**
 * n8n's apiRequest convention: `digiCertApiRequest.call(this, method, path, body?, qs?)` returns the parsed
 * JSON body (undefined for 204), with the client's retries and error mapping.
 */
export async function digiCertApiRequest(
	this: DigiCertContext,
	method: IHttpRequestMethods,
	path: string,
	body?: IDataObject,
	qs?: IDataObject,
	options: Omit<RequestOptions, 'body' | 'qs'> = {},
): Promise<any> {
	return await digiCertClient(this).request(method, path, { ...options, body, qs });
}

/** Every item (or the first `limit`) of a list endpoint: `{<key>: [...], page: {total}}`, followed by offset/limit. */
export async function digiCertApiRequestAllItems(
	this: DigiCertContext,
	key: string,
	path: string,
	qs: IDataObject = {},
	options: Omit<ListOptions, 'qs'> = { returnAll: true },
): Promise<IDataObject[]> {
	return await digiCertClient(this).list(path, key, { ...options, qs });
}

export type { DigiCertErrorEntry };

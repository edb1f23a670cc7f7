/**
 * The one place that talks to Afip SDK's automations API: request, error mapping, waiting.
 * Creating an automation is never retried: an ARCA login that fails counts toward locking the
 * taxpayer's clave fiscal, and a repeated "create certificate" would create a second certificate.
 * Reading a result is safe to repeat, so GETs retry network errors and 5xx with bounded backoff.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import { RetryableFailure, withBackoff, type BackoffPolicy } from '../../shared/backoff';
import { inputError, itemLabel, withContext } from '../../shared/errors';
import { pollUntil, stillNotFinished, type WaitSeconds as WaitSettings } from '../../shared/poll';
import { insecureUrlReason, isRedirectStatus, redirectRefused } from '../../shared/secureUrl';
import { networkWords, sentence } from '../../shared/words';
import { providerMessage } from './messages';

export type { WaitSettings };

export { isLoginRejection, providerMessage } from './messages';

const AFIP_SDK_DEFAULT_BASE_URL = 'https://app.afipsdk.com/api/v1';

const READ_RETRY: BackoffPolicy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 8000 };

export interface AutomationState {
	id: string;
	status: 'in_process' | 'complete' | 'error' | string;
	data?: IDataObject;
}

interface RawResponse {
	statusCode: number;
	body: any;
}

export function afipSdkBaseUrl(credentials: IDataObject): string {
	const url = String(credentials.baseUrl || AFIP_SDK_DEFAULT_BASE_URL).trim();
	return url.replace(/\/+$/, '');
}

/** The request got no HTTP answer. Only a plain-words reason: the client's error holds the token. */
export interface NetworkFailure {
	network: string;
	/** The failure in words (no code, no request). */
	reason: string;
}

/** The Afip SDK base URL, refused before any request when it would carry the token over plain http. */
export async function checkedAfipSdkBaseUrl(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	const base = afipSdkBaseUrl(await this.getCredentials('afipSdkApi', itemIndex));
	const problem = insecureUrlReason(base);
	if (problem) throw inputError(this.getNode(), itemIndex, 'Base URL of the Afip SDK API credential', problem);
	return base;
}

/**
 * One request to Afip SDK whose failures come back as values, never as the HTTP client's error (it holds the
 * token); a redirect is never followed. `secret` names what the request carries, for the redirect message.
 */
export async function afipSdkSend(
	this: IExecuteFunctions,
	itemIndex: number,
	method: IHttpRequestMethods,
	path: string,
	body?: IDataObject,
	secret?: string,
): Promise<RawResponse | NetworkFailure> {
	const url = `${await checkedAfipSdkBaseUrl.call(this, itemIndex)}${path}`;
	let response: { statusCode: number; body: any; headers?: IDataObject };
	try {
		response = await this.helpers.httpRequestWithAuthentication.call(this, 'afipSdkApi', {
			method,
			url,
			body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The token (and in a POST body, the ARCA password) must not be repeated at another address.
			disableFollowRedirect: true,
			timeout: 60_000,
		});
	} catch (error) {
		const e = error as { code?: string; cause?: { code?: string }; message?: string };
		const code = e.code ?? e.cause?.code ?? (/timeout/i.test(String(e.message)) ? 'ETIMEDOUT' : undefined);
		return { network: `Could not reach Afip SDK at ${url}: ${networkWords(code)}`, reason: networkWords(code) };
	}
	if (isRedirectStatus(response.statusCode)) {
		const carried = secret ?? (body && 'password' in ((body.params ?? {}) as IDataObject) ? 'token and the ARCA password' : 'token');
		throw new NodeOperationError(
			this.getNode(),
			`${redirectRefused('Afip SDK', response.statusCode, response.headers?.location, url, carried, 'Afip SDK API')} ${itemLabel(itemIndex)}`,
			{ itemIndex },
		);
	}
	return { statusCode: response.statusCode, body: response.body };
}

export const isNetworkFailure = (outcome: RawResponse | NetworkFailure): outcome is NetworkFailure => 'network' in outcome;

const isQuotaAnswer = (r: RawResponse) => providerMessage(r.body)?.startsWith('Alcanzaste el límite') === true;

export function apiError(node: INode, response: RawResponse, itemIndex: number, doing: string): NodeApiError {
	const message = providerMessage(response.body);
	let summary: string;
	let description: string | undefined;
	if (response.statusCode === 401) {
		summary = 'Afip SDK rejected the access token';
		description = `${sentence(message ?? 'HTTP 401')} Check the access token in the Afip SDK API credential.`;
	} else if (message?.startsWith('Alcanzaste el límite')) {
		summary = 'Afip SDK automation quota reached';
		description = `${sentence(message)} The plan's monthly automations are used up; nothing was run.`;
	} else if (response.body?.status === 'error') {
		summary = `ARCA automation failed: ${message ?? 'no message'}`;
		description = `Afip SDK reported the error while ${doing}.`;
	} else {
		summary = `Afip SDK answered HTTP ${response.statusCode} while ${doing}${message ? `: ${message}` : ''}`;
	}
	const errorBody: JsonObject = { statusCode: response.statusCode, body: response.body ?? null };
	return new NodeApiError(node, errorBody, {
		message: `${summary} ${itemLabel(itemIndex)}`,
		description,
		httpCode: String(response.statusCode),
		itemIndex,
	});
}

/** POST /automations, exactly once. */
export async function createAutomation(
	this: IExecuteFunctions,
	itemIndex: number,
	automation: string,
	params: IDataObject,
): Promise<AutomationState> {
	const response = await afipSdkSend.call(this, itemIndex, 'POST', '/automations', { automation, params });
	if (isNetworkFailure(response)) {
		throw new NodeOperationError(this.getNode(), `${response.network} ${itemLabel(itemIndex)}`, {
			itemIndex,
			description:
				'The automation may or may not have started; it is not retried automatically (a repeated ARCA login can lock the clave fiscal).',
		});
	}
	const body = response.body && typeof response.body === 'object' ? response.body : {};
	if (response.statusCode < 300 && typeof body.id !== 'string') {
		throw new NodeOperationError(
			this.getNode(),
			`Afip SDK's answer to starting "${automation}" could not be read ${itemLabel(itemIndex)}`,
			{
				itemIndex,
				description:
					'The automation may have started; it is not retried automatically (a repeated ARCA login can lock the clave fiscal). Check at app.afipsdk.com before running again.',
			},
		);
	}
	if (response.statusCode >= 300 || body.status === 'error' || typeof body.id !== 'string') {
		throw apiError(this.getNode(), response, itemIndex, `starting "${automation}"`);
	}
	return { id: body.id, status: body.status, data: body.data };
}

/** GET /automations/:id, retrying what is safe to retry. An automation that ended in error throws. */
export async function getAutomation(this: IExecuteFunctions, itemIndex: number, id: string): Promise<AutomationState> {
	const path = `/automations/${encodeURIComponent(id)}`;
	const response = await withBackoff(async () => {
		const r = await afipSdkSend.call(this, itemIndex, 'GET', path);
		if (isNetworkFailure(r)) return new RetryableFailure(r.network);
		if (r.statusCode >= 500 || (r.statusCode === 429 && !isQuotaAnswer(r)))
			return new RetryableFailure(`Afip SDK answered HTTP ${r.statusCode}`);
		// A cut or garbled answer to a read: reading again is safe.
		if (r.statusCode < 300 && (r.body === null || typeof r.body !== 'object'))
			return new RetryableFailure('Afip SDK sent an answer that is not JSON');
		return r;
	}, READ_RETRY);
	if (response instanceof RetryableFailure) {
		throw withContext(new NodeOperationError(this.getNode(), `${response.reason} ${itemLabel(itemIndex)}`, { itemIndex }), {
			automationId: id,
		});
	}
	const body = response.body ?? {};
	if (response.statusCode >= 300 || body.status === 'error') {
		throw withContext(apiError(this.getNode(), response, itemIndex, `running automation ${id}`), { automationId: id });
	}
	return { id, status: body.status, data: body.data };
}

export async function waitForAutomation(
	this: IExecuteFunctions,
	itemIndex: number,
	id: string,
	settings: WaitSettings,
): Promise<AutomationState> {
	const outcome = await pollUntil(
		async () => {
			const state = await getAutomation.call(this, itemIndex, id);
			return state.status === 'in_process' ? undefined : state;
		},
		{ intervalMs: settings.intervalSeconds * 1000, timeoutMs: settings.timeoutSeconds * 1000 },
	);
	if (outcome.done) return outcome.value;
	throw withContext(
		new NodeOperationError(this.getNode(), `Automation ${id} is ${stillNotFinished(outcome)} ${itemLabel(itemIndex)}`, {
			itemIndex,
			description:
				'It keeps running at Afip SDK. Use Automation → Get Result with this automation ID to pick up the result later, or raise the timeout.',
		}),
		{ automationId: id },
	);
}

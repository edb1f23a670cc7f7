/**
 * Afip SDK's web-service API: access tickets (POST /afip/auth), calls to ARCA web services
 * (POST /afip/requests) and the XML of the last call (GET /afip/requests/last-xml). Nothing is retried
 * here: a repeated FECAESolicitar could authorize a second invoice, and a repeated auth is pointless.
 * Bodies carry token/sign and perhaps a private key: they never reach a message, and a redirect is
 * never followed.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type JsonObject,
} from 'n8n-workflow';

import { itemLabel } from '../../shared/errors';
import { sentence } from '../../shared/words';
import { afipSdkSend, checkedAfipSdkBaseUrl, isNetworkFailure, providerMessage } from './index';

export interface AfipSdkAnswer {
	statusCode: number;
	body: any;
}

/** One request; `doing` names it in messages ("getting an access ticket"); `secret` what the body carries. */
async function afipSdkRequest(
	this: IExecuteFunctions,
	itemIndex: number,
	method: IHttpRequestMethods,
	path: string,
	doing: string,
	secret: string,
	body?: IDataObject,
	options: { expectJson?: boolean } = {},
): Promise<AfipSdkAnswer> {
	const node = this.getNode();
	const response = await afipSdkSend.call(this, itemIndex, method, path, body, secret);
	if (isNetworkFailure(response)) {
		throw new NodeOperationError(
			node,
			`Could not reach Afip SDK at ${await checkedAfipSdkBaseUrl.call(this, itemIndex)}${path} while ${doing}: ${response.reason} ${itemLabel(itemIndex)}`,
			{
				itemIndex,
				description:
					method === 'POST'
						? 'Not retried automatically: the request may have reached ARCA (a repeated invoice request could authorize a second invoice).'
						: undefined,
			},
		);
	}
	if (response.statusCode >= 300) {
		const message = providerMessage(response.body);
		const code = /\((coe\.[\w.]+|cms\.[\w.]+|xml\.[\w.]+|wsn\.[\w.]+)\)/.exec(message ?? '')?.[1];
		let summary = `Afip SDK answered HTTP ${response.statusCode} while ${doing}${message ? `: ${message}` : ''}`;
		let description: string | undefined;
		if (response.statusCode === 401) {
			summary = 'Afip SDK rejected the access token';
			description = `${sentence(message ?? 'HTTP 401')} Check the access token in the Afip SDK API credential.`;
		} else if (code === 'coe.notAuthorized')
			description = 'The certificate is not authorized for this web service: run Web Service → Authorize first.';
		else if (code === 'coe.alreadyAuthenticated')
			description =
				'ARCA holds a valid ticket issued elsewhere for this certificate and service: wait until it expires (up to 12 hours). The node does not retry by itself.';
		else if (code === 'cms.cert.untrusted')
			description =
				'A testing certificate does not work in production, nor the reverse: choose the environment the certificate was created for.';
		// The error's body is the provider's answer only (never the request: it holds token, sign or a key).
		const errorBody: JsonObject = { statusCode: response.statusCode, message: message ?? null };
		throw new NodeApiError(node, errorBody, {
			message: `${summary} ${itemLabel(itemIndex)}`,
			description,
			httpCode: String(response.statusCode),
			itemIndex,
		});
	}
	// n8n hands over a body it could not parse as JSON as text: a cut or garbled answer must not pass for a result.
	const answerBody: unknown = response.body;
	const text = typeof answerBody === 'string' ? answerBody.trim() : undefined;
	if (text !== undefined && (options.expectJson || /^[[{]/.test(text))) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			throw new NodeOperationError(
				node,
				`Afip SDK's answer while ${doing} is not valid JSON (cut or garbled): ${JSON.stringify(text.slice(0, 60))}${text.length > 60 ? '…' : ''} ${itemLabel(itemIndex)}`,
				{
					itemIndex,
					description:
						method === 'POST'
							? 'Not retried automatically: the request may have reached ARCA. Check with Get Last Request XML before sending it again.'
							: 'Try again: reading is safe to repeat.',
				},
			);
		}
		return { statusCode: response.statusCode, body: parsed };
	}
	return { statusCode: response.statusCode, body: answerBody };
}

export interface AfipSdkTicket {
	token: string;
	sign: string;
	expiration: string;
}

export async function afipSdkAuth(
	this: IExecuteFunctions,
	itemIndex: number,
	request: { environment: 'dev' | 'prod'; cuit: string; service: string; forceCreate: boolean; cert?: string; key?: string },
): Promise<AfipSdkTicket> {
	const body: IDataObject = {
		environment: request.environment,
		tax_id: request.cuit,
		wsid: request.service,
		force_create: request.forceCreate,
	};
	if (request.cert !== undefined) {
		body.cert = request.cert;
		body.key = request.key;
	}
	const secret = request.key ? 'token and private key' : 'token';
	const answer = await afipSdkRequest.call(
		this,
		itemIndex,
		'POST',
		'/afip/auth',
		`getting an access ticket for "${request.service}"`,
		secret,
		body,
		{ expectJson: true },
	);
	const b = answer.body ?? {};
	if (typeof b.token !== 'string' || typeof b.sign !== 'string' || !b.token || !b.sign || Number.isNaN(Date.parse(String(b.expiration)))) {
		throw new NodeOperationError(
			this.getNode(),
			`Afip SDK's answer to the access ticket request could not be read (no token, sign or expiration) ${itemLabel(itemIndex)}`,
			{ itemIndex },
		);
	}
	return { token: b.token, sign: b.sign, expiration: String(b.expiration) };
}

export async function afipSdkCall(
	this: IExecuteFunctions,
	itemIndex: number,
	request: { environment: 'dev' | 'prod'; service: string; method: string; params: IDataObject },
): Promise<unknown> {
	const answer = await afipSdkRequest.call(
		this,
		itemIndex,
		'POST',
		'/afip/requests',
		`calling ${request.service}.${request.method}`,
		'token and access ticket',
		{
			environment: request.environment,
			wsid: request.service,
			method: request.method,
			params: request.params,
		},
		{ expectJson: true },
	);
	return answer.body;
}

export async function afipSdkLastXml(this: IExecuteFunctions, itemIndex: number): Promise<unknown> {
	return (await afipSdkRequest.call(this, itemIndex, 'GET', '/afip/requests/last-xml', 'reading the XML of the last request', 'token'))
		.body;
}

import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { firmadorNonce, signFirmadorRequest, unixSeconds } from '../nodes/Firmador/protocol/hmac';
import { buildAbsoluteUrl, serialiseBody, type QueryValue } from '../nodes/Firmador/protocol/request';
import { firmadorWireSettings } from '../nodes/Firmador/protocol/wire';

/**
 * Firmador's HMAC credential. `authenticate` signs the request exactly as it goes on the wire: it builds
 * the absolute URL itself (base URL + path + query; n8n then sends that string untouched because `qs`
 * and `baseURL` are removed), serialises the JSON body once to a string, and adds a fresh nonce and
 * timestamp on every call, so a retry is a new signature.
 */
export class FirmadorApi implements ICredentialType {
	name = 'firmadorApi';

	displayName = 'Firmador API';

	icon = { light: 'file:../icons/firmador.svg', dark: 'file:../icons/firmador.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-certsign/n8n-nodes-certsign#firmador';

	properties: INodeProperties[] = [
		{
			displayName:
				"The provider documents its service at an http:// address: over http, the documents' names and hashes, the signers' CUILs and the signed results cross the network unencrypted (the HMAC protects them from tampering, not from being read). Use https:// when the provider serves it.",
			name: 'httpNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://firmador.tucertificado.com.ar',
			description: 'Address of the Firmador service (http or https). The documented address is http (unencrypted).',
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			required: true,
			description: 'The client identifier (Identificador de cliente) the provider gave your company',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The shared key (clave privada) used to sign every request with HMAC-SHA256',
		},
		{
			displayName: 'Secret Encoding',
			name: 'keyEncoding',
			type: 'options',
			options: [
				{
					name: 'Base64',
					value: 'base64',
					description: 'The key is Base64 text and is decoded before use (the usual ASP.NET HMAC pattern)',
				},
				{ name: 'Text', value: 'text', description: 'The key is used as plain UTF-8 text' },
			],
			default: 'base64',
			description: 'How the provider gave you the secret. The document does not say; most ASP.NET HMAC services hand out a Base64 key.',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 300 },
			default: 30,
			description: 'How long one request may take before it fails the item',
		},
		{
			displayName: 'Adjust Signature Details (Advanced)',
			name: 'signatureDetails',
			type: 'boolean',
			default: false,
			description:
				"Whether to set the details the provider's document leaves open. Off: the defaults (the usual ASP.NET HMAC pattern) apply. Leave it off unless your server answers 401 with a right App ID and Secret — then click Test: it tries every combination and says which one your server accepts.",
		},
		{
			displayName: 'URI to Sign',
			name: 'uriToSign',
			type: 'options',
			displayOptions: { show: { signatureDetails: [true] } },
			options: [
				{ name: 'Absolute URL', value: 'absoluteUrl', description: 'Scheme, host, path and query (the ASP.NET "amx" pattern)' },
				{ name: 'Path and Query', value: 'pathAndQuery', description: 'Only /api/...?..., without scheme and host' },
			],
			default: 'absoluteUrl',
			description:
				'Which "Request URI" the signature covers. The document says "Request URI, en minúscula y codificada" without saying whether the scheme and host are part of it.',
		},
		{
			displayName: 'URL Encoder',
			name: 'urlEncoder',
			type: 'options',
			displayOptions: { show: { signatureDetails: [true] } },
			options: [
				{
					name: 'HttpUtility.UrlEncode (%3a)',
					value: 'httpUtility',
					description: 'Lower-case hex, space as +, keeps ! * ( ) (the ASP.NET HMAC pattern)',
				},
				{
					name: 'Uri.EscapeDataString (%3A)',
					value: 'uriEscapeDataString',
					description: 'Upper-case hex, RFC 3986: keeps only letters, digits and - _ . ~',
				},
			],
			default: 'httpUtility',
			description: 'How the server encodes the lower-case URI before signing it ("codificada" in the document)',
		},
		{
			displayName: 'Empty Body Hash',
			name: 'emptyBodyHash',
			type: 'options',
			displayOptions: { show: { signatureDetails: [true] } },
			options: [
				{
					name: 'Empty Text',
					value: 'empty',
					description: 'A request without a body (GET) signs an empty body hash (the ASP.NET HMAC pattern)',
				},
				{
					name: 'MD5 of Empty',
					value: 'md5OfEmpty',
					description: 'A request without a body signs Base64(MD5 of zero bytes): 1B2M2Y8AsgTpgAmY7PhCfg==',
				},
			],
			default: 'empty',
			description: 'What the signature carries as the body hash of a request without a body (GET)',
		},
		{
			displayName: 'Authorization Field Order',
			name: 'authorizationOrder',
			type: 'options',
			displayOptions: { show: { signatureDetails: [true] } },
			options: [
				{ name: 'AppId:Signature:Nonce:Timestamp', value: 'signatureNonceTimestamp', description: "The document's format line" },
				{
					name: 'AppId:Signature:Timestamp:Nonce',
					value: 'signatureTimestampNonce',
					description: "The document's prose order (id, timestamp, nonce), signature after the id",
				},
				{
					name: 'AppId:Timestamp:Nonce:Signature',
					value: 'timestampNonceSignature',
					description: 'The prose order with the signature last',
				},
			],
			default: 'signatureNonceTimestamp',
			description: "The order of the fields in the Authorization header: the document's format line and its prose disagree",
		},
		{
			displayName: 'SessionsID[] on the Wire',
			name: 'queryBrackets',
			type: 'options',
			displayOptions: { show: { signatureDetails: [true] } },
			options: [
				{ name: 'Literal Brackets', value: 'literal', description: "SessionsID[]=1&SessionsID[]=2 (the document's URL line)" },
				{ name: 'Percent-Encoded', value: 'encoded', description: "SessionsID%5b%5d=1&SessionsID%5b%5d=2 (the document's example line)" },
			],
			default: 'literal',
			description: 'How the status query sends its list of session IDs; the document shows both forms',
		},
		{
			displayName: 'URI Form Signed',
			name: 'signedQueryForm',
			type: 'options',
			displayOptions: { show: { signatureDetails: [true] } },
			options: [
				{ name: 'As Sent', value: 'asSent', description: 'The URI exactly as it goes on the wire' },
				{ name: 'Decoded', value: 'decoded', description: 'The URI with %xx escapes decoded (SessionsID%5b%5d signed as SessionsID[])' },
			],
			default: 'asSent',
			description: 'Whether the server signs the raw request URI or the decoded one. With Literal Brackets both are the same.',
		},
		{
			displayName: 'Status 1 Means',
			name: 'status1Means',
			type: 'options',
			displayOptions: { show: { signatureDetails: [true] } },
			options: [
				{
					name: 'Decide by Message',
					value: 'message',
					description: 'Expired only when MensajeEstado says so (vencido, expirado, caducado…); otherwise still pending',
				},
				{
					name: 'Always Pending',
					value: 'pending',
					description: "Code 1 is a request still waiting for the signer (the document's sample response)",
				},
				{
					name: 'Always Expired',
					value: 'expired',
					description: "Code 1 is a request whose validation time expired (the document's status table)",
				},
			],
			default: 'message',
			description:
				'How a status answer with CodigoEstado 1 is read: the document\'s table says "expired", its sample says "Pendiente de Validacion"',
		},
	];

	authenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> => {
		const method = (requestOptions.method ?? 'GET').toUpperCase();
		const wire = firmadorWireSettings(credentials);
		// n8n's HTTP Request node (Custom API Call) passes the older request form: the address in `uri`.
		const legacyUri = (requestOptions as { uri?: unknown }).uri;
		const url = buildAbsoluteUrl(
			(requestOptions.baseURL as string | undefined) ?? (credentials.baseUrl as string),
			requestOptions.url ?? (typeof legacyUri === 'string' ? legacyUri : undefined),
			requestOptions.qs as Record<string, QueryValue> | undefined,
			wire.brackets,
		);
		const body = serialiseBody(method, requestOptions.body);
		const signed = signFirmadorRequest({
			appId: String(credentials.appId ?? ''),
			secret: String(credentials.secret ?? ''),
			secretFormat: wire.secretFormat,
			uriToSign: wire.readings.uriToSign,
			readings: wire.readings,
			method,
			url,
			body,
			timestamp: unixSeconds(),
			nonce: firmadorNonce(),
		});
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(requestOptions.headers ?? {})) {
			if (key.toLowerCase() === 'authorization' || key.toLowerCase() === 'content-type') continue;
			headers[key] = String(value);
		}
		headers.Authorization = signed.authorization;
		headers.Accept = headers.Accept ?? 'application/json';
		const result: IHttpRequestOptions = {
			...requestOptions,
			method: method as IHttpRequestOptions['method'],
			url,
			headers,
			timeout: requestOptions.timeout ?? wire.timeoutMs,
		};
		if (typeof legacyUri === 'string') (result as { uri?: string }).uri = url;
		delete result.baseURL;
		delete result.qs;
		delete result.arrayFormat;
		if (body === '') delete result.body;
		else {
			result.body = body;
			headers['Content-Type'] = 'application/json; charset=utf-8';
		}
		result.json = false;
		return result;
	};

	// The Test button is the Firmador node's firmadorApiTest (nodes/Firmador/methods/credentialTest.ts): on a 401 it tries
	// every reading of the signature and says which one the server accepts, which a declarative test cannot.
}

import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';
import { buildAbsoluteUrl, serialiseBody, type QueryValue } from '../nodes/Firmador/protocol/request';
import { firmadorNonce, signFirmadorRequest, unixSeconds } from '../nodes/Firmador/protocol/hmac';
import { firmadorWireSettings } from '../nodes/Firmador/protocol/wire';
import { redirectTestRules } from '../nodes/shared/secureUrl';

/**
 * Firmador's HMAC credential. `authenticate` signs the request exactly as it goes on the wire: it builds
 * the absolute URL itself (base URL + path + query; n8n then sends that string untouched because `qs`
 * and `baseURL` are removed), serialises the JSON body once to a string, and adds a fresh nonce and
 * timestamp on every call, so a retry is a new signature.
 */
export class FirmadorApi implements ICredentialType {
	name = 'firmadorApi';

	displayName = 'Firmador API';

	icon = { light: 'file:firmador.svg', dark: 'file:firmador.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-certsign/n8n-nodes-certsign#firmador';

	properties: INodeProperties[] = [
		{
			displayName:
				'The provider documents its service at an http:// address: over http, the documents\' names and hashes, the signers\' CUILs and the signed results cross the network unencrypted (the HMAC protects them from tampering, not from being read). Use https:// when the provider serves it.',
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
				{ name: 'Base64', value: 'base64', description: 'The key is Base64 text and is decoded before use (the usual ASP.NET HMAC pattern)' },
				{ name: 'Text', value: 'text', description: 'The key is used as plain UTF-8 text' },
			],
			default: 'base64',
			description: 'How the provider gave you the secret. The document does not say; most ASP.NET HMAC services hand out a Base64 key.',
		},
		{
			displayName: 'URI to Sign',
			name: 'uriToSign',
			type: 'options',
			options: [
				{ name: 'Absolute URL', value: 'absoluteUrl', description: 'Scheme, host, path and query (the ASP.NET "amx" pattern)' },
				{ name: 'Path and Query', value: 'pathAndQuery', description: 'Only /api/...?..., without scheme and host' },
			],
			default: 'absoluteUrl',
			description: 'Which "Request URI" the signature covers. The document says "Request URI, en minúscula y codificada" without saying whether the scheme and host are part of it. A 401 on every request with a right secret suggests the other choice.',
		},
		{
			displayName: 'SessionsID[] on the Wire',
			name: 'queryBrackets',
			type: 'options',
			options: [
				{ name: 'Literal Brackets', value: 'literal', description: 'SessionsID[]=1&SessionsID[]=2 (the document\'s URL line)' },
				{ name: 'Percent-Encoded', value: 'encoded', description: 'SessionsID%5b%5d=1&SessionsID%5b%5d=2 (the document\'s example line)' },
			],
			default: 'literal',
			description: 'How the status query sends its list of session IDs; the document shows both forms',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 300 },
			default: 30,
			description: 'How long one request may take before it fails the item',
		},
	];

	authenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> => {
		const method = (requestOptions.method ?? 'GET').toUpperCase();
		const wire = firmadorWireSettings(credentials);
		const url = buildAbsoluteUrl(
			(requestOptions.baseURL as string | undefined) ?? (credentials.baseUrl as string),
			requestOptions.url,
			requestOptions.qs as Record<string, QueryValue> | undefined,
			wire.brackets,
		);
		const body = serialiseBody(method, requestOptions.body);
		const signed = signFirmadorRequest({
			appId: String(credentials.appId ?? ''),
			secret: String(credentials.secret ?? ''),
			secretFormat: wire.secretFormat,
			uriToSign: wire.uriToSign,
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
		const result: IHttpRequestOptions = { ...requestOptions, method: method as IHttpRequestOptions['method'], url, headers, timeout: requestOptions.timeout ?? wire.timeoutMs };
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

	// An unknown session id: a good signature gets 200 (an empty list in the simulator), a bad one 401.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/api/EstadoSolicitud',
			qs: { 'SessionsID[]': '0' },
			method: 'GET',
			// The signed request must not be repeated at another address.
			disableFollowRedirect: true,
		},
		rules: [
			...redirectTestRules('Firmador', 'signed request', 'Firmador API'),
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Firmador rejected the signature: check App ID, Secret, Secret Encoding and this machine\'s clock',
				},
			},
		],
	};
}

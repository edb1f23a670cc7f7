/**
 * Firmador's HMAC request signature (the ASP.NET Web API "amx" pattern, scheme `hmac`):
 *   raw = AppId + METHOD + UrlEncode(lower(absolute URL)) + timestamp + nonce + Base64(MD5(body))
 *   signature = Base64(HMAC-SHA256(key, UTF-8(raw)))
 *   Authorization: hmac AppId:Signature:Nonce:Timestamp
 * "Request URI, en minúscula y codificada" does not say whether the URI is the absolute URL (the amx
 * pattern: `Request.RequestUri.AbsoluteUri`, the default) or the path and query only (`PathAndQuery`):
 * both are offered (`uriToSign`).
 * The key is the Base64-decoded secret (secretFormat `base64`, the reference pattern) or the secret's
 * UTF-8 bytes (`text`). The body hash is the empty string when nothing is sent.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

import { dotnetUrlEncode, uriEscapeDataString } from './dotnetUrlEncode';

export type FirmadorSecretFormat = 'base64' | 'text';
export const SECRET_FORMATS: readonly FirmadorSecretFormat[] = ['base64', 'text'];

export type UriToSign = 'absoluteUrl' | 'pathAndQuery';
export const URIS_TO_SIGN: readonly UriToSign[] = ['absoluteUrl', 'pathAndQuery'];

/**
 * The other details the document leaves open, each with the reading of the "amx" pattern as default:
 * - `urlEncoder`: HttpUtility.UrlEncode (`%3a`, lower-case hex) or Uri.EscapeDataString (`%3A`, RFC 3986);
 * - `emptyBodyHash`: no body → '' or Base64(MD5 of zero bytes) ("1B2M2Y8AsgTpgAmY7PhCfg==");
 * - `authorizationOrder`: the format line's `AppId:Signature:Nonce:Timestamp`, or the prose's order
 *   (id, timestamp, nonce) with the signature after the id or last;
 * - `signedQueryForm`: the URI as it goes on the wire, or percent-decoded (a server that signs the decoded
 *   request URI sees `SessionsID[]` where `SessionsID%5b%5d` was sent).
 */
export type UrlEncoder = 'httpUtility' | 'uriEscapeDataString';
export const URL_ENCODERS: readonly UrlEncoder[] = ['httpUtility', 'uriEscapeDataString'];
export type EmptyBodyHash = 'empty' | 'md5OfEmpty';
export const EMPTY_BODY_HASHES: readonly EmptyBodyHash[] = ['empty', 'md5OfEmpty'];
export type AuthorizationOrder = 'signatureNonceTimestamp' | 'signatureTimestampNonce' | 'timestampNonceSignature';
export const AUTHORIZATION_ORDERS: readonly AuthorizationOrder[] = [
	'signatureNonceTimestamp',
	'signatureTimestampNonce',
	'timestampNonceSignature',
];
export type SignedQueryForm = 'asSent' | 'decoded';
export const SIGNED_QUERY_FORMS: readonly SignedQueryForm[] = ['asSent', 'decoded'];

/** Every reading of the signature in one place: what the credential stores, and what the credential test tries. */
export interface SignatureReadings {
	uriToSign: UriToSign;
	urlEncoder: UrlEncoder;
	emptyBodyHash: EmptyBodyHash;
	authorizationOrder: AuthorizationOrder;
	signedQueryForm: SignedQueryForm;
}

const DEFAULT_READINGS: SignatureReadings = {
	uriToSign: 'absoluteUrl',
	urlEncoder: 'httpUtility',
	emptyBodyHash: 'empty',
	authorizationOrder: 'signatureNonceTimestamp',
	signedQueryForm: 'asSent',
};

/** The header's value after `hmac `, fields in the chosen order. */
export function authorizationValue(order: AuthorizationOrder, appId: string, signature: string, nonce: string, timestamp: number): string {
	if (order === 'signatureTimestampNonce') return `${appId}:${signature}:${timestamp}:${nonce}`;
	if (order === 'timestampNonceSignature') return `${appId}:${timestamp}:${nonce}:${signature}`;
	return `${appId}:${signature}:${nonce}:${timestamp}`;
}

/** A URI percent-decoded as a server reading the decoded request line would sign it (a bad escape is kept as sent). */
export function decodedUri(uri: string): string {
	return uri.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
		try {
			return decodeURIComponent(run);
		} catch {
			return run;
		}
	});
}

/** The part of the wire URL that is signed: the whole absolute URL, or its path + query as sent. */
export function uriForSignature(url: string, mode: UriToSign = 'absoluteUrl'): string {
	if (mode === 'absoluteUrl') return url;
	const afterScheme = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
	return afterScheme.startsWith('/') ? afterScheme : `/${afterScheme}`;
}

export interface FirmadorSignInput {
	appId: string;
	secret: string;
	secretFormat: FirmadorSecretFormat;
	method: string;
	/** The absolute URL exactly as it goes on the wire (query included). */
	url: string;
	/** The exact body text sent; '' or undefined when there is none. */
	body?: string;
	/** UNIX seconds. */
	timestamp: number;
	nonce: string;
	/** Default absoluteUrl. */
	uriToSign?: UriToSign;
	/** The other readings; each defaults to DEFAULT_READINGS. */
	readings?: Partial<Omit<SignatureReadings, 'uriToSign'>>;
}

export interface FirmadorSignature {
	encodedUri: string;
	contentMd5Base64: string;
	rawSignatureData: string;
	signature: string;
	authorization: string;
}

export function firmadorKey(secret: string, secretFormat: FirmadorSecretFormat): Buffer {
	if (secretFormat === 'text') return Buffer.from(secret, 'utf8');
	const trimmed = secret.trim();
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0 || trimmed.length === 0) {
		throw new Error('The Firmador secret is not valid Base64: set "Secret Encoding" to Text if it is a plain string');
	}
	return Buffer.from(trimmed, 'base64');
}

export function contentMd5Base64(body: string | undefined, emptyBodyHash: EmptyBodyHash = 'empty'): string {
	if ((body === undefined || body === '') && emptyBodyHash === 'empty') return '';
	return createHash('md5')
		.update(Buffer.from(body ?? '', 'utf8'))
		.digest('base64');
}

export function signFirmadorRequest(input: FirmadorSignInput): FirmadorSignature {
	if (!input.appId) throw new Error('The Firmador App ID is empty');
	if (!/^[0-9a-zA-Z]{32}$/.test(input.nonce)) throw new Error('The nonce must be 32 letters or digits');
	if (!Number.isInteger(input.timestamp) || input.timestamp < 0) throw new Error('The timestamp must be whole UNIX seconds');
	const readings = { ...DEFAULT_READINGS, ...input.readings };
	const uri = uriForSignature(input.url, input.uriToSign);
	const signedUri = (readings.signedQueryForm === 'decoded' ? decodedUri(uri) : uri).toLowerCase();
	const encodedUri = readings.urlEncoder === 'uriEscapeDataString' ? uriEscapeDataString(signedUri) : dotnetUrlEncode(signedUri);
	const md5 = contentMd5Base64(input.body, readings.emptyBodyHash);
	const rawSignatureData = `${input.appId}${input.method.toUpperCase()}${encodedUri}${input.timestamp}${input.nonce}${md5}`;
	const signature = createHmac('sha256', firmadorKey(input.secret, input.secretFormat))
		.update(Buffer.from(rawSignatureData, 'utf8'))
		.digest('base64');
	return {
		encodedUri,
		contentMd5Base64: md5,
		rawSignatureData,
		signature,
		authorization: `hmac ${authorizationValue(readings.authorizationOrder, input.appId, signature, input.nonce, input.timestamp)}`,
	};
}

/** 32 lower-case hex characters from 16 cryptographically random bytes: new for every request. */
export function firmadorNonce(): string {
	return randomBytes(16).toString('hex');
}

/** UNIX seconds, floored, from the local clock. */
export function unixSeconds(now: number = Date.now()): number {
	return Math.floor(now / 1000);
}

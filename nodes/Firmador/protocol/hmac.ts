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
import { dotnetUrlEncode } from './dotnetUrlEncode';

export type FirmadorSecretFormat = 'base64' | 'text';
export const SECRET_FORMATS: readonly FirmadorSecretFormat[] = ['base64', 'text'];

export type UriToSign = 'absoluteUrl' | 'pathAndQuery';
export const URIS_TO_SIGN: readonly UriToSign[] = ['absoluteUrl', 'pathAndQuery'];

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

export function contentMd5Base64(body: string | undefined): string {
	if (body === undefined || body === '') return '';
	return createHash('md5').update(Buffer.from(body, 'utf8')).digest('base64');
}

export function signFirmadorRequest(input: FirmadorSignInput): FirmadorSignature {
	if (!input.appId) throw new Error('The Firmador App ID is empty');
	if (!/^[0-9a-zA-Z]{32}$/.test(input.nonce)) throw new Error('The nonce must be 32 letters or digits');
	if (!Number.isInteger(input.timestamp) || input.timestamp < 0) throw new Error('The timestamp must be whole UNIX seconds');
	const encodedUri = dotnetUrlEncode(uriForSignature(input.url, input.uriToSign).toLowerCase());
	const md5 = contentMd5Base64(input.body);
	const rawSignatureData = `${input.appId}${input.method.toUpperCase()}${encodedUri}${input.timestamp}${input.nonce}${md5}`;
	const signature = createHmac('sha256', firmadorKey(input.secret, input.secretFormat))
		.update(Buffer.from(rawSignatureData, 'utf8'))
		.digest('base64');
	return {
		encodedUri,
		contentMd5Base64: md5,
		rawSignatureData,
		signature,
		authorization: `hmac ${input.appId}:${signature}:${input.nonce}:${input.timestamp}`,
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

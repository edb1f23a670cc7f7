/**
 * Turns n8n request options for Firmador into the exact bytes that go on the wire, so the HMAC signs
 * what is sent: the absolute URL (base URL + path + our own query string, brackets of `SessionsID[]`
 * literal or percent-encoded as the credential says) and the body serialised once to a JSON string.
 * Pure: no n8n imports.
 */
import { userinfoReason } from '../../shared/secureUrl';

export type QueryValue = string | number | boolean | Array<string | number | boolean>;

/**
 * How `[` `]` of a query key go on the wire. The seed shows both `SessionsID[]=1` (the URL line) and
 * `SessionsID%5b%5d=1` (the example line); literal is the default, encoded uses the seed's lower-case hex.
 */
export type BracketForm = 'literal' | 'encoded';
export const BRACKET_FORMS: readonly BracketForm[] = ['literal', 'encoded'];

/** `SessionsID[]=1&SessionsID[]=2` (or `SessionsID%5b%5d=1…`); everything else is percent-encoded. */
export function buildQueryString(qs: Record<string, QueryValue | undefined | null> | undefined, brackets: BracketForm = 'literal'): string {
	if (!qs) return '';
	const parts: string[] = [];
	for (const [key, value] of Object.entries(qs)) {
		if (value === undefined || value === null) continue;
		const encodedKey =
			brackets === 'encoded'
				? encodeURIComponent(key).replace(/%5B/gi, '%5b').replace(/%5D/gi, '%5d')
				: encodeURIComponent(key).replace(/%5B/gi, '[').replace(/%5D/gi, ']');
		for (const single of Array.isArray(value) ? value : [value]) {
			parts.push(`${encodedKey}=${encodeURIComponent(String(single))}`);
		}
	}
	return parts.join('&');
}

/** Joins like axios does (a base path is kept), appends the query, and normalises as WHATWG URL does. */
export function buildAbsoluteUrl(
	baseURL: string | undefined,
	url: string | undefined,
	qs?: Record<string, QueryValue | undefined | null>,
	brackets: BracketForm = 'literal',
): string {
	const path = url ?? '';
	let combined: string;
	if (/^https?:\/\//i.test(path)) combined = path;
	else {
		if (!baseURL) throw new Error('The Firmador base URL is empty');
		const userinfo = userinfoReason(baseURL);
		if (userinfo) throw new Error(`The Firmador base URL ${userinfo}`);
		combined = path ? `${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : baseURL;
	}
	const query = buildQueryString(qs, brackets);
	if (query) combined += (combined.includes('?') ? '&' : '?') + query;
	const parsed = new URL(combined);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
		throw new Error(`The Firmador base URL must be http or https, not ${parsed.protocol}`);
	parsed.hash = '';
	return parsed.href;
}

/** The body text sent: strings as they are, objects and arrays serialised once; '' when none. */
export function serialiseBody(method: string, body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (typeof body === 'object') {
		if (!Array.isArray(body) && Object.keys(body as object).length === 0 && ['GET', 'HEAD', 'DELETE'].includes(method)) return '';
		return JSON.stringify(body);
	}
	return String(body);
}

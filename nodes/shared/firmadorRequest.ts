/**
 * Turns n8n request options for Firmador into the exact bytes that go on the wire, so the HMAC signs
 * what is sent: the absolute URL (base URL + path + our own query string, brackets of `SessionsID[]`
 * kept literal) and the body serialised once to a JSON string. Pure: no n8n imports.
 */
export type QueryValue = string | number | boolean | Array<string | number | boolean>;

/** `SessionsID[]=1&SessionsID[]=2`: keys keep `[` `]` literal, everything else is percent-encoded. */
export function buildQueryString(qs: Record<string, QueryValue | undefined | null> | undefined): string {
	if (!qs) return '';
	const parts: string[] = [];
	for (const [key, value] of Object.entries(qs)) {
		if (value === undefined || value === null) continue;
		const encodedKey = encodeURIComponent(key).replace(/%5B/gi, '[').replace(/%5D/gi, ']');
		for (const single of Array.isArray(value) ? value : [value]) {
			parts.push(`${encodedKey}=${encodeURIComponent(String(single))}`);
		}
	}
	return parts.join('&');
}

/** Joins like axios does (a base path is kept), appends the query, and normalises as WHATWG URL does. */
export function buildAbsoluteUrl(baseURL: string | undefined, url: string | undefined, qs?: Record<string, QueryValue | undefined | null>): string {
	const path = url ?? '';
	let combined: string;
	if (/^https?:\/\//i.test(path)) combined = path;
	else {
		if (!baseURL) throw new Error('The Firmador base URL is empty');
		combined = path ? `${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : baseURL;
	}
	const query = buildQueryString(qs);
	if (query) combined += (combined.includes('?') ? '&' : '?') + query;
	const parsed = new URL(combined);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`The Firmador base URL must be http or https, not ${parsed.protocol}`);
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

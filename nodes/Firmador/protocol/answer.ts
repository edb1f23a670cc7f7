/**
 * Reading Firmador's JSON answers in every form a server may send them. The document shows the keys in
 * one capitalisation (`SessionID`, `CodigoEstado`, `HashFirmado`) and `Hash` as a byte array; a server
 * may serialise camelCase keys or a `byte[]` signature as an array or Base64. An answer in none of the
 * expected forms is an error that says what arrived, never an empty value. Pure: no n8n imports.
 */

/** A value read from an answer, or what was wrong with it (a value, not a throw: the caller names the item). */
export type Read<T> = T | { problem: string };

export function isProblem<T>(read: Read<T>): read is { problem: string } {
	return typeof read === 'object' && read !== null && 'problem' in read;
}

/** A record's value under `name`, whatever the key's case (`SessionID`, `sessionId`, `sessionid`). */
export function field(record: Record<string, unknown>, name: string): unknown {
	if (name in record) return record[name];
	const wanted = name.toLowerCase();
	for (const key of Object.keys(record)) if (key.toLowerCase() === wanted) return record[key];
	return undefined;
}

/** `a, b, c` of the keys an answer had (at most 12), for messages. */
export function keysOf(value: unknown): string {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return Array.isArray(value) ? 'a list' : typeof value;
	const keys = Object.keys(value);
	if (keys.length === 0) return 'no keys';
	return keys.slice(0, 12).join(', ') + (keys.length > 12 ? ', …' : '');
}

/** A short, printable picture of an unexpected value (for messages; never a whole body). */
function describeValue(value: unknown): string {
	let text: string;
	try {
		text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
	} catch {
		text = String(value);
	}
	return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export type SignedValueForm = 'base64' | 'hex' | 'bytes' | 'empty';

/**
 * `HashFirmado` (a signature) in one form, Base64, whatever arrived: Base64 text, hex text (either case) or
 * a JSON byte array like the request's `Hash`. Empty (`""`, `null`, missing, `[]`) is "no signature".
 */
export function signedValueToBase64(value: unknown, what = 'HashFirmado'): Read<{ value: string; form: SignedValueForm }> {
	if (value === undefined || value === null) return { value: '', form: 'empty' };
	if (Array.isArray(value)) {
		if (value.length === 0) return { value: '', form: 'empty' };
		if (!value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255))
			return { problem: `${what} is a list that is not a byte array: ${describeValue(value)}` };
		return { value: Buffer.from(value as number[]).toString('base64'), form: 'bytes' };
	}
	if (typeof value !== 'string') return { problem: `${what} is neither text nor a byte array: ${describeValue(value)}` };
	const text = value.trim();
	if (text === '') return { value: '', form: 'empty' };
	const compact = text.replace(/\s+/g, '');
	// Hex: an even number of hex digits. A Base64 signature made only of hex digits is practically impossible (RSA-2048: 344 characters).
	if (/^([0-9a-fA-F]{2})+$/.test(compact) && compact.length >= 32)
		return { value: Buffer.from(compact, 'hex').toString('base64'), form: 'hex' };
	if (/^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.length % 4 === 0) return { value: compact, form: 'base64' };
	if (/^[A-Za-z0-9_-]+={0,2}$/.test(compact)) return { value: Buffer.from(compact, 'base64url').toString('base64'), form: 'base64' };
	return { problem: `${what} is text that is neither Base64 nor hex: ${describeValue(value)}` };
}

/** `XmlFirmado`: XML text as it came; a byte array is read as UTF-8. */
export function signedXmlText(value: unknown): Read<string> {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255))
		return Buffer.from(value as number[]).toString('utf8');
	return { problem: `XmlFirmado is neither text nor a byte array: ${describeValue(value)}` };
}

/** Text of a field that should be text (a number is taken as its digits); anything else is ''. */
export function textOf(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

/**
 * A 204's reason phrase when the server put one there. Node reports the standard "No Content" (any case)
 * when the server sent none: that is no phrase.
 */
export function providerPhrase(statusMessage: string | undefined): string {
	const text = (statusMessage ?? '').trim();
	return /^no content$/i.test(text) ? '' : text;
}

/**
 * Firmador's `Hash` byte array. The provider's example `[67,0,67,0,50,0,...]` (80 bytes) is the UTF-16LE
 * encoding of the upper-case hex SHA-1 string ("CC282B2E..."), i.e. .NET's Encoding.Unicode.GetBytes of
 * the hex text, not the 20 raw digest bytes. That is the default; `raw` (the 20 digest bytes) is offered
 * for services that expect it.
 */
export type HashByteEncoding = 'utf16leHex' | 'raw';

const DEFAULT_HASH_BYTE_ENCODING: HashByteEncoding = 'utf16leHex';

export function normaliseSha1Hex(hex: string): string {
	const clean = String(hex).trim().replace(/[\s:]/g, '');
	if (!/^[0-9a-fA-F]{40}$/.test(clean)) throw new Error(`"${hex}" is not a SHA-1 in hex (40 hex digits)`);
	return clean.toUpperCase();
}

export function sha1HexToHashBytes(hex: string, encoding: HashByteEncoding = DEFAULT_HASH_BYTE_ENCODING): number[] {
	const upper = normaliseSha1Hex(hex);
	const buffer = encoding === 'raw' ? Buffer.from(upper, 'hex') : Buffer.from(upper, 'utf16le');
	return Array.from(buffer);
}

/**
 * The SHA-1 a response's `Hash` stands for, as upper-case hex, whatever the server's serialiser did:
 * hex (either case), a byte array (raw 20 bytes or the 80-byte UTF-16LE hex), or Base64 of either
 * (.NET serialises byte[] as Base64: the UTF-16LE hex "CC28…" becomes "QwBDADIAOAA…"). `undefined` when the
 * value is none of these (e.g. an XML `Hash` the user chose freely).
 */
export function responseHashToSha1Hex(value: unknown): string | undefined {
	const fromBytes = (bytes: Buffer): string | undefined => {
		if (bytes.length === 20) return bytes.toString('hex').toUpperCase();
		if (bytes.length === 80) {
			const text = bytes.toString('utf16le');
			return /^[0-9a-fA-F]{40}$/.test(text) ? text.toUpperCase() : undefined;
		}
		if (bytes.length === 40) {
			const text = bytes.toString('latin1');
			return /^[0-9a-fA-F]{40}$/.test(text) ? text.toUpperCase() : undefined;
		}
		return undefined;
	};
	if (Array.isArray(value)) {
		if (!value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return undefined;
		return fromBytes(Buffer.from(value as number[]));
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim().replace(/[\s:]/g, '');
	if (/^[0-9a-fA-F]{40}$/.test(text)) return text.toUpperCase();
	if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0) return fromBytes(Buffer.from(text, 'base64'));
	if (/^[A-Za-z0-9_-]+$/.test(text)) return fromBytes(Buffer.from(text, 'base64url'));
	return undefined;
}

/** Whether a response `Hash` and a requested hash are the same bytes (falls back to text when neither is a SHA-1). */
export function sameHash(response: unknown, wanted: string): boolean {
	const a = responseHashToSha1Hex(response);
	const b = responseHashToSha1Hex(wanted);
	if (a && b) return a === b;
	return (
		String(response ?? '')
			.trim()
			.toUpperCase() === wanted.trim().toUpperCase()
	);
}

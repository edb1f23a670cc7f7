/**
 * Firmador's `Hash` byte array. The provider's example `[67,0,67,0,50,0,...]` (80 bytes) is the UTF-16LE
 * encoding of the upper-case hex SHA-1 string ("CC282B2E..."), i.e. .NET's Encoding.Unicode.GetBytes of
 * the hex text, not the 20 raw digest bytes. That is the default; `raw` (the 20 digest bytes) is offered
 * for services that expect it.
 */
export type HashByteEncoding = 'utf16leHex' | 'raw';

export const DEFAULT_HASH_BYTE_ENCODING: HashByteEncoding = 'utf16leHex';

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

export function hashBytesToSha1Hex(bytes: ArrayLike<number>, encoding: HashByteEncoding = DEFAULT_HASH_BYTE_ENCODING): string {
	const buffer = Buffer.from(Array.from(bytes));
	if (encoding === 'raw') {
		if (buffer.length !== 20) throw new Error(`a raw SHA-1 has 20 bytes, got ${buffer.length}`);
		return buffer.toString('hex').toUpperCase();
	}
	if (buffer.length !== 80) throw new Error(`a UTF-16LE hex SHA-1 has 80 bytes, got ${buffer.length}`);
	return normaliseSha1Hex(buffer.toString('utf16le'));
}

/**
 * .NET `System.Web.HttpUtility.UrlEncode(string)`: the string's UTF-8 bytes; the ASCII letters and
 * digits and `- _ . ! * ( )` stay as they are; a space becomes `+`; every other byte becomes `%xx` with
 * lower-case hex. Not encodeURIComponent: that keeps `~` and `'`, uses upper-case hex and `%20`.
 * A 256-entry table (byte → its encoded text) keeps the per-request signing cost in microseconds.
 */
const SAFE = /^[A-Za-z0-9\-_.!*()]$/;

const ENCODED: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
	const char = String.fromCharCode(byte);
	if (byte < 0x80 && SAFE.test(char)) return char;
	if (byte === 0x20) return '+';
	return '%' + byte.toString(16).padStart(2, '0');
});

export function dotnetUrlEncode(text: string): string {
	let out = '';
	for (const byte of Buffer.from(text, 'utf8')) out += ENCODED[byte];
	return out;
}

/**
 * .NET `Uri.EscapeDataString` (RFC 3986, .NET 4.5 and later): the UTF-8 bytes; only `A-Z a-z 0-9 - _ . ~`
 * stay; every other byte (space included) becomes `%XX` with upper-case hex.
 */
const ESCAPED: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
	const char = String.fromCharCode(byte);
	if (byte < 0x80 && /^[A-Za-z0-9\-_.~]$/.test(char)) return char;
	return '%' + byte.toString(16).toUpperCase().padStart(2, '0');
});

export function uriEscapeDataString(text: string): string {
	let out = '';
	for (const byte of Buffer.from(text, 'utf8')) out += ESCAPED[byte];
	return out;
}

/**
 * .NET `System.Web.HttpUtility.UrlEncode(string)`: the string's UTF-8 bytes; the ASCII letters and
 * digits and `- _ . ! * ( )` stay as they are; a space becomes `+`; every other byte becomes `%xx` with
 * lower-case hex. Not encodeURIComponent: that keeps `~` and `'`, uses upper-case hex and `%20`.
 */
const SAFE = /^[A-Za-z0-9\-_.!*()]$/;

export function dotnetUrlEncode(text: string): string {
	let out = '';
	for (const byte of Buffer.from(text, 'utf8')) {
		const char = String.fromCharCode(byte);
		if (byte < 0x80 && SAFE.test(char)) out += char;
		else if (byte === 0x20) out += '+';
		else out += '%' + byte.toString(16).padStart(2, '0');
	}
	return out;
}

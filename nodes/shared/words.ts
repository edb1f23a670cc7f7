/**
 * Failures in words, the same in every node. n8n replaces a whole error message that shows a raw socket
 * code (ECONNREFUSED, ENOENT, …) with a generic sentence, which would drop the host, the path and the item.
 */

/** Node's socket, DNS, TLS and file error codes → plain words. The one table of the package. */
export const NETWORK_WORDS: Readonly<Record<string, string>> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection closed',
	ECONNABORTED: 'timed out',
	ETIMEDOUT: 'timed out',
	ESOCKETTIMEDOUT: 'timed out',
	TIMEOUT: 'timed out',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	EADDRNOTAVAIL: 'address not available',
	ERR_CANCELED: 'execution canceled',
	CERT_HAS_EXPIRED: 'TLS certificate expired',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate self-signed',
	ENOENT: 'no such file',
	EISDIR: 'is a folder',
	ENOTDIR: 'not a folder',
	EACCES: 'permission denied',
	EEXIST: 'already exists',
	EPERM: 'not permitted',
};

/** One code in words; an unknown or missing code is "network error". */
export function networkWords(code: string | undefined): string {
	return (code && NETWORK_WORDS[code]) || 'network error';
}

const CODE_PATTERN = new RegExp(`\\b(${Object.keys(NETWORK_WORDS).join('|')})\\b`, 'g');

/** Every code inside a message in words ("connect ECONNREFUSED 127.0.0.1:22" → "connect connection refused 127.0.0.1:22"). */
export function inWords(message: string): string {
	return message.replace(CODE_PATTERN, (code) => NETWORK_WORDS[code]).replace(/getaddrinfo/gi, 'name lookup');
}

/** A text as a sentence: one full stop at the end, never two ("a." + " Check…"). */
export function sentence(text: string): string {
	const trimmed = text.trim();
	if (!trimmed) return trimmed;
	return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** A provider's text inside a sentence of ours: its own closing full stop dropped. */
export function clause(text: string): string {
	return sentence(text).replace(/\.$/, '');
}

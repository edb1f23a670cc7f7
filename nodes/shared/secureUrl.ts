/**
 * Where a secret may travel. Credentials that carry a token, key or password go over https only, except
 * to loopback (local simulators, an SSH tunnel): plain http would hand the secret to anyone on the path.
 */

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Why `url` must not carry a secret, or undefined when it may. */
export function insecureUrlReason(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${url}" is not a URL`;
	}
	if (parsed.protocol === 'https:') return undefined;
	if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return undefined;
	if (parsed.protocol === 'http:') return `"${url}" is plain http: the secret would cross the network unencrypted (use https; http is accepted only for loopback)`;
	return `"${url}" must start with https://`;
}

/** host[:port] of a URL, lower case ('' when it is not a URL). */
export function hostOf(url: string): string {
	try {
		return new URL(url).host.toLowerCase();
	} catch {
		return '';
	}
}

/** Sentence join: "a." + " Check…" without a doubled full stop when the provider's text already ends with one. */
export function sentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

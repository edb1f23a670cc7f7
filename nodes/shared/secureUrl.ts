/**
 * Where a secret may travel. Credentials that carry a token, key or password go over https only, except
 * to loopback (local simulators, an SSH tunnel): plain http would hand the secret to anyone on the path.
 */

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The text with any `user:password@` of a URL in it cut out (for messages: the URL may not even parse). */
export function withoutUserinfo(text: string): string {
	return text.replace(/\/\/[^/?#\s]*@/g, '//');
}

/**
 * Why a base URL holding `user:password@` is refused, or undefined when it holds none. Such a URL would
 * copy the password into every error message and log line that names the URL.
 */
export function userinfoReason(url: string): string | undefined {
	let parsed: URL | undefined;
	try {
		parsed = new URL(url.trim());
	} catch {
		parsed = undefined;
	}
	const holdsUserinfo = parsed ? parsed.username !== '' || parsed.password !== '' : withoutUserinfo(url) !== url;
	if (!holdsUserinfo) return undefined;
	return "contains a user name or password (user:password@ before the host): remove it; a URL is copied into messages and logs, and the service's own secret goes in the credential's other fields";
}

/** Why `url` must not carry a secret, or undefined when it may. */
export function insecureUrlReason(url: string): string | undefined {
	const userinfo = userinfoReason(url);
	if (userinfo) return userinfo;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${url}" is not a URL`;
	}
	if (parsed.protocol === 'https:') return undefined;
	if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return undefined;
	if (parsed.protocol === 'http:')
		return `"${url}" is plain http: the secret would cross the network unencrypted (use https; http is accepted only for loopback)`;
	return `"${url}" must start with https://`;
}

/** A redirect answer (3xx other than 304 Not Modified). */
export function isRedirectStatus(status: number): boolean {
	return status >= 300 && status < 400 && status !== 304;
}

/**
 * Where a redirect points, for a message: host[:port] only (with http:// when it leaves https), never
 * the user:password, path or query string of the Location (a signed link or a token may sit there).
 */
export function redirectTarget(location: unknown, requestUrl: string): string {
	const value = Array.isArray(location) ? location[0] : location;
	if (typeof value !== 'string' || value.trim() === '') return 'an address it did not give';
	let target: URL;
	try {
		target = new URL(value.trim(), URL.canParse(requestUrl) ? requestUrl : undefined);
	} catch {
		return URL.canParse(requestUrl) ? 'an address that is not a URL' : 'another path';
	}
	const leavesHttps = requestUrl.toLowerCase().startsWith('https:') && target.protocol !== 'https:';
	return leavesHttps ? `${target.protocol}//${target.host}` : target.host;
}

/**
 * The error text for a 3xx to a request that carries a secret: such requests never follow a redirect
 * (n8n's HTTP stack would repeat them, headers and body included, at the new address).
 */
export function redirectRefused(
	service: string,
	status: number,
	location: unknown,
	requestUrl: string,
	secret: string,
	credential: string,
): string {
	return `${service} answered ${status} redirecting to ${redirectTarget(location, requestUrl)}; the request was not repeated there (a redirect could carry your ${secret} to another host). Check the Base URL of the ${credential} credential.`;
}

/** Redirect statuses a credential test request may meet. */
export const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

/**
 * Credential-test rules (the test request sets disableFollowRedirect): a redirect fails the test and says
 * why it was not followed.
 */
export function redirectTestRules(service: string, secret: string, credential: string) {
	return REDIRECT_STATUSES.map((value) => ({
		type: 'responseCode' as const,
		properties: {
			value,
			message: `${service} answered ${value} (a redirect); the test was not repeated at the new address (a redirect could carry your ${secret} to another host). Check the Base URL of the ${credential} credential.`,
		},
	}));
}

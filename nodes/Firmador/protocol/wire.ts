/**
 * The Firmador API credential's settings that shape a request, each options value checked against its
 * list (an expression can hold anything). Shared by the credential's authenticate() and the node's
 * pre-check. Pure: no n8n imports.
 */
import { BRACKET_FORMS, type BracketForm } from './request';
import { SECRET_FORMATS, URIS_TO_SIGN, type FirmadorSecretFormat, type UriToSign } from './hmac';

/** Request timeout bounds (seconds): a dead server fails the item instead of holding the execution. */
export const FIRMADOR_TIMEOUT_SECONDS = { min: 1, max: 300, fallback: 30 };

/** An options-type credential value checked against its list at run time (an expression can hold anything). */
export function chosen<T extends string>(value: unknown, allowed: readonly T[], fallback: T, label: string): T {
	if (value === undefined || value === null || value === '') return fallback;
	if (!allowed.includes(value as T)) {
		throw new Error(`The Firmador API credential's ${label} "${String(value)}" is not one of: ${allowed.join(', ')}`);
	}
	return value as T;
}

/** The credential's settings that shape the request, each checked (shared with the node for its error messages). */
export function firmadorWireSettings(credentials: Record<string, unknown>): { secretFormat: FirmadorSecretFormat; uriToSign: UriToSign; brackets: BracketForm; timeoutMs: number } {
	const seconds = Number(credentials.timeoutSeconds ?? FIRMADOR_TIMEOUT_SECONDS.fallback);
	const bounded = Number.isFinite(seconds) ? Math.min(FIRMADOR_TIMEOUT_SECONDS.max, Math.max(FIRMADOR_TIMEOUT_SECONDS.min, seconds)) : FIRMADOR_TIMEOUT_SECONDS.fallback;
	return {
		secretFormat: chosen(credentials.keyEncoding, SECRET_FORMATS, 'base64', 'Secret Encoding'),
		uriToSign: chosen(credentials.uriToSign, URIS_TO_SIGN, 'absoluteUrl', 'URI to Sign'),
		brackets: chosen(credentials.queryBrackets, BRACKET_FORMS, 'literal', 'SessionsID[] on the Wire'),
		timeoutMs: Math.round(bounded * 1000),
	};
}


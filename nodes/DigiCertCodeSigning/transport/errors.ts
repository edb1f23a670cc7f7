/**
 * DigiCert CertCentral error bodies: `{"errors":[{"code":"...","message":"..."}, ...]}`. Codes may be
 * compound (`access_denied|access_denied_invalid_key`, `not_found|order`) or carry a field
 * (`invalid_value:validity_years`). Every entry is kept; nothing from the request (headers) is used.
 */

export interface DigiCertErrorEntry {
	code: string;
	message: string;
}

/** The `{code, message}` list of a body (object, JSON text or anything else). */
export function parseDigiCertErrors(body: unknown): DigiCertErrorEntry[] {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return [];
		try {
			value = JSON.parse(text);
		} catch {
			return [{ code: 'unparsed_response', message: text.slice(0, 300) }];
		}
	}
	if (!value || typeof value !== 'object') return [];
	const errors = (value as { errors?: unknown }).errors;
	if (!Array.isArray(errors)) return [];
	return errors
		.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
		.map((e) => ({ code: String(e.code ?? 'unknown'), message: String(e.message ?? '') }));
}

/** `access_denied|access_denied_invalid_key` → ['access_denied', 'access_denied_invalid_key']. */
export function codeParts(code: string): string[] {
	return code
		.split('|')
		.map((part) => part.trim())
		.filter(Boolean);
}

export function hasCode(entries: DigiCertErrorEntry[], code: string): boolean {
	return entries.some((entry) => codeParts(entry.code).some((part) => part === code || part.split(':')[0] === code));
}

export function isInvalidApiKey(entries: DigiCertErrorEntry[]): boolean {
	return hasCode(entries, 'access_denied_invalid_key');
}

/** One line listing every entry: `code: message; code2: message2`. */
export function formatDigiCertErrors(entries: DigiCertErrorEntry[]): string {
	return entries.map((entry) => (entry.message ? `${entry.code}: ${entry.message}` : entry.code)).join('; ');
}

export interface DigiCertErrorSummary {
	message: string;
	description: string;
	httpCode: number;
	errors: DigiCertErrorEntry[];
}

/** The user-facing message for a failed call: what the API said, the HTTP code and the path. */
export function describeDigiCertFailure(statusCode: number, body: unknown, method: string, path: string): DigiCertErrorSummary {
	const errors = parseDigiCertErrors(body);
	const where = `${method.toUpperCase()} ${path.split('?')[0]}`;
	let headline: string;
	if (isInvalidApiKey(errors)) headline = 'DigiCert rejected the API key (invalid API key)';
	else if (statusCode === 429 || hasCode(errors, 'request_limit_exceeded')) headline = 'DigiCert rate limit exceeded';
	else if (statusCode === 404) headline = 'Not found in DigiCert';
	else if (statusCode >= 500) headline = 'DigiCert server error';
	else headline = 'DigiCert rejected the request';
	const detail = errors.length > 0 ? formatDigiCertErrors(errors) : `HTTP ${statusCode} without an error body`;
	return {
		message: `${headline}: ${detail}`,
		description: `HTTP ${statusCode} from ${where}`,
		httpCode: statusCode,
		errors,
	};
}

/** Reading Afip SDK's answers: where the message is, and what a rejected ARCA login looks like. */

/** The provider's own message, wherever this response shape keeps it. */
export function providerMessage(body: any): string | undefined {
	if (!body || typeof body !== 'object') return typeof body === 'string' && body ? body : undefined;
	const parts: string[] = [];
	if (typeof body.data?.message === 'string') parts.push(body.data.message);
	else if (typeof body.message === 'string') parts.push(body.message);
	if (body.data_errors && typeof body.data_errors === 'object') {
		parts.push(
			Object.entries(body.data_errors as Record<string, unknown>)
				.map(([field, problems]) => `${field}: ${Array.isArray(problems) ? problems.join(', ') : String(problems)}`)
				.join('; '),
		);
	}
	return parts.length ? parts.join(' ') : undefined;
}

/** ARCA's wording for a rejected login, as Afip SDK passes it on. */
export function isLoginRejection(message: string | undefined): boolean {
	return !!message && /(clave|contrase(ñ|n)a|password|usuario).{0,40}(incorrect|inv(á|a)lid)/i.test(message);
}

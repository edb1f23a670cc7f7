/**
 * The Afip SDK API credential's Test: an empty automation request, answered 400 with data_errors when the
 * token is accepted (no automation runs, no quota is used). The test context of n8n offers only the
 * deprecated `helpers.request`, so Node's fetch makes this one call, with the transport's rules: the
 * base URL checked first, no redirect followed (the token would go with it), failures in words.
 */
import { insecureUrlReason, isRedirectStatus, redirectRefused } from '../../shared/secureUrl';
import { networkWords } from '../../shared/words';
import { afipSdkBaseUrl, providerMessage } from './index';

export interface ProbeOutcome {
	ok: boolean;
	message: string;
}

export async function probeAfipSdkToken(credentials: Record<string, unknown>, timeoutMs = 20_000): Promise<ProbeOutcome> {
	const base = afipSdkBaseUrl(credentials as never);
	const insecure = insecureUrlReason(base);
	if (insecure) return { ok: false, message: `Base URL ${insecure}` };
	const url = `${base}/automations`;
	let statusCode: number;
	let body: any;
	try {
		const answer = await fetch(url, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${String(credentials.accessToken ?? '')}`,
				'Content-Type': 'application/json',
				Accept: 'application/json',
			},
			body: '{}',
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		if (isRedirectStatus(answer.status)) {
			return {
				ok: false,
				message: redirectRefused('Afip SDK', answer.status, answer.headers.get('location'), url, 'token', 'Afip SDK API'),
			};
		}
		statusCode = answer.status;
		const text = await answer.text();
		try {
			body = JSON.parse(text);
		} catch {
			body = text; // not JSON: kept for the message
		}
	} catch (error) {
		const code = (error as Error).name === 'TimeoutError' ? 'ETIMEDOUT' : (error as { cause?: { code?: string } }).cause?.code;
		return { ok: false, message: `Could not reach Afip SDK at ${base}: ${networkWords(code)}` };
	}
	if (statusCode === 401) return { ok: false, message: 'Afip SDK rejected the access token' };
	if (statusCode === 400 && body?.data_errors) return { ok: true, message: 'Access token accepted' };
	return { ok: false, message: `Unexpected answer from Afip SDK (HTTP ${statusCode}): ${providerMessage(body) ?? 'no message'}` };
}

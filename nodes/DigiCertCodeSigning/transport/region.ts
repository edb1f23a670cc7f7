import { insecureUrlReason } from '../../shared/secureUrl';

/** CertCentral base URLs by credential region. */
const DIGICERT_BASE_URLS = {
	us: 'https://www.digicert.com/services/v2',
	eu: 'https://certcentral.digicert.eu/services/v2',
} as const;

export function digicertBaseUrl(region: string | undefined, customBaseUrl?: string): string {
	if (region === 'eu') return DIGICERT_BASE_URLS.eu;
	if (region === 'custom') {
		const url = String(customBaseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
		if (!/^https?:\/\/[^\s/]+/i.test(url))
			throw new Error('Base URL of the DigiCert API credential must be an http(s) URL when the region is Custom');
		// The API key goes in a header: never over plain http, except to loopback (a local proxy or simulator).
		const insecure = insecureUrlReason(url);
		if (insecure) throw new Error(`Base URL of the DigiCert API credential ${insecure}`);
		return url;
	}
	return DIGICERT_BASE_URLS.us;
}

/**
 * Firmador's CodigoEstado table (from the provider's document; its sample response with code 1 and the
 * text "Pendiente de Validacion" contradicts the table, so the table wins and MensajeEstado is passed
 * through as the server sent it).
 */
export type FirmadorStatus = 'pendingValidation' | 'validationExpired' | 'queued' | 'signing' | 'signed' | 'failed' | 'unknown';

export const FIRMADOR_STATUS: Record<number, { status: FirmadorStatus; final: boolean; description: string }> = {
	0: { status: 'pendingValidation', final: false, description: 'Not yet validated with the signer\'s OTP/PIN' },
	1: { status: 'validationExpired', final: true, description: 'The time to validate the request expired' },
	2: { status: 'queued', final: false, description: 'Queued, not signed yet' },
	3: { status: 'signing', final: false, description: 'Queued, signing in progress' },
	4: { status: 'signed', final: true, description: 'Signed' },
	5: { status: 'failed', final: true, description: 'Error while signing' },
};

export function describeStatus(code: unknown): { code: number | null; status: FirmadorStatus; final: boolean; signed: boolean } {
	const numeric = typeof code === 'number' ? code : typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : NaN;
	const known = FIRMADOR_STATUS[numeric];
	if (!known) return { code: Number.isFinite(numeric) ? numeric : null, status: 'unknown', final: false, signed: false };
	return { code: numeric, status: known.status, final: known.final, signed: numeric === 4 };
}

/** `a, b\nc` or an array → unique, trimmed, non-empty ids in order. */
export function parseSessionIds(value: unknown): string[] {
	const list = Array.isArray(value) ? value : String(value ?? '').split(/[\s,;]+/);
	const ids: string[] = [];
	for (const entry of list) {
		const id = String(entry ?? '').trim();
		if (id && !ids.includes(id)) ids.push(id);
	}
	return ids;
}

export function chunk<T>(list: T[], size: number): T[][] {
	const n = Math.max(1, Math.floor(size));
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
	return out;
}

/** A reason phrase that travelled as UTF-8 bytes but was read as Latin-1 ("nÃºmero") is repaired. */
export function repairReasonPhrase(phrase: string | undefined): string {
	const text = phrase ?? '';
	if (!/[\xc2-\xf4][\x80-\xbf]/.test(text)) return text;
	if ([...text].some((c) => c.charCodeAt(0) > 0xff)) return text;
	const decoded = Buffer.from(text, 'latin1').toString('utf8');
	return decoded.includes('\ufffd') ? text : decoded;
}

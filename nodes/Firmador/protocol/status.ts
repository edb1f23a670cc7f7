/**
 * Firmador's CodigoEstado table (from the provider's document). Its sample response shows code 1 with the
 * text "Pendiente de Validacion", which contradicts the table (1 = validation expired, final). How a
 * code-1 answer is read is the credential's Status 1 Means: by its message (default: expired only when the
 * message clearly says so, since stopping would abandon a request the signer can still approve), always
 * pending, or always expired. `statusFrom` says what decided and `statusReason` why.
 */
export type FirmadorStatus = 'pendingValidation' | 'validationExpired' | 'queued' | 'signing' | 'signed' | 'failed' | 'unknown';

const FIRMADOR_STATUS: Record<number, { status: FirmadorStatus; final: boolean; description: string }> = {
	0: { status: 'pendingValidation', final: false, description: "Not yet validated with the signer's OTP/PIN" },
	1: { status: 'validationExpired', final: true, description: 'The time to validate the request expired' },
	2: { status: 'queued', final: false, description: 'Queued, not signed yet' },
	3: { status: 'signing', final: false, description: 'Queued, signing in progress' },
	4: { status: 'signed', final: true, description: 'Signed' },
	5: { status: 'failed', final: true, description: 'Error while signing' },
};

/** How CodigoEstado 1 is read: `message` (default), `pending` or `expired` always. */
export type Status1Reading = 'message' | 'pending' | 'expired';
export const STATUS_1_READINGS: readonly Status1Reading[] = ['message', 'pending', 'expired'];

/** Wording that clearly says the validation time ran out ("ha expirado", "vencida", "caducó", "expired"). */
const EXPIRED_WORDING = /expir|venci|caduc|timed? ?out|tiempo .*(agot|termin)/i;

export interface DescribedStatus {
	code: number | null;
	status: FirmadorStatus;
	final: boolean;
	signed: boolean;
	/** `code`: the CodigoEstado table decided; `message`: MensajeEstado decided (code 1); `setting`: Status 1 Means decided. */
	statusFrom: 'code' | 'message' | 'setting';
	/** Why a code-1 answer was read as it was (only for code 1). */
	statusReason?: string;
}

export function describeStatus(code: unknown, message?: unknown, status1Means: Status1Reading = 'message'): DescribedStatus {
	const numeric = typeof code === 'number' ? code : typeof code === 'string' && /^\d+$/.test(code.trim()) ? Number(code) : NaN;
	const known = FIRMADOR_STATUS[numeric];
	if (!known)
		return { code: Number.isFinite(numeric) ? numeric : null, status: 'unknown', final: false, signed: false, statusFrom: 'code' };
	if (numeric === 1) {
		const text = typeof message === 'string' ? message.trim() : '';
		const expired = { code: 1, status: 'validationExpired' as const, final: true, signed: false };
		const pending = { code: 1, status: 'pendingValidation' as const, final: false, signed: false };
		if (status1Means === 'expired') return { ...expired, statusFrom: 'setting', statusReason: 'Status 1 Means is set to Always Expired' };
		if (status1Means === 'pending') return { ...pending, statusFrom: 'setting', statusReason: 'Status 1 Means is set to Always Pending' };
		if (EXPIRED_WORDING.test(text))
			return { ...expired, statusFrom: 'message', statusReason: `code 1 and the message says the validation expired ("${text}")` };
		return {
			...pending,
			statusFrom: 'message',
			statusReason: text
				? `code 1, but the message does not say the validation expired ("${text}"): still waiting for the signer`
				: 'code 1 with no message: read as still waiting for the signer (set Status 1 Means to Always Expired if your server means expired)',
		};
	}
	return { code: numeric, status: known.status, final: known.final, signed: numeric === 4, statusFrom: 'code' };
}

/** A number of seconds from a parameter, clamped into [min, max]; not a number → `fallback`. */
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

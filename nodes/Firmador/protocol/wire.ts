/**
 * The Firmador API credential's settings that shape a request, each options value checked against its
 * list (an expression can hold anything). Shared by the credential's authenticate(), the node's
 * pre-check and the credential test. Pure: no n8n imports.
 */
import {
	AUTHORIZATION_ORDERS,
	EMPTY_BODY_HASHES,
	SECRET_FORMATS,
	SIGNED_QUERY_FORMS,
	URIS_TO_SIGN,
	URL_ENCODERS,
	type FirmadorSecretFormat,
	type SignatureReadings,
} from './hmac';
import { BRACKET_FORMS, type BracketForm } from './request';
import { STATUS_1_READINGS, type Status1Reading } from './status';

/** Request timeout bounds (seconds): a dead server fails the item instead of holding the execution. */
const FIRMADOR_TIMEOUT_SECONDS = { min: 1, max: 300, fallback: 30 };

/** The credential's options fields: internal name → label (for errors that name the field). */
export const READING_FIELDS = {
	keyEncoding: 'Secret Encoding',
	uriToSign: 'URI to Sign',
	queryBrackets: 'SessionsID[] on the Wire',
	signedQueryForm: 'URI Form Signed',
	urlEncoder: 'URL Encoder',
	emptyBodyHash: 'Empty Body Hash',
	authorizationOrder: 'Authorization Field Order',
	status1Means: 'Status 1 Means',
} as const;

/** An options-type credential value checked against its list at run time (an expression can hold anything). */
export function chosen<T extends string>(value: unknown, allowed: readonly T[], fallback: T, label: string): T {
	if (value === undefined || value === null || value === '') return fallback;
	if (!allowed.includes(value as T)) {
		throw new Error(`The Firmador API credential's ${label} "${String(value)}" is not one of: ${allowed.join(', ')}`);
	}
	return value as T;
}

export interface FirmadorWireSettings {
	secretFormat: FirmadorSecretFormat;
	brackets: BracketForm;
	readings: SignatureReadings;
	status1Means: Status1Reading;
	timeoutMs: number;
}

/** The credential's settings that shape the request, each checked (shared with the node for its error messages). */
export function firmadorWireSettings(credentials: Record<string, unknown>): FirmadorWireSettings {
	const seconds = Number(credentials.timeoutSeconds ?? FIRMADOR_TIMEOUT_SECONDS.fallback);
	const bounded = Number.isFinite(seconds)
		? Math.min(FIRMADOR_TIMEOUT_SECONDS.max, Math.max(FIRMADOR_TIMEOUT_SECONDS.min, seconds))
		: FIRMADOR_TIMEOUT_SECONDS.fallback;
	return {
		secretFormat: chosen(credentials.keyEncoding, SECRET_FORMATS, 'base64', READING_FIELDS.keyEncoding),
		brackets: chosen(credentials.queryBrackets, BRACKET_FORMS, 'literal', READING_FIELDS.queryBrackets),
		readings: {
			uriToSign: chosen(credentials.uriToSign, URIS_TO_SIGN, 'absoluteUrl', READING_FIELDS.uriToSign),
			signedQueryForm: chosen(credentials.signedQueryForm, SIGNED_QUERY_FORMS, 'asSent', READING_FIELDS.signedQueryForm),
			urlEncoder: chosen(credentials.urlEncoder, URL_ENCODERS, 'httpUtility', READING_FIELDS.urlEncoder),
			emptyBodyHash: chosen(credentials.emptyBodyHash, EMPTY_BODY_HASHES, 'empty', READING_FIELDS.emptyBodyHash),
			authorizationOrder: chosen(
				credentials.authorizationOrder,
				AUTHORIZATION_ORDERS,
				'signatureNonceTimestamp',
				READING_FIELDS.authorizationOrder,
			),
		},
		status1Means: chosen(credentials.status1Means, STATUS_1_READINGS, 'message', READING_FIELDS.status1Means),
		timeoutMs: Math.round(bounded * 1000),
	};
}

/** Every setting the credential test may vary, with the words the credential's fields use. */
export interface ProbeSettings extends SignatureReadings {
	secretFormat: FirmadorSecretFormat;
	brackets: BracketForm;
}

const VALUE_LABELS: Record<keyof ProbeSettings, Record<string, string>> = {
	secretFormat: { base64: 'Base64', text: 'Text' },
	uriToSign: { absoluteUrl: 'Absolute URL', pathAndQuery: 'Path and Query' },
	urlEncoder: { httpUtility: 'HttpUtility.UrlEncode (%3a)', uriEscapeDataString: 'Uri.EscapeDataString (%3A)' },
	emptyBodyHash: { empty: 'Empty Text', md5OfEmpty: 'MD5 of Empty' },
	authorizationOrder: {
		signatureNonceTimestamp: 'AppId:Signature:Nonce:Timestamp',
		signatureTimestampNonce: 'AppId:Signature:Timestamp:Nonce',
		timestampNonceSignature: 'AppId:Timestamp:Nonce:Signature',
	},
	brackets: { literal: 'Literal Brackets', encoded: 'Percent-Encoded' },
	signedQueryForm: { asSent: 'As Sent', decoded: 'Decoded' },
};

const FIELD_OF: Record<keyof ProbeSettings, keyof typeof READING_FIELDS> = {
	secretFormat: 'keyEncoding',
	uriToSign: 'uriToSign',
	urlEncoder: 'urlEncoder',
	emptyBodyHash: 'emptyBodyHash',
	authorizationOrder: 'authorizationOrder',
	brackets: 'queryBrackets',
	signedQueryForm: 'signedQueryForm',
};

/** "URI to Sign = Path and Query; Empty Body Hash = MD5 of Empty" for the settings that differ from `from`. */
export function describeDifferences(from: ProbeSettings, to: ProbeSettings): string {
	return (Object.keys(VALUE_LABELS) as Array<keyof ProbeSettings>)
		.filter((key) => from[key] !== to[key])
		.map((key) => `${READING_FIELDS[FIELD_OF[key]]} = ${VALUE_LABELS[key][to[key]]}`)
		.join('; ');
}

/**
 * Every combination the credential test may try, nearest to the configured one first (fewest settings
 * changed). With literal brackets the raw and decoded URI are the same, so that pair is tried once. A
 * secret that is not Base64 can only be text.
 */
export function probeCandidates(configured: ProbeSettings, secretIsBase64: boolean): ProbeSettings[] {
	const all: ProbeSettings[] = [];
	const secretFormats = secretIsBase64 ? SECRET_FORMATS : (['text'] as const);
	for (const secretFormat of secretFormats)
		for (const uriToSign of URIS_TO_SIGN)
			for (const urlEncoder of URL_ENCODERS)
				for (const emptyBodyHash of EMPTY_BODY_HASHES)
					for (const authorizationOrder of AUTHORIZATION_ORDERS)
						for (const brackets of BRACKET_FORMS)
							for (const signedQueryForm of SIGNED_QUERY_FORMS) {
								if (brackets === 'literal' && signedQueryForm === 'decoded') continue;
								all.push({ secretFormat, uriToSign, urlEncoder, emptyBodyHash, authorizationOrder, brackets, signedQueryForm });
							}
	const distance = (c: ProbeSettings) => (Object.keys(c) as Array<keyof ProbeSettings>).filter((k) => c[k] !== configured[k]).length;
	return all
		.map((c, i) => ({ c, i, d: distance(c) }))
		.sort((a, b) => a.d - b.d || a.i - b.i)
		.map(({ c }) => c);
}

/**
 * The Firmador API credential's Test: one harmless signed GET (the status of an unknown session). When the
 * server refuses the signature, the same GET is signed with each other reading of the document (URI to
 * sign, URL encoder, empty body hash, Authorization field order, the session-id list's form, secret
 * encoding), nearest first, until the server accepts one: the answer names the settings to change. Node's
 * fetch with redirects refused: the signed request never goes to another host.
 */
import { isRedirectStatus, redirectRefused } from '../../shared/secureUrl';
import { inWords } from '../../shared/words';
import { firmadorKey, firmadorNonce, signFirmadorRequest, unixSeconds } from '../protocol/hmac';
import { buildAbsoluteUrl } from '../protocol/request';
import { describeDifferences, firmadorWireSettings, probeCandidates, type ProbeSettings } from '../protocol/wire';

export interface ProbeOutcome {
	ok: boolean;
	message: string;
	/** Requests sent. */
	tries: number;
	/** The settings the server accepted, when it accepted some. */
	accepted?: ProbeSettings;
}

/** Each try is one small GET; the whole test stops after this long. */
const PROBE_BUDGET_MS = 45_000;

type Answer = { status: number } | { failure: string };

async function signedGet(credentials: Record<string, unknown>, settings: ProbeSettings, timeoutMs: number): Promise<Answer> {
	const url = buildAbsoluteUrl(String(credentials.baseUrl ?? ''), '/api/EstadoSolicitud', { 'SessionsID[]': '0' }, settings.brackets);
	const { uriToSign, urlEncoder, emptyBodyHash, authorizationOrder, signedQueryForm } = settings;
	const signed = signFirmadorRequest({
		appId: String(credentials.appId ?? ''),
		secret: String(credentials.secret ?? ''),
		secretFormat: settings.secretFormat,
		method: 'GET',
		url,
		body: '',
		timestamp: unixSeconds(),
		nonce: firmadorNonce(),
		uriToSign,
		readings: { urlEncoder, emptyBodyHash, authorizationOrder, signedQueryForm },
	});
	try {
		const response = await fetch(url, {
			method: 'GET',
			headers: { Authorization: signed.authorization, Accept: 'application/json' },
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		await response.arrayBuffer();
		if (isRedirectStatus(response.status)) {
			return {
				failure: redirectRefused('Firmador', response.status, response.headers.get('location'), url, 'signed request', 'Firmador API'),
			};
		}
		return { status: response.status };
	} catch (error) {
		const code = (error as { cause?: { code?: string } }).cause?.code;
		const reason =
			(error as Error).name === 'TimeoutError' ? 'no answer within the request timeout' : inWords(code ?? '') || (error as Error).message;
		return { failure: `Could not reach Firmador at ${new URL(url).host}: ${reason}` };
	}
}

export async function probeFirmadorCredential(credentials: Record<string, unknown>): Promise<ProbeOutcome> {
	const wire = firmadorWireSettings(credentials);
	const configured: ProbeSettings = { secretFormat: wire.secretFormat, brackets: wire.brackets, ...wire.readings };
	let secretIsBase64 = true;
	try {
		firmadorKey(String(credentials.secret ?? ''), 'base64');
	} catch {
		secretIsBase64 = false;
	}
	const first = await signedGet(credentials, configured, wire.timeoutMs);
	if ('failure' in first) return { ok: false, message: first.failure, tries: 1 };
	if (first.status >= 200 && first.status < 300)
		return { ok: true, message: 'Firmador accepted the signature with these settings', tries: 1, accepted: configured };
	if (![400, 401, 403].includes(first.status))
		return { ok: false, message: `Firmador answered HTTP ${first.status} to a signed status query (expected 200)`, tries: 1 };
	const started = Date.now();
	let tries = 1;
	for (const candidate of probeCandidates(configured, secretIsBase64).slice(1)) {
		if (Date.now() - started > PROBE_BUDGET_MS) break;
		tries++;
		const answer = await signedGet(credentials, candidate, wire.timeoutMs);
		if ('failure' in answer) return { ok: false, message: answer.failure, tries };
		if (answer.status >= 200 && answer.status < 300) {
			return {
				ok: false,
				accepted: candidate,
				tries,
				message: `Firmador refused the signature as configured (HTTP ${first.status}). Your server accepts: ${describeDifferences(configured, candidate)}. Set ${tries === 2 ? 'it' : 'them'} in this credential (Adjust Signature Details) and save.`,
			};
		}
	}
	return {
		ok: false,
		tries,
		message: `Firmador refused the signature (HTTP ${first.status}) with every reading of the document (${tries} tried): check App ID and Secret, and that this machine's clock is right (requests older than 5 minutes are refused)`,
	};
}

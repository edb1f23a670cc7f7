/**
 * The one place that talks to ARCA's WSAA (LoginCms): signs the TRA with the certificate's key (CMS,
 * attached, signer certificate included), posts it as SOAP 1.1 and reads the ticket or the fault.
 * The private key never leaves this process; token and sign never reach an error message or a log.
 * A login is never retried here: a second request while the first ticket is valid only earns
 * coe.alreadyAuthenticated.
 */
import { NodeApiError, NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';

import { CmsError, signCms } from '../../shared/cms';
import { inputError, itemLabel } from '../../shared/errors';
import { insecureUrlReason, isRedirectStatus, redirectTarget } from '../../shared/secureUrl';
import { networkWords, sentence } from '../../shared/words';
import {
	buildTra,
	loginCmsEnvelope,
	parseLoginCmsAnswer,
	WSAA_URLS,
	wsaaFaultAdvice,
	type LoginTicket,
	type WsaaEnvironment,
	type WsaaFault,
} from '../protocol/wsaa';

export type SoapActionStyle = 'empty' | 'loginCms';

export interface WsaaLogin {
	environment: WsaaEnvironment;
	service: string;
	certificatePem: string;
	privateKeyPem: string;
	/** Override of the LoginCms URL (a proxy or the simulator): https, or http to loopback only. */
	url?: string;
	soapAction?: SoapActionStyle;
	digest?: 'sha256' | 'sha1';
	now?: Date;
}

/** An error carrying the WSAA fault code (for callers that act on it, e.g. coe.alreadyAuthenticated). */
export class WsaaFaultError extends NodeApiError {
	wsaaFault!: WsaaFault;
}

export function wsaaUrl(environment: WsaaEnvironment, override?: string): string {
	const url = (override ?? '').trim();
	return url ? url.replace(/\/+$/, '') : WSAA_URLS[environment];
}

/** The URL to use, refused before any request when plain http would leave this machine. */
function checkedWsaaUrl(node: INode, itemIndex: number, environment: WsaaEnvironment, override?: string): string {
	const url = wsaaUrl(environment, override);
	const problem = insecureUrlReason(url);
	if (problem) throw inputError(node, itemIndex, 'WSAA URL', problem);
	return url;
}

/** The TRA signed as WSAA wants it: CMS SignedData, content attached, Base64. */
function signedTra(login: WsaaLogin, node: INode, itemIndex: number): string {
	const tra = buildTra({ service: login.service, now: login.now ?? new Date() });
	try {
		return signCms({
			content: Buffer.from(tra, 'utf8'),
			certificatePem: login.certificatePem,
			privateKeyPem: login.privateKeyPem,
			digest: login.digest ?? 'sha256',
		}).toString('base64');
	} catch (error) {
		// CmsError and node:crypto messages name the problem, never the key's bytes.
		const reason = error instanceof CmsError ? error.message : 'the certificate or the private key could not be read';
		throw new NodeOperationError(node, `Could not sign the login request: ${reason} ${itemLabel(itemIndex)}`, {
			itemIndex,
			description: 'Give the certificate (PEM) and the private key that belongs to it, both as ARCA issued them.',
		});
	}
}

export async function loginCms(this: IExecuteFunctions, itemIndex: number, login: WsaaLogin): Promise<LoginTicket> {
	const node = this.getNode();
	const url = checkedWsaaUrl(node, itemIndex, login.environment, login.url);
	const body = loginCmsEnvelope(signedTra(login, node, itemIndex));
	let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
	try {
		response = await this.helpers.httpRequest({
			method: 'POST',
			url,
			body,
			headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: login.soapAction === 'loginCms' ? 'loginCms' : '""' },
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The signed request is a credential for minutes: never repeated at another address.
			disableFollowRedirect: true,
			timeout: 60_000,
		});
	} catch (error) {
		const e = error as { code?: string; cause?: { code?: string }; message?: string };
		const code = e.code ?? e.cause?.code ?? (/timeout/i.test(String(e.message)) ? 'ETIMEDOUT' : undefined);
		throw new NodeOperationError(node, `Could not reach ARCA's WSAA at ${url}: ${networkWords(code)} ${itemLabel(itemIndex)}`, {
			itemIndex,
			description: 'Not retried automatically: if WSAA did issue a ticket, a second request would be refused until it expires.',
		});
	}
	if (isRedirectStatus(response.statusCode)) {
		throw new NodeOperationError(
			node,
			`WSAA answered ${response.statusCode} redirecting to ${redirectTarget(response.headers?.location, url)}; the request was not repeated there (it carries your signed login request) ${itemLabel(itemIndex)}`,
			{ itemIndex, description: "Check the WSAA URL option (leave it empty for ARCA's own address)." },
		);
	}
	const text = Buffer.isBuffer(response.body) ? response.body.toString('utf8') : String(response.body ?? '');
	const answer = parseLoginCmsAnswer(text);
	if ('ticket' in answer && response.statusCode < 300) return answer.ticket;
	if ('fault' in answer) {
		const { summary, advice } = wsaaFaultAdvice(answer.fault, login.service, login.environment);
		const error = new WsaaFaultError(
			node,
			{ statusCode: response.statusCode, faultcode: answer.fault.code, faultstring: answer.fault.message },
			{
				message: `${summary} ${itemLabel(itemIndex)}`,
				description: `${advice} ARCA said: ${sentence(`${answer.fault.code}: ${answer.fault.message || 'no message'}`)}`,
				httpCode: String(response.statusCode),
				itemIndex,
			},
		);
		error.wsaaFault = answer.fault;
		throw error;
	}
	const reason = 'unreadable' in answer ? answer.unreadable : 'no ticket';
	throw new NodeOperationError(node, `WSAA's answer (HTTP ${response.statusCode}) could not be read: ${reason} ${itemLabel(itemIndex)}`, {
		itemIndex,
	});
}

/**
 * ARCA's authentication service (WSAA), pure rules: the login ticket request (TRA), the SOAP envelope of
 * LoginCms, reading its answer (an XML-escaped loginTicketResponse or a SOAP fault) and what each fault
 * code means for the user. No n8n imports, no I/O (shared/notes/arca-wsaa.md).
 */

export type WsaaEnvironment = 'dev' | 'prod';

export const WSAA_URLS: Record<WsaaEnvironment, string> = {
	dev: 'https://wsaahomo.afip.gov.ar/ws/services/LoginCms',
	prod: 'https://wsaa.afip.gov.ar/ws/services/LoginCms',
};

/** The TRA's generationTime lies this far in the past, so a clock a little ahead of WSAA's still fits. */
const TRA_SKEW_MS = 5 * 60 * 1000;
/** And its expirationTime this far ahead (WSAA wants a short window; clients use 10–20 minutes). */
const TRA_LIFETIME_MS = 10 * 60 * 1000;

export function xmlEscape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function xmlUnescape(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, entity: string) => {
		const e = entity.toLowerCase();
		if (e === 'lt') return '<';
		if (e === 'gt') return '>';
		if (e === 'amp') return '&';
		if (e === 'quot') return '"';
		if (e === 'apos') return "'";
		const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
		return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
	});
}

/** xsd:dateTime in UTC without milliseconds: 2026-12-06T13:00:00Z. */
export function xsdDateTime(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface TraInput {
	service: string;
	now: Date;
	/** 32-bit unsigned; default: seconds since the epoch (unique per second). */
	uniqueId?: number;
	skewMs?: number;
	lifetimeMs?: number;
}

function isServiceId(service: string): boolean {
	return /^[A-Za-z0-9_]{1,64}$/.test(service);
}

export function buildTra(input: TraInput): string {
	if (!isServiceId(input.service)) throw new Error(`"${input.service}" is not a web service id (letters, digits, _)`);
	const uniqueId = (input.uniqueId ?? Math.floor(input.now.getTime() / 1000)) >>> 0;
	const generation = new Date(input.now.getTime() - (input.skewMs ?? TRA_SKEW_MS));
	const expiration = new Date(input.now.getTime() + (input.lifetimeMs ?? TRA_LIFETIME_MS));
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		'<loginTicketRequest version="1.0">',
		'<header>',
		`<uniqueId>${uniqueId}</uniqueId>`,
		`<generationTime>${xsdDateTime(generation)}</generationTime>`,
		`<expirationTime>${xsdDateTime(expiration)}</expirationTime>`,
		'</header>',
		`<service>${input.service}</service>`,
		'</loginTicketRequest>',
	].join('');
}

export function loginCmsEnvelope(cmsBase64: string): string {
	if (!/^[A-Za-z0-9+/=]+$/.test(cmsBase64)) throw new Error('the CMS must be Base64');
	return [
		'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsaa="http://wsaa.view.sua.dvadac.desein.afip.gov">',
		'<soapenv:Header/>',
		`<soapenv:Body><wsaa:loginCms><wsaa:in0>${cmsBase64}</wsaa:in0></wsaa:loginCms></soapenv:Body>`,
		'</soapenv:Envelope>',
	].join('');
}

/** Text of the first element named `local` (any namespace prefix), or undefined. */
export function elementText(xml: string, local: string): string | undefined {
	const match = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${local}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?${local}\\s*>`).exec(xml);
	if (match) return match[1];
	return new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${local}(?:\\s[^>]*)?/>`).test(xml) ? '' : undefined;
}

/** CDATA sections as plain text, other text unescaped. */
function textValue(raw: string): string {
	const cdata = /^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/.exec(raw);
	return cdata ? cdata[1] : xmlUnescape(raw);
}

export interface LoginTicket {
	token: string;
	sign: string;
	/** ISO (as WSAA wrote it, e.g. 2026-12-06T22:00:00.000-03:00) */
	expirationTime: string;
	generationTime?: string;
	uniqueId?: string;
}

export interface WsaaFault {
	/** Without the namespace prefix: coe.alreadyAuthenticated */
	code: string;
	message: string;
}

export type LoginCmsAnswer = { ticket: LoginTicket } | { fault: WsaaFault } | { unreadable: string };

/** Reads LoginCms's answer: the TA inside loginCmsReturn, or the SOAP fault. Never echoes token or sign in `unreadable`. */
export function parseLoginCmsAnswer(body: string): LoginCmsAnswer {
	const fault = elementText(body, 'Fault');
	if (fault !== undefined) {
		const rawCode = textValue(elementText(fault, 'faultcode') ?? '').trim();
		const code = rawCode.includes(':') ? rawCode.slice(rawCode.lastIndexOf(':') + 1) : rawCode;
		return { fault: { code: code || 'unknown', message: textValue(elementText(fault, 'faultstring') ?? '').trim() } };
	}
	const inner = elementText(body, 'loginCmsReturn');
	if (inner === undefined) return { unreadable: 'the answer holds neither loginCmsReturn nor a SOAP Fault' };
	const response = textValue(inner);
	const token = elementText(response, 'token');
	const sign = elementText(response, 'sign');
	const expirationTime = elementText(response, 'expirationTime')?.trim();
	if (!token?.trim() || !sign?.trim()) return { unreadable: 'the loginTicketResponse has no token or sign' };
	if (!expirationTime || Number.isNaN(Date.parse(expirationTime)))
		return { unreadable: 'the loginTicketResponse has no readable expirationTime' };
	return {
		ticket: {
			token: xmlUnescape(token.trim()),
			sign: xmlUnescape(sign.trim()),
			expirationTime,
			generationTime: elementText(response, 'generationTime')?.trim(),
			uniqueId: elementText(response, 'uniqueId')?.trim(),
		},
	};
}

export interface FaultAdvice {
	summary: string;
	advice: string;
}

/** What a WSAA fault means and what to do, in words. `hasStoredTicket`: this node holds no ticket for it. */
export function wsaaFaultAdvice(fault: WsaaFault, service: string, environment: WsaaEnvironment): FaultAdvice {
	const env = environment === 'prod' ? 'production' : 'testing (homologación)';
	const other = environment === 'prod' ? 'testing (homologación)' : 'production';
	switch (fault.code) {
		case 'coe.notAuthorized':
			return {
				summary: `ARCA has not authorized this certificate for the web service "${service}"`,
				advice: `Run Web Service → Authorize for this certificate's alias and the service "${service}" (${env}), then try again.`,
			};
		case 'coe.alreadyAuthenticated':
			return {
				summary: `ARCA already issued an access ticket for "${service}" to this certificate, and it is still valid`,
				advice:
					'This node holds no copy of it (it was issued to another program, workflow or n8n). ARCA gives no second ticket while the first is valid: wait until it expires (up to 12 hours), or get the ticket through Afip SDK. The node does not retry by itself.',
			};
		case 'cms.cert.untrusted':
			return {
				summary: `ARCA's ${env} service does not trust this certificate`,
				advice: `It is probably a ${other} certificate: a testing certificate does not work in production, nor the reverse. Choose the environment the certificate was created for.`,
			};
		case 'cms.cert.expired':
			return { summary: 'The certificate has expired', advice: 'Renew it (Certificate → Create with the same alias) and use the new one.' };
		case 'cms.cert.invalid':
			return {
				summary: 'ARCA refused the certificate as invalid',
				advice: 'Use the certificate exactly as ARCA issued it (PEM), with its own private key.',
			};
		case 'cms.sign.invalid':
		case 'cms.bad':
		case 'cms.bad.base64':
			return {
				summary: 'ARCA could not verify the signed login request',
				advice: 'Check that the private key belongs to the certificate and that both were read unchanged.',
			};
		case 'xml.generationTime.invalid':
		case 'xml.expirationTime.invalid':
		case 'xml.expirationTime.expired':
			return {
				summary: `ARCA refused the login request's time window (${fault.code})`,
				advice: "Check this machine's clock and time zone (enable NTP): the request's times must bracket ARCA's clock.",
			};
		case 'wsn.unavailable':
		case 'wsn.notFound':
			return { summary: `ARCA does not know the web service "${service}" (${fault.code})`, advice: 'Check the web service ID.' };
		default:
			if (/^(soapenv:|soap:)?(Client|Server)\b/.test(fault.code) || fault.code.startsWith('Client.')) {
				return {
					summary: `WSAA refused the SOAP request (${fault.code})`,
					advice: 'If it is about the SOAPAction, switch Options → SOAPAction (empty or loginCms).',
				};
			}
			return { summary: `ARCA refused the access ticket (${fault.code})`, advice: 'See the message from ARCA.' };
	}
}

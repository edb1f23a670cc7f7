/**
 * A loopback stand-in for ARCA's WSAA (LoginCms), strict to shared/notes/arca-wsaa.md: a SOAP 1.1 POST
 * whose in0 is a Base64 CMS SignedData with the TRA attached. It verifies the signature, that the signer
 * certificate was issued by this environment's CA (the one the Afip SDK simulator's create-cert uses),
 * the TRA's time window and service, the authorization (Web Service → Authorize through the Afip SDK
 * simulator), and answers a TA XML-escaped inside loginCmsReturn, or a SOAP fault with HTTP 500 as ARCA
 * does (coe.alreadyAuthenticated while a TA of the same certificate and service is valid).
 * Paths: /ws/services/LoginCms and /homo/ws/services/LoginCms (testing), /prod/ws/services/LoginCms.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { CmsError, parseSignedData, verifySignerInfo } from '../../../nodes/shared/cms';
import { certificateIdentity, createArcaState, issuedBy, KNOWN_WEB_SERVICES, type ArcaEnvironment, type ArcaState } from '../arcaState';
import { listen, readBody, sendJson } from '../http';

export interface WsaaSwitches {
	/** What SOAPAction must be: empty ("" or nothing), loginCms, or either. */
	soapAction: 'empty' | 'loginCms' | 'any';
	/** Digest algorithms the CMS may use. */
	digests: 'both' | 'sha256' | 'sha1';
	/** Seconds this simulator's clock is ahead (+) or behind (−) the real one. */
	clockOffsetSeconds: number;
	ticketHours: number;
	/** Milliseconds LoginCms waits before it looks at a request (a slow network or WSAA; requests overlap meanwhile). */
	responseDelayMs: number;
}

/** What `POST /_control/configure` may set, with the values each takes. */
export const WSAA_SWITCHES = {
	soapAction: ['empty', 'loginCms', 'any'],
	digests: ['both', 'sha256', 'sha1'],
	clockOffsetSeconds: 'number',
	ticketHours: 'number',
	responseDelayMs: 'number',
} as const;

export interface WsaaSimulatorOptions extends Partial<WsaaSwitches> {
	port?: number;
	/** Shared with the Afip SDK simulator (certificates, authorizations, tickets); default a new one. */
	arca?: ArcaState;
}

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const tag = (xml: string, local: string) =>
	new RegExp(`<(?:[\\w.-]+:)?${local}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${local}>`).exec(xml)?.[1];

/** ARCA's time format in answers: -03:00 with milliseconds. */
function arcaTime(date: Date): string {
	const local = new Date(date.getTime() - 3 * 3600_000).toISOString().replace('Z', '');
	return `${local}-03:00`;
}

const FAULTS: Record<string, string> = {
	'coe.alreadyAuthenticated': 'El CEE ya posee un TA valido para el acceso al WSN solicitado',
	'coe.notAuthorized': 'Computador no autorizado a acceder al servicio',
	'cms.cert.untrusted': 'Certificado no emitido por AC de confianza',
	'cms.cert.expired': 'Certificado expirado',
	'cms.cert.invalid': 'Certificado inválido',
	'cms.bad': 'El CMS no es valido',
	'cms.bad.base64': 'Error al decodificar el Base64',
	'cms.sign.invalid': 'Firma inválida o algoritmo no soportado',
	'xml.bad': 'El XML no es valido',
	'xml.generationTime.invalid': 'generationTime posee formato o dato inválido',
	'xml.expirationTime.invalid': 'expirationTime posee formato o dato inválido',
	'wsn.unavailable': 'El servicio al que se desea acceder no está disponible',
	'Client.NoSOAPAction': 'no SOAPAction header!',
};

export async function startWsaaSimulator(options: WsaaSimulatorOptions = {}) {
	const ownState = !options.arca;
	const arca = options.arca ?? createArcaState();
	const control: WsaaSwitches = {
		soapAction: options.soapAction ?? 'any',
		digests: options.digests ?? 'both',
		clockOffsetSeconds: options.clockOffsetSeconds ?? 0,
		ticketHours: options.ticketHours ?? 12,
		responseDelayMs: options.responseDelayMs ?? 0,
	};
	const stats = {
		loginRequests: 0,
		ticketsIssued: 0,
		faults: {} as Record<string, number>,
		lastSoapAction: undefined as string | undefined,
		lastDigest: undefined as string | undefined,
	};
	const now = () => new Date(Date.now() + control.clockOffsetSeconds * 1000);

	function fault(res: ServerResponse, code: string, message = FAULTS[code] ?? code) {
		stats.faults[code] = (stats.faults[code] ?? 0) + 1;
		const prefixed = code.startsWith('Client.') ? `soapenv:${code}` : `ns1:${code}`;
		const body =
			`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
			`<soapenv:Body><soapenv:Fault><faultcode xmlns:ns1="http://xml.apache.org/axis/">${prefixed}</faultcode><faultstring>${escape(message)}</faultstring>` +
			`<detail><ns2:exceptionName xmlns:ns2="http://xml.apache.org/axis/">gov.afip.desein.dvadac.sua.view.wsaa.LoginFault</ns2:exceptionName><ns3:hostname xmlns:ns3="http://xml.apache.org/axis/">wsaasim</ns3:hostname></detail>` +
			'</soapenv:Fault></soapenv:Body></soapenv:Envelope>';
		res.writeHead(500, { 'Content-Type': 'text/xml;charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
		res.end(body);
	}

	function soapActionOk(header: string | string[] | undefined): boolean {
		const value = Array.isArray(header) ? header[0] : header;
		stats.lastSoapAction = value;
		const bare = (value ?? '').trim().replace(/^"(.*)"$/, '$1');
		if (control.soapAction === 'any') return true;
		if (control.soapAction === 'empty') return bare === '';
		return bare === 'loginCms' || bare.endsWith('#loginCms') || bare.endsWith('/loginCms');
	}

	async function loginCms(req: IncomingMessage, res: ServerResponse, environment: ArcaEnvironment) {
		stats.loginRequests++;
		if (control.responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, control.responseDelayMs));
		if (!soapActionOk(req.headers.soapaction))
			return fault(
				res,
				'Client.NoSOAPAction',
				control.soapAction === 'loginCms' ? 'The SOAPAction must be loginCms' : 'The SOAPAction must be empty',
			);
		if (!String(req.headers['content-type'] ?? '').startsWith('text/xml')) return fault(res, 'xml.bad', 'Content-Type must be text/xml');
		const envelope = (await readBody(req)).toString('utf8');
		if (!envelope.includes(SOAP_NS) || !/<(?:[\w.-]+:)?loginCms[\s>]/.test(envelope))
			return fault(res, 'xml.bad', 'No es un mensaje SOAP 1.1 con loginCms');
		const in0 = (tag(envelope, 'in0') ?? '').replace(/\s+/g, '');
		if (!in0 || !/^[A-Za-z0-9+/]+=*$/.test(in0)) return fault(res, 'cms.bad.base64');
		let signed;
		try {
			signed = parseSignedData(Buffer.from(in0, 'base64'));
		} catch (error) {
			return fault(res, 'cms.bad', `El CMS no es valido: ${error instanceof CmsError ? error.message : 'ilegible'}`);
		}
		if (!signed.content) return fault(res, 'cms.bad', 'El CMS no contiene el TRA (firma separada)');
		if (signed.signers.length !== 1) return fault(res, 'cms.bad', 'El CMS debe tener un firmante');
		const verification = verifySignerInfo(signed, signed.signers[0]);
		stats.lastDigest = verification.digest;
		if (!verification.certificate) return fault(res, 'cms.cert.invalid', 'El CMS no incluye el certificado del firmante');
		if (!verification.signatureValid || !verification.digestMatches) return fault(res, 'cms.sign.invalid');
		const digestOk =
			control.digests === 'both'
				? verification.digest === 'sha256' || verification.digest === 'sha1'
				: verification.digest === control.digests;
		if (!digestOk) return fault(res, 'cms.sign.invalid', `Algoritmo de firma no soportado: ${verification.digest}`);
		const certificate = verification.certificate;
		if (!issuedBy(certificate, arca.cas[environment])) return fault(res, 'cms.cert.untrusted');
		const at = now();
		if (new Date(certificate.validTo) < at) return fault(res, 'cms.cert.expired');
		if (new Date(certificate.validFrom) > at) return fault(res, 'cms.cert.invalid', 'Certificado aún no válido');

		const tra = signed.content.toString('utf8');
		if (!/<loginTicketRequest[\s>]/.test(tra)) return fault(res, 'xml.bad', 'El TRA no es un loginTicketRequest');
		const uniqueId = tag(tra, 'uniqueId');
		if (!uniqueId || !/^\d+$/.test(uniqueId) || Number(uniqueId) > 0xffffffff)
			return fault(res, 'xml.bad', 'uniqueId posee formato o dato inválido');
		const generation = Date.parse(tag(tra, 'generationTime') ?? '');
		const expiration = Date.parse(tag(tra, 'expirationTime') ?? '');
		if (!Number.isFinite(generation) || !/(Z|[+-]\d\d:\d\d)$/.test(tag(tra, 'generationTime') ?? '') || generation > at.getTime())
			return fault(res, 'xml.generationTime.invalid');
		if (!Number.isFinite(expiration) || expiration <= at.getTime() || expiration <= generation || expiration - generation > 24 * 3600_000)
			return fault(res, 'xml.expirationTime.invalid');
		const service = (tag(tra, 'service') ?? '').trim();
		if (!KNOWN_WEB_SERVICES.has(service)) return fault(res, 'wsn.unavailable', `El servicio ${service} no existe o no está disponible`);

		const identity = certificateIdentity(certificate);
		if (!identity.cuit || !identity.alias || !arca.isAuthorized(environment, identity.cuit, identity.alias, service))
			return fault(res, 'coe.notAuthorized');
		if (arca.validTicket(environment, identity.dn, service, at)) return fault(res, 'coe.alreadyAuthenticated');

		const expirationTime = new Date(at.getTime() + control.ticketHours * 3600_000);
		const token = Buffer.from(
			`<?xml version="1.0"?><sso version="2.0"><id unique_id="${randomBytes(8).toString('hex')}" gen_time="${Math.floor(at.getTime() / 1000)}" exp_time="${Math.floor(expirationTime.getTime() / 1000)}"/><operation type="login"><login entity="33693450239" service="${service}" uid="${escape(identity.dn)}"/></operation></sso>`,
		).toString('base64');
		const sign = randomBytes(96).toString('base64');
		arca.tickets.set(token, {
			environment,
			cuit: identity.cuit,
			holder: identity.dn,
			service,
			token,
			sign,
			generationTime: at,
			expirationTime,
			issuedBy: 'wsaa',
		});
		stats.ticketsIssued++;
		const ta =
			'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<loginTicketResponse version="1.0"><header>' +
			`<source>CN=${environment === 'prod' ? 'wsaa' : 'wsaahomo'}, O=AFIP, C=AR, SERIALNUMBER=CUIT 33693450239</source><destination>${escape(identity.dn)}</destination>` +
			`<uniqueId>${randomBytes(4).readUInt32BE()}</uniqueId><generationTime>${arcaTime(at)}</generationTime><expirationTime>${arcaTime(expirationTime)}</expirationTime></header>` +
			`<credentials><token>${token}</token><sign>${sign}</sign></credentials></loginTicketResponse>`;
		const body =
			`<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
			`<soapenv:Body><loginCmsResponse xmlns="http://wsaa.view.sua.dvadac.desein.afip.gov"><loginCmsReturn>${escape(ta)}</loginCmsReturn></loginCmsResponse></soapenv:Body></soapenv:Envelope>`;
		res.writeHead(200, { 'Content-Type': 'text/xml;charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
		res.end(body);
	}

	async function controlRoute(req: IncomingMessage, res: ServerResponse, action: string) {
		const raw = (await readBody(req)).toString('utf8');
		let body: Record<string, unknown> = {};
		try {
			body = raw.trim() ? (JSON.parse(raw) as Record<string, unknown>) : {};
		} catch {
			return sendJson(res, 400, { message: 'control body must be JSON' });
		}
		if (req.method === 'POST' && action === 'configure') {
			for (const [key, value] of Object.entries(body)) {
				const allowed = (WSAA_SWITCHES as Record<string, readonly string[] | 'number'>)[key];
				if (!allowed) return sendJson(res, 400, { message: `unknown switch "${key}"; one of: ${Object.keys(WSAA_SWITCHES).join(', ')}` });
				const ok =
					allowed === 'number'
						? typeof value === 'number' &&
							Number.isFinite(value) &&
							(key !== 'ticketHours' || value > 0) &&
							(key !== 'responseDelayMs' || value >= 0)
						: allowed.includes(value as string);
				if (!ok) return sendJson(res, 400, { message: `switch ${key} cannot be ${JSON.stringify(value)}` });
			}
			Object.assign(control, body);
			return sendJson(res, 200, control);
		}
		if (req.method === 'POST' && action === 'authorize') {
			const { environment, cuit, alias, service } = body as Record<string, string>;
			if ((environment !== 'dev' && environment !== 'prod') || !cuit || !alias || !service)
				return sendJson(res, 400, { message: 'environment (dev|prod), cuit, alias and service are required' });
			arca.authorize(environment, cuit, alias, service);
			return sendJson(res, 200, { authorized: `${environment}:${cuit}:${alias}:${service}` });
		}
		// Every ticket issued so far expires now (as 12 hours passing would do).
		if (req.method === 'DELETE' && action === 'tickets') {
			const count = arca.tickets.size;
			arca.tickets.clear();
			return sendJson(res, 200, { expired: count });
		}
		if (req.method === 'GET' && action === 'stats') return sendJson(res, 200, stats);
		return sendJson(res, 404, { message: `no control action ${req.method} ${action}` });
	}

	const listening = await listen(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname.startsWith('/_control/')) return await controlRoute(req, res, url.pathname.slice('/_control/'.length));
		const match = /^(?:\/(homo|prod))?\/ws\/services\/LoginCms$/.exec(url.pathname);
		if (match && req.method === 'POST') return await loginCms(req, res, match[1] === 'prod' ? 'prod' : 'dev');
		if (match) return sendJson(res, 405, { message: 'LoginCms takes POST' });
		return sendJson(res, 404, { message: 'Not found' });
	}, options.port);

	return {
		url: listening.url,
		/** LoginCms of each environment. */
		loginUrl: { dev: `${listening.url}/homo/ws/services/LoginCms`, prod: `${listening.url}/prod/ws/services/LoginCms` } as Record<
			ArcaEnvironment,
			string
		>,
		port: listening.port,
		arca,
		control,
		stats,
		async close() {
			await listening.close();
			if (ownState) arca.dispose();
		},
	};
}

export type WsaaSimulator = Awaited<ReturnType<typeof startWsaaSimulator>>;

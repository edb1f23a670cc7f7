/**
 * What ARCA knows, shared by the Afip SDK simulator and the WSAA simulator so that create certificate →
 * authorize → ticket → call is one chain: the certificate authority of each environment (certificates of
 * one environment are untrusted in the other), which certificate alias may use which web service, and
 * the access tickets (TA) issued, by token.
 */
import { X509Certificate } from 'node:crypto';

import { TestCa } from '../support/testCa';

export type ArcaEnvironment = 'dev' | 'prod';

export interface IssuedTicket {
	environment: ArcaEnvironment;
	cuit: string;
	/** Distinguished name of the certificate it was issued to (WSAA's "CEE"), or `afipsdk:<cuit>`. */
	holder: string;
	service: string;
	token: string;
	sign: string;
	generationTime: Date;
	expirationTime: Date;
	issuedBy: 'wsaa' | 'afipsdk';
}

export const KNOWN_WEB_SERVICES = new Set([
	'wsfe',
	'wsfex',
	'wsmtxca',
	'ws_sr_constancia_inscripcion',
	'ws_sr_padron_a4',
	'ws_sr_padron_a5',
	'ws_sr_padron_a10',
	'ws_sr_padron_a13',
]);

export function createArcaState() {
	const cas: Record<ArcaEnvironment, TestCa> = {
		dev: new TestCa('/C=AR/O=AFIP/CN=Computadores Test'),
		prod: new TestCa('/C=AR/O=AFIP/CN=AC Computadores'),
	};
	/** `${env}:${cuit}:${alias}:${service}` */
	const authorizations = new Set<string>();
	const tickets = new Map<string, IssuedTicket>();
	return {
		cas,
		authorizations,
		tickets,
		authorize(environment: ArcaEnvironment, cuit: string, alias: string, service: string) {
			authorizations.add(`${environment}:${cuit}:${alias}:${service}`);
		},
		isAuthorized(environment: ArcaEnvironment, cuit: string, alias: string, service: string) {
			return authorizations.has(`${environment}:${cuit}:${alias}:${service}`);
		},
		/** Any alias of this CUIT authorized for the service (the certificate Afip SDK keeps for it). */
		anyAliasAuthorized(environment: ArcaEnvironment, cuit: string, service: string) {
			for (const entry of authorizations) if (entry.startsWith(`${environment}:${cuit}:`) && entry.endsWith(`:${service}`)) return true;
			return false;
		},
		/** The still-valid ticket of this holder for this service. */
		validTicket(environment: ArcaEnvironment, holder: string, service: string, now = new Date()) {
			for (const t of tickets.values())
				if (t.environment === environment && t.holder === holder && t.service === service && t.expirationTime > now) return t;
			return undefined;
		},
		/** The ticket a token and sign belong to, when both match and it has not expired. */
		ticketFor(token: unknown, sign: unknown, now = new Date()) {
			const t = typeof token === 'string' ? tickets.get(token) : undefined;
			return t && t.sign === sign && t.expirationTime > now ? t : undefined;
		},
		dispose() {
			cas.dev.dispose();
			cas.prod.dispose();
		},
	};
}

export type ArcaState = ReturnType<typeof createArcaState>;

/** alias (O=) and CUIT (serialNumber=CUIT n) of a certificate the simulators issued. */
export function certificateIdentity(certificate: X509Certificate): { alias?: string; cuit?: string; dn: string } {
	const lines = certificate.subject.split('\n');
	const value = (name: string) => lines.find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1);
	const cuit = /CUIT\s*(\d{11})/.exec(value('serialNumber') ?? '')?.[1];
	return { alias: value('O') ?? value('CN'), cuit, dn: certificate.subject.replace(/\n/g, ', ') };
}

/** Whether `certificate` was issued by `ca` (signature and name checked). */
export function issuedBy(certificate: X509Certificate, ca: TestCa): boolean {
	const caCert = new X509Certificate(ca.certPem);
	return certificate.checkIssued(caCert) && certificate.verify(caCert.publicKey);
}

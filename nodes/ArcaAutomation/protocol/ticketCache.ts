/**
 * Which access ticket (TA) may be reused: pure rules over a plain object (n8n's workflow static data
 * holds it between executions). A TA is reused until shortly before it expires; WSAA refuses a new one
 * while the old is valid (coe.alreadyAuthenticated), so throwing a valid one away would lock the user out.
 * Only token, sign and times are kept: never a private key or a password.
 */

export type TicketSource = 'afipSdk' | 'wsaa';

export interface StoredTicket {
	token: string;
	sign: string;
	/** ISO */
	expirationTime: string;
	service: string;
	environment: 'dev' | 'prod';
	source: TicketSource;
	/** ISO, when this node got it */
	obtainedAt: string;
}

/** A ticket is not reused in its last minutes: a call made with it must still arrive in time. */
export const REUSE_MARGIN_MS = 10 * 60 * 1000;
/** Entries kept at most (oldest expiry dropped first). */
export const MAX_TICKETS = 200;

export interface TicketKeyInput {
	source: TicketSource;
	environment: 'dev' | 'prod';
	service: string;
	/** SHA-256 fingerprint of the certificate (WSAA, or Afip SDK with the user's certificate) */
	certificateFingerprint?: string;
	/** CUIT (Afip SDK with the certificate it keeps) */
	cuit?: string;
}

export function ticketKey(input: TicketKeyInput): string {
	const who = input.certificateFingerprint
		? `cert:${input.certificateFingerprint.replace(/:/g, '').toUpperCase()}`
		: `cuit:${input.cuit ?? ''}`;
	// Afip SDK and WSAA tickets are kept apart: Afip SDK may keep its own for the same certificate.
	return `${input.source}|${input.environment}|${who}|${input.service}`;
}

export function isReusable(ticket: StoredTicket | undefined, now: Date, marginMs = REUSE_MARGIN_MS): ticket is StoredTicket {
	if (!ticket || typeof ticket.token !== 'string' || typeof ticket.sign !== 'string') return false;
	const expires = Date.parse(ticket.expirationTime);
	return Number.isFinite(expires) && expires - marginMs > now.getTime();
}

/** Still valid at all (even inside the margin): WSAA would answer coe.alreadyAuthenticated. */
export function isStillValid(ticket: StoredTicket | undefined, now: Date): ticket is StoredTicket {
	return isReusable(ticket, now, 0);
}

/** The store with expired entries dropped and at most MAX_TICKETS kept. */
export function pruneTickets(store: Record<string, StoredTicket>, now: Date): Record<string, StoredTicket> {
	const live = Object.entries(store).filter(([, t]) => isStillValid(t, now));
	live.sort(([, a], [, b]) => Date.parse(b.expirationTime) - Date.parse(a.expirationTime));
	return Object.fromEntries(live.slice(0, MAX_TICKETS));
}

/**
 * Renewal Due's candidates: the certificates of every selected source (PEM entries, DigiCert's issued orders)
 * as the event reports them, before the policy is applied. DigiCert is read through its transport only.
 */
import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';

import { orderFacts } from '../DigiCertCodeSigning/protocol/orderFacts';
import { digiCertInstant } from '../DigiCertCodeSigning/protocol/status';
import type { DigiCertClient } from '../DigiCertCodeSigning/transport';
import { parseCertificate, splitPemCertificates } from '../shared/x509';
import { dueHorizon } from './planning';
import type { RenewalSettings } from './settings';
import { certificateKey, type CertSource } from './triggerState';

/** One certificate as the event reports it, before the policy is applied. */
export interface CandidateCertificate {
	source: CertSource;
	key: string;
	/** PEM label, or the order id for DigiCert. */
	ref: string;
	subject: string;
	commonName?: string;
	issuer: string;
	serialNumber: string;
	notBefore: string;
	notAfter: string;
	extra: IDataObject;
}

export interface SkippedRecord {
	source: CertSource;
	ref: string;
	reason: string;
}

/**
 * The PEM entries as candidates. With `skipped`, an unreadable entry is reported there and the others are
 * watched (a poll); without it, it is an error (Fetch Test Event).
 */
export function pemCandidates(node: INode, pems: RenewalSettings['pems'], now: Date, skipped?: SkippedRecord[]): CandidateCertificate[] {
	return pems.flatMap(({ label, pem }) => {
		let summary;
		try {
			summary = parseCertificate(splitPemCertificates(pem)[0], now);
		} catch (error) {
			if (skipped) {
				skipped.push({ source: 'pem', ref: label, reason: `not a readable X.509 certificate: ${(error as Error).message}` });
				return [];
			}
			throw new NodeOperationError(node, `PEM Certificates: "${label}" is not a readable X.509 certificate`, {
				description: (error as Error).message,
			});
		}
		return {
			source: 'pem' as const,
			key: certificateKey(summary.issuer, summary.serialNumber),
			ref: label,
			subject: summary.subject,
			issuer: summary.issuer,
			serialNumber: summary.serialNumber,
			notBefore: summary.notBefore,
			notAfter: summary.notAfter,
			// x509's names, and the DigiCert orders' names for the same instants.
			extra: {
				notBefore: summary.notBefore,
				notAfter: summary.notAfter,
				validFrom: summary.notBefore,
				validTill: summary.notAfter,
				fingerprintSha256: summary.fingerprintSha256,
			},
		};
	});
}

const str = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/** DigiCert's dates as ISO instants, read as the node reads them (digiCertInstant). */
function dcDate(value: unknown, edge: 'start' | 'end'): string | undefined {
	const ms = digiCertInstant(value, edge);
	return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function orderCandidate(order: IDataObject): CandidateCertificate | undefined {
	const certificate = (order.certificate ?? {}) as IDataObject;
	const serial = str(certificate.serial_number);
	const notBefore = dcDate(certificate.valid_from ?? order.valid_from, 'start');
	const notAfter = dcDate(certificate.valid_till ?? order.valid_till, 'end');
	if (!serial || !notBefore || !notAfter) return undefined;
	const ca = (certificate.ca_cert ?? order.ca_cert ?? {}) as IDataObject;
	const organization = (order.organization ?? {}) as IDataObject;
	const commonName = str(certificate.common_name);
	// The order as the DigiCert node outputs it (validFrom/validTill, normalised status, product, …) and the raw answer.
	return {
		source: 'digicert',
		// DigiCert serials are unique per issuing CA; without the CA name in the order, "DigiCert" + serial.
		key: certificateKey(`DigiCert${ca.name ? `:${str(ca.name)}` : ''}`, serial),
		ref: str(order.id),
		subject: commonName ? `CN=${commonName}${organization.name ? `, O=${str(organization.name)}` : ''}` : '',
		commonName,
		issuer: str(ca.name) || 'DigiCert',
		serialNumber: serial.toUpperCase(),
		notBefore,
		notAfter,
		extra: { ...orderFacts(order), order },
	};
}

/** 50 pages of 1000 = 50,000 issued orders: far beyond a code-signing account; a list that never ends stops here. */
export const MAX_ORDER_PAGES = 50;

export interface IssuedOrderFilters {
	product?: string;
	containerId?: number;
	/** YYYY-MM-DD: only orders expiring on or before it (filters[valid_till]=<=). */
	validTillOnOrBefore?: string;
}

/** Every issued order (all pages), optionally filtered by product and container. */
export async function listIssuedOrders(client: DigiCertClient, filters: IssuedOrderFilters): Promise<IDataObject[]> {
	return await client.listOrders(
		{ status: 'issued', product: filters.product, containerId: filters.containerId, validTillOnOrBefore: filters.validTillOnOrBefore },
		{
			returnAll: true,
			maxPages: MAX_ORDER_PAGES,
			whenCapReached: 'narrow the trigger with a product or container filter',
		},
	);
}

/**
 * Issued, not yet renewed orders of the account as candidates; an order whose list entry lacks the
 * certificate's dates or serial is read in full. With `now`, only orders that can be due by then are
 * listed (see dueHorizon); without it (Fetch Test Event: the most urgent, due or not) all of them.
 */
export async function digiCertCandidates(
	client: DigiCertClient,
	settings: RenewalSettings,
	now?: Date,
	skipped?: SkippedRecord[],
): Promise<CandidateCertificate[]> {
	const orders = await listIssuedOrders(client, {
		product: settings.product,
		containerId: settings.containerId,
		validTillOnOrBefore: now ? dueHorizon(settings.policy, now) : undefined,
	});
	const candidates: CandidateCertificate[] = [];
	for (const order of orders) {
		// Already renewed (the renewal is its own order): its renewal is not due any more. Renewing it
		// again would fail with order_renewed_already.
		if (order.is_renewed === true) continue;
		let candidate = orderCandidate(order);
		if (!candidate) {
			const read = await readOrder(client, order.id as number, skipped);
			candidate = read && orderCandidate(read);
		}
		if (candidate) candidates.push(candidate);
	}
	return candidates;
}

/**
 * One order read in full. With `skipped`, an order DigiCert will not return (403, 404, 5xx after the
 * client's retries) is reported there and the poll goes on; without it, the error stands.
 */
export async function readOrder(client: DigiCertClient, id: number, skipped?: SkippedRecord[]): Promise<IDataObject | undefined> {
	if (!skipped) return await client.getOrder(id);
	return await client.getOrder(id).then(
		(order) => order,
		(error: Error) => {
			skipped.push({ source: 'digicert', ref: String(id), reason: `DigiCert did not return the order: ${error.message}` });
			return undefined;
		},
	);
}

/** An order read in full, as a candidate if the trigger watches it (issued, not renewed, matching the filters). */
export function watchedCandidate(order: IDataObject, settings: RenewalSettings): CandidateCertificate | undefined {
	if (order.status !== 'issued' || order.is_renewed === true) return undefined;
	const product = (order.product ?? {}) as IDataObject;
	const container = (order.container ?? {}) as IDataObject;
	if (settings.product && String(product.name_id ?? order.product_name_id ?? '') !== settings.product) return undefined;
	if (settings.containerId && Number(container.id) !== settings.containerId) return undefined;
	return orderCandidate(order);
}

/**
 * The same certificate pasted twice: one event. (A PEM of a DigiCert certificate is keyed by its issuer DN,
 * a DigiCert order by the CA name DigiCert reports: watch a certificate through one source only.)
 */
export function uniqueByKey(candidates: CandidateCertificate[]): CandidateCertificate[] {
	const unique = new Map<string, CandidateCertificate>();
	for (const candidate of candidates) if (!unique.has(candidate.key)) unique.set(candidate.key, candidate);
	return [...unique.values()];
}

export async function gatherCandidates(
	node: INode,
	client: DigiCertClient,
	settings: RenewalSettings,
	now: Date,
	options: { allOrders?: boolean } = {},
): Promise<{ candidates: CandidateCertificate[]; sourcesRead: CertSource[] }> {
	const candidates: CandidateCertificate[] = [];
	const sourcesRead: CertSource[] = [];
	if (settings.usePem) {
		candidates.push(...pemCandidates(node, settings.pems, now));
		sourcesRead.push('pem');
	}
	if (settings.useDigiCert) {
		candidates.push(...(await digiCertCandidates(client, settings, options.allOrders ? undefined : now)));
		sourcesRead.push('digicert');
	}
	return { candidates: uniqueByKey(candidates), sourcesRead };
}

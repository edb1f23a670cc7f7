/**
 * One DigiCert order as every output shows it: Order → Get / Get Many / Create / Renew / Reissue / Cancel /
 * Find by Reference, and the Certificate Trigger's events. Pure (no n8n imports).
 *
 * - `status` is normalised (normalizeStatus: six values, an issued order past its validTill is expired),
 *   `rawStatus` is DigiCert's own.
 * - `validFrom` / `validTill` are DigiCert's dates as DigiCert gives them (usually YYYY-MM-DD; a certificate
 *   is valid through the end of its validTill day, see digiCertInstant).
 * - `product` is DigiCert's product name_id (code_signing, code_signing_ev).
 */
import { daysUntil, normalizeStatus } from './status';

type Json = Record<string, unknown>;

export interface OrderFacts {
	[key: string]: string | number | boolean | null | undefined;
	orderId: number | string | null;
	status: string;
	rawStatus: string;
	certificateId: number | string | null;
	commonName: string | null;
	serialNumber: string | null;
	validFrom: string | null;
	validTill: string | null;
	daysRemaining: number | null;
	product: string | null;
	organizationId: number | string | null;
	organizationName: string | null;
	containerId: number | string | null;
	alternativeOrderId: string | null;
	renewalOfOrderId?: number | string | null;
	renewedOrderId?: number | string | null;
}

const part = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const scalar = <T>(value: unknown): T | null => (value === undefined || value === null || value === '' ? null : (value as T));

export function orderFacts(order: Json, now: Date = new Date()): OrderFacts {
	const certificate = part(order.certificate);
	const organization = part(order.organization);
	const validTill = scalar<string>(certificate.valid_till ?? order.valid_till);
	const rawStatus = String(order.status ?? '');
	const facts: OrderFacts = {
		orderId: scalar(order.id),
		status: normalizeStatus(rawStatus, validTill, now),
		rawStatus,
		certificateId: scalar(certificate.id),
		commonName: scalar(certificate.common_name),
		serialNumber: scalar(certificate.serial_number),
		validFrom: scalar(certificate.valid_from ?? order.valid_from),
		validTill,
		daysRemaining: daysUntil(validTill, now),
		product: scalar(part(order.product).name_id ?? order.product_name_id),
		organizationId: scalar(organization.id),
		organizationName: scalar(organization.name),
		containerId: scalar(part(order.container).id),
		alternativeOrderId: scalar(order.alternative_order_id),
	};
	if (order.renewal_of_order_id !== undefined) facts.renewalOfOrderId = scalar(order.renewal_of_order_id);
	if (order.renewed_order_id !== undefined) facts.renewedOrderId = scalar(order.renewed_order_id);
	return facts;
}

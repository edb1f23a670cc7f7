/**
 * The few DigiCert reads the trigger needs, on top of the DigiCert node's transport (the one module that
 * talks HTTP to CertCentral: region, errors without secrets, backoff). Nothing here builds a request.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { digiCertRequest } from '../DigiCertCodeSigning/transport';

/** A GET against CertCentral (path relative to /services/v2, query as an object). */
export type DigiCertGet = (path: string, qs?: IDataObject) => Promise<any>;

export function digiCertGet(ctx: IPollFunctions): DigiCertGet {
	return async (path, qs) => await digiCertRequest(ctx, 'GET', path, { qs });
}

const PAGE = 500;
/** 100 pages = 50,000 issued orders: far beyond a code-signing account; a server that never ends its list stops here. */
export const MAX_PAGES = 100;

export class PageCapReachedError extends Error {}

export interface IssuedOrderFilters {
	productNameId?: string;
	containerId?: number;
	/** Only orders whose certificate expires on or before this day (YYYY-MM-DD): `filters[valid_till]=<=…`. */
	validTillOnOrBefore?: string;
}

/** Every issued order (all pages), optionally filtered by product and container. */
export async function listIssuedOrders(get: DigiCertGet, filters: IssuedOrderFilters): Promise<IDataObject[]> {
	const orders: IDataObject[] = [];
	for (let offset = 0, pages = 0; ; offset += PAGE, pages++) {
		if (pages >= MAX_PAGES) {
			throw new PageCapReachedError(`DigiCert listed more than ${MAX_PAGES * PAGE} issued orders (${MAX_PAGES} pages) without an end; narrow the trigger with a product or container filter`);
		}
		const qs: IDataObject = { 'filters[status]': 'issued', limit: PAGE, offset };
		if (filters.productNameId) qs['filters[product_name_id]'] = filters.productNameId;
		if (filters.containerId) qs['filters[container_id]'] = filters.containerId;
		if (filters.validTillOnOrBefore) qs['filters[valid_till]'] = `<=${filters.validTillOnOrBefore}`;
		const body = (await get('/order/certificate', qs)) as { orders?: IDataObject[]; page?: { total?: number } };
		const page = Array.isArray(body?.orders) ? body.orders : [];
		orders.push(...page);
		const total = Number(body?.page?.total ?? 0);
		if (page.length === 0 || orders.length >= total) break;
	}
	return orders;
}

export async function getOrder(get: DigiCertGet, orderId: number | string): Promise<IDataObject> {
	return (await get(`/order/certificate/${encodeURIComponent(String(orderId))}`)) as IDataObject;
}

export interface StatusChangeRow {
	order_id: number;
	certificate_id?: number | null;
	status: string;
}

export async function listStatusChanges(get: DigiCertGet, minutes: number): Promise<StatusChangeRow[]> {
	const body = (await get('/order/certificate/status-changes', { minutes })) as { orders?: StatusChangeRow[] };
	return Array.isArray(body?.orders) ? body.orders : [];
}

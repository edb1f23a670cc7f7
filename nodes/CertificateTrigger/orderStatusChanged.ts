/**
 * Event "Order status changed": DigiCert orders whose status changed since the last poll, read
 * incrementally from GET /order/certificate/status-changes?minutes=N (N = minutes since the last poll +
 * an overlap), filtered by status, each emitted once with the order's details.
 */
import { NodeOperationError, type IDataObject, type INode, type INodeExecutionData } from 'n8n-workflow';

import { orderFacts } from '../DigiCertCodeSigning/protocol/orderFacts';
import { normalizeStatus } from '../DigiCertCodeSigning/protocol/status';
import { DEFAULT_WINDOW, readStatusChangeState, type StatusChangeState } from '../DigiCertCodeSigning/protocol/statusFeed';
import type { DigiCertClient, StatusChangeRow } from '../DigiCertCodeSigning/transport';
import type { StatusSettings } from './settings';

/**
 * The change as an item: the order as the DigiCert node outputs it (orderFacts), with the status the change
 * reported (normalised in `status`, DigiCert's in `rawStatus`) and the raw order under `order`.
 */
function changeItem(change: StatusChangeRow, order: IDataObject, sample = false, now = new Date()): INodeExecutionData {
	const facts = orderFacts(order, now);
	const json: IDataObject = {
		event: 'orderStatusChanged',
		...(sample ? { sample: true } : {}),
		...facts,
		orderId: change.order_id,
		certificateId: change.certificate_id ?? facts.certificateId,
		status: normalizeStatus(change.status, facts.validTill, now),
		rawStatus: change.status,
		order,
	};
	return { json };
}

export interface StatusPollResult {
	items: INodeExecutionData[];
	next: StatusChangeState;
	/** The cursor was older than the endpoint's 7 days: changes in between could not be read. */
	truncated: boolean;
}

/** Reads the window, keeps the new changes with a watched status, fetches their orders. No state is written. */
export async function pollStatusChanges(
	client: DigiCertClient,
	stateRaw: unknown,
	settings: StatusSettings,
	now: Date,
): Promise<StatusPollResult> {
	const { fresh, next, truncated } = await client.readStatusFeed(readStatusChangeState(stateRaw), now, settings.window);
	const watched = fresh.filter((change) => settings.statuses.length === 0 || settings.statuses.includes(change.status));
	const items: INodeExecutionData[] = [];
	for (const change of watched as StatusChangeRow[]) {
		// An order DigiCert will not return (403, 404, 5xx after retries) does not jam the trigger: its change is
		// emitted with the reason instead of the details, and the cursor moves on.
		const item = await client.getOrder(change.order_id).then(
			(order) => changeItem(change, order),
			(error: Error) => {
				const withoutOrder = changeItem(change, {});
				withoutOrder.json.order = null;
				withoutOrder.json.problem = `DigiCert did not return order ${change.order_id}: ${error.message}`;
				return withoutOrder;
			},
		);
		items.push(item);
	}
	return { items, next, truncated };
}

/**
 * "Fetch test event": the latest change of the last 7 days (a watched status if there is one), or else the
 * newest order of the account, with its details. Nothing is written.
 */
export async function sampleStatusChange(client: DigiCertClient, node: INode, settings: StatusSettings): Promise<INodeExecutionData> {
	const changes = await client.listStatusChanges(DEFAULT_WINDOW.maxMinutes);
	const watched = changes.filter((change) => settings.statuses.length === 0 || settings.statuses.includes(change.status));
	const pick = watched[watched.length - 1] ?? changes[changes.length - 1];
	if (pick) return changeItem(pick, await client.getOrder(pick.order_id), true);
	const [order] = await client.listOrders({ sort: '-date_created' }, { returnAll: false, limit: 1 });
	if (!order) {
		throw new NodeOperationError(node, 'The DigiCert account has no orders to show as a sample', {
			description: 'No order status changed in the last 7 days and the account lists no orders.',
		});
	}
	const details = await client.getOrder(order.id as number);
	const certificate = (details.certificate ?? {}) as IDataObject;
	return changeItem(
		{
			order_id: Number(details.id ?? order.id),
			certificate_id: (certificate.id as number) ?? null,
			status: String(details.status ?? order.status),
		},
		details,
		true,
	);
}

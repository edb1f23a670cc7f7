import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { asNodeError, errorItem, inputError } from '../../../shared/n8n/items';
import { asSentence, parseSessionIds } from '../../../shared/firmadorStatus';
import { getStatuses, isNoContent, STATUS_IDS_PER_REQUEST, type StatusEntry } from '../../transport/api';
import { checkApiCredential, statusJson, waitForSessions } from '../common';

export const sessionIdsField = (operation: string): INodeProperties => ({
	displayName: 'Session IDs',
	name: 'sessionIds',
	type: 'string',
	default: '={{ $json.sessionId }}',
	required: true,
	description: 'One or more SessionIDs (comma-separated or an array). The IDs of all items are checked together.',
	displayOptions: { show: { resource: ['request'], operation: [operation] } },
});

export const properties: INodeProperties[] = [
	sessionIdsField('getStatus'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['request'], operation: ['getStatus'] } },
		options: [
			{
				displayName: 'IDs per Request',
				name: 'chunkSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: STATUS_IDS_PER_REQUEST,
				description: 'Most session IDs asked for in one EstadoSolicitud call (36 keeps the URL under IIS\'s 2,048-character query limit)',
			},
		],
	},
];

/** Reads every item's ids first (bad items fail before any request), then asks for all ids together. */
export async function collectIds(ctx: IExecuteFunctions): Promise<{ perItem: Map<number, string[]>; all: string[]; errors: INodeExecutionData[] }> {
	const items = ctx.getInputData();
	if (items.length === 0) throw new NodeOperationError(ctx.getNode(), 'There are no input items with session ids');
	const perItem = new Map<number, string[]>();
	const errors: INodeExecutionData[] = [];
	const all: string[] = [];
	// A Set beside the list: `all.includes` made collecting 10,000 ids quadratic.
	const seen = new Set<string>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const ids = parseSessionIds(ctx.getNodeParameter('sessionIds', itemIndex, ''));
		const bad = ids.find((id) => id.length > 128 || /[\u0000-\u001f]/.test(id));
		let error: Error | undefined;
		if (ids.length === 0 || bad !== undefined) {
			error = inputError(ctx.getNode(), itemIndex, 'Session IDs', ids.length === 0 ? 'is empty' : 'holds a value that is not a session id (too long or with control characters)');
		} else {
			error = await checkApiCredential(ctx, itemIndex).then(() => undefined, (e: Error) => e);
		}
		if (error) {
			if (!ctx.continueOnFail()) throw error;
			errors.push(errorItem(error, itemIndex));
			continue;
		}
		perItem.set(itemIndex, ids);
		for (const id of ids) {
			if (seen.has(id)) continue;
			seen.add(id);
			all.push(id);
		}
	}
	return { perItem, all, errors };
}

export function statusItems(ctx: IExecuteFunctions, perItem: Map<number, string[]>, errors: INodeExecutionData[], statuses: Map<string, StatusEntry>, extra: (entry: StatusEntry | undefined) => IDataObject = () => ({})): INodeExecutionData[] {
	const output: INodeExecutionData[] = [];
	const items = ctx.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const error = errors.find((e) => (e.pairedItem as { item: number }).item === itemIndex);
		if (error) output.push(error);
		for (const id of perItem.get(itemIndex) ?? []) {
			const entry = statuses.get(id);
			output.push({ json: { sessionId: id, ...statusJson(entry), ...(entry && !entry.found ? { status: 'notFound' } : {}), ...extra(entry) }, pairedItem: { item: itemIndex } });
		}
	}
	return output;
}

function failAll(ctx: IExecuteFunctions, perItem: Map<number, string[]>, errors: INodeExecutionData[], error: Error): INodeExecutionData[] {
	const forItem = (itemIndex: number): Error => {
		if (!isNoContent(error)) return error;
		// Outside a wait, a 204 to the status query is an answer without a result: say so on each item.
		const phrase = error.message;
		return new NodeOperationError(ctx.getNode(), `Firmador has no status for these session IDs yet (HTTP 204${phrase ? `: ${asSentence(phrase).replace(/\.$/, '')}` : ''}) (item ${itemIndex})`, {
			itemIndex,
			description: 'Try again later, or use Request → Wait for Completion.',
		});
	};
	const first = [...perItem.keys()][0] ?? 0;
	if (!ctx.continueOnFail()) throw asNodeError(ctx.getNode(), forItem(first), first);
	const output = [...errors];
	for (const itemIndex of perItem.keys()) output.push(errorItem(forItem(itemIndex), itemIndex));
	return output.sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { perItem, all, errors } = await collectIds(this);
	if (all.length === 0) return errors;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	try {
		const statuses = await getStatuses.call(this, all, Number(options.chunkSize ?? STATUS_IDS_PER_REQUEST));
		return statusItems(this, perItem, errors, statuses);
	} catch (error) {
		return failAll(this, perItem, errors, error as Error);
	}
}

export async function executeWait(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { perItem, all, errors } = await collectIds(this);
	if (all.length === 0) return errors;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	let waited;
	try {
		waited = await waitForSessions(this, all, options.pollInterval ?? 5, options.timeout ?? 300, Number(options.chunkSize ?? STATUS_IDS_PER_REQUEST));
	} catch (error) {
		return failAll(this, perItem, errors, error as Error);
	}
	const errorOnTimeout = options.errorOnTimeout !== false;
	const pending = all.filter((id) => !waited.statuses.get(id)?.final);
	if (waited.timedOut && errorOnTimeout) {
		for (const [itemIndex, ids] of perItem) {
			const stillPending = ids.filter((id) => pending.includes(id));
			if (stillPending.length === 0) continue;
			const error = new NodeOperationError(
				this.getNode(),
				`Not finished after ${Math.round(waited.waitedMs / 1000)} s: ${stillPending.map((id) => `${id} (${waited.statuses.get(id)?.status ?? 'unknown'})`).join(', ')} (item ${itemIndex})`,
				{ itemIndex, description: 'Raise Timeout, or use Get Status later. The signer must approve the request with their OTP/PIN.' },
			);
			if (!this.continueOnFail()) throw error;
			errors.push(errorItem(error, itemIndex));
			perItem.delete(itemIndex);
		}
	}
	return statusItems(this, perItem, errors, waited.statuses, (entry) => (entry && !entry.final ? { timedOut: true } : {}));
}

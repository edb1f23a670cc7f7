import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { inputError, itemLabel, runBatched, type Entry } from '../../../shared/n8n/items';
import { asSentence, parseSessionIds } from '../../protocol/status';
import { getStatuses, isNoContent, STATUS_IDS_PER_REQUEST, type StatusEntry } from '../../transport/api';
import { checkApiCredential, statusJson, waitForSessions } from '../common';

export const sessionIdsField: INodeProperties = {
	displayName: 'Session IDs',
	name: 'sessionIds',
	type: 'string',
	default: '={{ $json.sessionId }}',
	required: true,
	description: 'One or more SessionIDs (comma-separated or an array). The IDs of all items are checked together.',
};

const properties: INodeProperties[] = [
	sessionIdsField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'IDs per Request',
				name: 'chunkSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: STATUS_IDS_PER_REQUEST,
				description: 'Most session IDs asked for in one status request (36 keeps the URL under IIS\'s 2,048-character query limit)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['request'], operation: ['getStatus'] } }, properties);

/** One item's session ids, checked (with the API credential) before any request. */
async function readSessionIds(ctx: IExecuteFunctions, itemIndex: number): Promise<string[]> {
	const ids = parseSessionIds(ctx.getNodeParameter('sessionIds', itemIndex, ''));
	const bad = ids.find((id) => id.length > 128 || /[\u0000-\u001f]/.test(id));
	if (ids.length === 0 || bad !== undefined) {
		throw inputError(ctx.getNode(), itemIndex, 'Session IDs', ids.length === 0 ? 'is empty' : 'holds a value that is not a session id (too long or with control characters)');
	}
	await checkApiCredential(ctx, itemIndex);
	return ids;
}

/** The ids of all items, each once: one status query covers every item. */
const allIds = (entries: Array<Entry<string[]>>) => [...new Set(entries.flatMap((entry) => entry.payload))];

function statusItems(ids: string[], statuses: Map<string, StatusEntry>, extra: (entry: StatusEntry | undefined) => IDataObject = () => ({})): INodeExecutionData[] {
	return ids.map((id) => {
		const entry = statuses.get(id);
		return { json: { sessionId: id, ...statusJson(entry), ...(entry && !entry.found ? { status: 'notFound' } : {}), ...extra(entry) } };
	});
}

/** Outside a wait, a 204 to the status query is an answer without a result: say so on each item. */
const noStatusYet = (ctx: IExecuteFunctions) => (error: unknown, itemIndex: number) => {
	if (!isNoContent(error as Error)) return error;
	const phrase = (error as Error).message;
	return new NodeOperationError(ctx.getNode(), `Firmador has no status for these session IDs yet (HTTP 204${phrase ? `: ${asSentence(phrase).replace(/\.$/, '')}` : ''}) ${itemLabel(itemIndex)}`, {
		itemIndex,
		description: 'Try again later, or use Request → Wait for Completion.',
	});
};

export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	return await runBatched<string[]>(this, {
		batchSize: Infinity,
		prepare: async (itemIndex) => await readSessionIds(this, itemIndex),
		send: async (entries) => {
			const statuses = await getStatuses.call(this, allIds(entries), Number(options.chunkSize ?? STATUS_IDS_PER_REQUEST));
			return entries.map((entry) => statusItems(entry.payload, statuses));
		},
		groupError: noStatusYet(this),
	});
}

export async function executeWait(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const errorOnTimeout = options.errorOnTimeout !== false;
	return await runBatched<string[]>(this, {
		batchSize: Infinity,
		prepare: async (itemIndex) => await readSessionIds(this, itemIndex),
		send: async (entries) => {
			const waited = await waitForSessions(this, allIds(entries), options.pollInterval ?? 5, options.timeout ?? 300, Number(options.chunkSize ?? STATUS_IDS_PER_REQUEST));
			return entries.map(({ itemIndex, payload: ids }) => {
				const stillPending = ids.filter((id) => !waited.statuses.get(id)?.final);
				if (waited.timedOut && errorOnTimeout && stillPending.length > 0) {
					return new NodeOperationError(
						this.getNode(),
						`Not finished after ${Math.round(waited.waitedMs / 1000)} s: ${stillPending.map((id) => `${id} (${waited.statuses.get(id)?.status ?? 'unknown'})`).join(', ')} ${itemLabel(itemIndex)}`,
						{ itemIndex, description: 'Raise Timeout, or use Get Status later. The signer must approve the request with their OTP/PIN.' },
					);
				}
				return statusItems(ids, waited.statuses, (entry) => (entry && !entry.final ? { timedOut: true } : {}));
			});
		},
		groupError: noStatusYet(this),
	});
}

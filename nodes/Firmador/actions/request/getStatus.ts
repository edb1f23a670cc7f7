import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { inputError, itemLabel, runBatched, type Entry } from '../../../shared/n8n/items';
import { parseSessionIds } from '../../protocol/status';
import { getStatuses, STATUS_IDS_PER_REQUEST, type StatusEntry } from '../../transport/api';
import { checkApiCredential, rejectedSessionsError, statusJson, waitForSessions } from '../common';

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

/** One item's output: a status item per id, or the error of an item whose ids Firmador refused (204 + phrase). */
function statusItems(
	ctx: IExecuteFunctions,
	itemIndex: number,
	ids: string[],
	statuses: Map<string, StatusEntry>,
	extra: (entry: StatusEntry | undefined) => IDataObject = () => ({}),
): INodeExecutionData[] | Error {
	const refused = rejectedSessionsError(ctx, itemIndex, ids, statuses);
	if (refused) return refused;
	return ids.map((id) => {
		const entry = statuses.get(id);
		return { json: { sessionId: id, ...statusJson(entry), ...extra(entry) } };
	});
}

export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	return await runBatched<string[]>(this, {
		batchSize: Infinity,
		prepare: async (itemIndex) => await readSessionIds(this, itemIndex),
		send: async (entries) => {
			const statuses = await getStatuses.call(this, allIds(entries), Number(options.chunkSize ?? STATUS_IDS_PER_REQUEST));
			return entries.map((entry) => statusItems(this, entry.itemIndex, entry.payload, statuses));
		},
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
				const refused = rejectedSessionsError(this, itemIndex, ids, waited.statuses);
				if (refused) return refused;
				const stillPending = ids.filter((id) => !waited.statuses.get(id)?.final);
				if (waited.timedOut && errorOnTimeout && stillPending.length > 0) {
					return new NodeOperationError(
						this.getNode(),
						`Not finished after ${Math.round(waited.waitedMs / 1000)} s: ${stillPending.map((id) => `${id} (${waited.statuses.get(id)?.status ?? 'unknown'})`).join(', ')} ${itemLabel(itemIndex)}`,
						{ itemIndex, description: 'Raise Timeout, or use Get Status later. The signer must approve the request with their OTP/PIN.' },
					);
				}
				return statusItems(this, itemIndex, ids, waited.statuses, (entry) => (entry && !entry.final ? { timedOut: true } : {}));
			});
		},
	});
}

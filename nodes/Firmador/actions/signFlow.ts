/**
 * The one signing flow of Document, Hash and XML → Sign: every item checked first, then (for documents)
 * the uploads, then one request per item or one per batch of items (the `…Masivo` endpoints), the session
 * id on every item of its request, and, with Wait for Completion on, one status poll for all of them.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { failItemKeeping, runBatched, type BatchedOptions } from '../../shared/n8n/items';
import { firmadorRequest, sessionIdFrom, waitForSessions } from '../transport/api';
import { checkSameSignerAsFirst, readWait, rejectedSessionsError, statusJson } from './common';

export interface Signer {
	cuil: string;
	cuit: string;
}

export interface SignFlow<P extends { person: Signer }, S extends { person: Signer }> {
	/** The endpoint for one item alone; absent when the service signs this kind only in batches (XML). */
	single?: { path: string; body: (person: Signer, payload: S) => IDataObject };
	/** The batch endpoint: `key` holds one entry per item. */
	batch: { path: string; key: string; entry: (payload: S) => IDataObject };
	/**
	 * Reads and checks one item before anything is sent. `signer` checks the item's signer (`validatedPerson`)
	 * against the first item's when the items share a request, at the point the operation reads it.
	 */
	prepare: (itemIndex: number, signer: (person: Signer) => Signer) => Promise<P>;
	/** What each output item says about its own input, besides the session id. */
	output: (payload: S) => IDataObject;
	stage?: BatchedOptions<P, S>['stage'];
	around?: BatchedOptions<P, S>['around'];
	stageConcurrency?: number;
}

export async function runSignFlow<P extends { person: Signer }, S extends { person: Signer } = P>(
	ctx: IExecuteFunctions,
	flow: SignFlow<P, S>,
): Promise<INodeExecutionData[]> {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const batched = flow.single === undefined || options.batch === true;
	const output = await runBatched<P, S>(ctx, {
		batchSize: batched ? Number(options.batchSize ?? 50) : 1,
		// One request carries one CUILPersona / CUITEmpresa.
		prepare: async (itemIndex) =>
			await flow.prepare(itemIndex, (person) => {
				if (batched) checkSameSignerAsFirst(ctx, itemIndex, person);
				return person;
			}),
		stage: flow.stage,
		around: flow.around,
		stageConcurrency: flow.stageConcurrency,
		send: async (entries, batchNumber) => {
			const person = entries[0].payload.person;
			const [path, body] =
				batched || !flow.single
					? [
							flow.batch.path,
							{ CUILPersona: person.cuil, CUITEmpresa: person.cuit, [flow.batch.key]: entries.map((e) => flow.batch.entry(e.payload)) },
						]
					: [flow.single.path, flow.single.body(person, entries[0].payload)];
			const sessionId = sessionIdFrom(ctx, await firmadorRequest.call(ctx, 'POST', path, { body }), path);
			return entries.map((e) => ({
				json: { sessionId, ...flow.output(e.payload), ...(batched ? { batch: batchNumber, batchItems: entries.length } : {}) },
			}));
		},
	});
	return await waitForSignatures(ctx, output);
}

/** Wait for Completion on a sign operation: one status poll for every session id in the output. */
async function waitForSignatures(ctx: IExecuteFunctions, output: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	if (ctx.getNodeParameter('waitForCompletion', 0, false) !== true) return output;
	const ids = [...new Set(output.map((o) => o.json.sessionId).filter((id): id is string => typeof id === 'string'))];
	if (ids.length === 0) return output;
	const itemOf = (item: INodeExecutionData) => (item.pairedItem as { item?: number } | undefined)?.item ?? 0;
	let waited: Awaited<ReturnType<typeof waitForSessions>>;
	try {
		waited = await waitForSessions.call(ctx, ids, readWait(ctx, 0));
	} catch (error) {
		// The requests exist already: their session ids must not be lost with the error.
		const failure = new NodeOperationError(
			ctx.getNode(),
			`Waiting for the signature failed after the request was sent: ${(error as Error).message}`,
			{
				description: `Session IDs: ${ids.join(', ')}. Use Request → Wait for Completion with them.`,
				itemIndex: 0,
			},
		);
		return output.map((item) => (item.json.sessionId ? failItemKeeping(ctx, failure, itemOf(item), item) : item));
	}
	return output.map((item) => {
		const id = item.json.sessionId as string | undefined;
		if (!id) return item;
		const refused = rejectedSessionsError(ctx, itemOf(item), [id], waited.statuses);
		if (refused) return failItemKeeping(ctx, refused, itemOf(item), item);
		return {
			...item,
			json: {
				...item.json,
				...statusJson(waited.statuses.get(id)),
				...(waited.timedOut && !waited.statuses.get(id)?.final ? { timedOut: true } : {}),
			},
		};
	});
}

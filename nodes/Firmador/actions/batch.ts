/**
 * Operations that may send many items in one request: every item is validated first (no request or
 * upload happens while any item is still unchecked), then an optional per-item stage (an upload), then
 * the request(s) in chunks. Continue-on-fail works per item; a rejected chunk marks every item it carried.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { asNodeError as sharedAsNodeError, errorItem } from '../../shared/n8n/items';
import { chunk } from '../../shared/firmadorStatus';

export interface Entry<P> {
	itemIndex: number;
	payload: P;
}

/** The shared item mechanism: the error names its item (context.itemIndex) even when it is n8n's own. */
const asNodeError = (ctx: IExecuteFunctions, error: unknown, itemIndex: number) => sharedAsNodeError(ctx.getNode(), error, itemIndex);

export async function runBatched<P, S>(
	ctx: IExecuteFunctions,
	options: {
		batchSize: number;
		prepare: (itemIndex: number) => Promise<P>;
		stage?: (entry: Entry<P>) => Promise<S>;
		send: (entries: Array<Entry<S>>, batchNumber: number) => Promise<INodeExecutionData[]>;
		/** Runs once around the stage + send phases when at least one item survived validation (e.g. an SFTP connection). */
		around?: <T>(work: () => Promise<T>) => Promise<T>;
		/** How many items are staged at once (default 1: one after the other). */
		stageConcurrency?: number;
	},
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	if (items.length === 0) throw new NodeOperationError(ctx.getNode(), 'There are no input items to send');
	const results = new Map<number, INodeExecutionData[]>();
	const fail = (itemIndex: number, error: unknown) => {
		const nodeError = asNodeError(ctx, error, itemIndex);
		if (!ctx.continueOnFail()) throw nodeError;
		results.set(itemIndex, [errorItem(nodeError, itemIndex)]);
	};
	const prepared: Array<Entry<P>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared.push({ itemIndex, payload: await options.prepare(itemIndex) });
		} catch (error) {
			fail(itemIndex, error);
		}
	}
	const work = async () => {
		// Several stages at once (uploads on one SFTP connection overlap their round trips); results keep item order.
		const slots: Array<Entry<S> | undefined> = new Array(prepared.length);
		let next = 0;
		let stop: { error: unknown } | undefined;
		const worker = async () => {
			while (next < prepared.length && !stop) {
				const position = next++;
				const entry = prepared[position];
				try {
					slots[position] = { itemIndex: entry.itemIndex, payload: options.stage ? await options.stage(entry) : (entry.payload as unknown as S) };
				} catch (error) {
					try {
						fail(entry.itemIndex, error);
					} catch (thrown) {
						stop ??= { error: thrown }; // without continue-on-fail: no new stage starts
					}
				}
			}
		};
		const workers = Math.max(1, Math.min(options.stageConcurrency ?? 1, prepared.length));
		await Promise.all(Array.from({ length: workers }, worker));
		if (stop) throw stop.error;
		const staged = slots.filter((entry): entry is Entry<S> => entry !== undefined);
		let batchNumber = 0;
		for (const group of chunk(staged, options.batchSize)) {
			batchNumber++;
			try {
				const output = await options.send(group, batchNumber);
				group.forEach((entry, i) => results.set(entry.itemIndex, [{ ...output[i], pairedItem: { item: entry.itemIndex } }]));
			} catch (error) {
				if (!ctx.continueOnFail()) {
					const first = group[0].itemIndex;
					throw asNodeError(ctx, error, first);
				}
				for (const entry of group) results.set(entry.itemIndex, [errorItem(asNodeError(ctx, error, entry.itemIndex), entry.itemIndex)]);
			}
		}
	};
	if (prepared.length > 0) {
		try {
			if (options.around) await options.around(work);
			else await work();
		} catch (error) {
			// A failure around the work (e.g. the SFTP connection) reaches every item still without a result.
			for (const entry of prepared) if (!results.has(entry.itemIndex)) fail(entry.itemIndex, error);
		}
	}
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) output.push(...(results.get(itemIndex) ?? []));
	return output;
}

/**
 * How every action node handles its items, in one of two modes:
 * - runPerItem: each item on its own;
 * - runBatched: every item checked first, then an optional per-item stage, then requests that carry
 *   several items each.
 * In both, errors name their item, continue-on-fail turns an error into an output item for that item
 * only (one failing item never drops the others), and every output item carries pairedItem.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
} from 'n8n-workflow';

import { itemLabel, withContext } from '../errors';

export { inputError, itemLabel, withContext } from '../errors';

/** The output item of a failed item under continue-on-fail. */
function errorItem(error: NodeOperationError | NodeApiError, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	const description = (error as NodeApiError).description;
	if (description) json.errorDescription = description;
	const httpCode = (error as NodeApiError).httpCode;
	if (httpCode) json.httpCode = httpCode;
	const context = (error as { context?: IDataObject }).context ?? {};
	for (const [key, value] of Object.entries(context)) {
		// n8n puts its own bookkeeping in context; keep only what we attached on purpose.
		if (key === 'itemIndex' || key === 'runIndex' || key === 'parameter') continue;
		if (value === undefined) continue;
		json[key] = value;
	}
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * n8n's "Continue (using error output)" moves an item to the Error output only when its json holds nothing but
 * error / message / details (an item's own `error` would do too, but n8n then replaces its json with the message
 * alone, losing e.g. a session id). So there, everything beside `error` goes under `details`, with the item's number.
 */
function errorOutputJson(ctx: IExecuteFunctions, json: IDataObject, itemIndex: number): IDataObject {
	if (ctx.getNode().onError !== 'continueErrorOutput') return json;
	const { error, ...rest } = json;
	// Every error item has the same two columns in the editor's table (none shows "undefined"); `item` counts from 1.
	return { error, details: { item: itemIndex + 1, ...rest } };
}

/** Any error as an n8n error that names its item (context.itemIndex; the message for non-n8n errors). */
function asNodeError(node: INode, error: unknown, itemIndex: number): NodeOperationError | NodeApiError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) {
		if (error.context && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		// A service's answer names no item (one request may carry several): the message says which one failed.
		if (!/\(item \d+\)/.test(error.message)) error.message = `${error.message} ${itemLabel(itemIndex)}`;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	// A plain error's description (e.g. the SFTP transport's advice) and context travel along.
	const description = (error as { description?: string }).description;
	const converted = new NodeOperationError(node, `${message} ${itemLabel(itemIndex)}`, { itemIndex, description });
	const context = (error as { context?: IDataObject }).context;
	return context ? withContext(converted, context) : converted;
}

/**
 * Continue-on-fail for one item, the only place it is decided: without it the error (naming the item)
 * stops the node; with it the item becomes an error item. For results found after other output of the
 * same item (e.g. one entry of a signed session), the caller passes the item's own lineage.
 */
export function failItem(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	pairedItem?: INodeExecutionData['pairedItem'],
): INodeExecutionData {
	const nodeError = asNodeError(ctx.getNode(), error, itemIndex);
	if (!ctx.continueOnFail()) throw nodeError;
	const item = errorItem(nodeError, itemIndex);
	item.json = errorOutputJson(ctx, item.json, itemIndex);
	return pairedItem ? { ...item, pairedItem } : item;
}

/**
 * failItem for an item that already has output (e.g. the session id of a request sent before the wait failed):
 * its fields stay beside the error's, and with the error output they go under `details` like the rest.
 */
export function failItemKeeping(ctx: IExecuteFunctions, error: unknown, itemIndex: number, item: INodeExecutionData): INodeExecutionData {
	const nodeError = asNodeError(ctx.getNode(), error, itemIndex);
	if (!ctx.continueOnFail()) throw nodeError;
	return { ...item, json: errorOutputJson(ctx, { ...item.json, ...errorItem(nodeError, itemIndex).json }, itemIndex) };
}

/** Items the router refused before an all-items operation ran (an options value outside its list), per execution context. */
const refusedBeforeBatch = new WeakMap<object, Map<number, Error>>();

/** Runs an all-items operation with these items refused: runBatched and runPerItem fail each of them before any work on it. */
export async function refuseItemsBeforeBatch<T>(ctx: IExecuteFunctions, refused: Map<number, Error>, run: () => Promise<T>): Promise<T> {
	if (refused.size === 0) return await run();
	refusedBeforeBatch.set(ctx, refused);
	try {
		return await run();
	} finally {
		refusedBeforeBatch.delete(ctx);
	}
}

export type ItemHandler = (itemIndex: number) => Promise<INodeExecutionData | INodeExecutionData[]>;

/** Runs `handle` for every input item, in order. */
export async function runPerItem(ctx: IExecuteFunctions, handle: ItemHandler): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	const refused = refusedBeforeBatch.get(ctx);
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const early = refused?.get(itemIndex);
			if (early) throw early;
			const result = await handle(itemIndex);
			for (const item of Array.isArray(result) ? result : [result]) {
				output.push({ ...item, pairedItem: item.pairedItem ?? { item: itemIndex } });
			}
		} catch (error) {
			output.push(failItem(ctx, error, itemIndex));
		}
	}
	return output;
}

export interface Entry<P> {
	itemIndex: number;
	payload: P;
}

/** What a batch request gives each of its items: output item(s), or an error of that item alone. */
export type EntryResult = INodeExecutionData | INodeExecutionData[] | Error;

export interface BatchedOptions<P, S> {
	/** Most items per request (Infinity: all in one). */
	batchSize: number;
	/** Reads and checks one item; nothing is sent while any item is still unchecked. */
	prepare: (itemIndex: number) => Promise<P>;
	/** Per-item work before the requests (e.g. an upload). */
	stage?: (entry: Entry<P>) => Promise<S>;
	/** One request for a group of items: one result per entry, in order. */
	send: (entries: Array<Entry<S>>, batchNumber: number) => Promise<EntryResult[]>;
	/** Runs once around the stage + send phases when at least one item survived validation (e.g. an SFTP connection). */
	around?: <T>(work: () => Promise<T>) => Promise<T>;
	/** The error each item of a failed request gets (default: the request's error). */
	groupError?: (error: unknown, itemIndex: number) => unknown;
	/** How many items are staged at once (default 1: one after the other). */
	stageConcurrency?: number;
}

export async function runBatched<P, S = P>(ctx: IExecuteFunctions, options: BatchedOptions<P, S>): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const refused = refusedBeforeBatch.get(ctx);
	if (items.length === 0) throw new NodeOperationError(ctx.getNode(), 'There are no input items to send');
	const results = new Map<number, INodeExecutionData[]>();
	const fail = (itemIndex: number, error: unknown) => {
		results.set(itemIndex, [failItem(ctx, error, itemIndex)]);
	};
	const groupError = options.groupError ?? ((error: unknown) => error);
	const prepared: Array<Entry<P>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const early = refused?.get(itemIndex);
			if (early) throw early;
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
					slots[position] = {
						itemIndex: entry.itemIndex,
						payload: options.stage ? await options.stage(entry) : (entry.payload as unknown as S),
					};
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
		const size = Math.max(1, options.batchSize);
		for (let start = 0, batchNumber = 1; start < staged.length; start += size, batchNumber++) {
			const group = staged.slice(start, start + size);
			let output: EntryResult[];
			try {
				output = await options.send(group, batchNumber);
			} catch (error) {
				if (!ctx.continueOnFail()) throw asNodeError(ctx.getNode(), groupError(error, group[0].itemIndex), group[0].itemIndex);
				for (const entry of group) fail(entry.itemIndex, groupError(error, entry.itemIndex));
				continue;
			}
			group.forEach((entry, i) => {
				const result = output[i];
				if (result instanceof Error) return fail(entry.itemIndex, result);
				const list = Array.isArray(result) ? result : [result];
				results.set(
					entry.itemIndex,
					list.map((item) => ({ ...item, pairedItem: item.pairedItem ?? { item: entry.itemIndex } })),
				);
			});
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

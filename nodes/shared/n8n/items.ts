/**
 * The per-item loop every action node shares: each item is handled on its own, errors name the item,
 * continue-on-fail turns an error into an output item for that item only, and every output item carries
 * pairedItem. The only shared module that imports n8n-workflow, besides binary.ts.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** `(item 3)`: n8n's own item numbering is zero-based (pairedItem, "Item Index" in the editor). */
export const itemLabel = (itemIndex: number) => `(item ${itemIndex})`;

/** A local problem found before any request: names the field and the item. */
export function inputError(node: INode, itemIndex: number, field: string, problem: string, description?: string) {
	return new NodeOperationError(node, `${field} ${problem} ${itemLabel(itemIndex)}`, { itemIndex, description });
}

/** Extra, non-secret facts an error carries into its continue-on-fail item (e.g. an automation id). */
export function withContext<E extends Error>(error: E, context: IDataObject): E {
	const holder = error as E & { context?: IDataObject };
	holder.context = { ...(holder.context ?? {}), ...context };
	return holder;
}

export function errorItem(error: Error, itemIndex: number): INodeExecutionData {
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

/** Any error as an n8n error that names its item (context.itemIndex; the message for non-n8n errors). */
export function asNodeError(node: INode, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) {
		if (error.context && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	// A plain error's description (e.g. the SFTP transport's advice) and context travel along.
	const description = (error as { description?: string }).description;
	const converted = new NodeOperationError(node, `${message} ${itemLabel(itemIndex)}`, { itemIndex, description });
	const context = (error as { context?: IDataObject }).context;
	return context ? withContext(converted, context) : converted;
}

export type ItemHandler = (itemIndex: number) => Promise<INodeExecutionData | INodeExecutionData[]>;

/** Runs `handle` for every input item, in order. */
export async function runPerItem(ctx: IExecuteFunctions, handle: ItemHandler): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await handle(itemIndex);
			for (const item of Array.isArray(result) ? result : [result]) {
				output.push({ ...item, pairedItem: item.pairedItem ?? { item: itemIndex } });
			}
		} catch (error) {
			const nodeError = asNodeError(ctx.getNode(), error, itemIndex);
			if (!ctx.continueOnFail()) throw nodeError;
			output.push(errorItem(nodeError, itemIndex));
		}
	}
	return output;
}

/**
 * How every error of the package names its item and field and carries its facts. Transports and
 * operations build errors with these; the item layer (n8n/items.ts) turns them into error items.
 */
import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';

/** `(item 3)` for itemIndex 2: counted from 1, as a person counts the rows of the editor's output table (itemIndex stays 0-based in the error's context). */
export const itemLabel = (itemIndex: number) => `(item ${itemIndex + 1})`;

/** A local problem found before any request: names the field and the item. */
export function inputError(node: INode, itemIndex: number, field: string, problem: string, description?: string) {
	return new NodeOperationError(node, `${field} ${problem} ${itemLabel(itemIndex)}`, { itemIndex, description });
}

/**
 * Extra, non-secret facts an error carries into its continue-on-fail item (e.g. an automation id, the
 * request path). Transports attach them; the item layer copies them into the error item.
 */
export function withContext<E extends Error>(error: E, context: IDataObject): E {
	const holder = error as E & { context?: IDataObject };
	holder.context = { ...(holder.context ?? {}), ...context };
	return holder;
}

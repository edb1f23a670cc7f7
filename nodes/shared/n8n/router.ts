/**
 * The one dispatcher of the action nodes: resource + operation → the operation's module. An operation
 * runs item by item (`execute(itemIndex)`, through runPerItem) or over all items at once
 * (`executeAll()`, for operations that batch items into one request, through runBatched).
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { refuseItemsBeforeBatch, runPerItem } from './items';
import { checkOptionValues } from './optionValues';

export interface PerItemOperation {
	description: INodeProperties[];
	execute: (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData | INodeExecutionData[]>;
}

export interface AllItemsOperation {
	description: INodeProperties[];
	executeAll: (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;
}

export type Operation = PerItemOperation | AllItemsOperation;

/** n8n's own subtitle of resource/operation nodes: "sign: document" under the node on the canvas. */
export const OPERATION_SUBTITLE = '={{$parameter["operation"] + ": " + $parameter["resource"]}}';

/**
 * resource → operation → module, as the node's Resource and Operation fields name them. A node passes its
 * own resource/operation names (its `node.type.ts`), so a missing or misspelt operation does not compile.
 */
export type OperationMap<T extends Record<string, string> = Record<string, string>> = { [R in keyof T]: { [O in T[R]]: Operation } };

/** The "Operation" field of one resource, shown only for it. */
export function operationField(
	resource: string,
	options: NonNullable<INodeProperties['options']>,
	defaultOperation: string,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
}

/** The value n8n adds to Resource and Operation ("Custom API Call") of a node whose credential authenticates requests. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/** n8n offers "Custom API Call" on the node; n8n makes that call with its HTTP Request node and this node's credential. */
function customApiCallError(ctx: IExecuteFunctions): NodeOperationError {
	const credentials = Object.values(ctx.getNode().credentials ?? {})
		.map((c) => c?.name)
		.filter(Boolean);
	return new NodeOperationError(
		ctx.getNode(),
		"Custom API Call runs in n8n's HTTP Request node, with this node's credential: the node itself makes only the operations it lists",
		{
			description:
				"Add an HTTP Request node, set Authentication → Predefined Credential Type and choose this service's credential" +
				(credentials.length ? ` (here: ${credentials.join(', ')})` : '') +
				'. It authenticates the request exactly as this node does (the Firmador credential signs it with HMAC).',
		},
	);
}

export async function route(ctx: IExecuteFunctions, operations: OperationMap): Promise<INodeExecutionData[]> {
	// noDataExpression: the same for every item.
	const resource = ctx.getNodeParameter('resource', 0) as string;
	if (resource === CUSTOM_API_CALL) throw customApiCallError(ctx);
	const operation = ctx.getNodeParameter('operation', 0) as string;
	if (operation === CUSTOM_API_CALL) throw customApiCallError(ctx);
	const action = operations[resource]?.[operation];
	if (!action) throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	if ('executeAll' in action) {
		// Every item's options values are checked here too: runBatched fails the refused items before anything is sent.
		const refused = new Map<number, Error>();
		ctx.getInputData().forEach((_item, itemIndex) => {
			try {
				checkOptionValues(ctx, itemIndex, action.description);
			} catch (error) {
				refused.set(itemIndex, error as Error);
			}
		});
		return await refuseItemsBeforeBatch(ctx, refused, async () => await action.executeAll.call(ctx));
	}
	return await runPerItem(ctx, async (itemIndex) => {
		checkOptionValues(ctx, itemIndex, action.description);
		return await action.execute.call(ctx, itemIndex);
	});
}

/**
 * n8n holds a parameter to its options list in the editor, not when the value comes from an expression
 * (e.g. `{{ $json.format }}`): every node checks its options-type values here before any request.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { inputError } from './items';

function showMatches(property: INodeProperties, resource: string, operation: string): boolean {
	const show = property.displayOptions?.show ?? {};
	if (show.resource && !show.resource.includes(resource)) return false;
	if (show.operation && !show.operation.includes(operation)) return false;
	return true;
}

function checkValue(ctx: IExecuteFunctions, itemIndex: number, property: INodeProperties, value: unknown, label: string) {
	if (value === undefined || value === null || !Array.isArray(property.options)) return; // lists loaded from the API are checked by the service
	const allowed = (property.options as INodePropertyOptions[]).map((o) => o.value);
	if (!allowed.includes(value as string)) {
		throw inputError(ctx.getNode(), itemIndex, label, `"${String(value)}" is not one of: ${allowed.join(', ')}`);
	}
}

/**
 * n8n does not enforce an options list when the value comes from an expression: every options-type
 * field of the current operation (top level and inside Options collections) is checked against its list.
 */
export function checkOptionValues(ctx: IExecuteFunctions, itemIndex: number, properties: INodeProperties[]) {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	for (const property of properties) {
		if (!showMatches(property, resource, operation)) continue;
		if (property.type === 'options') {
			checkValue(ctx, itemIndex, property, ctx.getNodeParameter(property.name, itemIndex, undefined), property.displayName);
		} else if (property.type === 'collection') {
			const collection = ctx.getNodeParameter(property.name, itemIndex, {}) as IDataObject;
			for (const option of (property.options ?? []) as INodeProperties[]) {
				if (option.type === 'options' && option.name in (collection ?? {})) {
					checkValue(ctx, itemIndex, option, collection[option.name], `${property.displayName} → ${option.displayName}`);
				}
			}
		}
	}
}


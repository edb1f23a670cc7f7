/**
 * n8n holds a parameter to its options list in the editor, not when the value comes from an expression
 * (e.g. `{{ $json.format }}`): every node checks its options-type values here before any request.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';

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
 * Every options value inside `value`, as the property declares it: the property itself (options, or each
 * element of multiOptions), the fields of a collection, and each entry of a fixedCollection's groups (one
 * entry, or a list with multipleValues), at any depth. Only the fields present are checked.
 */
function checkNested(ctx: IExecuteFunctions, itemIndex: number, property: INodeProperties, value: unknown, label: string) {
	if (value === undefined || value === null) return;
	if (property.type === 'options') return checkValue(ctx, itemIndex, property, value, label);
	if (property.type === 'multiOptions') {
		for (const element of Array.isArray(value) ? value : [value]) checkValue(ctx, itemIndex, property, element, label);
		return;
	}
	if (typeof value !== 'object' || Array.isArray(value)) return;
	const record = value as IDataObject;
	if (property.type === 'collection') {
		for (const field of (property.options ?? []) as INodeProperties[]) {
			if (field.name in record) checkNested(ctx, itemIndex, field, record[field.name], `${label} → ${field.displayName}`);
		}
	} else if (property.type === 'fixedCollection') {
		for (const group of (property.options ?? []) as INodePropertyCollection[]) {
			const entries = record[group.name];
			if (entries === undefined || entries === null) continue;
			const list = Array.isArray(entries) ? entries : [entries];
			list.forEach((entry, i) => {
				if (!entry || typeof entry !== 'object') return;
				const groupLabel = `${label} → ${group.displayName}${Array.isArray(entries) ? ` ${i + 1}` : ''}`;
				for (const field of group.values ?? []) {
					if (field.name in entry)
						checkNested(ctx, itemIndex, field, (entry as IDataObject)[field.name], `${groupLabel} → ${field.displayName}`);
				}
			});
		}
	}
}

/**
 * n8n does not enforce an options list when the value comes from an expression: every options-type
 * field of the current operation is checked against its list, wherever it sits (top level, collections,
 * fixedCollections, nested).
 */
export function checkOptionValues(ctx: IExecuteFunctions, itemIndex: number, properties: INodeProperties[]) {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	for (const property of properties) {
		if (!showMatches(property, resource, operation)) continue;
		if (!['options', 'multiOptions', 'collection', 'fixedCollection'].includes(property.type)) continue;
		// null, not undefined: n8n throws "Could not get parameter" for a field hidden by its displayOptions when the fallback is undefined.
		const fallback = property.type === 'options' || property.type === 'multiOptions' ? null : {};
		checkNested(ctx, itemIndex, property, ctx.getNodeParameter(property.name, itemIndex, fallback), property.displayName);
	}
}

/**
 * The public surface of the package, as workflows and credentials refer to it: every node's and
 * credential's parameter names (nested options as paths), their types, defaults and option values, each
 * node's version, and (from runs against the simulators) the keys each operation outputs. Committed as
 * test/surface.json: a change to any of it is a change to users' workflows, made on purpose (the file
 * rewritten with UPDATE_SURFACE=1) and with the node's version raised.
 */
import type { ICredentialType, INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeType } from 'n8n-workflow';

export interface ParameterSurface {
	type: string;
	default?: unknown;
	values?: Array<string | number | boolean>;
}

export interface NodeSurface {
	version: number | number[];
	credentials?: string[];
	parameters: Record<string, ParameterSurface>;
	outputs?: Record<string, string[]>;
}

export interface Surface {
	nodes: Record<string, NodeSurface>;
	credentials: Record<string, { parameters: Record<string, ParameterSurface> }>;
}

/** A parameter declared twice under one name (per resource/operation) has every one of its types, defaults and values. */
function addParameter(into: Record<string, ParameterSurface>, path: string, property: INodeProperties) {
	const entry: ParameterSurface = { type: property.type };
	if (property.default !== undefined && typeof property.default !== 'object') entry.default = property.default;
	const values = (property.options ?? [])
		.filter((o): o is INodePropertyOptions => typeof o === 'object' && o !== null && 'value' in o)
		.map((o) => o.value as string | number | boolean);
	if (values.length > 0) entry.values = values;
	const key = into[path] ? `${path} (${Object.keys(into).filter((k) => k === path || k.startsWith(`${path} (`)).length + 1})` : path;
	const same = Object.entries(into).find(
		([k, v]) => (k === path || k.startsWith(`${path} (`)) && JSON.stringify(v) === JSON.stringify(entry),
	);
	if (!same) into[key] = entry;
	for (const option of property.options ?? []) {
		if (typeof option !== 'object' || option === null) continue;
		if ('displayName' in option && 'type' in option)
			addParameter(into, `${path}.${(option as INodeProperties).name}`, option as INodeProperties);
		else if ('values' in option)
			for (const inner of (option as INodePropertyCollection).values) addParameter(into, `${path}.${option.name}.${inner.name}`, inner);
	}
}

export function parametersOf(properties: INodeProperties[]): Record<string, ParameterSurface> {
	const into: Record<string, ParameterSurface> = {};
	for (const property of properties) {
		if (property.type === 'notice') continue;
		addParameter(into, property.name, property);
	}
	return Object.fromEntries(Object.entries(into).sort(([a], [b]) => a.localeCompare(b)));
}

export function nodeSurface(node: INodeType, outputs?: Record<string, string[]>): NodeSurface {
	const d = node.description;
	return {
		version: d.version,
		...(d.credentials?.length ? { credentials: d.credentials.map((c) => c.name) } : {}),
		parameters: parametersOf(d.properties),
		...(outputs ? { outputs } : {}),
	};
}

export function credentialSurface(credential: ICredentialType) {
	return { parameters: parametersOf(credential.properties) };
}

/** Lines that differ between two surfaces, for a message a person can read. */
export function surfaceDiff(committed: unknown, current: unknown): string[] {
	const flat = (value: unknown, prefix = '', out = new Map<string, string>()) => {
		if (value && typeof value === 'object' && !Array.isArray(value)) {
			for (const [k, v] of Object.entries(value)) flat(v, prefix ? `${prefix} › ${k}` : k, out);
		} else out.set(prefix, JSON.stringify(value));
		return out;
	};
	const a = flat(committed);
	const b = flat(current);
	const lines: string[] = [];
	for (const [k, v] of a)
		if (!b.has(k)) lines.push(`- ${k}: ${v}`);
		else if (b.get(k) !== v) lines.push(`~ ${k}: ${v} → ${b.get(k)}`);
	for (const [k, v] of b) if (!a.has(k)) lines.push(`+ ${k}: ${v}`);
	return lines;
}

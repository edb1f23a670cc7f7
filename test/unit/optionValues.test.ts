/**
 * checkOptionValues holds every options value to its list wherever it sits: top level, multiOptions,
 * collections, fixedCollections (one entry or multipleValues), and those nested in each other.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkOptionValues } from '../../nodes/shared/n8n/optionValues';

const colour: INodeProperties = {
	displayName: 'Colour',
	name: 'colour',
	type: 'options',
	options: [
		{ name: 'Red', value: 'red' },
		{ name: 'Blue', value: 'blue' },
	],
	default: 'red',
};
const show = { show: { resource: ['thing'], operation: ['make'] } };

const properties: INodeProperties[] = [
	{ ...colour, displayOptions: show },
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'multiOptions',
		options: [
			{ name: 'A', value: 'a' },
			{ name: 'B', value: 'b' },
		],
		default: [],
		displayOptions: show,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		default: {},
		displayOptions: show,
		options: [
			colour,
			{
				displayName: 'Parts',
				name: 'parts',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{ displayName: 'Part', name: 'part', values: [colour, { displayName: 'Label', name: 'label', type: 'string', default: '' }] },
				],
			},
		],
	},
	{
		displayName: 'Shipping',
		name: 'shipping',
		type: 'fixedCollection',
		default: {},
		displayOptions: show,
		options: [{ displayName: 'Address', name: 'address', values: [{ ...colour, displayName: 'Box Colour', name: 'box' }] }],
	},
];

function context(parameters: IDataObject): IExecuteFunctions {
	const all: IDataObject = { resource: 'thing', operation: 'make', ...parameters };
	return {
		getNode: () => ({ name: 'Node', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }),
		getNodeParameter: (name: string, _item: number, fallback?: unknown) => (name in all ? all[name] : fallback),
	} as unknown as IExecuteFunctions;
}

const problem = (parameters: IDataObject): string | undefined => {
	try {
		checkOptionValues(context(parameters), 0, properties);
		return undefined;
	} catch (error) {
		return (error as Error).message;
	}
};

test('values in their lists pass, wherever they sit', () => {
	expect(
		problem({
			colour: 'blue',
			tags: ['a', 'b'],
			options: { colour: 'red', parts: { part: [{ colour: 'blue', label: 'x' }, { colour: 'red' }] } },
			shipping: { address: { box: 'blue' } },
		}),
	).toBeUndefined();
	expect(problem({})).toBeUndefined();
});

test.each([
	[{ colour: 'green' }, 'Colour "green" is not one of: red, blue (item 1)'],
	[{ tags: ['a', 'c'] }, 'Tags "c" is not one of: a, b (item 1)'],
	[{ options: { colour: 'green' } }, 'Options → Colour "green" is not one of: red, blue (item 1)'],
	[{ shipping: { address: { box: 'green' } } }, 'Shipping → Address → Box Colour "green" is not one of: red, blue (item 1)'],
	[
		{ options: { parts: { part: [{ colour: 'red' }, { colour: 'green' }] } } },
		'Options → Parts → Part 2 → Colour "green" is not one of: red, blue (item 1)',
	],
])('%j is refused naming where it sits', (parameters, message) => {
	expect(problem(parameters)).toBe(message);
});

test("a field hidden by its displayOptions (absent from the node's parameters) is skipped, as n8n would throw for an undefined fallback", () => {
	const all: IDataObject = { resource: 'thing', operation: 'make' };
	const strict = {
		getNode: () => ({ name: 'Node', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }),
		// n8n's getNodeParameter: an absent parameter with an undefined fallback throws "Could not get parameter".
		getNodeParameter: (name: string, _item: number, fallback?: unknown) => {
			const value = name in all ? all[name] : fallback;
			if (value === undefined) throw new Error(`Could not get parameter "${name}"`);
			return value;
		},
	} as unknown as IExecuteFunctions;
	expect(() => checkOptionValues(strict, 0, properties)).not.toThrow();
});

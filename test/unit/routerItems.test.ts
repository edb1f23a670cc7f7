/**
 * The router and the item mechanism (nodes/shared/n8n/router.ts, items.ts) through route() itself: dispatch
 * to execute / executeAll, the options-list check for both kinds (an all-items operation included), per-item
 * errors naming the item, continue-on-fail, and pairedItem. Each expectation fails if that piece breaks.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatched, runPerItem } from '../../nodes/shared/n8n/items';
import { route, type OperationMap } from '../../nodes/shared/n8n/router';

const formatField: INodeProperties = {
	displayName: 'Format',
	name: 'format',
	type: 'options',
	options: [
		{ name: 'PEM', value: 'pem' },
		{ name: 'DER', value: 'der' },
	],
	default: 'pem',
	displayOptions: { show: { resource: ['thing'], operation: ['one', 'all', 'allPerItem'] } },
};

/** A minimal IExecuteFunctions: parameters per item, continue-on-fail, a node. */
function context(formats: string[], continueOnFail: boolean, operation: string): IExecuteFunctions {
	const items: INodeExecutionData[] = formats.map((_, i) => ({ json: { i } }));
	return {
		getInputData: () => items,
		getNode: () => ({ id: 'n', name: 'Test Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }),
		continueOnFail: () => continueOnFail,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			if (name === 'resource') return 'thing';
			if (name === 'operation') return operation;
			if (name === 'format') return formats[itemIndex];
			return fallback;
		},
	} as unknown as IExecuteFunctions;
}

const sent: string[][] = [];
const operations: OperationMap = {
	thing: {
		one: {
			description: [formatField],
			async execute(this: IExecuteFunctions, itemIndex: number) {
				if (this.getNodeParameter('format', itemIndex) === 'der') throw new Error('DER refused by the service');
				return { json: { done: itemIndex } };
			},
		},
		all: {
			description: [formatField],
			async executeAll(this: IExecuteFunctions) {
				return await runBatched<string>(this, {
					batchSize: Infinity,
					prepare: async (itemIndex) => String(this.getNodeParameter('format', itemIndex)),
					send: async (entries) => {
						sent.push(entries.map((e) => e.payload));
						return entries.map((e) => ({ json: { format: e.payload } }));
					},
				});
			},
		},
		allPerItem: {
			description: [formatField],
			async executeAll(this: IExecuteFunctions) {
				return await runPerItem(this, async (itemIndex) => ({ json: { format: this.getNodeParameter('format', itemIndex) } }));
			},
		},
	},
};

beforeEach(() => {
	sent.length = 0;
});

describe('route()', () => {
	test('per item: an options value outside its list fails that item, naming the field and the item; the others run; pairedItem on each', async () => {
		const out = await route(context(['pem', '={{bad}}', 'der'], true, 'one'), operations);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json).toEqual({ done: 0 });
		expect(out[1].json.error).toBe('Format "={{bad}}" is not one of: pem, der (item 2)');
		expect(out[2].json.error).toBe('DER refused by the service (item 3)');
	});

	test('all items: the options check runs before anything is sent; the refused item never reaches the request', async () => {
		const out = await route(context(['pem', 'xml', 'der'], true, 'all'), operations);
		expect(sent).toEqual([['pem', 'der']]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[1].json.error).toBe('Format "xml" is not one of: pem, der (item 2)');
		expect(out[2].json).toEqual({ format: 'der' });
	});

	test('all items through runPerItem: the refused item fails, the others run', async () => {
		const out = await route(context(['xml', 'pem'], true, 'allPerItem'), operations);
		expect(out[0].json.error).toBe('Format "xml" is not one of: pem, der (item 1)');
		expect(out[1].json).toEqual({ format: 'pem' });
	});

	test('without continue-on-fail the first bad item stops the node, and nothing is sent', async () => {
		await expect(route(context(['pem', 'xml'], false, 'all'), operations)).rejects.toThrow('Format "xml" is not one of: pem, der (item 2)');
		expect(sent).toEqual([]);
		await expect(route(context(['der'], false, 'one'), operations)).rejects.toThrow('DER refused by the service (item 1)');
	});

	test('an unknown operation is an error, not a silent empty output', async () => {
		await expect(route(context(['pem'], true, 'nope'), operations)).rejects.toThrow('The operation "nope" of "thing" is not supported');
	});
});

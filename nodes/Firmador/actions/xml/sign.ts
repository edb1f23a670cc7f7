import { createHash } from 'node:crypto';

import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError } from '../../../shared/n8n/items';
import { binaryInput, checkApiCredential, signerFields, validatedPerson, waitField, waitOptions } from '../common';
import { runSignFlow } from '../signFlow';

const show = { resource: ['xml'], operation: ['sign'] };

const properties: INodeProperties[] = [
	{
		displayName: 'XML Source',
		name: 'xmlSource',
		type: 'options',
		options: [
			{ name: 'Field', value: 'field', description: 'XML text from a field or expression' },
			{ name: 'Binary File', value: 'binary', description: 'An XML file of the item (UTF-8)' },
		],
		default: 'field',
	},
	{
		displayName: 'XML',
		name: 'xml',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The XML document to sign',
		displayOptions: { show: { xmlSource: ['field'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field that holds the XML file',
		displayOptions: { show: { xmlSource: ['binary'] } },
	},
	...signerFields(),
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		description: 'Reason for signing (Razon)',
	},
	waitField(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description: 'Most XML documents per signing request (all items go together, split by this size)',
			},
			{
				displayName: 'Hash',
				name: 'hash',
				type: 'string',
				default: '',
				description: 'Value of the Hash field that identifies this XML in the results. Empty: the SHA-1 of the XML in upper-case hex.',
			},
			{
				displayName: 'Hash Control',
				name: 'hashControl',
				type: 'options',
				options: [
					{ name: 'Custom', value: 'custom' },
					{ name: 'None (Empty)', value: 'none' },
					{ name: 'SHA-1 of the XML (Hex)', value: 'sha1' },
					{ name: 'SHA-256 of the XML (Hex)', value: 'sha256' },
				],
				default: 'sha256',
				description: 'What goes in HashControl. The provider does not define it; ask them which digest they check.',
			},
			{
				displayName: 'Custom Hash Control',
				name: 'hashControlValue',
				type: 'string',
				default: '',
				description: 'HashControl value when Hash Control is Custom',
			},
			...waitOptions(),
		],
	},
];

export const description = updateDisplayOptions({ show }, properties);

interface Prepared {
	person: { cuil: string; cuit: string };
	entry: { Hash: string; xml: string; HashControl: string; Razon: string };
}

export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// XML is always sent in one request (FirmadorXmlMasivo): there is no single-document endpoint.
	return await runSignFlow<Prepared>(this, {
		batch: { path: '/api/FirmadorXmlMasivo', key: 'Xml', entry: (prepared) => prepared.entry },
		prepare: async (itemIndex, signer) => {
			await checkApiCredential(this, itemIndex);
			const person = signer(validatedPerson(this, itemIndex));
			let xml: string;
			if (this.getNodeParameter('xmlSource', itemIndex) === 'binary') {
				const property = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
				xml = (await binaryInput(this, itemIndex, property).buffer()).toString('utf8').replace(/^\ufeff/, '');
			} else {
				xml = String(this.getNodeParameter('xml', itemIndex, '') ?? '');
			}
			if (!xml.trim()) throw inputError(this.getNode(), itemIndex, 'XML', 'is empty');
			if (!xml.trim().startsWith('<')) throw inputError(this.getNode(), itemIndex, 'XML', 'does not look like XML (it must start with <)');
			const itemOptions = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const bytes = Buffer.from(xml, 'utf8');
			const hash = String(itemOptions.hash ?? '').trim() || createHash('sha1').update(bytes).digest('hex').toUpperCase();
			const mode = (itemOptions.hashControl as string) ?? 'sha256';
			let control = '';
			if (mode === 'sha256') control = createHash('sha256').update(bytes).digest('hex').toUpperCase();
			else if (mode === 'sha1') control = createHash('sha1').update(bytes).digest('hex').toUpperCase();
			else if (mode === 'custom') control = String(itemOptions.hashControlValue ?? '');
			const reason = String(this.getNodeParameter('reason', itemIndex, '') ?? '');
			return { person, entry: { Hash: hash, xml, HashControl: control, Razon: reason } };
		},
		output: (prepared) => ({ hash: prepared.entry.Hash, hashControl: prepared.entry.HashControl }),
	});
}

import { createHash } from 'node:crypto';

import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError } from '../../../shared/n8n/items';
import { normaliseSha1Hex, sha1HexToHashBytes, type HashByteEncoding } from '../../protocol/hashEncoding';
import { batchOptions, binaryInput, checkApiCredential, signerFields, validatedPerson, waitField, waitOptions } from '../common';
import { runSignFlow } from '../signFlow';

const show = { resource: ['hash'], operation: ['sign'] };

const properties: INodeProperties[] = [
	{
		displayName: 'Hash Source',
		name: 'hashSource',
		type: 'options',
		options: [
			{ name: 'Field', value: 'field', description: 'A SHA-1 in hex (40 characters) from a field or expression' },
			{ name: 'Binary File', value: 'binary', description: 'Compute the SHA-1 of a binary file of the item' },
		],
		default: 'field',
	},
	{
		displayName: 'SHA-1 (Hex)',
		name: 'hash',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'CC282B2E077BBB17E81BB529DE3FA81F964A104F',
		description: 'The SHA-1 to sign, 40 hex digits',
		displayOptions: { show: { hashSource: ['field'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field whose SHA-1 is signed',
		displayOptions: { show: { hashSource: ['binary'] } },
	},
	...signerFields(),
	waitField(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...batchOptions(),
			{
				displayName: 'Hash Byte Encoding',
				name: 'hashEncoding',
				type: 'options',
				options: [
					{
						name: 'UTF-16LE of Upper-Case Hex (Provider Example)',
						value: 'utf16leHex',
						description: "What the provider's example array decodes to: 80 bytes",
					},
					{ name: 'Raw Digest Bytes', value: 'raw', description: 'The 20 bytes of the SHA-1' },
				],
				default: 'utf16leHex',
				description: 'How the SHA-1 becomes the Hash byte array of the request',
			},
			...waitOptions(),
		],
	},
];

export const description = updateDisplayOptions({ show }, properties);

interface Prepared {
	person: { cuil: string; cuit: string };
	hex: string;
	bytes: number[];
}

export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runSignFlow<Prepared>(this, {
		single: {
			path: '/api/FirmadorHash',
			body: (person, prepared) => ({ CUILPersona: person.cuil, CUITEmpresa: person.cuit, Hash: prepared.bytes }),
		},
		batch: { path: '/api/FirmadorHashMasivo', key: 'Hash', entry: (prepared) => ({ Hash: prepared.bytes }) },
		prepare: async (itemIndex, signer) => {
			await checkApiCredential(this, itemIndex);
			const itemOptions = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const encoding = ((itemOptions.hashEncoding as string) || 'utf16leHex') as HashByteEncoding;
			const person = signer(validatedPerson(this, itemIndex));
			let hex: string;
			if (this.getNodeParameter('hashSource', itemIndex) === 'binary') {
				const property = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
				const input = binaryInput(this, itemIndex, property);
				const hash = createHash('sha1');
				const source = await input.open();
				if (Buffer.isBuffer(source)) hash.update(source);
				else for await (const part of source) hash.update(part as Buffer);
				hex = hash.digest('hex').toUpperCase();
			} else {
				const given = String(this.getNodeParameter('hash', itemIndex, '') ?? '');
				try {
					hex = normaliseSha1Hex(given);
				} catch (error) {
					throw inputError(this.getNode(), itemIndex, 'SHA-1 (Hex)', given.trim() ? `"${given.trim()}" is not 40 hex digits` : 'is empty');
				}
			}
			return { person, hex, bytes: sha1HexToHashBytes(hex, encoding) };
		},
		output: (prepared) => ({ hash: prepared.hex }),
	});
}

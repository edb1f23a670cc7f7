import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { safeNamePart } from '../../protocol/paths';
import { getSignedResults } from '../signedResults';

const show = { resource: ['xml'], operation: ['getSigned'] };

const properties: INodeProperties[] = [
	{
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		default: '={{ $json.sessionId }}',
		required: true,
		description: 'The SessionID returned by XML → Sign',
	},
	{
		displayName: 'Only Hash',
		name: 'matchHash',
		type: 'string',
		default: '={{ $json.hash }}',
		description: 'Return only the XML sent with this Hash value. Empty: every XML of the session, one item each.',
	},
	{
		displayName: 'Output as File',
		name: 'asBinary',
		type: 'boolean',
		default: false,
		description: 'Whether to also put the signed XML in a binary field',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary field for the signed XML',
		displayOptions: { show: { asBinary: [true] } },
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await getSignedResults(this, '/api/XmlFirmado', 'XmlFirmado', async (entry, itemIndex) => {
		const json: IDataObject = {
			sessionId: entry.sessionId,
			hash: entry.hash,
			signed: entry.signed,
			signedXml: entry.signedValue,
			...(entry.detail ? { detail: entry.detail } : {}),
			...(entry.cuil !== undefined ? { cuil: entry.cuil } : {}),
			response: entry.response,
		};
		if (!this.getNodeParameter('asBinary', itemIndex, false) || !entry.signed) return { json };
		const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim() || 'data';
		// The name comes from the server's Hash: only letters, digits, - and _ are kept.
		const name = `signed-${safeNamePart(entry.hash, `item-${itemIndex}`).slice(0, 40)}.xml`;
		const binary = await this.helpers.prepareBinaryData(Buffer.from(entry.signedValue, 'utf8'), name, 'application/xml');
		return { json, binary: { [property]: binary } };
	});
}

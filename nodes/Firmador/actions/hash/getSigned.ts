import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { getSignedResults } from '../signedResults';

const show = { resource: ['hash'], operation: ['getSigned'] };

const properties: INodeProperties[] = [
	{
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		default: '={{ $json.sessionId }}',
		required: true,
		description: 'The SessionID returned by Hash → Sign',
	},
	{
		displayName: 'Only Hash',
		name: 'matchHash',
		type: 'string',
		default: '={{ $json.hash }}',
		description:
			"Return only the result for this SHA-1 (hex, either case; the service's answer is matched by its bytes whatever its encoding). Empty: every hash of the session, one item each, once per session.",
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await getSignedResults(this, '/api/HashFirmado', 'HashFirmado', async (entry) => ({
		json: {
			sessionId: entry.sessionId,
			hash: entry.hash,
			signed: entry.signed,
			signedHash: entry.signedValue,
			signedHashForm: entry.signedForm,
			...(entry.detail ? { detail: entry.detail } : {}),
			...(entry.cuil !== undefined ? { cuil: entry.cuil } : {}),
			response: entry.response,
		},
	}));
}

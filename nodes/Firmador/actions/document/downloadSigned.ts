import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { inputError, runPerItem } from '../../../shared/n8n/items';
import { joinRemote } from '../../transport/sftp';
import { withSftp } from '../common';

const show = { resource: ['document'], operation: ['downloadSigned'] };

export const properties: INodeProperties[] = [
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '={{ $json.fileName }}',
		required: true,
		description: 'Name of the PDF as it was uploaded for signing (the Sign operation outputs it as fileName)',
		displayOptions: { show },
	},
	{
		displayName: 'Signed File Name',
		name: 'signedFileName',
		type: 'string',
		default: '{name}',
		description: 'Name of the signed copy on the server. {name} = the uploaded file name, {base} = it without .pdf (e.g. {base}_firmado.pdf). The provider does not document it: ask them.',
		displayOptions: { show },
	},
	{
		displayName: 'Signed Folder',
		name: 'signedFolder',
		type: 'string',
		default: '',
		description: 'Remote folder of the signed copies. Empty: the Signed Folder of the SFTP credential.',
		displayOptions: { show },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field the signed PDF goes into',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await withSftp(this, async (sftp, settings) =>
		await runPerItem(this, async (itemIndex) => {
			const fileName = String(this.getNodeParameter('fileName', itemIndex, '') ?? '').trim();
			if (!fileName) throw inputError(this.getNode(), itemIndex, 'File Name', 'is empty');
			if (/[/\\]/.test(fileName)) throw inputError(this.getNode(), itemIndex, 'File Name', `"${fileName}" must be a plain file name without folders`);
			const pattern = (this.getNodeParameter('signedFileName', itemIndex, '{name}') as string) || '{name}';
			const signedName = pattern.replace(/\{name\}/g, fileName).replace(/\{base\}/g, fileName.replace(/\.pdf$/i, ''));
			const folder = ((this.getNodeParameter('signedFolder', itemIndex, '') as string) || settings.signedFolder || '').trim();
			const remotePath = joinRemote(folder, signedName);
			const property = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
			// Streamed: with binary data on disk, a large signed PDF never sits whole in memory.
			const hash = createHash('sha1');
			let size = 0;
			const counter = new Transform({
				transform(chunk: Buffer, _encoding, done) {
					hash.update(chunk);
					size += chunk.length;
					done(null, chunk);
				},
			});
			const [binary] = await Promise.all([
				this.helpers.prepareBinaryData(counter, signedName, 'application/pdf'),
				sftp.downloadTo(remotePath, counter),
			]);
			const item = this.getInputData()[itemIndex];
			return {
				json: { ...item.json, signedFileName: signedName, remotePath, size, sha1: hash.digest('hex').toUpperCase() },
				binary: { ...(item.binary ?? {}), [property]: binary },
			};
		}),
	);
}

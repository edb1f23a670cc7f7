/**
 * A thin IExecuteFunctions for integration tests of the Firmador node's execute(): parameters, items,
 * credentials and binary helpers are plain objects, but HTTP goes through n8n-core's real
 * httpRequestWithAuthentication (and so through the credential's authenticate() and n8n's own axios
 * request code) to the simulator. The real proof is the e2e test in a real n8n.
 */
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { httpRequestWithAuthentication } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication';
import { FirmadorApi } from '../../credentials/FirmadorApi.credentials';
import { Firmador } from '../../nodes/Firmador/Firmador.node';

export type Param = unknown | ((itemIndex: number) => unknown);

export interface RunOptions {
	parameters: Record<string, Param>;
	items: INodeExecutionData[];
	credentials: Record<string, IDataObject>;
	continueOnFail?: boolean;
}

const binaryDir = mkdtempSync(path.join(tmpdir(), 'firmador-binary-'));
let binaryCounter = 0;

/** Binary data kept "outside memory" as n8n's filesystem mode does: an id, read back as a stream. */
export function fileBinary(content: Buffer, fileName: string, mimeType = 'application/pdf'): IBinaryData {
	const id = `filesystem-v2:test/${++binaryCounter}`;
	writeFileSync(path.join(binaryDir, String(binaryCounter)), content);
	return { id, data: 'filesystem-v2', fileName, mimeType, fileSize: String(content.length) } as IBinaryData;
}

export function memoryBinary(content: Buffer, fileName: string, mimeType = 'application/pdf'): IBinaryData {
	return { data: content.toString('base64'), fileName, mimeType };
}

export async function runFirmador(options: RunOptions): Promise<INodeExecutionData[]> {
	const node = { id: 'n1', name: 'Firmador', type: 'n8n-nodes-certsign.firmador', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
	const credentialType = new FirmadorApi();
	const additionalData: any = {
		credentialsHelper: {
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (creds: IDataObject, _type: string, request: any) => await credentialType.authenticate(creds as any, request),
		},
	};
	const getParam = (name: string, itemIndex: number, fallback?: unknown) => {
		if (!(name in options.parameters)) return fallback;
		const value = options.parameters[name];
		return typeof value === 'function' ? (value as (i: number) => unknown)(itemIndex) : value;
	};
	const ctx: any = {
		getNode: () => node,
		getInputData: () => options.items,
		continueOnFail: () => options.continueOnFail === true,
		getNodeParameter: getParam,
		getCredentials: async (type: string) => {
			const found = options.credentials[type];
			if (!found) throw new Error(`no credentials of type ${type}`);
			return { ...found };
		},
		logger: { warn() {}, debug() {}, info() {}, error() {} },
	};
	ctx.helpers = {
		httpRequestWithAuthentication: async function (type: string, request: any) {
			return await httpRequestWithAuthentication.call(ctx, type, request, {} as any, node as any, additionalData);
		},
		getBinaryStream: async (id: string) => createReadStream(path.join(binaryDir, id.split('/').pop()!), { highWaterMark: 16 * 1024 }),
		getBinaryDataBuffer: async (itemIndex: number, property: string) => {
			const binary = options.items[itemIndex].binary![property];
			if (binary.id) {
				const { readFileSync } = await import('node:fs');
				return readFileSync(path.join(binaryDir, binary.id.split('/').pop()!));
			}
			return Buffer.from(binary.data, 'base64');
		},
		// Like n8n's: a Buffer or a stream (read to its end, as n8n does in memory mode).
		prepareBinaryData: async (source: Buffer | NodeJS.ReadableStream, fileName: string, mimeType: string) => {
			let content: Buffer;
			if (Buffer.isBuffer(source)) content = source;
			else {
				const chunks: Buffer[] = [];
				for await (const chunk of source) chunks.push(Buffer.from(chunk as Buffer));
				content = Buffer.concat(chunks);
			}
			return { data: content.toString('base64'), fileName, mimeType, fileSize: String(content.length) };
		},
	};
	const result = await new Firmador().execute.call(ctx as IExecuteFunctions);
	return result[0];
}

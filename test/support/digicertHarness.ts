/**
 * Runs the DigiCert Code Signing node (or its transport) outside n8n with n8n's own HTTP stack
 * (@n8n/backend-network's OutboundHttp, what httpRequestWithAuthentication uses), the credential's
 * `authenticate` headers applied as n8n applies them, and n8n's error wrapping (NodeApiError around the
 * client error). Parameters are plain values per item; no expressions.
 */
import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { DigiCertApi } from '../../credentials/DigiCertApi.credentials';
import { DigiCertCodeSigning } from '../../nodes/DigiCertCodeSigning/DigiCertCodeSigning.node';

export interface DigiCertCredentials {
	apiKey: string;
	region: 'us' | 'eu' | 'custom';
	baseUrl?: string;
}

export interface HarnessOptions {
	credentials: DigiCertCredentials;
	/** One parameter set for every item, or one per item. */
	parameters: IDataObject | IDataObject[];
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** The execution's cancel signal (n8n passes it to every request as abortSignal). */
	cancelSignal?: AbortSignal;
}

const credentialType = new DigiCertApi();

/** `={{$credentials.apiKey}}` → the credential's value (the only expression form the credential uses). */
function resolveCredentialExpression(value: string, credentials: IDataObject): string {
	const m = /^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/.exec(value);
	return m ? String(credentials[m[1]] ?? '') : value;
}

function getPath(object: IDataObject, path: string): unknown {
	let value: unknown = object;
	for (const part of path.split('.')) {
		if (value === undefined || value === null || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[part];
	}
	return value;
}

export interface Harness {
	ctx: IExecuteFunctions;
	/** Every request the node sent, as the HTTP layer saw it (headers included, for secret checks). */
	sent: IHttpRequestOptions[];
}

export function digiCertContext(options: HarnessOptions): Harness {
	const items: INodeExecutionData[] = options.items ?? (Array.isArray(options.parameters) ? options.parameters.map(() => ({ json: {} })) : [{ json: {} }]);
	const node: INode = {
		id: 'digicert-node',
		name: 'DigiCert Code Signing',
		type: 'n8n-nodes-certsign.digiCertCodeSigning',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const sent: IHttpRequestOptions[] = [];
	const paramsFor = (itemIndex: number): IDataObject =>
		Array.isArray(options.parameters) ? options.parameters[itemIndex] ?? {} : options.parameters;
	const http = Container.get(OutboundHttp).requests();

	const ctx = {
		getNode: () => node,
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail ?? false,
		getCredentials: async (type: string) => {
			if (type !== 'digiCertApi') throw new Error(`unexpected credential type ${type}`);
			return { ...options.credentials } as IDataObject;
		},
		getNodeParameter: (name: string, itemIndex: number, ...rest: [unknown?, { extractValue?: boolean }?]) => {
			const [fallback, extra] = rest;
			let value = getPath(paramsFor(itemIndex), name);
			if (value === undefined) {
				if (rest.length >= 1) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			if (extra?.extractValue && value && typeof value === 'object' && '__rl' in (value as IDataObject)) value = (value as IDataObject).value;
			return value;
		},
		getExecutionCancelSignal: () => options.cancelSignal,
		logger: { debug() {}, info() {}, warn() {}, error() {} },
		helpers: {
			async httpRequestWithAuthentication(this: unknown, type: string, request: IHttpRequestOptions) {
				const credentials = { ...options.credentials } as IDataObject;
				const headers = { ...((request.headers ?? {}) as IDataObject) };
				const auth = credentialType.authenticate as { properties: { headers?: Record<string, string> } };
				for (const [key, value] of Object.entries(auth.properties.headers ?? {})) headers[key] = resolveCredentialExpression(value, credentials);
				const authed = { ...request, headers } as IHttpRequestOptions;
				if (options.cancelSignal) authed.abortSignal = options.cancelSignal;
				sent.push(authed);
				try {
					return await http.request(authed as never);
				} catch (error) {
					// What n8n-core does with a failed request in httpRequestWithAuthentication.
					throw new NodeApiError(node, error as never);
				}
			},
			assertBinaryData(itemIndex: number, property: string) {
				const binary = items[itemIndex]?.binary?.[property];
				if (!binary) throw new Error(`This operation expects the node's input data to contain a binary file '${property}', but none was found [item ${itemIndex}]`);
				return binary;
			},
			async getBinaryDataBuffer(itemIndex: number, property: string) {
				return Buffer.from(items[itemIndex].binary![property].data, 'base64');
			},
			async prepareBinaryData(data: Buffer, fileName?: string, mimeType?: string) {
				return {
					data: data.toString('base64'),
					fileName,
					mimeType: mimeType ?? 'application/octet-stream',
					fileSize: `${data.length} B`,
					fileExtension: fileName?.split('.').pop(),
				};
			},
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, sent };
}

/** Runs the node's execute() over the items; returns output 0. */
export async function runDigiCertNode(options: HarnessOptions): Promise<{ output: INodeExecutionData[]; sent: IHttpRequestOptions[] }> {
	const { ctx, sent } = digiCertContext(options);
	const node = new DigiCertCodeSigning();
	const [output] = await node.execute.call(ctx);
	return { output, sent };
}

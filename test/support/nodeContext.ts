/**
 * The one harness that runs this package's nodes outside n8n, for fast integration tests. Parameters,
 * items, credentials and binary data are plain values, but every request goes through n8n-core's real
 * httpRequestWithAuthentication (n8n's axios stack and error wrapping) with each credential's own
 * `authenticate` applied, as n8n applies it. Polling nodes get n8n's static-data rules. The proof that n8n
 * itself behaves like this is the e2e suite in a real n8n.
 */
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { httpRequestWithAuthentication } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication';
import { getRequestHelperFunctions } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/factory';
import type {
	IBinaryData,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	IPollFunctions,
} from 'n8n-workflow';

import { AfipSdkApi } from '../../credentials/AfipSdkApi.credentials';
import { DigiCertApi } from '../../credentials/DigiCertApi.credentials';
import { FirmadorApi } from '../../credentials/FirmadorApi.credentials';
import { ArcaAutomation } from '../../nodes/ArcaAutomation/ArcaAutomation.node';
import { DigiCertCodeSigning } from '../../nodes/DigiCertCodeSigning/DigiCertCodeSigning.node';
import { setClientSettings, type ClientSettings } from '../../nodes/DigiCertCodeSigning/transport';
import { Firmador } from '../../nodes/Firmador/Firmador.node';

const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	afipSdkApi: new AfipSdkApi(),
	digiCertApi: new DigiCertApi(),
	firmadorApi: new FirmadorApi(),
};

/** `={{$credentials.apiKey}}` or `=Bearer {{$credentials.accessToken}}` → the text with the credential's values (the expression forms generic authentication uses here). */
function resolveCredentialExpression(value: unknown, credentials: IDataObject): string {
	const text = String(value);
	if (!text.startsWith('=')) return text;
	return text.slice(1).replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_whole, name: string) => String(credentials[name] ?? ''));
}

/** What n8n's CredentialsHelper.authenticate does with a credential type's `authenticate`. */
async function authenticate(type: string, credentials: IDataObject, request: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const auth = CREDENTIAL_TYPES[type]?.authenticate;
	if (!auth) return request;
	if (typeof auth === 'function') return await auth(credentials as never, request);
	const headers = { ...((request.headers ?? {}) as IDataObject) };
	for (const [key, value] of Object.entries(auth.properties.headers ?? {})) headers[key] = resolveCredentialExpression(value, credentials);
	const qs = { ...((request.qs ?? {}) as IDataObject) };
	for (const [key, value] of Object.entries(auth.properties.qs ?? {})) qs[key] = resolveCredentialExpression(value, credentials);
	return { ...request, headers, qs };
}

const binaryDir = mkdtempSync(path.join(tmpdir(), 'certsign-binary-'));
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

const binaryBuffer = (binary: IBinaryData) =>
	binary.id ? readFileSync(path.join(binaryDir, binary.id.split('/').pop()!)) : Buffer.from(binary.data, 'base64');

export type Param = unknown | ((itemIndex: number) => unknown);

export interface NodeRunOptions {
	/** One parameter set for every item, or one per item; a function value is asked per item. */
	parameters: Record<string, Param> | IDataObject[];
	items?: INodeExecutionData[];
	credentials: Record<string, IDataObject>;
	continueOnFail?: boolean;
	/** The execution's cancel signal (n8n passes it to every request as abortSignal). */
	cancelSignal?: AbortSignal;
	/** How the DigiCert client of this run waits and retries. */
	digiCert?: Partial<ClientSettings>;
	/** The workflow's static data (getWorkflowStaticData('global')); pass the same object to a later run to carry it over. */
	staticData?: IDataObject;
	/** The node's own static data (getWorkflowStaticData('node')). */
	nodeStaticData?: IDataObject;
}

export interface NodeHarness<C> {
	ctx: C;
	/** Every request as it left for the network, authentication applied (for secret checks). */
	sent: IHttpRequestOptions[];
}

function getPath(object: IDataObject, dotted: string): unknown {
	if (dotted in object) return object[dotted];
	let value: unknown = object;
	for (const part of dotted.split('.')) {
		if (value === undefined || value === null || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[part];
	}
	return value;
}

function nodeOf(type: INodeType, parameters: IDataObject = {}): INode {
	const name = type.description.displayName;
	return {
		id: `${type.description.name}-node`,
		name,
		type: `n8n-nodes-certsign.${type.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
	};
}

/** The parts of n8n's execution contexts every node needs: credentials, HTTP, logger. */
function baseContext(node: INode, credentials: Record<string, IDataObject>, sent: IHttpRequestOptions[], cancelSignal?: AbortSignal) {
	const getCredentials = async (type: string) => {
		const found = credentials[type];
		if (!found) throw new Error(`Node does not have any credentials set for "${type}"`);
		return { ...found };
	};
	const additionalData = {
		credentialsHelper: {
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (creds: IDataObject, type: string, request: IHttpRequestOptions) => {
				const authed = await authenticate(type, creds, request);
				sent.push(authed);
				return authed;
			},
		},
	};
	const ctx: any = {
		getNode: () => node,
		getCredentials,
		getExecutionCancelSignal: () => cancelSignal,
		logger: { warn() {}, debug() {}, info() {}, error() {} },
	};
	// n8n-core's own httpRequest (requests without a credential, e.g. ARCA's WSAA)
	const plainHttpRequest = getRequestHelperFunctions({} as never, node, additionalData as never).httpRequest;
	ctx.helpers = {
		httpRequestWithAuthentication: async function (type: string, request: IHttpRequestOptions) {
			return await httpRequestWithAuthentication.call(ctx, type, request, {} as never, node as never, additionalData as never);
		},
		httpRequest: async function (request: IHttpRequestOptions) {
			sent.push(request);
			return await plainHttpRequest(request);
		},
	};
	return ctx;
}

export function executeContext(type: INodeType, options: NodeRunOptions): NodeHarness<IExecuteFunctions> {
	const perItem = Array.isArray(options.parameters);
	const items: INodeExecutionData[] =
		options.items ?? (perItem ? (options.parameters as IDataObject[]).map(() => ({ json: {} })) : [{ json: {} }]);
	const node = nodeOf(type);
	const sent: IHttpRequestOptions[] = [];
	const ctx = baseContext(node, options.credentials, sent, options.cancelSignal);
	const paramsFor = (itemIndex: number): IDataObject =>
		(perItem ? ((options.parameters as IDataObject[])[itemIndex] ?? {}) : options.parameters) as IDataObject;
	const staticData = { global: options.staticData ?? {}, node: options.nodeStaticData ?? {} };
	Object.assign(ctx, {
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node' && type !== 'global') throw new Error(`no static data of type ${type}`);
			return staticData[type];
		},
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail === true,
		getNodeParameter: (name: string, itemIndex: number, ...rest: [unknown?, { extractValue?: boolean }?]) => {
			const [fallback, extra] = rest;
			let value = getPath(paramsFor(itemIndex), name);
			if (typeof value === 'function') value = (value as (i: number) => unknown)(itemIndex);
			if (value === undefined) {
				if (rest.length >= 1) return fallback;
				// As n8n does for a parameter the user never set: the property's default.
				const property = type.description.properties.find((p) => p.name === name.split('.')[0]);
				if (property && !name.includes('.')) return property.default;
				throw new Error(`Could not get parameter "${name}"`);
			}
			if (extra?.extractValue && value && typeof value === 'object' && '__rl' in (value as IDataObject))
				value = (value as IDataObject).value;
			return value;
		},
	});
	Object.assign(ctx.helpers, {
		assertBinaryData(itemIndex: number, property: string) {
			const binary = items[itemIndex]?.binary?.[property];
			if (!binary)
				throw new Error(
					`This operation expects the node's input data to contain a binary file '${property}', but none was found [item ${itemIndex}]`,
				);
			return binary;
		},
		getBinaryStream: async (id: string) => createReadStream(path.join(binaryDir, id.split('/').pop()!), { highWaterMark: 16 * 1024 }),
		getBinaryDataBuffer: async (itemIndex: number, property: string) => binaryBuffer(items[itemIndex].binary![property]),
		// Like n8n's: a Buffer or a stream (read to its end, as n8n does in memory mode).
		prepareBinaryData: async (source: Buffer | NodeJS.ReadableStream, fileName?: string, mimeType?: string) => {
			let content: Buffer;
			if (Buffer.isBuffer(source)) content = source;
			else {
				const chunks: Buffer[] = [];
				for await (const chunk of source) chunks.push(Buffer.from(chunk as Buffer));
				content = Buffer.concat(chunks);
			}
			return {
				data: content.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
				fileSize: String(content.length),
				fileExtension: fileName?.split('.').pop(),
			};
		},
	});
	if (options.digiCert) setClientSettings(ctx, options.digiCert);
	return { ctx: ctx as IExecuteFunctions, sent };
}

/** Runs a node's execute() over the items; returns output 0 and what was sent. */
export async function runNode(
	type: INodeType,
	options: NodeRunOptions,
): Promise<{ output: INodeExecutionData[]; sent: IHttpRequestOptions[] }> {
	const { ctx, sent } = executeContext(type, options);
	const [output] = (await type.execute!.call(ctx)) as INodeExecutionData[][];
	return { output, sent };
}

export const runArca = async (options: NodeRunOptions) => (await runNode(new ArcaAutomation(), options)).output;
export const runFirmador = async (options: NodeRunOptions) => (await runNode(new Firmador(), options)).output;
export interface DigiCertCredentials {
	apiKey: string;
	region: 'us' | 'eu' | 'custom';
	baseUrl?: string;
}

/** The DigiCert node with its one credential given as such. */
export type DigiCertRunOptions = Omit<NodeRunOptions, 'credentials'> & { credentials: DigiCertCredentials };
const withDigiCertCredential = (options: DigiCertRunOptions): NodeRunOptions => ({
	...options,
	credentials: { digiCertApi: { ...options.credentials } },
});
export const runDigiCertNode = async (options: DigiCertRunOptions) =>
	await runNode(new DigiCertCodeSigning(), withDigiCertCredential(options));
export const digiCertContext = (options: DigiCertRunOptions) => executeContext(new DigiCertCodeSigning(), withDigiCertCredential(options));

export interface PollOptions {
	parameters: IDataObject;
	credentials?: Record<string, IDataObject>;
	mode?: 'trigger' | 'manual';
	digiCert?: Partial<ClientSettings>;
}

/**
 * A polling node's poll() with n8n's static-data rules: poll() works on an in-memory copy; the copy is
 * "saved" only when poll() returns items (never in manual mode); restart() throws the memory away and
 * reloads the last saved copy, as an n8n restart does.
 */
export class PollHarness {
	/** What n8n would have in the database. */
	saved = '{}';
	/** What n8n has in memory between polls. */
	memory: IDataObject = {};
	readonly node: INode;
	mode: 'trigger' | 'manual';
	polls = 0;
	readonly sent: IHttpRequestOptions[] = [];
	readonly warnings: string[] = [];

	constructor(
		private readonly nodeType: INodeType,
		private readonly options: PollOptions,
	) {
		this.mode = options.mode ?? 'trigger';
		this.node = nodeOf(nodeType, options.parameters);
	}

	setParameter(name: string, value: unknown) {
		(this.options.parameters as IDataObject)[name] = value as IDataObject;
	}

	private context(): IPollFunctions {
		const ctx = baseContext(this.node, this.options.credentials ?? {}, this.sent);
		Object.assign(ctx, {
			getMode: () => this.mode,
			getActivationMode: () => 'activate',
			getNodeParameter: (name: string, fallback?: unknown, extra?: { extractValue?: boolean }) => {
				const value = (this.options.parameters as IDataObject)[name];
				if (value === undefined) return fallback;
				if (extra?.extractValue && value && typeof value === 'object' && '__rl' in (value as IDataObject))
					return (value as IDataObject).value;
				return value;
			},
			getWorkflowStaticData: (type: string) => {
				if (type !== 'node') throw new Error('only node static data here');
				return this.memory;
			},
		});
		ctx.logger = {
			...ctx.logger,
			warn: (message: string) => this.warnings.push(message),
			error: (message: string) => this.warnings.push(message),
		};
		ctx.helpers.returnJsonArray = (items: IDataObject[]) => items.map((json) => ({ json }));
		if (this.options.digiCert) setClientSettings(ctx, this.options.digiCert);
		return ctx as IPollFunctions;
	}

	/** One poll, with n8n's saving rule applied. */
	async poll(): Promise<INodeExecutionData[][] | null> {
		this.polls++;
		const result = await this.nodeType.poll!.call(this.context());
		if (this.mode !== 'manual' && result !== null) this.saved = JSON.stringify(this.memory);
		return result;
	}

	/** Items of one poll (empty array for null). */
	async pollItems(): Promise<IDataObject[]> {
		const result = await this.poll();
		return result ? result[0].map((item) => item.json) : [];
	}

	/** n8n stops and starts: memory is gone, the saved copy comes back. */
	restart() {
		const saved = JSON.parse(this.saved) as IDataObject;
		for (const key of Object.keys(this.memory)) delete this.memory[key];
		Object.assign(this.memory, saved);
	}
}

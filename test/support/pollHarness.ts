/**
 * Drives a polling node's poll() outside n8n, around real HTTP (fetch), with n8n's static-data rules:
 * poll() works on an in-memory copy; the copy is "saved" only when poll() returns items (never in manual
 * mode); restart() throws the memory away and reloads the last saved copy, as an n8n restart does.
 * The proof that n8n itself behaves like this is the e2e test; this is for fast, focused checks.
 */
import type { IDataObject, IHttpRequestOptions, INode, INodeExecutionData, INodeType, IPollFunctions } from 'n8n-workflow';

export interface HarnessOptions {
	parameters: IDataObject;
	credentials?: Record<string, IDataObject>;
	/** How a credential type authenticates a request (headers to add). */
	authenticate?: Record<string, (credentials: IDataObject) => Record<string, string>>;
	mode?: 'trigger' | 'manual';
}

type Response = { statusCode: number; headers: Record<string, string>; body: unknown; statusMessage: string };

function buildUrl(options: IHttpRequestOptions): string {
	const url = new URL((options.baseURL ? options.baseURL.replace(/\/+$/, '') : '') + options.url);
	for (const [key, value] of Object.entries((options.qs ?? {}) as IDataObject)) {
		if (value === undefined || value === null) continue;
		url.searchParams.append(key, String(value));
	}
	return url.toString();
}

async function httpRequest(options: IHttpRequestOptions, extraHeaders: Record<string, string> = {}): Promise<unknown> {
	const headers: Record<string, string> = { ...((options.headers ?? {}) as Record<string, string>), ...extraHeaders };
	let body: string | Buffer | undefined;
	if (options.body !== undefined && options.body !== null) {
		if (Buffer.isBuffer(options.body) || typeof options.body === 'string') body = options.body as string | Buffer;
		else {
			body = JSON.stringify(options.body);
			headers['content-type'] ??= 'application/json';
		}
	}
	const response = await fetch(buildUrl(options), { method: options.method ?? 'GET', headers, body });
	const raw = Buffer.from(await response.arrayBuffer());
	let parsed: unknown = raw;
	if (options.encoding !== 'arraybuffer') {
		const text = raw.toString('utf8');
		try {
			parsed = text ? JSON.parse(text) : '';
		} catch {
			parsed = text;
		}
	}
	const full: Response = {
		statusCode: response.status,
		statusMessage: response.statusText,
		headers: Object.fromEntries(response.headers.entries()),
		body: parsed,
	};
	if (response.status >= 400 && !options.ignoreHttpStatusErrors) {
		const error = new Error(`Request failed with status code ${response.status}`) as Error & { httpCode: string; response: Response };
		error.httpCode = String(response.status);
		error.response = full;
		throw error;
	}
	return options.returnFullResponse ? full : full.body;
}

export class PollHarness {
	/** What n8n would have in the database. */
	saved = '{}';
	/** What n8n has in memory between polls. */
	memory: IDataObject = {};
	readonly node: INode;
	mode: 'trigger' | 'manual';
	polls = 0;

	constructor(
		private readonly nodeType: INodeType,
		private readonly options: HarnessOptions,
	) {
		this.mode = options.mode ?? 'trigger';
		this.node = {
			id: 'trigger-node-id',
			name: 'Certificate Trigger',
			type: 'n8n-nodes-certsign.certificateTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: options.parameters as INode['parameters'],
		};
	}

	setParameter(name: string, value: unknown) {
		(this.options.parameters as IDataObject)[name] = value as IDataObject;
	}

	private context(): IPollFunctions {
		const options = this.options;
		const node = this.node;
		const mode = this.mode;
		const memory = this.memory;
		const logs: string[] = [];
		const getCredentials = async (type: string) => {
			const credentials = options.credentials?.[type];
			if (!credentials) throw new Error(`Node does not have any credentials set for "${type}"`);
			return credentials;
		};
		const ctx = {
			getNode: () => node,
			getMode: () => mode,
			getActivationMode: () => 'activate',
			getNodeParameter: (name: string, fallback?: unknown) => {
				const value = (options.parameters as IDataObject)[name];
				return value === undefined ? fallback : value;
			},
			getWorkflowStaticData: (type: string) => {
				if (type !== 'node') throw new Error('only node static data here');
				return memory;
			},
			getCredentials,
			logger: {
				warn: (message: string) => logs.push(message),
				info: () => undefined,
				debug: () => undefined,
				error: (message: string) => logs.push(message),
			},
			helpers: {
				httpRequest: async (requestOptions: IHttpRequestOptions) => await httpRequest(requestOptions),
				httpRequestWithAuthentication: async (type: string, requestOptions: IHttpRequestOptions) => {
					const credentials = await getCredentials(type);
					const headers = options.authenticate?.[type]?.(credentials) ?? {};
					return await httpRequest(requestOptions, headers);
				},
				returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })),
			},
		};
		return ctx as unknown as IPollFunctions;
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

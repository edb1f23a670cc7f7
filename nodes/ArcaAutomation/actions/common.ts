import { createHash } from 'node:crypto';

import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { checkCuit } from '../../shared/cuit';
import { inputError, itemLabel } from '../../shared/n8n/items';
import { waitForCompletionField, waitTimingOptions, type WaitWords } from '../../shared/n8n/waitFields';
import { outputFileName } from '../../shared/outputFileName';
import { waitSeconds } from '../../shared/poll';
import { parseCertificate } from '../../shared/x509';
import {
	checkedAfipSdkBaseUrl,
	createAutomation,
	getAutomation,
	isLoginRejection,
	waitForAutomation,
	type AutomationState,
	type WaitSettings,
} from '../transport';

export type Environment = 'dev' | 'prod';

export const environmentProperty = (): INodeProperties => ({
	displayName: 'Environment',
	name: 'environment',
	type: 'options',
	options: [
		{ name: 'Testing (Homologación)', value: 'dev', description: 'ARCA testing services: certificates for development' },
		{ name: 'Production', value: 'prod', description: 'Real ARCA services' },
	],
	default: 'dev',
	description: 'A testing certificate does not work in production, and the other way round',
});

/** Shown once Production is chosen: the same workflow then acts on the taxpayer's real ARCA account. */
export const productionNotice = (): INodeProperties => ({
	displayName:
		"Production acts on the taxpayer's real ARCA account: certificates created here are real, and a failed login counts toward locking the clave fiscal. Try the workflow with Testing (Homologación) first.",
	name: 'productionNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { environment: ['prod'] } },
});

export const aliasProperty = (description: string): INodeProperties => ({
	displayName: 'Alias',
	name: 'alias',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'facturacion',
	description,
});

/** Afip SDK recommends polling every 5 seconds; automations usually finish within a minute or two. */
const ARCA_WAIT: WaitWords = {
	wait: true,
	pollInterval: 5,
	timeout: 300,
	waitDescription:
		'Whether to wait until ARCA finishes. Off: return the automation ID at once and pick the result up later with Automation → Get Result.',
	timeoutDescription: 'The automation keeps running at Afip SDK; Get Result picks it up later.',
};

const [pollIntervalOption, timeoutOption] = waitTimingOptions(ARCA_WAIT);

export const waitProperties = (): INodeProperties[] => [
	waitForCompletionField(ARCA_WAIT),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Alias Rule',
				name: 'aliasRule',
				type: 'options',
				displayOptions: { show: { '/operation': ['create', 'authorize'] } },
				options: [
					{
						name: 'Server Decides',
						value: 'server',
						description: 'Refuse only what is surely wrong here (empty, spaces, control characters); ARCA judges the rest',
					},
					{
						name: 'Letters and Digits Only',
						value: 'lettersAndDigits',
						description:
							'Refuse anything but A-Z, a-z and 0-9 here, before an automation from the monthly quota and an ARCA login are used',
					},
				],
				default: 'server',
				description:
					"How the alias is checked before the request. ARCA's rule is not documented; if your account refuses aliases with - or _, choose Letters and Digits Only so a bad alias fails at once.",
			},
			{
				displayName: 'Include Private Key in JSON',
				name: 'includePrivateKeyInJson',
				type: 'boolean',
				default: false,
				description:
					'Whether to put the private key PEM in the JSON output too. It is always in the binary output; JSON ends up in execution logs more easily.',
			},
			pollIntervalOption,
			{
				displayName: 'Put Certificate File in Field',
				name: 'certificateBinaryProperty',
				type: 'string',
				default: 'certificate',
				description: 'Name of the binary field that receives the certificate (PEM file)',
			},
			{
				displayName: 'Put Private Key File in Field',
				name: 'privateKeyBinaryProperty',
				type: 'string',
				default: 'privateKey',
				description: 'Name of the binary field that receives the private key (PEM file)',
			},
			timeoutOption,
		],
	},
];

interface OutputOptions {
	includePrivateKeyInJson?: boolean;
	certificateBinaryProperty?: string;
	privateKeyBinaryProperty?: string;
	pollInterval?: number;
	timeout?: number;
	aliasRule?: 'server' | 'lettersAndDigits';
}

function readOptions(ctx: IExecuteFunctions, itemIndex: number): OutputOptions {
	return ctx.getNodeParameter('options', itemIndex, {}) as OutputOptions;
}

/** The one clamp of every node's wait options (shared/poll.ts). */
export const waitSettings = (options: OutputOptions): WaitSettings => waitSeconds(options, ARCA_WAIT);

export function readEnvironment(ctx: IExecuteFunctions, itemIndex: number): Environment {
	const value = String(ctx.getNodeParameter('environment', itemIndex, 'dev'));
	if (value !== 'dev' && value !== 'prod') {
		throw inputError(ctx.getNode(), itemIndex, 'Environment', `"${value}" is not one of: dev (testing), prod (production)`);
	}
	return value;
}

/**
 * The certificate alias. ARCA's own rule is not documented: by default refuse only what is surely wrong
 * (empty, blank, control characters) and let Afip SDK judge the rest (existing aliases may hold `-` or
 * `_`); Options → Alias Rule "Letters and Digits Only" checks the strict rule here, before any request.
 */
export function checkAlias(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = String(ctx.getNodeParameter('alias', itemIndex, ''));
	const alias = raw.trim();
	if (alias === '') throw inputError(ctx.getNode(), itemIndex, 'Alias', 'is empty');
	if (/[\u0000-\u001f\u007f]/.test(raw))
		throw inputError(ctx.getNode(), itemIndex, 'Alias', 'contains a control character (line break, tab or similar)');
	if (/\s/.test(alias)) throw inputError(ctx.getNode(), itemIndex, 'Alias', `"${alias}" contains a space`, 'ARCA aliases are one word.');
	if (readOptions(ctx, itemIndex).aliasRule === 'lettersAndDigits' && !/^[A-Za-z0-9]+$/.test(alias)) {
		throw inputError(
			ctx.getNode(),
			itemIndex,
			'Alias',
			`"${alias}" has characters other than letters and digits`,
			'Options → Alias Rule is Letters and Digits Only.',
		);
	}
	return alias;
}

export interface ArcaLogin {
	cuit: string;
	username: string;
	password: string;
}

const ALLOWED_HOST_DEFAULT = 'app.afipsdk.com';

/**
 * The ARCA Login credential decides where its password may go: a user allowed to use a shared login
 * must not be able to send it to a server of their own through another Afip SDK credential.
 */
export async function checkPasswordDestination(ctx: IExecuteFunctions, itemIndex: number, credentials: IDataObject): Promise<void> {
	const base = await checkedAfipSdkBaseUrl.call(ctx, itemIndex);
	const allowed =
		String(credentials.allowedAfipSdkHost ?? ALLOWED_HOST_DEFAULT)
			.trim()
			.toLowerCase() || ALLOWED_HOST_DEFAULT;
	const url = new URL(base);
	const target = url.host.toLowerCase();
	if (target !== allowed && url.hostname.toLowerCase() !== allowed) {
		throw inputError(
			ctx.getNode(),
			itemIndex,
			'Base URL of the Afip SDK API credential',
			`points at ${target}, but the ARCA Login credential sends its password only to ${allowed}`,
			'Not sent. Use an Afip SDK credential for the host the ARCA Login allows, or change "Allowed Afip SDK Host" in the ARCA Login credential (only its owner can).',
		);
	}
}

/** A taxpayer CUIT from a node parameter (checked) or the credential's. */
export function taxpayerCuit(ctx: IExecuteFunctions, itemIndex: number, fromCredential: string): string {
	const raw = String(ctx.getNodeParameter('taxpayerCuit', itemIndex, '') ?? '').trim();
	if (raw === '') return fromCredential;
	const cuit = checkCuit(raw);
	if (!cuit.valid) throw inputError(ctx.getNode(), itemIndex, 'Taxpayer CUIT', cuit.reason);
	return cuit.cuit;
}

export const taxpayerCuitProperty = (): INodeProperties => ({
	displayName: 'Taxpayer CUIT',
	name: 'taxpayerCuit',
	type: 'string',
	default: '',
	placeholder: "20111111112 (empty: the ARCA Login credential's)",
	description:
		'CUIT the certificate is for, when one login manages several taxpayers (e.g. an accountant). Empty: the Taxpayer CUIT of the ARCA Login credential. The check digit is verified before any request.',
});

/** The ARCA Login credential, checked before any request. */
export async function arcaLogin(ctx: IExecuteFunctions, itemIndex: number): Promise<ArcaLogin> {
	const credentials = await ctx.getCredentials('arcaLogin', itemIndex);
	const node = ctx.getNode();
	const cuit = checkCuit(credentials.cuit);
	if (!cuit.valid) throw inputError(node, itemIndex, 'Taxpayer CUIT of the ARCA Login credential', cuit.reason);
	const username = checkCuit(credentials.username);
	if (!username.valid) throw inputError(node, itemIndex, 'Login Username of the ARCA Login credential', username.reason);
	const password = String(credentials.password ?? '');
	if (password === '') throw inputError(node, itemIndex, 'Password of the ARCA Login credential', 'is empty');
	await checkPasswordDestination(ctx, itemIndex, credentials);
	return { cuit: taxpayerCuit(ctx, itemIndex, cuit.cuit), username: username.cuit, password };
}

/**
 * Logins ARCA judged during this execution, by execution and a hash of username + password, shared by
 * every ARCA node of the execution: after a rejection no node tries the same login again, because every
 * failed login counts toward locking the clave fiscal. With Wait for Completion off, the first automation
 * of a login in an execution is still awaited until ARCA has judged the login (Afip SDK gives no earlier
 * sign), so the later items never send a login whose outcome is unknown. An execution runs in one process
 * (in queue mode, one worker), so process memory is its scope; entries expire and the maps are bounded.
 */
const LOGIN_MEMORY_TTL_MS = 6 * 60 * 60 * 1000;
const LOGIN_MEMORY_MAX = 10_000;

interface LoginNote {
	itemIndex: number;
	node: string;
	at: number;
	automationId?: string;
}

/** A bounded, expiring map (insertion order = age). */
class ExecutionMemory<V extends { at: number }> {
	private readonly entries = new Map<string, V>();

	get(key: string): V | undefined {
		return this.entries.get(key);
	}

	set(key: string, value: V) {
		const now = Date.now();
		for (const [k, v] of this.entries) {
			if (now - v.at > LOGIN_MEMORY_TTL_MS || this.entries.size >= LOGIN_MEMORY_MAX) this.entries.delete(k);
			else break; // the rest are newer
		}
		this.entries.delete(key);
		this.entries.set(key, value);
	}

	delete(key: string) {
		this.entries.delete(key);
	}
}

const rejectedLogins = new ExecutionMemory<LoginNote>();
const acceptedLogins = new ExecutionMemory<LoginNote>();
/** Logins whose first automation of the execution ended without a verdict (a timeout): not sent again until known. */
const undecidedLogins = new ExecutionMemory<LoginNote>();
/** Automation id → the login key it was started with (so Get Result can record a rejection it sees). */
const automationLogins = new ExecutionMemory<{ key: string; at: number }>();

function executionOf(ctx: IExecuteFunctions): string {
	return ctx.getExecutionId?.() ?? 'unknown';
}

function loginKey(ctx: IExecuteFunctions, params: IDataObject): string | undefined {
	if (typeof params.username !== 'string' || typeof params.password !== 'string') return undefined;
	return createHash('sha256')
		.update(`${executionOf(ctx)}\0${params.username}\0${params.password}`)
		.digest('hex');
}

/** An execution-wide key for a rejection seen by Get Result on an automation started elsewhere (the login is unknown). */
const anyLoginKey = (ctx: IExecuteFunctions) =>
	createHash('sha256')
		.update(`${executionOf(ctx)}\0any login`)
		.digest('hex');

function note(ctx: IExecuteFunctions, itemIndex: number, automationId?: string): LoginNote {
	return { itemIndex, node: ctx.getNode().name, at: Date.now(), automationId };
}

/** Notes what an automation's error says about its login (from any operation that sees it). */
function judge(ctx: IExecuteFunctions, itemIndex: number, key: string | undefined, error: Error, automationId?: string) {
	if (!isLoginRejection(error.message)) return;
	rejectedLogins.set(key ?? anyLoginKey(ctx), note(ctx, itemIndex, automationId));
	if (key) acceptedLogins.delete(key);
}

function refuseKnownRejection(ctx: IExecuteFunctions, itemIndex: number, key: string) {
	const earlier = rejectedLogins.get(key) ?? rejectedLogins.get(anyLoginKey(ctx));
	if (earlier) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Not sent: ARCA rejected this login earlier in this execution (node "${earlier.node}", ${itemLabel(earlier.itemIndex).slice(1, -1)}${earlier.automationId ? `, automation ${earlier.automationId}` : ''}) ${itemLabel(itemIndex)}`,
			{
				itemIndex,
				description:
					'Each failed ARCA login counts toward locking the clave fiscal, so the same username and password are not tried again in this execution. Fix the ARCA Login credential and run again.',
			},
		);
	}
	const undecided = undecidedLogins.get(key);
	if (undecided) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Not sent: the first automation with this ARCA login in this execution (${undecided.automationId ?? 'automation'}, node "${undecided.node}", ${itemLabel(undecided.itemIndex).slice(1, -1)}) has not finished, so it is not known yet whether ARCA accepted the login ${itemLabel(itemIndex)}`,
			{
				itemIndex,
				description:
					'A rejected login sent again counts toward locking the clave fiscal. Pick the first result up with Automation → Get Result, then run these items again.',
			},
		);
	}
}

/** Starts the automation and, unless told not to, waits for it. */
export async function runAutomation(
	ctx: IExecuteFunctions,
	itemIndex: number,
	automation: string,
	params: IDataObject,
): Promise<AutomationState> {
	const key = loginKey(ctx, params);
	if (key) refuseKnownRejection(ctx, itemIndex, key);
	const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	// Wait off: the first automation of a login in this execution is awaited until ARCA has judged the login.
	const mustJudgeLogin = !wait && key !== undefined && acceptedLogins.get(key) === undefined;
	let automationId: string | undefined;
	const run = async () => {
		const started = await createAutomation.call(ctx, itemIndex, automation, params);
		automationId = started.id;
		if (key && started.id) automationLogins.set(started.id, { key, at: Date.now() });
		if ((!wait && !mustJudgeLogin) || started.status !== 'in_process') return started;
		const finished = await waitForAutomation.call(ctx, itemIndex, started.id, waitSettings(readOptions(ctx, itemIndex)));
		if (key && finished.status === 'complete') acceptedLogins.set(key, note(ctx, itemIndex, started.id));
		return finished;
	};
	// The transport throws n8n errors only; this notes what they say about the login and passes them on unchanged.
	return await run().catch(async (error: Error) => {
		judge(ctx, itemIndex, key, error, automationId);
		// Started, then no verdict (a timeout or a network failure while waiting; a final error state is an API error).
		if (key && mustJudgeLogin && automationId && !(error instanceof NodeApiError))
			undecidedLogins.set(key, note(ctx, itemIndex, automationId));
		return await Promise.reject(error);
	});
}

/** Get Result: a rejected login it sees is recorded for the rest of the execution (by the login, when this process started the automation). */
export async function fetchAutomation(ctx: IExecuteFunctions, itemIndex: number, id: string, wait: boolean) {
	const fetch = async () =>
		wait
			? await waitForAutomation.call(ctx, itemIndex, id, waitSettings(readOptions(ctx, itemIndex)))
			: await getAutomation.call(ctx, itemIndex, id);
	return await fetch().then(
		(state) => {
			const started = automationLogins.get(id);
			if (started && state.status === 'complete') {
				acceptedLogins.set(started.key, note(ctx, itemIndex, id));
				undecidedLogins.delete(started.key);
			}
			return state;
		},
		async (error: Error) => {
			judge(ctx, itemIndex, automationLogins.get(id)?.key, error, id);
			return await Promise.reject(error);
		},
	);
}

const PEM_MIME = 'application/x-pem-file';

/**
 * One output item for an automation's state. A result that holds a certificate and key becomes two PEM
 * binary files plus the parsed certificate; the key reaches JSON only when asked for. The files' names
 * hold the alias or the server's automation id: each is made one plain name (outputFileName).
 */
export async function automationOutput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	state: AutomationState,
	facts: IDataObject,
	fileStem: string,
): Promise<INodeExecutionData> {
	const json: IDataObject = { automationId: state.id, status: state.status, ...facts };
	const data = state.data ?? {};
	const cert = typeof data.cert === 'string' ? data.cert : undefined;
	const key = typeof data.key === 'string' ? data.key : undefined;
	if (state.status !== 'complete') return { json };
	if (!cert) {
		json.result = data;
		return { json };
	}
	const options = readOptions(ctx, itemIndex);
	try {
		json.certificate = { ...parseCertificate(cert) } as unknown as IDataObject;
	} catch (error) {
		json.certificateParseError = `The certificate Afip SDK returned could not be parsed: ${(error as Error).message}`;
	}
	json.certificatePem = cert;
	if (key && options.includePrivateKeyInJson) json.privateKeyPem = key;
	const binary: INodeExecutionData['binary'] = {};
	binary[options.certificateBinaryProperty || 'certificate'] = await ctx.helpers.prepareBinaryData(
		Buffer.from(cert, 'utf8'),
		outputFileName(`${fileStem}.crt.pem`) ?? 'certificate.crt.pem',
		PEM_MIME,
	);
	if (key) {
		binary[options.privateKeyBinaryProperty || 'privateKey'] = await ctx.helpers.prepareBinaryData(
			Buffer.from(key, 'utf8'),
			outputFileName(`${fileStem}.key.pem`) ?? 'private.key.pem',
			PEM_MIME,
		);
	}
	return { json, binary };
}

// ------------------------------------------------------------------------------------------------
// The web service a certificate is authorized for or a ticket is asked for

export const WEB_SERVICES = [
	{ name: 'Factura Electrónica (WSFE)', value: 'wsfe', description: 'Electronic invoices A, B, C and M (ID wsfe)' },
	{ name: 'Exportación (WSFEX)', value: 'wsfex', description: 'Export invoices (E) (ID wsfex)' },
	{ name: 'Factura Detallada (WSMTXCA)', value: 'wsmtxca', description: 'Invoices with item detail (ID wsmtxca)' },
	{
		name: 'Inscripción (Constancia)',
		value: 'ws_sr_constancia_inscripcion',
		description: 'Registration record of a CUIT (ID ws_sr_constancia_inscripcion)',
	},
	{ name: 'Padrón A4', value: 'ws_sr_padron_a4', description: 'Taxpayer register, full record (ID ws_sr_padron_a4)' },
	{ name: 'Padrón A5', value: 'ws_sr_padron_a5', description: 'Taxpayer register, record with tax status (ID ws_sr_padron_a5)' },
	{ name: 'Padrón A10', value: 'ws_sr_padron_a10', description: 'Taxpayer register, basic record (ID ws_sr_padron_a10)' },
	{ name: 'Padrón A13', value: 'ws_sr_padron_a13', description: 'Taxpayer register, by document number (ID ws_sr_padron_a13)' },
	{ name: 'Other (Enter ID)', value: 'custom', description: 'Any other ARCA web service: type its ID below' },
];

export const serviceProperties = (description: string): INodeProperties[] => [
	{
		displayName: 'Web Service',
		name: 'service',
		type: 'options',
		options: WEB_SERVICES,
		default: 'wsfe',
		description,
	},
	{
		displayName: 'Web Service ID',
		name: 'customService',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'ws_sr_padron_a100',
		description: 'ARCA identifier of the web service',
		displayOptions: { show: { service: ['custom'] } },
	},
];

export function readService(ctx: IExecuteFunctions, itemIndex: number): string {
	let service = String(ctx.getNodeParameter('service', itemIndex));
	if (service === 'custom') {
		service = String(ctx.getNodeParameter('customService', itemIndex, '')).trim();
		if (!/^[a-z0-9_]+$/i.test(service))
			throw inputError(
				ctx.getNode(),
				itemIndex,
				'Web Service ID',
				service ? `"${service}" is not a web service id (letters, digits, _)` : 'is empty',
			);
	}
	return service;
}

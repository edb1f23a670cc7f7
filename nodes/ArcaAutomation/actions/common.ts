import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkCuit } from '../../shared/cuit';
import { parseCertificate } from '../../shared/x509';
import { inputError, itemLabel } from '../../shared/n8n/items';
import { createAutomation, getAutomation, isLoginRejection, waitForAutomation, type AutomationState, type WaitSettings } from '../transport';

export type Environment = 'dev' | 'prod';

/** Which display options a field shares with its operation. */
export type Show = { resource: string[]; operation: string[] };

export const environmentProperty = (show: Show): INodeProperties => ({
	displayName: 'Environment',
	name: 'environment',
	type: 'options',
	options: [
		{ name: 'Testing (Homologación)', value: 'dev', description: 'ARCA testing services: certificates for development' },
		{ name: 'Production', value: 'prod', description: 'Real ARCA services' },
	],
	default: 'dev',
	description: 'A testing certificate does not work in production, and the other way round',
	displayOptions: { show },
});

export const aliasProperty = (show: Show, description: string): INodeProperties => ({
	displayName: 'Alias',
	name: 'alias',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'facturacion',
	description,
	displayOptions: { show },
});

export const waitProperties = (show: Show): INodeProperties[] => [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until ARCA finishes. Off: return the automation ID at once and pick the result up later with Automation → Get Result.',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Certificate Binary Property',
				name: 'certificateBinaryProperty',
				type: 'string',
				default: 'certificate',
				description: 'Name of the binary property that receives the certificate (PEM)',
			},
			{
				displayName: 'Include Private Key in JSON',
				name: 'includePrivateKeyInJson',
				type: 'boolean',
				default: false,
				description:
					'Whether to put the private key PEM in the JSON output too. It is always in the binary output; JSON ends up in execution logs more easily.',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 5,
				description: 'How often to ask whether the automation has finished. Afip SDK recommends 5 seconds.',
			},
			{
				displayName: 'Private Key Binary Property',
				name: 'privateKeyBinaryProperty',
				type: 'string',
				default: 'privateKey',
				description: 'Name of the binary property that receives the private key (PEM)',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 300,
				description: 'How long to wait before giving up. The automation keeps running at Afip SDK; Get Result picks it up later.',
			},
		],
	},
];

interface OutputOptions {
	includePrivateKeyInJson?: boolean;
	certificateBinaryProperty?: string;
	privateKeyBinaryProperty?: string;
	pollInterval?: number;
	timeout?: number;
}

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): OutputOptions {
	return ctx.getNodeParameter('options', itemIndex, {}) as OutputOptions;
}

export function waitSettings(options: OutputOptions): WaitSettings {
	return { intervalSeconds: options.pollInterval ?? 5, timeoutSeconds: options.timeout ?? 300 };
}

export function readEnvironment(ctx: IExecuteFunctions, itemIndex: number): Environment {
	const value = String(ctx.getNodeParameter('environment', itemIndex, 'dev'));
	if (value !== 'dev' && value !== 'prod') {
		throw inputError(ctx.getNode(), itemIndex, 'Environment', `"${value}" is not one of: dev (testing), prod (production)`);
	}
	return value;
}

/** ARCA's certificate alias: letters and digits only (ARCA rejects other characters in the portal). */
export function checkAlias(ctx: IExecuteFunctions, itemIndex: number): string {
	const alias = String(ctx.getNodeParameter('alias', itemIndex, '')).trim();
	if (alias === '') throw inputError(ctx.getNode(), itemIndex, 'Alias', 'is empty');
	if (!/^[A-Za-z0-9]{1,50}$/.test(alias)) {
		throw inputError(
			ctx.getNode(),
			itemIndex,
			'Alias',
			`"${alias}" may only contain letters and digits (1 to 50), no spaces or symbols`,
			'ARCA rejects aliases with other characters.',
		);
	}
	return alias;
}

export interface ArcaLogin {
	cuit: string;
	username: string;
	password: string;
}

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
	return { cuit: cuit.cuit, username: username.cuit, password };
}

/**
 * Logins ARCA rejected during this execution, by a hash of username + password: the items after a
 * rejection fail without a request, because every failed login counts toward locking the clave fiscal.
 */
const rejectedLogins = new WeakMap<object, Map<string, number>>();

function loginKey(params: IDataObject): string | undefined {
	if (typeof params.username !== 'string' || typeof params.password !== 'string') return undefined;
	return createHash('sha256').update(`${params.username}\0${params.password}`).digest('hex');
}

/** Starts the automation and, unless told not to, waits for it. */
export async function runAutomation(
	ctx: IExecuteFunctions,
	itemIndex: number,
	automation: string,
	params: IDataObject,
): Promise<AutomationState> {
	const key = loginKey(params);
	const rejected = rejectedLogins.get(ctx) ?? new Map<string, number>();
	rejectedLogins.set(ctx, rejected);
	if (key && rejected.has(key)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Not sent: ARCA rejected this login for item ${rejected.get(key)} ${itemLabel(itemIndex)}`,
			{ itemIndex, description: 'Each failed ARCA login counts toward locking the clave fiscal, so the same username and password are not tried again in this execution. Fix the ARCA Login credential and run again.' },
		);
	}
	const run = async () => {
		const started = await createAutomation(ctx, itemIndex, automation, params);
		const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
		if (!wait || started.status !== 'in_process') return started;
		return await waitForAutomation(ctx, itemIndex, started.id, waitSettings(readOptions(ctx, itemIndex)));
	};
	// The transport throws n8n errors only; this notes a rejected login and passes the error on unchanged.
	return await run().catch(async (error: Error) => {
		if (key && isLoginRejection(error.message)) rejected.set(key, itemIndex);
		return await Promise.reject(error);
	});
}

export async function fetchAutomation(ctx: IExecuteFunctions, itemIndex: number, id: string, wait: boolean) {
	if (!wait) return await getAutomation(ctx, itemIndex, id);
	return await waitForAutomation(ctx, itemIndex, id, waitSettings(readOptions(ctx, itemIndex)));
}

const PEM_MIME = 'application/x-pem-file';

/**
 * One output item for an automation's state. A result that holds a certificate and key becomes two PEM
 * binary files plus the parsed certificate; the key reaches JSON only when asked for.
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
		`${fileStem}.crt.pem`,
		PEM_MIME,
	);
	if (key) {
		binary[options.privateKeyBinaryProperty || 'privateKey'] = await ctx.helpers.prepareBinaryData(
			Buffer.from(key, 'utf8'),
			`${fileStem}.key.pem`,
			PEM_MIME,
		);
	}
	return { json, binary };
}

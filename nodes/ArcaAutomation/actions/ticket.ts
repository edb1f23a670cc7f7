/**
 * Access tickets (TA) for Get Access Ticket and Call: the fields that say where a ticket comes from, and
 * obtainTicket(), which reuses a stored ticket until shortly before it expires and otherwise asks Afip SDK
 * or WSAA once. Tickets are kept in the workflow's static data (saved by n8n after production executions,
 * shared by the workflow's ARCA nodes) and in this process's memory (every execution in this process: manual
 * ones, whose static data n8n does not save, and production ones started before the last one's static data
 * was saved). Concurrent executions in this process that need the same ticket share one request: ARCA
 * refuses a second while the first is valid. Only token, sign and times are kept: never the private key.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';

import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { checkCuit } from '../../shared/cuit';
import { inputError, itemLabel, withContext } from '../../shared/n8n/items';
import { isReusable, isStillValid, pruneTickets, ticketKey, type StoredTicket, type TicketSource } from '../protocol/ticketCache';
import { afipSdkAuth } from '../transport/afipSdkWebServices';
import { loginCms, WsaaFaultError, type SoapActionStyle } from '../transport/wsaa';
import type { Environment } from './common';

export const STATIC_KEY = 'arcaAccessTickets';

/**
 * What this process remembers (bounded, per workflow): n8n keeps no static data from manual executions, and a
 * production execution's static data reaches the next executions only once n8n has saved it.
 */
const memory = new Map<string, StoredTicket>();
const MEMORY_MAX = 500;
/** Requests for a ticket under way in this process, by the same key: concurrent executions wait for the one. */
const inFlight = new Map<string, Promise<{ ticket: StoredTicket; reused: boolean }>>();

/** For tests: forget what this process remembers (as a restart of n8n would). */
export function forgetRememberedTickets() {
	memory.clear();
}

/** Where the ticket comes from, the certificate and key, the taxpayer. `sourceField`: 'source' (Get Access Ticket) or 'ticketSource' (Call). */
export const ticketSourceProperties = (sourceField: 'source' | 'ticketSource'): INodeProperties[] => {
	const viaWsaa = { [sourceField]: ['wsaa'] };
	const certificateShown = { show: { [sourceField]: ['wsaa', 'afipSdkOwnCertificate'] } };
	return [
		{
			displayName: sourceField === 'source' ? 'Source' : 'Access Ticket Source',
			name: sourceField,
			type: 'options',
			options: [
				{
					name: 'Directly From ARCA (WSAA)',
					value: 'wsaa',
					description: "Sign the login request here with the certificate's private key: the key never leaves n8n",
				},
				{ name: 'Through Afip SDK', value: 'afipSdk', description: 'Afip SDK gets the ticket with the certificate it keeps for the CUIT' },
				{
					name: 'Through Afip SDK With My Certificate',
					value: 'afipSdkOwnCertificate',
					description: 'Afip SDK gets the ticket with your certificate and key (the key is sent to Afip SDK)',
				},
			],
			default: 'wsaa',
			description:
				'Where the access ticket (token and sign, valid about 12 hours) comes from. A valid one is reused until shortly before it expires.',
		},
		{
			displayName: 'The private key is sent to Afip SDK with this choice. Choose Directly From ARCA (WSAA) to keep it in n8n.',
			name: 'keySentNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { [sourceField]: ['afipSdkOwnCertificate'] } },
		},
		{
			displayName: 'Certificate and Key From',
			name: 'certificateInput',
			type: 'options',
			options: [
				{ name: 'Binary Fields', value: 'binary', description: 'PEM files in the input item (as Certificate → Create outputs them)' },
				{ name: 'PEM Text', value: 'pem', description: 'PEM text, e.g. an expression reading a previous node' },
			],
			default: 'binary',
			displayOptions: certificateShown,
		},
		{
			displayName: 'Certificate Binary Field',
			name: 'certificateField',
			type: 'string',
			default: 'certificate',
			displayOptions: { show: { ...certificateShown.show, certificateInput: ['binary'] } },
		},
		{
			displayName: 'Private Key Binary Field',
			name: 'privateKeyField',
			type: 'string',
			default: 'privateKey',
			displayOptions: { show: { ...certificateShown.show, certificateInput: ['binary'] } },
		},
		{
			displayName: 'Certificate (PEM)',
			name: 'certificatePem',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			displayOptions: { show: { ...certificateShown.show, certificateInput: ['pem'] } },
		},
		{
			displayName: 'Private Key (PEM)',
			name: 'privateKeyPem',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The certificate's private key. Never stored by the node and never put in its output.",
			displayOptions: { show: { ...certificateShown.show, certificateInput: ['pem'] } },
		},
		{
			displayName: 'Taxpayer CUIT',
			name: 'taxpayerCuit',
			type: 'string',
			default: '',
			placeholder: '20409378472',
			description:
				'CUIT the ticket is for (11 digits; the check digit is verified). Directly from ARCA: empty takes the CUIT in the certificate.',
			displayOptions: { show: viaWsaa },
		},
		{
			displayName: 'Taxpayer CUIT',
			name: 'taxpayerCuit',
			type: 'string',
			default: '',
			required: true,
			placeholder: '20409378472',
			description: 'CUIT the ticket is for (11 digits; the check digit is verified)',
			displayOptions: { show: { [sourceField]: ['afipSdk', 'afipSdkOwnCertificate'] } },
		},
		{
			displayName: 'Force New Ticket',
			name: 'forceNew',
			type: 'boolean',
			default: false,
			description:
				'Whether to ask for a new ticket even when a stored one is still valid. Through Afip SDK this sends force_create; directly, ARCA refuses a new ticket while the old one is valid, so it helps only when the stored copy was lost.',
		},
	];
};

/** WSAA settings, for the Options collection of both operations. */
export const wsaaOptions = (sourceField: 'source' | 'ticketSource'): INodeProperties[] => [
	{
		displayName: 'Signature Digest',
		name: 'digest',
		type: 'options',
		options: [
			{ name: 'SHA-256', value: 'sha256' },
			{ name: 'SHA-1 (Older Setups)', value: 'sha1' },
		],
		default: 'sha256',
		description: 'Digest of the signed login request (directly from ARCA only)',
		displayOptions: { show: { [`/${sourceField}`]: ['wsaa'] } },
	},
	{
		displayName: 'SOAPAction',
		name: 'soapAction',
		type: 'options',
		options: [
			{ name: 'Empty ("")', value: 'empty' },
			{ name: 'LoginCms', value: 'loginCms' },
		],
		default: 'empty',
		description: 'The SOAPAction header of the login request (directly from ARCA only). Change it only if WSAA refuses the default.',
		displayOptions: { show: { [`/${sourceField}`]: ['wsaa'] } },
	},
	{
		displayName: 'WSAA URL',
		name: 'wsaaUrl',
		type: 'string',
		default: '',
		placeholder: 'https://wsaahomo.afip.gov.ar/ws/services/LoginCms',
		description:
			"Empty: ARCA's own address for the environment. Set it only for a proxy or a test server (https, or http to this machine).",
		displayOptions: { show: { [`/${sourceField}`]: ['wsaa'] } },
	},
];

interface CertificateAndKey {
	certificatePem: string;
	privateKeyPem: string;
	certificate: X509Certificate;
}

async function binaryText(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string, fallback: string): Promise<string> {
	const field = String(ctx.getNodeParameter(parameter, itemIndex, fallback)).trim();
	if (!field) throw inputError(ctx.getNode(), itemIndex, label, 'is empty');
	const item = ctx.getInputData()[itemIndex];
	if (!item?.binary?.[field])
		throw inputError(ctx.getNode(), itemIndex, label, `"${field}": the input item has no binary field of that name`);
	return (await ctx.helpers.getBinaryDataBuffer(itemIndex, field)).toString('utf8');
}

/** The certificate and its key, checked (PEM, and the key belongs to the certificate) before any request. */
async function readCertificateAndKey(ctx: IExecuteFunctions, itemIndex: number): Promise<CertificateAndKey> {
	const node = ctx.getNode();
	const fromBinary = ctx.getNodeParameter('certificateInput', itemIndex, 'binary') === 'binary';
	const certField = fromBinary ? 'Certificate Binary Field' : 'Certificate (PEM)';
	const keyField = fromBinary ? 'Private Key Binary Field' : 'Private Key (PEM)';
	const certificatePem = (
		fromBinary
			? await binaryText(ctx, itemIndex, 'certificateField', certField, 'certificate')
			: String(ctx.getNodeParameter('certificatePem', itemIndex, ''))
	)
		.replace(/\r\n/g, '\n')
		.trim();
	const privateKeyPem = (
		fromBinary
			? await binaryText(ctx, itemIndex, 'privateKeyField', keyField, 'privateKey')
			: String(ctx.getNodeParameter('privateKeyPem', itemIndex, ''))
	)
		.replace(/\r\n/g, '\n')
		.trim();
	if (!certificatePem) throw inputError(node, itemIndex, certField, 'is empty');
	if (!privateKeyPem) throw inputError(node, itemIndex, keyField, 'is empty');
	let certificate: X509Certificate;
	try {
		certificate = new X509Certificate(certificatePem);
	} catch {
		throw inputError(node, itemIndex, certField, 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)');
	}
	let matches: boolean;
	try {
		matches = certificate.checkPrivateKey(createPrivateKey(privateKeyPem));
	} catch {
		// never the key's text in a message
		throw inputError(node, itemIndex, keyField, 'is not a readable private key (PEM, unencrypted)');
	}
	if (!matches) throw inputError(node, itemIndex, keyField, 'does not belong to the certificate');
	return { certificatePem: `${certificatePem}\n`, privateKeyPem: `${privateKeyPem}\n`, certificate };
}

/** The CUIT in a certificate's subject (serialNumber=CUIT n), if any. */
function certificateCuit(certificate: X509Certificate): string | undefined {
	return /serialNumber=CUIT\s*(\d{11})/i.exec(certificate.subject)?.[1];
}

export interface TicketOutcome {
	ticket: StoredTicket;
	reused: boolean;
	cuit: string;
	source: TicketSource;
}

function readCuit(ctx: IExecuteFunctions, itemIndex: number, fallback?: string): string {
	const raw = String(ctx.getNodeParameter('taxpayerCuit', itemIndex, '') ?? '').trim();
	if (raw === '' && fallback) return fallback;
	if (raw === '') throw inputError(ctx.getNode(), itemIndex, 'Taxpayer CUIT', 'is empty');
	const cuit = checkCuit(raw);
	if (!cuit.valid) throw inputError(ctx.getNode(), itemIndex, 'Taxpayer CUIT', cuit.reason);
	return cuit.cuit;
}

const memoryKeyOf = (ctx: IExecuteFunctions, key: string) => `${ctx.getWorkflow?.().id ?? ''}|${key}`;

/**
 * The workflow's tickets: its static data, with what this process remembers for the workflow put in (the later
 * expiry wins). n8n saves an execution's whole static data: one that loaded it before another execution's
 * ticket was saved would otherwise save it again without that ticket, and a restart would lose it.
 */
function ticketStore(ctx: IExecuteFunctions): Record<string, StoredTicket> {
	const data = ctx.getWorkflowStaticData('global') as IDataObject;
	const loaded = (data[STATIC_KEY] ?? {}) as Record<string, StoredTicket>;
	const store = { ...loaded };
	const prefix = memoryKeyOf(ctx, '');
	for (const [memoryKey, ticket] of memory) {
		if (!memoryKey.startsWith(prefix)) continue;
		const key = memoryKey.slice(prefix.length);
		const current = store[key];
		if (!current || !(Date.parse(current.expirationTime) >= Date.parse(ticket.expirationTime))) store[key] = ticket;
	}
	const pruned = pruneTickets(store, new Date());
	// Written only when it changed: n8n saves static data only then, so an execution that just used a ticket
	// never writes an older copy over what another process saved meanwhile (queue mode).
	const same =
		Object.keys(pruned).length === Object.keys(loaded).length &&
		Object.entries(pruned).every(([key, t]) => loaded[key]?.token === t.token && loaded[key]?.expirationTime === t.expirationTime);
	if (!same) data[STATIC_KEY] = pruned as unknown as IDataObject;
	return pruned;
}

function remember(ctx: IExecuteFunctions, key: string, ticket: StoredTicket) {
	const memoryKey = memoryKeyOf(ctx, key);
	memory.delete(memoryKey);
	memory.set(memoryKey, ticket);
	while (memory.size > MEMORY_MAX) memory.delete(memory.keys().next().value as string);
	const data = ctx.getWorkflowStaticData('global') as IDataObject;
	data[STATIC_KEY] = { ...ticketStore(ctx), [key]: ticket } as unknown as IDataObject;
}

function recall(ctx: IExecuteFunctions, key: string): StoredTicket | undefined {
	return ticketStore(ctx)[key];
}

/**
 * A ticket for the item: the stored one while reusable, else one request to Afip SDK or WSAA.
 * `sourceField` names the Source parameter of the operation.
 */
export async function obtainTicket(
	ctx: IExecuteFunctions,
	itemIndex: number,
	environment: Environment,
	service: string,
	sourceField: 'source' | 'ticketSource',
): Promise<TicketOutcome> {
	const choice = String(ctx.getNodeParameter(sourceField, itemIndex, 'wsaa'));
	const source: TicketSource = choice === 'wsaa' ? 'wsaa' : 'afipSdk';
	const own = choice !== 'afipSdk' ? await readCertificateAndKey(ctx, itemIndex) : undefined;
	const cuit = readCuit(ctx, itemIndex, own ? certificateCuit(own.certificate) : undefined);
	const forceNew = ctx.getNodeParameter('forceNew', itemIndex, false) === true;
	const key = ticketKey({
		source,
		environment,
		service,
		certificateFingerprint: own?.certificate.fingerprint256,
		cuit: own ? undefined : cuit,
	});
	const stored = recall(ctx, key);
	if (!forceNew && isReusable(stored, new Date())) return { ticket: stored, reused: true, cuit, source };

	// Another execution in this process is asking for this ticket right now: a second request would only get
	// coe.alreadyAuthenticated from WSAA, so take the answer of that one. If it failed (its item says why), ask.
	const memoryKey = memoryKeyOf(ctx, key);
	for (let pending = inFlight.get(memoryKey); pending; pending = inFlight.get(memoryKey)) {
		const shared = await pending.catch(() => undefined);
		if (shared) {
			remember(ctx, key, shared.ticket);
			return { ticket: shared.ticket, reused: true, cuit, source };
		}
	}
	// No await between the lookup above and this: the request is registered before another execution can look.
	const request = requestTicket(ctx, itemIndex, { environment, service, source, own, cuit, forceNew, key, stored }).finally(() => {
		if (inFlight.get(memoryKey) === request) inFlight.delete(memoryKey);
	});
	inFlight.set(memoryKey, request);
	const outcome = await request;
	return { ...outcome, cuit, source };
}

/** One request to Afip SDK or WSAA for the ticket; stored when it comes. */
async function requestTicket(
	ctx: IExecuteFunctions,
	itemIndex: number,
	{
		environment,
		service,
		source,
		own,
		cuit,
		forceNew,
		key,
		stored,
	}: {
		environment: Environment;
		service: string;
		source: TicketSource;
		own: CertificateAndKey | undefined;
		cuit: string;
		forceNew: boolean;
		key: string;
		stored: StoredTicket | undefined;
	},
): Promise<{ ticket: StoredTicket; reused: boolean }> {
	const now = new Date();
	if (source === 'afipSdk') {
		const answer = await afipSdkAuth.call(ctx, itemIndex, {
			environment,
			cuit,
			service,
			forceCreate: forceNew,
			cert: own?.certificatePem,
			key: own?.privateKeyPem,
		});
		const ticket: StoredTicket = {
			token: answer.token,
			sign: answer.sign,
			expirationTime: new Date(answer.expiration).toISOString(),
			service,
			environment,
			source,
			obtainedAt: now.toISOString(),
		};
		remember(ctx, key, ticket);
		return { ticket, reused: false };
	}

	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	try {
		const answer = await loginCms.call(ctx, itemIndex, {
			environment,
			service,
			certificatePem: own!.certificatePem,
			privateKeyPem: own!.privateKeyPem,
			url: typeof options.wsaaUrl === 'string' ? options.wsaaUrl : undefined,
			soapAction: (options.soapAction as SoapActionStyle) ?? 'empty',
			digest: options.digest === 'sha1' ? 'sha1' : 'sha256',
		});
		const ticket: StoredTicket = {
			token: answer.token,
			sign: answer.sign,
			expirationTime: new Date(answer.expirationTime).toISOString(),
			service,
			environment,
			source,
			obtainedAt: now.toISOString(),
		};
		remember(ctx, key, ticket);
		return { ticket, reused: false };
	} catch (error) {
		// Inside the reuse margin WSAA still holds our ticket valid: use it to the end instead of failing.
		if (error instanceof WsaaFaultError && error.wsaaFault.code === 'coe.alreadyAuthenticated' && isStillValid(stored, new Date())) {
			if (forceNew) {
				throw withContext(
					new NodeOperationError(
						ctx.getNode(),
						`ARCA gives no new ticket for "${service}" while the one this node holds is valid (until ${stored.expirationTime}) ${itemLabel(itemIndex)}`,
						{
							itemIndex,
							description: 'The stored ticket is kept. Run without Force New Ticket to use it.',
						},
					),
					{ expirationTime: stored.expirationTime },
				);
			}
			return { ticket: stored, reused: true };
		}
		// The transport throws n8n errors only: passed on unchanged.
		return await Promise.reject(error);
	}
}

/** The fields every ticket output shows (token and sign only when asked). */
export function ticketFacts(outcome: TicketOutcome): IDataObject {
	return {
		source: outcome.source === 'wsaa' ? 'wsaa' : 'afipSdk',
		environment: outcome.ticket.environment,
		service: outcome.ticket.service,
		cuit: outcome.cuit,
		expirationTime: outcome.ticket.expirationTime,
		obtainedAt: outcome.ticket.obtainedAt,
		reused: outcome.reused,
	};
}

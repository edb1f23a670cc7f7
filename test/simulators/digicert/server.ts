/**
 * A local stand-in for DigiCert CertCentral Services API v2, for the code-signing endpoints in
 * /work/shared/notes/digicert.md. Follows the order seed strictly: field names and types, unknown fields
 * rejected, validity 1 year or order_validity.days ≤ 459 (2 and 3 years refused as DigiCert does since
 * 2026-02-24). Issued orders carry real certificates from TestCa. Faults (dropped connections, delays,
 * 5xx, 429) are injectable; a control API (functions and HTTP under /__control) drives the state.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { TestCa } from '../../support/testCa';
import { storedZip } from './zip';

export const DEFAULT_DIGICERT_API_KEY = 'sim-digicert-api-key-0123456789';
const MAX_VALIDITY_DAYS = 459;
const DAY = 86_400_000;

export interface Organization {
	id: number;
	name: string;
	display_name: string;
	city: string;
	state: string;
	country: string;
	is_active: boolean;
}

export interface Container {
	id: number;
	name: string;
	parent_id: number | null;
	is_active: boolean;
}

export interface Fault {
	/** HTTP method to match (any when omitted). */
	method?: string;
	/** Path (after /services/v2) to match: a RegExp or a prefix. */
	path?: RegExp | string;
	/**
	 * drop: close the socket before handling; dropAfter: handle (e.g. create the order) then close the
	 * socket without answering; delay: wait delayMs, then handle; status: answer `status` without handling;
	 * statusAfter: handle, then answer `status` instead of the real response; malformed: handle, then answer
	 * 200 with the first half of the JSON; drip: handle, then send the real answer a few bytes at a time.
	 */
	kind: 'drop' | 'dropAfter' | 'delay' | 'status' | 'statusAfter' | 'malformed' | 'drip';
	status?: number;
	body?: unknown;
	delayMs?: number;
	/** How many matching requests it applies to (default 1). */
	times?: number;
}

export interface DigiCertSimulatorOptions {
	port?: number;
	host?: string;
	apiKey?: string;
	/** More keys of the same account (DigiCert lets an account hold several); requests record which key. */
	extraApiKeys?: string[];
	/**
	 * Reads of GET /order/certificate/{id} an approved pending (or reissue_pending) order needs before it
	 * is issued; null: never on its own (use control.issueOrder). Default 1.
	 */
	issueAfterReads?: number | null;
	/** Requests allowed per window before 429 request_limit_exceeded. Default 100 per 5 s, as DigiCert. */
	rateLimit?: { max: number; windowMs: number } | null;
	now?: () => Date;
	organizations?: Organization[];
	containers?: Container[];
	ca?: TestCa;
	/**
	 * How a revocation with skip_approval answers (the notes allow "201 request or 204"): 204 No Content, or
	 * 201 with the revoke request, already approved.
	 */
	revokeAnswer?: '204' | '201-approved';
	/** How valid_from / valid_till come back: a bare date (the documented answers) or a full timestamp. */
	dateForm?: 'date' | 'timestamp';
	/**
	 * Approvals a request needs (an account may require two approvers): with 2, the first Approve moves the
	 * request to `submitted` (the order still waits), the second to `approved`.
	 */
	approvalSteps?: 1 | 2;
	/** Status of a new request that still needs approval: `pending` or `submitted` (the notes allow both). */
	newRequestStatus?: 'pending' | 'submitted';
}

/** The readings the simulator can be switched to at run time (options, control.configure, POST /__control/settings). */
export type DigiCertSwitches = Required<Pick<DigiCertSimulatorOptions, 'revokeAnswer' | 'dateForm' | 'approvalSteps' | 'newRequestStatus'>>;
export const DIGICERT_SWITCHES: { [K in keyof DigiCertSwitches]: readonly DigiCertSwitches[K][] } = {
	revokeAnswer: ['204', '201-approved'],
	dateForm: ['date', 'timestamp'],
	approvalSteps: [1, 2],
	newRequestStatus: ['pending', 'submitted'],
};
export const FAULT_KINDS: Fault['kind'][] = ['drop', 'dropAfter', 'delay', 'status', 'statusAfter', 'malformed', 'drip'];

/** The organization object of a new organization (DigiCert's API docs; the seed: "all required parameters"). */
export const NEW_ORGANIZATION_REQUIRED = ['name', 'address', 'city', 'state', 'zip', 'country', 'telephone'] as const;
export const NEW_ORGANIZATION_OPTIONAL = ['assumed_name', 'address2'] as const;
export const ORGANIZATION_CONTACT_REQUIRED = ['first_name', 'last_name', 'email', 'telephone'] as const;

interface SimCertificate {
	id: number;
	orderId: number;
	pem: string;
	serial: string;
	validFrom: Date;
	validTill: Date;
	revoked: boolean;
}

interface SimRequest {
	id: number;
	date: string;
	type: 'new_request' | 'renew' | 'reissue' | 'revoke';
	status: 'pending' | 'submitted' | 'approved' | 'rejected';
	orderId: number;
	comments?: string;
	processor_comment?: string;
	date_processed?: string;
}

export interface SimOrder {
	id: number;
	product: 'code_signing' | 'code_signing_ev';
	status: string;
	dateCreated: Date;
	statusChangedAt: Date;
	organizationId: number;
	containerId: number;
	commonName: string;
	alternativeOrderId?: string;
	validityDays: number;
	validityYears?: number;
	csr?: string;
	keySize?: number;
	certificateId: number;
	certificates: number[];
	requestIds: number[];
	readsLeft: number | null;
	renewalOfOrderId?: number;
	renewedOrderId?: number;
	body: Record<string, unknown>;
}

export interface SeedOrderOptions {
	status?: string;
	product?: 'code_signing' | 'code_signing_ev';
	/** YYYY-MM-DD; for issued orders the certificate's notAfter falls on this day. */
	validTill?: string;
	validFrom?: string;
	organizationId?: number;
	containerId?: number;
	commonName?: string;
	alternativeOrderId?: string;
	/** When the status last changed (default now). */
	statusChangedAt?: Date;
	/**
	 * For large accounts (benchmarks): the certificate's PEM is one shared real certificate instead of a
	 * new key and certificate per order (seconds each); serial, valid_from and valid_till are the order's own.
	 */
	sharedPem?: boolean;
}

export interface DigiCertSimulator {
	url: string;
	/** http://127.0.0.1:port (no /services/v2). */
	origin: string;
	port: number;
	apiKey: string;
	ca: TestCa;
	close(): Promise<void>;
	control: {
		orders(): SimOrder[];
		order(id: number): SimOrder | undefined;
		seedOrder(options?: SeedOrderOptions): SimOrder;
		seedOrders(count: number, options?: SeedOrderOptions): SimOrder[];
		issueOrder(id: number): SimOrder;
		renewOrder(id: number): SimOrder;
		setStatus(id: number, status: string): SimOrder;
		certificatePem(certificateId: number): string;
		addFault(fault: Fault): void;
		clearFaults(): void;
		/** Every API request seen (not /__control), in order. */
		requests: Array<{ method: string; path: string; status?: number; /** 0: apiKey, n: extraApiKeys[n-1] */ key?: number }>;
		setRateLimit(limit: { max: number; windowMs: number } | null): void;
		setIssueAfterReads(reads: number | null): void;
		/** Switch a reading at run time (unknown switches or values are refused). */
		configure(switches: Partial<DigiCertSwitches>): void;
		switches(): DigiCertSwitches;
		organizations(): Organization[];
	};
}

class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly errors: Array<{ code: string; message: string }>,
	) {
		super(errors.map((e) => e.code).join(','));
	}
}

const notFound = (what: string) => new ApiError(404, [{ code: `not_found|${what}`, message: `The requested ${what} was not found.` }]);
const invalid = (field: string, message: string) => ({ code: `invalid_value:${field}`, message });

function ymd(date: Date): string {
	return date.toISOString().slice(0, 10);
}

function stamp(date: Date): string {
	return date.toISOString().replace('T', ' ').slice(0, 19);
}

// ---------------------------------------------------------------------------------------------------
// Strict validation of the order body (seed: "Pedir certificado de firma de código")

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
const isString = (v: unknown) => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const TOP_LEVEL = new Set([
	'certificate',
	'auto_renew',
	'additional_emails',
	'renewal_of_order_id',
	'skip_approval',
	'organization',
	'container',
	'validity_years',
	'order_validity',
	'cs_provisioning_method',
	'ship_info',
	'custom_fields',
	'payment_method',
	'comments',
	'custom_renewal_message',
	'alternative_order_id',
]);
const CERTIFICATE_FIELDS = new Set(['csr', 'signature_hash', 'server_platform', 'organization_units']);
const SHIP_INFO_REQUIRED = ['name', 'addr1', 'city', 'state', 'zip', 'country', 'method'];
const SHIP_INFO_FIELDS = new Set([...SHIP_INFO_REQUIRED, 'addr2']);
export const CS_PROVISIONING_METHODS = ['ship_token', 'client_app', 'email'];
export const PAYMENT_METHODS = ['balance', 'card', 'profile'];

/** `organization`: `{id}` of an existing one, or every required field of a new one (and nothing unknown). */
function checkOrganization(errors: Array<{ code: string; message: string }>, value: unknown) {
	if (!isObject(value) || value.id !== undefined) return checkIdObject(errors, value, 'organization', true);
	const known = new Set<string>([...NEW_ORGANIZATION_REQUIRED, ...NEW_ORGANIZATION_OPTIONAL, 'organization_contact']);
	for (const key of Object.keys(value))
		if (!known.has(key)) errors.push(invalid(`organization.${key}`, `Unknown field organization.${key}.`));
	for (const key of NEW_ORGANIZATION_REQUIRED) {
		if (!isString(value[key]) || !(value[key] as string).trim())
			errors.push(invalid(`organization.${key}`, `organization.${key} is required for a new organization.`));
	}
	if (isString(value.country) && !/^[a-z]{2}$/i.test(value.country))
		errors.push(invalid('organization.country', 'organization.country must be a two-letter country code.'));
	const contact = value.organization_contact;
	if (!isObject(contact)) {
		errors.push(invalid('organization.organization_contact', 'organization.organization_contact is required for a new organization.'));
		return;
	}
	for (const key of Object.keys(contact)) {
		if (![...ORGANIZATION_CONTACT_REQUIRED, 'job_title'].includes(key))
			errors.push(invalid(`organization.organization_contact.${key}`, `Unknown field organization.organization_contact.${key}.`));
	}
	for (const key of ORGANIZATION_CONTACT_REQUIRED) {
		if (!isString(contact[key]) || !(contact[key] as string).trim())
			errors.push(invalid(`organization.organization_contact.${key}`, `organization.organization_contact.${key} is required.`));
	}
	if (isString(contact.email) && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(contact.email))
		errors.push(invalid('organization.organization_contact.email', 'organization.organization_contact.email is not an email address.'));
}

function checkIdObject(errors: Array<{ code: string; message: string }>, value: unknown, field: string, required: boolean) {
	if (value === undefined) {
		if (required) errors.push(invalid(field, `${field} is required.`));
		return;
	}
	if (!isObject(value)) {
		errors.push(invalid(field, `${field} must be an object.`));
		return;
	}
	for (const key of Object.keys(value)) if (key !== 'id') errors.push(invalid(`${field}.${key}`, `Unknown field ${field}.${key}.`));
	if (!isInt(value.id)) errors.push(invalid(`${field}.id`, `${field}.id is required and must be an integer.`));
}

export function validateOrderBody(body: unknown, product: string, reissue = false): Array<{ code: string; message: string }> {
	const errors: Array<{ code: string; message: string }> = [];
	if (!isObject(body)) return [invalid('body', 'The request body must be a JSON object.')];
	const allowed = reissue ? new Set(['certificate', 'cs_provisioning_method', 'skip_approval', 'comments']) : TOP_LEVEL;
	for (const key of Object.keys(body)) if (!allowed.has(key)) errors.push(invalid(key, `Unknown field ${key}.`));

	const certificate = body.certificate;
	if (!isObject(certificate)) {
		errors.push(invalid('certificate', 'certificate is required and must be an object.'));
	} else {
		for (const key of Object.keys(certificate))
			if (!CERTIFICATE_FIELDS.has(key)) errors.push(invalid(`certificate.${key}`, `Unknown field certificate.${key}.`));
		if (certificate.signature_hash === undefined)
			errors.push(invalid('certificate.signature_hash', 'certificate.signature_hash is required.'));
		else if (certificate.signature_hash !== 'sha256') errors.push(invalid('certificate.signature_hash', 'Allowed values: sha256.'));
		if (certificate.csr !== undefined && !isString(certificate.csr))
			errors.push(invalid('certificate.csr', 'certificate.csr must be a string.'));
		if (certificate.server_platform !== undefined) checkIdObject(errors, certificate.server_platform, 'certificate.server_platform', true);
		if (
			certificate.organization_units !== undefined &&
			(!Array.isArray(certificate.organization_units) || !certificate.organization_units.every(isString))
		) {
			errors.push(invalid('certificate.organization_units', 'certificate.organization_units must be an array of strings.'));
		}
		const platform = isObject(certificate.server_platform) ? certificate.server_platform.id : undefined;
		if (platform === 55 && certificate.csr === undefined)
			errors.push(invalid('certificate.csr', 'A CSR is required for server platform 55 (Sun Java).'));
		if (body.cs_provisioning_method === 'email' && certificate.csr === undefined)
			errors.push(invalid('certificate.csr', 'A CSR is required when cs_provisioning_method is email.'));
	}
	if (body.cs_provisioning_method !== undefined && !CS_PROVISIONING_METHODS.includes(body.cs_provisioning_method as string)) {
		errors.push(invalid('cs_provisioning_method', `Allowed values: ${CS_PROVISIONING_METHODS.join(', ')}.`));
	}
	if (body.skip_approval !== undefined && typeof body.skip_approval !== 'boolean')
		errors.push(invalid('skip_approval', 'skip_approval must be a boolean.'));
	if (body.comments !== undefined && !isString(body.comments)) errors.push(invalid('comments', 'comments must be a string.'));
	if (reissue) return errors;

	if (product === 'code_signing_ev' && body.cs_provisioning_method === undefined) {
		errors.push(invalid('cs_provisioning_method', 'cs_provisioning_method is required for EV code signing orders.'));
	}
	checkOrganization(errors, body.organization);
	checkIdObject(errors, body.container, 'container', false);
	if (body.order_validity !== undefined) {
		const ov = body.order_validity;
		if (!isObject(ov)) errors.push(invalid('order_validity', 'order_validity must be an object.'));
		else {
			for (const key of Object.keys(ov))
				if (key !== 'days') errors.push(invalid(`order_validity.${key}`, `Unknown field order_validity.${key}.`));
			if (!isInt(ov.days) || (ov.days as number) < 1)
				errors.push(invalid('order_validity.days', 'order_validity.days must be a positive integer.'));
			else if ((ov.days as number) > MAX_VALIDITY_DAYS)
				errors.push(invalid('order_validity.days', `Code signing certificates can be valid for at most ${MAX_VALIDITY_DAYS} days.`));
		}
	}
	if (body.validity_years === undefined) {
		if (body.order_validity === undefined) errors.push(invalid('validity_years', 'validity_years is required.'));
	} else if (!isInt(body.validity_years)) {
		errors.push(invalid('validity_years', 'validity_years must be an integer.'));
	} else if (body.validity_years === 2 || body.validity_years === 3) {
		errors.push(
			invalid('validity_years', 'Code signing certificates with a validity of 2 or 3 years are no longer issued. Allowed values: 1.'),
		);
	} else if (body.validity_years !== 1) {
		errors.push(invalid('validity_years', 'Allowed values: 1.'));
	}
	if (body.payment_method !== undefined && !PAYMENT_METHODS.includes(body.payment_method as string)) {
		errors.push(invalid('payment_method', `Allowed values: ${PAYMENT_METHODS.join(', ')}.`));
	}
	if (body.auto_renew !== undefined && !isInt(body.auto_renew)) errors.push(invalid('auto_renew', 'auto_renew must be an integer.'));
	if (body.renewal_of_order_id !== undefined && !isInt(body.renewal_of_order_id))
		errors.push(invalid('renewal_of_order_id', 'renewal_of_order_id must be an integer.'));
	if (body.custom_renewal_message !== undefined && !isString(body.custom_renewal_message))
		errors.push(invalid('custom_renewal_message', 'custom_renewal_message must be a string.'));
	if (
		body.alternative_order_id !== undefined &&
		(!isString(body.alternative_order_id) || (body.alternative_order_id as string).length > 64)
	) {
		errors.push(invalid('alternative_order_id', 'alternative_order_id must be a string of at most 64 characters.'));
	}
	if (
		body.additional_emails !== undefined &&
		(!Array.isArray(body.additional_emails) || !body.additional_emails.every((e) => isString(e) && /^[^@\s]+@[^@\s]+$/.test(e)))
	) {
		errors.push(invalid('additional_emails', 'additional_emails must be an array of email addresses.'));
	}
	if (body.ship_info !== undefined) {
		const ship = body.ship_info;
		if (!isObject(ship)) errors.push(invalid('ship_info', 'ship_info must be an object.'));
		else {
			for (const key of Object.keys(ship))
				if (!SHIP_INFO_FIELDS.has(key)) errors.push(invalid(`ship_info.${key}`, `Unknown field ship_info.${key}.`));
			for (const key of SHIP_INFO_REQUIRED)
				if (!isString(ship[key]) || ship[key] === '')
					errors.push(invalid(`ship_info.${key}`, `ship_info.${key} is required and must be a string.`));
			if (ship.addr2 !== undefined && !isString(ship.addr2)) errors.push(invalid('ship_info.addr2', 'ship_info.addr2 must be a string.'));
			if (isString(ship.method) && !['STANDARD', 'EXPEDITED'].includes(ship.method as string))
				errors.push(invalid('ship_info.method', 'Allowed values: STANDARD, EXPEDITED.'));
		}
	}
	if (body.custom_fields !== undefined) {
		if (!Array.isArray(body.custom_fields)) errors.push(invalid('custom_fields', 'custom_fields must be an array.'));
		else
			body.custom_fields.forEach((field, i) => {
				if (!isObject(field)) {
					errors.push(invalid(`custom_fields[${i}]`, 'Each custom field must be an object.'));
					return;
				}
				for (const key of Object.keys(field))
					if (key !== 'metadata_id' && key !== 'value') errors.push(invalid(`custom_fields[${i}].${key}`, `Unknown field ${key}.`));
				if (!isInt(field.metadata_id)) errors.push(invalid(`custom_fields[${i}].metadata_id`, 'metadata_id must be an integer.'));
				if (!isString(field.value)) errors.push(invalid(`custom_fields[${i}].value`, 'value must be a string.'));
			});
	}
	return errors;
}

/** openssl, independent of the node's own CSR parser: verify the self-signature and read the key size. */
function inspectCsr(csr: string): { ok: true; keySize: number | undefined; keyType: string } | { ok: false; message: string } {
	try {
		const text = execFileSync('openssl', ['req', '-noout', '-verify', '-text'], {
			input: csr,
			encoding: 'utf8',
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		const bits = /Public-Key: \((\d+) bit\)/.exec(text);
		const keyType = /Public Key Algorithm: (\S+)/.exec(text)?.[1] ?? 'unknown';
		return { ok: true, keySize: bits ? Number(bits[1]) : undefined, keyType };
	} catch {
		return { ok: false, message: 'The CSR is invalid or its signature does not verify.' };
	}
}

// ---------------------------------------------------------------------------------------------------

export async function startDigiCertSimulator(options: DigiCertSimulatorOptions = {}): Promise<DigiCertSimulator> {
	const apiKey = options.apiKey ?? DEFAULT_DIGICERT_API_KEY;
	const now = options.now ?? (() => new Date());
	let issueAfterReads = options.issueAfterReads === undefined ? 1 : options.issueAfterReads;
	let rateLimit = options.rateLimit === undefined ? { max: 100, windowMs: 5000 } : options.rateLimit;
	const switches: DigiCertSwitches = {
		revokeAnswer: options.revokeAnswer ?? '204',
		dateForm: options.dateForm ?? 'date',
		approvalSteps: options.approvalSteps ?? 1,
		newRequestStatus: options.newRequestStatus ?? 'pending',
	};
	/** Approvals each request has had (for approvalSteps 2). */
	const approvals = new Map<number, number>();
	let nextOrganizationId = 345_678;
	const ownCa = !options.ca;
	const ca = options.ca ?? new TestCa('/C=US/O=DigiCert Simulator/CN=DigiCert Simulator Code Signing Root');
	const organizations: Organization[] = options.organizations ?? [
		{ id: 123456, name: 'Example Corp', display_name: 'Example Corp', city: 'Lehi', state: 'ut', country: 'us', is_active: true },
		{
			id: 234567,
			name: 'Ejemplo S.A.',
			display_name: 'Ejemplo S.A. (AR)',
			city: 'Buenos Aires',
			state: 'caba',
			country: 'ar',
			is_active: true,
		},
	];
	const containers: Container[] = options.containers ?? [
		{ id: 654321, name: 'Example Corp (top)', parent_id: null, is_active: true },
		{ id: 765432, name: 'Build servers', parent_id: 654321, is_active: true },
	];

	const orders = new Map<number, SimOrder>();
	const certificates = new Map<number, SimCertificate>();
	const requests = new Map<number, SimRequest>();
	const statusLog: Array<{ orderId: number; at: Date }> = [];
	const faults: Array<Fault & { left: number }> = [];
	const requestLog: DigiCertSimulator['control']['requests'] = [];
	const hits: number[] = [];
	let nextOrderId = 1_000_001;
	let nextCertificateId = 5_000_001;
	let nextRequestId = 9_000_001;

	function setStatus(order: SimOrder, status: string) {
		if (order.status === status) return;
		order.status = status;
		order.statusChangedAt = now();
		statusLog.push({ orderId: order.id, at: order.statusChangedAt });
	}

	function subjectFor(order: SimOrder): string {
		const org = organizations.find((o) => o.id === order.organizationId);
		const clean = (s: string) => s.replace(/[/=]/g, ' ');
		return `/C=${(org?.country ?? 'us').toUpperCase()}/ST=${clean(org?.state ?? 'ut')}/L=${clean(org?.city ?? 'Lehi')}/O=${clean(order.commonName)}/CN=${clean(order.commonName)}`;
	}

	let sharedIssued: { certPem: string } | undefined;
	let sharedSerial = 0x5000000;
	function issue(order: SimOrder, validFrom?: Date, validTill?: Date, sharedPem = false) {
		const notBefore = validFrom ?? new Date(now().getTime() - 60_000);
		const notAfter = validTill ?? new Date(notBefore.getTime() + order.validityDays * DAY);
		const days = (notAfter.getTime() - notBefore.getTime()) / DAY;
		if (sharedPem) {
			sharedIssued ??= ca.issue({ subject: subjectFor(order), notBefore, days, keyBits: 3072 });
			if (order.certificates.includes(order.certificateId) && certificates.has(order.certificateId))
				order.certificateId = nextCertificateId++;
			certificates.set(order.certificateId, {
				id: order.certificateId,
				orderId: order.id,
				pem: sharedIssued.certPem,
				serial: (sharedSerial++).toString(16).toUpperCase().padStart(16, '0'),
				validFrom: notBefore,
				validTill: notAfter,
				revoked: false,
			});
			order.certificates.push(order.certificateId);
			order.readsLeft = null;
			setStatus(order, 'issued');
			return;
		}
		const issued = ca.issue({ subject: subjectFor(order), notBefore, days, csrPem: order.csr, keyBits: order.csr ? undefined : 3072 });
		const x509 = new X509Certificate(issued.certPem);
		if (order.certificates.includes(order.certificateId) && certificates.has(order.certificateId)) {
			order.certificateId = nextCertificateId++;
		}
		certificates.set(order.certificateId, {
			id: order.certificateId,
			orderId: order.id,
			pem: issued.certPem,
			serial: issued.serialHex,
			validFrom: new Date(x509.validFrom),
			validTill: new Date(x509.validTo),
			revoked: false,
		});
		order.certificates.push(order.certificateId);
		order.readsLeft = null;
		setStatus(order, 'issued');
	}

	function newRequest(order: SimOrder, type: SimRequest['type'], approved: boolean, comments?: string): SimRequest {
		const request: SimRequest = {
			id: nextRequestId++,
			date: stamp(now()),
			type,
			status: approved ? 'approved' : switches.newRequestStatus,
			orderId: order.id,
			comments,
		};
		if (approved) request.date_processed = request.date;
		requests.set(request.id, request);
		order.requestIds.push(request.id);
		return request;
	}

	function createOrder(
		product: SimOrder['product'],
		body: Record<string, unknown>,
	): { order: SimOrder; request: SimRequest; createdOrganization?: Organization } {
		let orgId = (body.organization as { id?: number }).id;
		let createdOrganization: Organization | undefined;
		if (orgId === undefined) {
			// A new organization, created with the order (it still has to be validated before the order can issue).
			const details = body.organization as Record<string, string>;
			createdOrganization = {
				id: nextOrganizationId++,
				name: details.name,
				display_name: details.assumed_name || details.name,
				city: details.city,
				state: details.state,
				country: details.country.toLowerCase(),
				is_active: true,
			};
			organizations.push(createdOrganization);
			orgId = createdOrganization.id;
		}
		const org = organizations.find((o) => o.id === orgId);
		if (!org) throw new ApiError(400, [invalid('organization.id', `Organization ${orgId} does not exist in this account.`)]);
		const containerId = (body.container as { id: number } | undefined)?.id ?? containers[0].id;
		if (!containers.some((c) => c.id === containerId))
			throw new ApiError(400, [invalid('container.id', `Container ${containerId} does not exist in this account.`)]);
		const certificate = body.certificate as { csr?: string };
		let keySize: number | undefined;
		if (certificate.csr !== undefined) {
			const inspected = inspectCsr(certificate.csr);
			if (!inspected.ok) throw new ApiError(400, [{ code: 'invalid_csr', message: inspected.message }]);
			if (inspected.keyType === 'rsaEncryption' && (inspected.keySize ?? 0) < 3072) {
				throw new ApiError(400, [
					{
						code: 'invalid_csr_key_size',
						message: `Code signing requires an RSA key of at least 3072 bits; the CSR has ${inspected.keySize}.`,
					},
				]);
			}
			keySize = inspected.keySize;
		}
		let renewalOf: SimOrder | undefined;
		if (body.renewal_of_order_id !== undefined) {
			renewalOf = orders.get(body.renewal_of_order_id as number);
			if (!renewalOf) throw new ApiError(400, [invalid('renewal_of_order_id', `Order ${body.renewal_of_order_id} does not exist.`)]);
			if (renewalOf.renewedOrderId !== undefined) {
				throw new ApiError(400, [
					{ code: 'order_renewed_already', message: `Order ${renewalOf.id} has already been renewed (order ${renewalOf.renewedOrderId}).` },
				]);
			}
			if (!['issued', 'expired'].includes(renewalOf.status) || renewalOf.product !== product) {
				throw new ApiError(400, [
					{
						code: 'order_not_eligible_for_renewal',
						message: `Order ${renewalOf.id} (${renewalOf.status}, ${renewalOf.product}) is not eligible for renewal.`,
					},
				]);
			}
		}
		const approved = body.skip_approval === true;
		const at = now();
		const order: SimOrder = {
			id: nextOrderId++,
			product,
			status: approved ? 'pending' : 'needs_approval',
			dateCreated: at,
			statusChangedAt: at,
			organizationId: orgId,
			containerId,
			commonName: org.name,
			alternativeOrderId: body.alternative_order_id as string | undefined,
			validityDays: body.order_validity ? (body.order_validity as { days: number }).days : 365,
			validityYears: body.validity_years as number | undefined,
			csr: certificate.csr,
			keySize,
			certificateId: nextCertificateId++,
			certificates: [],
			requestIds: [],
			readsLeft: issueAfterReads,
			renewalOfOrderId: renewalOf?.id,
			body,
		};
		orders.set(order.id, order);
		statusLog.push({ orderId: order.id, at });
		if (renewalOf) renewalOf.renewedOrderId = order.id;
		const request = newRequest(order, renewalOf ? 'renew' : 'new_request', approved, body.comments as string | undefined);
		return { order, request, createdOrganization };
	}

	function releaseRenewal(order: SimOrder) {
		if (order.renewalOfOrderId === undefined) return;
		const original = orders.get(order.renewalOfOrderId);
		if (original?.renewedOrderId === order.id) original.renewedOrderId = undefined;
	}

	function certificateJson(order: SimOrder) {
		const cert = certificates.get(order.certificateId);
		const org = organizations.find((o) => o.id === order.organizationId);
		const json: Record<string, unknown> = {
			id: order.certificateId,
			common_name: order.commonName,
			organization_units: (order.body.certificate as { organization_units?: string[] } | undefined)?.organization_units ?? [],
			signature_hash: 'sha256',
			server_platform: (order.body.certificate as { server_platform?: unknown } | undefined)?.server_platform ?? { id: -1, name: 'OTHER' },
			ca_cert: { id: 'sim-cs-root', name: 'DigiCert Simulator Code Signing Root' },
			date_created: stamp(order.dateCreated),
		};
		if (order.csr) json.csr = order.csr;
		if (order.keySize) json.key_size = order.keySize;
		if (org) json.organization = { id: org.id, name: org.name };
		if (cert) {
			json.serial_number = cert.serial;
			json.thumbprint = new X509Certificate(cert.pem).fingerprint.replace(/:/g, '');
			json.valid_from =
				switches.dateForm === 'timestamp' ? cert.validFrom.toISOString().replace(/\.\d{3}Z$/, '+00:00') : ymd(cert.validFrom);
			json.valid_till =
				switches.dateForm === 'timestamp' ? cert.validTill.toISOString().replace(/\.\d{3}Z$/, '+00:00') : ymd(cert.validTill);
			json.days_remaining = Math.max(0, Math.floor((cert.validTill.getTime() - now().getTime()) / DAY));
		}
		return json;
	}

	function effectiveStatus(order: SimOrder): string {
		const cert = certificates.get(order.certificateId);
		if (order.status === 'issued' && cert && cert.validTill.getTime() < now().getTime()) return 'expired';
		return order.status;
	}

	function orderJson(order: SimOrder, detailed: boolean) {
		const org = organizations.find((o) => o.id === order.organizationId)!;
		const container = containers.find((c) => c.id === order.containerId)!;
		const json: Record<string, unknown> = {
			id: order.id,
			certificate: certificateJson(order),
			status: effectiveStatus(order),
			is_renewal: order.renewalOfOrderId !== undefined,
			is_renewed: order.renewedOrderId !== undefined,
			date_created: stamp(order.dateCreated),
			organization: { id: org.id, name: org.name, display_name: org.display_name, is_active: org.is_active },
			container: { id: container.id, name: container.name },
			product: {
				name_id: order.product,
				name: order.product === 'code_signing' ? 'Code Signing Certificate' : 'EV Code Signing Certificate',
				type: 'code_signing_certificate',
				validation_type: order.product === 'code_signing' ? 'ov' : 'ev',
			},
			product_name_id: order.product,
		};
		if (order.validityYears !== undefined) json.validity_years = order.validityYears;
		if (order.body.order_validity) json.order_validity = order.body.order_validity;
		if (order.alternativeOrderId !== undefined) json.alternative_order_id = order.alternativeOrderId;
		if (order.renewalOfOrderId !== undefined) json.renewal_of_order_id = order.renewalOfOrderId;
		if (order.renewedOrderId !== undefined) json.renewed_order_id = order.renewedOrderId;
		if (detailed) {
			json.payment_method = order.body.payment_method ?? 'balance';
			json.cs_provisioning_method =
				order.body.cs_provisioning_method ?? (order.product === 'code_signing_ev' ? 'ship_token' : 'client_app');
			if (order.body.ship_info) json.ship_info = order.body.ship_info;
			if (order.body.custom_fields) json.custom_fields = order.body.custom_fields;
			if (order.body.comments) json.comments = order.body.comments;
			json.requests = order.requestIds.map((id) => requestJson(requests.get(id)!, false));
		}
		return json;
	}

	function requestJson(request: SimRequest, withOrder: boolean) {
		const json: Record<string, unknown> = {
			id: request.id,
			date: request.date,
			type: request.type,
			status: request.status,
			requester: { id: 1, first_name: 'API', last_name: 'User', email: 'api@example.com' },
		};
		if (request.comments !== undefined) json.comments = request.comments;
		if (request.processor_comment !== undefined) json.processor_comment = request.processor_comment;
		if (request.date_processed) json.date_processed = request.date_processed;
		if (withOrder) {
			const order = orders.get(request.orderId)!;
			json.order = {
				id: order.id,
				certificate: { common_name: order.commonName },
				product: { name_id: order.product },
				organization: { id: order.organizationId },
				container: { id: order.containerId },
			};
		}
		return json;
	}

	function requireOrder(id: number): SimOrder {
		const order = orders.get(id);
		if (!order) throw notFound('order');
		return order;
	}

	function pageOf<T>(items: T[], query: URLSearchParams): { items: T[]; page: { total: number; limit: number; offset: number } } {
		const offset = query.has('offset') ? Number(query.get('offset')) : 0;
		const limit = query.has('limit') ? Number(query.get('limit')) : 1000;
		const errors = [];
		if (!Number.isInteger(offset) || offset < 0) errors.push(invalid('offset', 'offset must be a non-negative integer.'));
		if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
			errors.push(invalid('limit', 'limit must be an integer between 1 and 1000.'));
		if (errors.length) throw new ApiError(400, errors);
		return { items: items.slice(offset, offset + limit), page: { total: items.length, limit, offset } };
	}

	function compareDate(value: string, filter: string): boolean {
		const m = /^(<=|>=|<|>)?(\d{4}-\d{2}-\d{2})$/.exec(filter);
		if (!m) throw new ApiError(400, [invalid('filters[valid_till]', 'Use YYYY-MM-DD, optionally prefixed with <, <=, > or >=.')]);
		const [, op, date] = m;
		switch (op) {
			case '<':
				return value < date;
			case '<=':
				return value <= date;
			case '>':
				return value > date;
			case '>=':
				return value >= date;
			default:
				return value === date;
		}
	}

	function listOrders(query: URLSearchParams) {
		let list = [...orders.values()];
		for (const [key, value] of query.entries()) {
			const m = /^filters\[(\w+)\]$/.exec(key);
			if (!m) {
				if (!['offset', 'limit', 'sort'].includes(key)) throw new ApiError(400, [invalid(key, `Unknown parameter ${key}.`)]);
				continue;
			}
			const filter = m[1];
			switch (filter) {
				case 'status':
					list = list.filter((o) => effectiveStatus(o) === value);
					break;
				case 'product_name_id':
					list = list.filter((o) => o.product === value);
					break;
				case 'organization_id':
					list = list.filter((o) => String(o.organizationId) === value);
					break;
				case 'container_id':
					list = list.filter((o) => String(o.containerId) === value);
					break;
				case 'valid_till':
					list = list.filter((o) => {
						const cert = certificates.get(o.certificateId);
						return cert ? compareDate(ymd(cert.validTill), value) : false;
					});
					break;
				case 'search': {
					const needle = value.toLowerCase();
					list = list.filter(
						(o) =>
							o.commonName.toLowerCase().includes(needle) ||
							String(o.id) === value ||
							(o.alternativeOrderId ?? '').toLowerCase() === needle,
					);
					break;
				}
				default:
					throw new ApiError(400, [invalid(`filters[${filter}]`, `Unknown filter ${filter}.`)]);
			}
		}
		const sort = query.get('sort') ?? 'id';
		const desc = sort.startsWith('-');
		const field = desc ? sort.slice(1) : sort;
		const keyOf = (o: SimOrder): string | number => {
			if (field === 'id') return o.id;
			if (field === 'date_created') return o.dateCreated.getTime() * 1e7 + o.id;
			if (field === 'valid_till') {
				const c = certificates.get(o.certificateId);
				return c ? ymd(c.validTill) : '9999';
			}
			if (field === 'status') return o.status;
			throw new ApiError(400, [invalid('sort', `Cannot sort by ${field}.`)]);
		};
		list.sort((a, b) => {
			const x = keyOf(a);
			const y = keyOf(b);
			return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
		});
		const { items, page } = pageOf(list, query);
		return { orders: items.map((o) => orderJson(o, false)), page };
	}

	function download(cert: SimCertificate, format: string): { status: number; type: string; body: Buffer; fileName: string } {
		const base = `code_signing_${cert.id}`;
		switch (format) {
			case 'pem_all':
				return { status: 200, type: 'application/x-pem-file', body: Buffer.from(cert.pem + ca.certPem), fileName: `${base}.pem` };
			case 'pem_noroot':
				return { status: 200, type: 'application/x-pem-file', body: Buffer.from(cert.pem), fileName: `${base}.pem` };
			case 'p7b':
				return {
					status: 200,
					type: 'application/x-pkcs7-certificates',
					body: Buffer.from(ca.p7b([cert.pem, ca.certPem])),
					fileName: `${base}.p7b`,
				};
			case 'cer':
				return { status: 200, type: 'application/pkix-cert', body: new X509Certificate(cert.pem).raw, fileName: `${base}.cer` };
			case 'default':
				return {
					status: 200,
					type: 'application/zip',
					body: storedZip([
						{ name: `${base}.crt`, data: Buffer.from(cert.pem) },
						{ name: 'DigiCertCA.crt', data: Buffer.from(ca.certPem) },
					]),
					fileName: `${base}.zip`,
				};
			default:
				throw new ApiError(400, [invalid('format', `Unknown format ${format}. Allowed: pem_all, pem_noroot, p7b, cer, default.`)]);
		}
	}

	function revoke(order: SimOrder, body: unknown): { status: number; json?: unknown } {
		if (!isObject(body)) throw new ApiError(400, [invalid('body', 'The request body must be a JSON object.')]);
		for (const key of Object.keys(body))
			if (key !== 'comments' && key !== 'skip_approval') throw new ApiError(400, [invalid(key, `Unknown field ${key}.`)]);
		if (body.comments !== undefined && !isString(body.comments))
			throw new ApiError(400, [invalid('comments', 'comments must be a string.')]);
		if (body.skip_approval !== undefined && typeof body.skip_approval !== 'boolean')
			throw new ApiError(400, [invalid('skip_approval', 'skip_approval must be a boolean.')]);
		if (effectiveStatus(order) !== 'issued') {
			throw new ApiError(400, [
				{
					code: 'invalid_order_status',
					message: `Only issued certificates can be revoked; order ${order.id} is ${effectiveStatus(order)}.`,
				},
			]);
		}
		if (body.skip_approval === true) {
			certificates.get(order.certificateId)!.revoked = true;
			setStatus(order, 'revoked');
			const approved = newRequest(order, 'revoke', true, body.comments as string | undefined);
			if (switches.revokeAnswer === '201-approved') return { status: 201, json: requestJson(approved, false) };
			return { status: 204 };
		}
		const request = newRequest(order, 'revoke', false, body.comments as string | undefined);
		return { status: 201, json: requestJson(request, false) };
	}

	// -------------------------------------------------------------------------------------------
	// Routing

	type Reply = { status: number; json?: unknown; raw?: { type: string; body: Buffer; fileName?: string } };

	async function route(method: string, path: string, query: URLSearchParams, body: unknown): Promise<Reply> {
		let m: RegExpExecArray | null;
		if (method === 'GET' && path === '/user/me') {
			return {
				status: 200,
				json: {
					id: 42,
					username: 'api.user',
					account_id: 777777,
					first_name: 'API',
					last_name: 'User',
					email: 'api@example.com',
					container: { id: containers[0].id, name: containers[0].name },
					access_roles: [{ id: 1, name: 'Administrator' }],
				},
			};
		}
		if (method === 'GET' && path === '/organization') {
			const { items, page } = pageOf(organizations, query);
			return {
				status: 200,
				json: {
					organizations: items.map((o) => ({
						...o,
						status: o.is_active ? 'active' : 'inactive',
						container: { id: containers[0].id, name: containers[0].name },
					})),
					page,
				},
			};
		}
		if (method === 'GET' && path === '/container') {
			return { status: 200, json: { containers } };
		}
		if (method === 'GET' && (m = /^\/product\/(\w+)$/.exec(path))) {
			if (m[1] !== 'code_signing' && m[1] !== 'code_signing_ev') throw notFound('product');
			return {
				status: 200,
				json: {
					name_id: m[1],
					name: m[1] === 'code_signing' ? 'Code Signing Certificate' : 'EV Code Signing Certificate',
					type: 'code_signing_certificate',
					validation_type: m[1] === 'code_signing' ? 'ov' : 'ev',
					allowed_validity_years: [1],
					allowed_order_validity_days: { min: 1, max: MAX_VALIDITY_DAYS },
					signature_hash_types: { allowed_hash_types: [{ id: 'sha256', name: 'SHA-256' }], default_hash_type_id: 'sha256' },
				},
			};
		}
		if (method === 'POST' && (m = /^\/order\/certificate\/(code_signing|code_signing_ev)$/.exec(path))) {
			const product = m[1] as SimOrder['product'];
			const errors = validateOrderBody(body, product);
			if (errors.length) throw new ApiError(400, errors);
			const { order, request, createdOrganization } = createOrder(product, body as Record<string, unknown>);
			const json: Record<string, unknown> = { id: order.id, requests: [{ id: request.id, status: request.status }] };
			if (request.status === 'approved') json.certificate_id = order.certificateId;
			// The seed: organization.id is returned "only if a new organization was created with the order".
			if (createdOrganization) json.organization = { id: createdOrganization.id };
			return { status: 201, json };
		}
		if (method === 'POST' && (m = /^\/order\/certificate\/(\w+)$/.exec(path))) {
			throw new ApiError(400, [invalid('product_name_id', `${m[1]} is not a code signing product (use code_signing or code_signing_ev).`)]);
		}
		if (method === 'GET' && path === '/order/certificate') return { status: 200, json: listOrders(query) };
		if (method === 'GET' && path === '/order/certificate/status-changes') {
			const minutes = Number(query.get('minutes'));
			if (!query.has('minutes') || !Number.isInteger(minutes) || minutes < 1 || minutes > 10_080) {
				throw new ApiError(400, [invalid('minutes', 'minutes is required: an integer from 1 to 10080 (7 days).')]);
			}
			const since = now().getTime() - minutes * 60_000;
			const changed = new Set<number>();
			for (const entry of statusLog) if (entry.at.getTime() >= since) changed.add(entry.orderId);
			return {
				status: 200,
				json: {
					orders: [...changed]
						.map((id) => orders.get(id)!)
						.map((o) => ({ order_id: o.id, certificate_id: o.certificateId, status: effectiveStatus(o) })),
				},
			};
		}
		if (method === 'GET' && (m = /^\/order\/alternate\/([^/]+)$/.exec(path))) {
			const ref = decodeURIComponent(m[1]);
			const found = [...orders.values()].filter((o) => o.alternativeOrderId === ref);
			if (found.length === 0) throw notFound('order');
			return {
				status: 200,
				json: { orders: found.map((o) => ({ order_id: o.id, certificate_id: o.certificateId, status: effectiveStatus(o) })) },
			};
		}
		if (method === 'GET' && (m = /^\/order\/certificate\/(\d+)$/.exec(path))) {
			const order = requireOrder(Number(m[1]));
			if ((order.status === 'pending' || order.status === 'reissue_pending') && order.readsLeft !== null) {
				const lastRequest = requests.get(order.requestIds[order.requestIds.length - 1]);
				if (lastRequest?.status === 'approved') {
					if (order.readsLeft <= 0) issue(order);
					else order.readsLeft--;
				}
			}
			return { status: 200, json: orderJson(order, true) };
		}
		if (method === 'POST' && (m = /^\/order\/certificate\/(\d+)\/reissue$/.exec(path))) {
			const order = requireOrder(Number(m[1]));
			const errors = validateOrderBody(body, order.product, true);
			if (errors.length) throw new ApiError(400, errors);
			if (effectiveStatus(order) !== 'issued')
				throw new ApiError(400, [
					{ code: 'invalid_order_status', message: `Only issued orders can be reissued; order ${order.id} is ${effectiveStatus(order)}.` },
				]);
			const b = body as Record<string, unknown>;
			const csr = (b.certificate as { csr?: string }).csr;
			if (csr !== undefined) {
				const inspected = inspectCsr(csr);
				if (!inspected.ok) throw new ApiError(400, [{ code: 'invalid_csr', message: inspected.message }]);
				if (inspected.keyType === 'rsaEncryption' && (inspected.keySize ?? 0) < 3072) {
					throw new ApiError(400, [
						{
							code: 'invalid_csr_key_size',
							message: `Code signing requires an RSA key of at least 3072 bits; the CSR has ${inspected.keySize}.`,
						},
					]);
				}
				order.csr = csr;
				order.keySize = inspected.keySize;
			}
			const request = newRequest(order, 'reissue', b.skip_approval === true, b.comments as string | undefined);
			order.readsLeft = issueAfterReads;
			setStatus(order, 'reissue_pending');
			return { status: 201, json: { id: order.id, requests: [{ id: request.id, status: request.status }] } };
		}
		if (method === 'PUT' && (m = /^\/order\/certificate\/(\d+)\/status$/.exec(path))) {
			const order = requireOrder(Number(m[1]));
			if (!isObject(body)) throw new ApiError(400, [invalid('body', 'The request body must be a JSON object.')]);
			for (const key of Object.keys(body))
				if (key !== 'status' && key !== 'note' && key !== 'send_emails') throw new ApiError(400, [invalid(key, `Unknown field ${key}.`)]);
			if (body.status !== 'canceled') throw new ApiError(400, [invalid('status', 'Allowed values: canceled.')]);
			if (body.note !== undefined && !isString(body.note)) throw new ApiError(400, [invalid('note', 'note must be a string.')]);
			if (!['pending', 'needs_approval', 'waiting_pickup'].includes(order.status)) {
				throw new ApiError(400, [
					{ code: 'invalid_order_status', message: `Order ${order.id} is ${effectiveStatus(order)}: only pending orders can be canceled.` },
				]);
			}
			setStatus(order, 'canceled');
			releaseRenewal(order);
			for (const id of order.requestIds) {
				const r = requests.get(id)!;
				if (r.status === 'pending') r.status = 'rejected';
			}
			return { status: 204 };
		}
		if (method === 'PUT' && (m = /^\/order\/certificate\/(\d+)\/revoke$/.exec(path))) {
			return revoke(requireOrder(Number(m[1])), body);
		}
		if (method === 'PUT' && (m = /^\/certificate\/(\d+)\/revoke$/.exec(path))) {
			const cert = certificates.get(Number(m[1]));
			if (!cert) throw notFound('certificate');
			const order = orders.get(cert.orderId)!;
			if (order.certificateId !== cert.id)
				throw new ApiError(400, [{ code: 'invalid_certificate', message: 'Only the active certificate of an order can be revoked.' }]);
			return revoke(order, body);
		}
		if (method === 'GET' && (m = /^\/certificate\/(\d+)\/download\/format\/(\w+)$/.exec(path))) {
			const cert = certificates.get(Number(m[1]));
			if (!cert) throw notFound('certificate');
			const file = download(cert, m[2]);
			return { status: 200, raw: { type: file.type, body: file.body, fileName: file.fileName } };
		}
		if (method === 'GET' && (m = /^\/certificate\/download\/order\/(\d+)\/format\/(\w+)$/.exec(path))) {
			const order = requireOrder(Number(m[1]));
			const cert = certificates.get(order.certificateId);
			if (!cert || effectiveStatus(order) !== 'issued')
				throw new ApiError(400, [
					{ code: 'invalid_order_status', message: `Order ${order.id} has no active certificate (status ${effectiveStatus(order)}).` },
				]);
			const file = download(cert, m[2]);
			return { status: 200, raw: { type: file.type, body: file.body, fileName: file.fileName } };
		}
		if (method === 'GET' && path === '/request') {
			let list = [...requests.values()];
			for (const [key, value] of query.entries()) {
				if (key === 'filters[status]') list = list.filter((r) => r.status === value);
				else if (key === 'filters[type]') list = list.filter((r) => r.type === value);
				else if (!['offset', 'limit', 'sort'].includes(key)) throw new ApiError(400, [invalid(key, `Unknown parameter ${key}.`)]);
			}
			const { items, page } = pageOf(list, query);
			return { status: 200, json: { requests: items.map((r) => requestJson(r, true)), page } };
		}
		if (method === 'GET' && (m = /^\/request\/(\d+)$/.exec(path))) {
			const request = requests.get(Number(m[1]));
			if (!request) throw notFound('request');
			return { status: 200, json: requestJson(request, true) };
		}
		if (method === 'PUT' && (m = /^\/request\/(\d+)\/status$/.exec(path))) {
			const request = requests.get(Number(m[1]));
			if (!request) throw notFound('request');
			if (!isObject(body)) throw new ApiError(400, [invalid('body', 'The request body must be a JSON object.')]);
			for (const key of Object.keys(body))
				if (key !== 'status' && key !== 'processor_comment') throw new ApiError(400, [invalid(key, `Unknown field ${key}.`)]);
			if (body.status !== 'approved' && body.status !== 'rejected')
				throw new ApiError(400, [invalid('status', 'Allowed values: approved, rejected.')]);
			if (body.processor_comment !== undefined && !isString(body.processor_comment))
				throw new ApiError(400, [invalid('processor_comment', 'processor_comment must be a string.')]);
			if (body.status === 'rejected' && !body.processor_comment)
				throw new ApiError(400, [invalid('processor_comment', 'A processor_comment is required to reject a request.')]);
			if (request.status !== 'pending' && request.status !== 'submitted') {
				throw new ApiError(400, [{ code: 'invalid_request_status', message: `Request ${request.id} is already ${request.status}.` }]);
			}
			const order = orders.get(request.orderId)!;
			if (body.status === 'approved' && switches.approvalSteps === 2 && (approvals.get(request.id) ?? 0) === 0) {
				// The first of two approvals: the request waits for the second approver.
				approvals.set(request.id, 1);
				request.status = 'submitted';
				request.processor_comment = body.processor_comment as string | undefined;
				return { status: 204 };
			}
			request.status = body.status;
			request.processor_comment = body.processor_comment as string | undefined;
			request.date_processed = stamp(now());
			if (body.status === 'approved') {
				if (request.type === 'revoke') {
					certificates.get(order.certificateId)!.revoked = true;
					setStatus(order, 'revoked');
				} else if (order.status === 'needs_approval') {
					setStatus(order, 'pending');
				}
			} else if (request.type === 'new_request' || request.type === 'renew') {
				setStatus(order, 'rejected');
				releaseRenewal(order);
			} else if (request.type === 'reissue') {
				setStatus(order, 'issued');
			}
			return { status: 204 };
		}
		throw new ApiError(404, [{ code: 'not_found|endpoint', message: `No endpoint ${method} ${path}.` }]);
	}

	// -------------------------------------------------------------------------------------------
	// Control

	function seedOrder(seed: SeedOrderOptions = {}): SimOrder {
		const status = seed.status ?? 'issued';
		const product = seed.product ?? 'code_signing';
		const org = organizations.find((o) => o.id === (seed.organizationId ?? organizations[0].id))!;
		const at = seed.statusChangedAt ?? now();
		const order: SimOrder = {
			id: nextOrderId++,
			product,
			status: status === 'issued' ? 'pending' : status,
			dateCreated: at,
			statusChangedAt: at,
			organizationId: org.id,
			containerId: seed.containerId ?? containers[0].id,
			commonName: seed.commonName ?? org.name,
			alternativeOrderId: seed.alternativeOrderId,
			validityDays: 365,
			validityYears: 1,
			certificateId: nextCertificateId++,
			certificates: [],
			requestIds: [],
			readsLeft: null,
			body: { certificate: { signature_hash: 'sha256' }, organization: { id: org.id }, validity_years: 1, payment_method: 'balance' },
		};
		orders.set(order.id, order);
		const historyFrom = statusLog.length;
		newRequest(order, 'new_request', status !== 'needs_approval');
		if (status === 'issued' || status === 'expired' || status === 'revoked') {
			const validTill = seed.validTill ? new Date(`${seed.validTill}T12:00:00Z`) : undefined;
			const validFrom = seed.validFrom
				? new Date(`${seed.validFrom}T12:00:00Z`)
				: validTill
					? new Date(validTill.getTime() - 365 * DAY)
					: undefined;
			issue(order, validFrom, validTill, seed.sharedPem);
			if (status === 'revoked') certificates.get(order.certificateId)!.revoked = true;
			if (status !== 'issued') order.status = status;
		}
		// A seeded order's history is one change, at `at`: what issuing it above logged "now" is not its history.
		statusLog.length = historyFrom;
		order.statusChangedAt = at;
		statusLog.push({ orderId: order.id, at });
		return order;
	}

	function renewOrder(id: number): SimOrder {
		const original = orders.get(id);
		if (!original) throw new Error(`no order ${id}`);
		const body: Record<string, unknown> = {
			certificate: { signature_hash: 'sha256', ...(original.csr ? { csr: original.csr } : {}) },
			organization: { id: original.organizationId },
			container: { id: original.containerId },
			validity_years: 1,
			renewal_of_order_id: original.id,
			skip_approval: true,
			payment_method: 'balance',
		};
		if (original.product === 'code_signing_ev') body.cs_provisioning_method = 'client_app';
		const { order } = createOrder(original.product, body);
		issue(order);
		return order;
	}

	const control: DigiCertSimulator['control'] = {
		orders: () => [...orders.values()],
		order: (id) => orders.get(id),
		seedOrder,
		seedOrders: (count, seed) => Array.from({ length: count }, () => seedOrder({ status: 'pending', ...seed })),
		issueOrder(id) {
			const order = orders.get(id);
			if (!order) throw new Error(`no order ${id}`);
			issue(order);
			return order;
		},
		renewOrder,
		setStatus(id, status) {
			const order = orders.get(id);
			if (!order) throw new Error(`no order ${id}`);
			setStatus(order, status);
			return order;
		},
		certificatePem(certificateId) {
			const cert = certificates.get(certificateId);
			if (!cert) throw new Error(`no certificate ${certificateId}`);
			return cert.pem;
		},
		addFault: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
		clearFaults: () => {
			faults.length = 0;
		},
		requests: requestLog,
		setRateLimit: (limit) => {
			rateLimit = limit;
			hits.length = 0;
		},
		setIssueAfterReads: (reads) => {
			issueAfterReads = reads;
		},
		configure: (next) => {
			for (const [key, value] of Object.entries(next)) {
				const allowed = (DIGICERT_SWITCHES as Record<string, readonly unknown[]>)[key];
				if (!allowed) throw new Error(`unknown switch "${key}"; one of: ${Object.keys(DIGICERT_SWITCHES).join(', ')}`);
				if (!allowed.includes(value)) throw new Error(`switch ${key} cannot be ${JSON.stringify(value)}; one of: ${allowed.join(', ')}`);
			}
			Object.assign(switches, next);
		},
		switches: () => ({ ...switches }),
		organizations: () => [...organizations],
	};

	async function controlRoute(method: string, path: string, body: unknown): Promise<Reply> {
		let m: RegExpExecArray | null;
		const b = (isObject(body) ? body : {}) as Record<string, any>;
		if (method === 'GET' && path === '/orders')
			return { status: 200, json: { orders: [...orders.values()].map((o) => orderJson(o, true)) } };
		if (method === 'POST' && path === '/orders/seed') {
			const count = b.count ?? 1;
			const seeded = Array.from({ length: count }, () =>
				seedOrder({
					status: b.status,
					validTill: b.valid_till,
					validFrom: b.valid_from,
					commonName: b.common_name,
					product: b.product,
					organizationId: b.organization_id,
					containerId: b.container_id,
					alternativeOrderId: b.alternative_order_id,
				}),
			);
			return { status: 201, json: { orders: seeded.map((o) => orderJson(o, false)) } };
		}
		if (method === 'POST' && (m = /^\/orders\/(\d+)\/issue$/.exec(path)))
			return { status: 200, json: orderJson(control.issueOrder(Number(m[1])), true) };
		if (method === 'POST' && (m = /^\/orders\/(\d+)\/renew$/.exec(path)))
			return { status: 201, json: orderJson(renewOrder(Number(m[1])), true) };
		if (method === 'POST' && (m = /^\/orders\/(\d+)\/status$/.exec(path)))
			return { status: 200, json: orderJson(control.setStatus(Number(m[1]), String(b.status)), true) };
		if (method === 'POST' && path === '/faults') {
			if (!FAULT_KINDS.includes(b.kind))
				return { status: 400, json: { errors: [{ code: 'invalid_fault', message: `kind must be one of: ${FAULT_KINDS.join(', ')}` }] } };
			control.addFault({ ...(b as Fault), path: typeof b.path === 'string' && b.path.startsWith('^') ? new RegExp(b.path) : b.path });
			return { status: 204 };
		}
		if (method === 'GET' && path === '/settings') return { status: 200, json: control.switches() };
		if (method === 'DELETE' && path === '/faults') {
			control.clearFaults();
			return { status: 204 };
		}
		if (method === 'POST' && path === '/settings') {
			if ('issue_after_reads' in b) control.setIssueAfterReads(b.issue_after_reads);
			if ('rate_limit' in b) control.setRateLimit(b.rate_limit);
			const readings: Record<string, unknown> = {};
			for (const [key, name] of [
				['revoke_answer', 'revokeAnswer'],
				['date_form', 'dateForm'],
				['approval_steps', 'approvalSteps'],
				['new_request_status', 'newRequestStatus'],
			] as const) {
				if (key in b) readings[name] = b[key];
				if (name in b) readings[name] = b[name];
			}
			try {
				control.configure(readings as Partial<DigiCertSwitches>);
			} catch (error) {
				return { status: 400, json: { errors: [{ code: 'invalid_setting', message: (error as Error).message }] } };
			}
			return { status: 204 };
		}
		return { status: 404, json: { errors: [{ code: 'not_found|control', message: `No control endpoint ${method} ${path}` }] } };
	}

	// -------------------------------------------------------------------------------------------

	function send(res: ServerResponse, reply: Reply) {
		if (reply.raw) {
			const headers: Record<string, string | number> = { 'Content-Type': reply.raw.type, 'Content-Length': reply.raw.body.length };
			if (reply.raw.fileName) headers['Content-Disposition'] = `attachment; filename="${reply.raw.fileName}"`;
			res.writeHead(reply.status, headers);
			res.end(reply.raw.body);
			return;
		}
		if (reply.json === undefined) {
			res.writeHead(reply.status);
			res.end();
			return;
		}
		const text = JSON.stringify(reply.json);
		res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
		res.end(text);
	}

	async function readBody(req: IncomingMessage): Promise<Buffer> {
		const chunks: Buffer[] = [];
		let size = 0;
		for await (const chunk of req) {
			size += chunk.length;
			if (size > 2_000_000) throw new ApiError(413, [{ code: 'request_too_large', message: 'Request body too large.' }]);
			chunks.push(chunk as Buffer);
		}
		return Buffer.concat(chunks);
	}

	function takeFault(method: string, path: string): Fault | undefined {
		for (let i = 0; i < faults.length; i++) {
			const fault = faults[i];
			if (fault.method && fault.method.toUpperCase() !== method) continue;
			if (fault.path instanceof RegExp ? !fault.path.test(path) : fault.path && !path.startsWith(fault.path)) continue;
			fault.left--;
			if (fault.left <= 0) faults.splice(i, 1);
			return fault;
		}
		return undefined;
	}

	const sockets = new Set<Socket>();
	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = (req.method ?? 'GET').toUpperCase();
		let raw: Buffer;
		try {
			raw = await readBody(req);
		} catch (error) {
			if (error instanceof ApiError) return send(res, { status: error.status, json: { errors: error.errors } });
			throw error;
		}
		let body: unknown;
		if (raw.length > 0) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				return send(res, { status: 400, json: { errors: [{ code: 'invalid_json', message: 'The request body is not valid JSON.' }] } });
			}
		}
		if (url.pathname.startsWith('/__control/')) {
			try {
				return send(res, await controlRoute(method, url.pathname.slice('/__control'.length), body));
			} catch (error) {
				return send(res, { status: 400, json: { errors: [{ code: 'control_error', message: (error as Error).message }] } });
			}
		}
		if (!url.pathname.startsWith('/services/v2/')) {
			return send(res, { status: 404, json: { errors: [{ code: 'not_found|endpoint', message: 'Not found.' }] } });
		}
		const path = url.pathname.slice('/services/v2'.length).replace(/\/+$/, '');
		const entry: DigiCertSimulator['control']['requests'][number] = { method, path: path + (url.search || '') };
		requestLog.push(entry);
		const reply = (r: Reply) => {
			entry.status = r.status;
			send(res, r);
		};

		const keyIndex = [apiKey, ...(options.extraApiKeys ?? [])].indexOf(String(req.headers['x-dc-devkey'] ?? ''));
		if (keyIndex >= 0) entry.key = keyIndex;
		if (keyIndex < 0) {
			return reply({
				status: 403,
				json: {
					errors: [{ code: 'access_denied|access_denied_invalid_key', message: 'The specified API key is invalid or has been revoked.' }],
				},
			});
		}
		if (rateLimit) {
			const t = Date.now();
			while (hits.length && hits[0] <= t - rateLimit.windowMs) hits.shift();
			if (hits.length >= rateLimit.max) {
				return reply({
					status: 429,
					json: { errors: [{ code: 'request_limit_exceeded', message: 'Too many requests. Wait before sending more requests.' }] },
				});
			}
			hits.push(t);
		}
		if (
			(method === 'POST' || method === 'PUT') &&
			raw.length > 0 &&
			!String(req.headers['content-type'] ?? '').includes('application/json')
		) {
			return reply({
				status: 415,
				json: { errors: [{ code: 'invalid_content_type', message: 'Content-Type must be application/json.' }] },
			});
		}
		const fault = takeFault(method, path);
		if (fault?.kind === 'drop') {
			entry.status = 0;
			return req.socket.destroy();
		}
		if (fault?.kind === 'status') {
			const status = fault.status ?? 503;
			const errors =
				status === 429
					? [{ code: 'request_limit_exceeded', message: 'Too many requests. Wait before sending more requests.' }]
					: [{ code: 'server_error', message: 'An unexpected error occurred. Try again later.' }];
			return reply({ status, json: fault.body ?? { errors } });
		}
		if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000));
		let result: Reply;
		try {
			result = await route(method, path, url.searchParams, body);
		} catch (error) {
			if (error instanceof ApiError) result = { status: error.status, json: { errors: error.errors } };
			else result = { status: 500, json: { errors: [{ code: 'server_error', message: (error as Error).message }] } };
		}
		if (fault?.kind === 'dropAfter') {
			entry.status = 0;
			return req.socket.destroy();
		}
		if (fault?.kind === 'statusAfter') {
			return reply({
				status: fault.status ?? 500,
				json: fault.body ?? { errors: [{ code: 'server_error', message: 'An unexpected error occurred. Try again later.' }] },
			});
		}
		if (res.destroyed || req.socket.destroyed) return;
		if (fault?.kind === 'malformed') {
			const text = JSON.stringify(result.json ?? {});
			entry.status = 200;
			res.writeHead(200, { 'Content-Type': 'application/json' });
			return void res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
		}
		if (fault?.kind === 'drip' && !result.raw) {
			const text = result.json === undefined ? '' : JSON.stringify(result.json);
			entry.status = result.status;
			res.writeHead(result.status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
			// At most ~40 pieces, 15 ms apart: slow enough to be read in pieces, bounded for large lists.
			const piece = Math.max(8, Math.ceil(text.length / 40));
			for (let i = 0; i < text.length; i += piece) {
				res.write(text.slice(i, i + piece));
				await new Promise((r) => setTimeout(r, 15));
			}
			return void res.end();
		}
		reply(result);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
	return {
		url: `${origin}/services/v2`,
		origin,
		port,
		apiKey,
		ca,
		control,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			if (ownCa) ca.dispose();
		},
	};
}

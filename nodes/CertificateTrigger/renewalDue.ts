/**
 * Event "Renewal due": read the certificates of every selected source, assess each against the policy,
 * and fire once per certificate per renewal window (plus optional reminders).
 */
import type { IDataObject, INode, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { digiCertInstant } from '../DigiCertCodeSigning/protocol/status';
import { orderFacts } from '../DigiCertCodeSigning/protocol/orderFacts';
import { DAY_MS, ymd } from '../shared/time';
import { assessRenewal, normalizePolicy, type RenewalAssessment, type RenewalPolicy } from './renewalPolicy';
import {
	certificateKey,
	planRenewalEvents,
	pruneRenewalState,
	readRenewalState,
	type CertSource,
	type ObservedCertificate,
	type RenewalState,
} from './triggerState';
import { parseCertificate, splitPemCertificates } from '../shared/x509';
import type { DigiCertClient } from '../DigiCertCodeSigning/transport';
import { emptyStatusChangeState } from '../DigiCertCodeSigning/protocol/statusFeed';
import { advanceSchedule, dueOrderIds, scheduleHolds, readSchedule, scheduleFromScan, type RenewalSchedule, type UpcomingEntry } from './renewalSchedule';

/** Entries of certificates no longer listed are dropped after this many days (a listing glitch must not re-fire). */
export const PRUNE_GRACE_DAYS = 7;

export interface RenewalSettings {
	useDigiCert: boolean;
	usePem: boolean;
	product: string;
	containerId: number;
	pems: Array<{ label: string; pem: string }>;
	policy: RenewalPolicy;
	reminderEveryDays: number;
}

/** One certificate as the event reports it, before the policy is applied. */
export interface CandidateCertificate {
	source: CertSource;
	key: string;
	/** PEM label, or the order id for DigiCert. */
	ref: string;
	subject: string;
	commonName?: string;
	issuer: string;
	serialNumber: string;
	notBefore: string;
	notAfter: string;
	extra: IDataObject;
}

const fractionSnap = (fraction: number) => {
	for (const n of [2, 3, 4, 5, 6, 8, 10]) if (Math.abs(fraction - 1 / n) < 5e-4) return 1 / n;
	return fraction;
};

/** Reads and checks the node's parameters; every problem names the field, before any request. */
export function readRenewalSettings(ctx: IPollFunctions): RenewalSettings {
	const node = ctx.getNode();
	const useDigiCert = ctx.getNodeParameter('includeDigiCert', false) as boolean;
	const usePem = ctx.getNodeParameter('includePem', false) as boolean;
	if (!useDigiCert && !usePem) {
		throw new NodeOperationError(node, 'No certificate source selected', {
			description: 'Turn on "Watch DigiCert Orders", "Watch PEM Certificates" or both.',
		});
	}
	const pems: RenewalSettings['pems'] = [];
	if (usePem) {
		const collection = ctx.getNodeParameter('pemCertificates', {}) as { certificate?: Array<{ label?: string; pem?: string }> };
		const entries = collection.certificate ?? [];
		if (entries.length === 0) {
			throw new NodeOperationError(node, 'PEM Certificates is empty', {
				description: 'Add at least one certificate (label + PEM), or turn off "Watch PEM Certificates".',
			});
		}
		entries.forEach((entry, index) => {
			const label = String(entry.label ?? '').trim() || `certificate ${index + 1}`;
			const pem = String(entry.pem ?? '');
			if (splitPemCertificates(pem).length === 0) {
				throw new NodeOperationError(node, `PEM Certificates: "${label}" holds no PEM certificate`, {
					description: 'Paste a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- (the first block is watched).',
				});
			}
			pems.push({ label, pem });
		});
	}
	const mode = ctx.getNodeParameter('policy', 'fractionRemaining') as 'daysBefore' | 'fractionRemaining';
	let policy: RenewalPolicy;
	try {
		policy =
			mode === 'daysBefore'
				? normalizePolicy({ mode, days: ctx.getNodeParameter('daysBefore', 30) as number })
				: normalizePolicy({ mode, fraction: fractionSnap(ctx.getNodeParameter('fraction', 1 / 3) as number) });
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message);
	}
	const options = ctx.getNodeParameter('options', {}) as { reminderEveryDays?: number };
	const reminderEveryDays = Number(options.reminderEveryDays ?? 0);
	if (!Number.isFinite(reminderEveryDays) || reminderEveryDays < 0) {
		throw new NodeOperationError(node, 'Remind Every (Days) must be 0 (off) or a positive number');
	}
	const container = useDigiCert ? String(ctx.getNodeParameter('container', '', { extractValue: true }) ?? '').trim() : '';
	const containerId = container === '' ? 0 : Number(container);
	if (!/^[0-9]*$/.test(container) || !Number.isSafeInteger(containerId)) {
		throw new NodeOperationError(node, `Container must be a container ID (a whole number) or empty for every container, got "${container}"`);
	}
	return {
		useDigiCert,
		usePem,
		product: useDigiCert ? String(ctx.getNodeParameter('product', '') ?? '').trim() : '',
		containerId,
		pems,
		policy,
		reminderEveryDays,
	};
}

/**
 * The PEM entries as candidates. With `skipped`, an unreadable entry is reported there and the others are
 * watched (a poll); without it, it is an error (Fetch Test Event).
 */
export function pemCandidates(node: INode, pems: RenewalSettings['pems'], now: Date, skipped?: SkippedRecord[]): CandidateCertificate[] {
	return pems.flatMap(({ label, pem }) => {
		let summary;
		try {
			summary = parseCertificate(splitPemCertificates(pem)[0], now);
		} catch (error) {
			if (skipped) {
				skipped.push({ source: 'pem', ref: label, reason: `not a readable X.509 certificate: ${(error as Error).message}` });
				return [];
			}
			throw new NodeOperationError(node, `PEM Certificates: "${label}" is not a readable X.509 certificate`, {
				description: (error as Error).message,
			});
		}
		return {
			source: 'pem' as const,
			key: certificateKey(summary.issuer, summary.serialNumber),
			ref: label,
			subject: summary.subject,
			issuer: summary.issuer,
			serialNumber: summary.serialNumber,
			notBefore: summary.notBefore,
			notAfter: summary.notAfter,
			// x509's names, and the DigiCert orders' names for the same instants.
		extra: { notBefore: summary.notBefore, notAfter: summary.notAfter, validFrom: summary.notBefore, validTill: summary.notAfter, fingerprintSha256: summary.fingerprintSha256 },
		};
	});
}

const str = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/** DigiCert's dates as ISO instants, read as the node reads them (digiCertInstant). */
function dcDate(value: unknown, edge: 'start' | 'end'): string | undefined {
	const ms = digiCertInstant(value, edge);
	return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function orderCandidate(order: IDataObject): CandidateCertificate | undefined {
	const certificate = (order.certificate ?? {}) as IDataObject;
	const serial = str(certificate.serial_number);
	const notBefore = dcDate(certificate.valid_from ?? order.valid_from, 'start');
	const notAfter = dcDate(certificate.valid_till ?? order.valid_till, 'end');
	if (!serial || !notBefore || !notAfter) return undefined;
	const ca = (certificate.ca_cert ?? order.ca_cert ?? {}) as IDataObject;
	const organization = (order.organization ?? {}) as IDataObject;
	const commonName = str(certificate.common_name);
	// The order as the DigiCert node outputs it (validFrom/validTill, normalised status, product, …) and the raw answer.
	return {
		source: 'digicert',
		// DigiCert serials are unique per issuing CA; without the CA name in the order, "DigiCert" + serial.
		key: certificateKey(`DigiCert${ca.name ? `:${str(ca.name)}` : ''}`, serial),
		ref: str(order.id),
		subject: commonName ? `CN=${commonName}${organization.name ? `, O=${str(organization.name)}` : ''}` : '',
		commonName,
		issuer: str(ca.name) || 'DigiCert',
		serialNumber: serial.toUpperCase(),
		notBefore,
		notAfter,
		extra: { ...orderFacts(order), order },
	};
}

/** 50 pages of 1000 = 50,000 issued orders: far beyond a code-signing account; a list that never ends stops here. */
export const MAX_ORDER_PAGES = 50;

export interface IssuedOrderFilters {
	product?: string;
	containerId?: number;
	/** YYYY-MM-DD: only orders expiring on or before it (filters[valid_till]=<=). */
	validTillOnOrBefore?: string;
}

/** Every issued order (all pages), optionally filtered by product and container. */
export async function listIssuedOrders(client: DigiCertClient, filters: IssuedOrderFilters): Promise<IDataObject[]> {
	return await client.listOrders({ status: 'issued', product: filters.product, containerId: filters.containerId, validTillOnOrBefore: filters.validTillOnOrBefore }, {
		returnAll: true,
		maxPages: MAX_ORDER_PAGES,
		whenCapReached: 'narrow the trigger with a product or container filter',
	});
}

/**
 * Longest code-signing lifetime the "fraction of the lifetime" policy must allow for: 39 months (the
 * CA/Browser Forum's code-signing maximum until 2026; DigiCert sold up to 3 years).
 */
export const MAX_LIFETIME_DAYS = 1187;

/**
 * The last expiry day (YYYY-MM-DD, UTC) an order can have and still be due now, so a poll lists only
 * those (`filters[valid_till]=<=`) instead of every issued order. daysBefore: due once
 * notAfter − N days ≤ now (or from notBefore when the lifetime is shorter, which expires sooner still);
 * fraction f: due once notAfter − f × lifetime ≤ now, and the lifetime is at most MAX_LIFETIME_DAYS.
 * One day more for the end-of-day reading of DigiCert's bare dates.
 */
export function dueHorizon(policy: RenewalPolicy, now: Date): string {
	const normal = normalizePolicy(policy);
	const days = normal.mode === 'daysBefore' ? normal.days : Math.ceil(normal.fraction * MAX_LIFETIME_DAYS);
	return ymd(new Date(now.getTime() + (days + 1) * DAY_MS));
}

/**
 * Issued, not yet renewed orders of the account as candidates; an order whose list entry lacks the
 * certificate's dates or serial is read in full. With `now`, only orders that can be due by then are
 * listed (see dueHorizon); without it (Fetch Test Event: the most urgent, due or not) all of them.
 */
export async function digiCertCandidates(client: DigiCertClient, settings: RenewalSettings, now?: Date, skipped?: SkippedRecord[]): Promise<CandidateCertificate[]> {
	const orders = await listIssuedOrders(client, {
		product: settings.product,
		containerId: settings.containerId,
		validTillOnOrBefore: now ? dueHorizon(settings.policy, now) : undefined,
	});
	const candidates: CandidateCertificate[] = [];
	for (const order of orders) {
		// Already renewed (the renewal is its own order): its renewal is not due any more. Renewing it
		// again would fail with order_renewed_already.
		if (order.is_renewed === true) continue;
		let candidate = orderCandidate(order);
		if (!candidate) {
			const read = await readOrder(client, order.id as number, skipped);
			candidate = read && orderCandidate(read);
		}
		if (candidate) candidates.push(candidate);
	}
	return candidates;
}

/**
 * One order read in full. With `skipped`, an order DigiCert will not return (403, 404, 5xx after the
 * client's retries) is reported there and the poll goes on; without it, the error stands.
 */
async function readOrder(client: DigiCertClient, id: number, skipped?: SkippedRecord[]): Promise<IDataObject | undefined> {
	if (!skipped) return await client.getOrder(id);
	return await client.getOrder(id).then(
		(order) => order,
		(error: Error) => {
			skipped.push({ source: 'digicert', ref: String(id), reason: `DigiCert did not return the order: ${error.message}` });
			return undefined;
		},
	);
}

export async function gatherCandidates(
	ctx: IPollFunctions,
	client: DigiCertClient,
	settings: RenewalSettings,
	now: Date,
	options: { allOrders?: boolean } = {},
): Promise<{ candidates: CandidateCertificate[]; sourcesRead: CertSource[] }> {
	const candidates: CandidateCertificate[] = [];
	const sourcesRead: CertSource[] = [];
	if (settings.usePem) {
		candidates.push(...pemCandidates(ctx.getNode(), settings.pems, now));
		sourcesRead.push('pem');
	}
	if (settings.useDigiCert) {
		candidates.push(...(await digiCertCandidates(client, settings, options.allOrders ? undefined : now)));
		sourcesRead.push('digicert');
	}
	return { candidates: uniqueByKey(candidates), sourcesRead };
}

function policyOutput(policy: RenewalPolicy, assessment: RenewalAssessment): IDataObject {
	const out: IDataObject = { mode: policy.mode, rule: assessment.ruleText };
	if (policy.mode === 'daysBefore') out.days = policy.days;
	else out.fraction = policy.fraction;
	return out;
}

export function eventItem(
	candidate: CandidateCertificate,
	assessment: RenewalAssessment,
	policy: RenewalPolicy,
	event: 'renewalDue' | 'renewalReminder' | 'sample',
	reminders = 0,
): INodeExecutionData {
	const json: IDataObject = {
		event: event === 'sample' ? 'renewalDue' : event,
		sample: event === 'sample' ? true : undefined,
		source: candidate.source,
		label: candidate.source === 'pem' ? candidate.ref : undefined,
		...candidate.extra,
		subject: candidate.subject,
		commonName: candidate.commonName,
		issuer: candidate.issuer,
		serialNumber: candidate.serialNumber,
		daysRemaining: assessment.daysRemaining,
		due: assessment.due,
		expired: assessment.expired,
		windowStart: assessment.windowStart,
		policy: policyOutput(policy, assessment),
	};
	if (event === 'renewalReminder') json.reminder = reminders;
	for (const key of Object.keys(json)) if (json[key] === undefined || json[key] === '') delete json[key];
	return { json };
}

export interface RenewalPollResult {
	items: INodeExecutionData[];
	next: RenewalState;
	/** Certificates that could not be judged (e.g. notAfter not after notBefore): skipped, the rest watched. */
	skipped: SkippedRecord[];
}

export interface SkippedRecord {
	source: CertSource;
	ref: string;
	reason: string;
}

/** Assesses every candidate it can; one unreadable record is reported, never fatal for the others. */
function assessAll(candidates: CandidateCertificate[], now: Date, policy: RenewalPolicy) {
	const assessed: Array<{ candidate: CandidateCertificate; assessment: RenewalAssessment }> = [];
	const skipped: SkippedRecord[] = [];
	for (const candidate of candidates) {
		try {
			assessed.push({ candidate, assessment: assessRenewal(candidate.notBefore, candidate.notAfter, now, policy) });
		} catch (error) {
			skipped.push({ source: candidate.source, ref: String(candidate.ref), reason: (error as Error).message });
		}
	}
	return { assessed, skipped };
}

/**
 * The pure-ish heart of a poll (I/O is done by the caller): which events fire and the state to keep once
 * they are emitted.
 */
export function planRenewalPoll(
	stateRaw: unknown,
	candidates: CandidateCertificate[],
	sourcesRead: CertSource[],
	settings: RenewalSettings,
	now: Date,
	unreadable: SkippedRecord[] = [],
): RenewalPollResult {
	const { assessed, skipped: unjudged } = assessAll(candidates, now, settings.policy);
	const skipped = [...unreadable, ...unjudged];
	const observed: ObservedCertificate[] = assessed.map(({ candidate, assessment }) => ({
		key: candidate.key,
		source: candidate.source,
		ref: candidate.ref,
		due: assessment.due,
		windowStart: assessment.windowStart,
	}));
	const { decisions, next } = planRenewalEvents(readRenewalState(stateRaw), observed, now, {
		reminderEveryDays: settings.reminderEveryDays,
	});
	const items: INodeExecutionData[] = [];
	decisions.forEach((decision, index) => {
		if (!decision.fire) return;
		const { candidate, assessment } = assessed[index];
		const kind = decision.fire === 'due' ? 'renewalDue' : 'renewalReminder';
		const item = eventItem(candidate, assessment, settings.policy, kind, next.certs[decision.key].reminders);
		if (skipped.length) item.json.skippedRecords = skipped as unknown as IDataObject[];
		items.push(item);
	});
	return { items, next: pruneRenewalState(next, sourcesRead, now, PRUNE_GRACE_DAYS), skipped };
}

/* ------------------------------------------------------------------------------------------------ */
/* A poll: a full scan of the account, or (between scans) only what the schedule and the feed name   */
/* ------------------------------------------------------------------------------------------------ */

/** The settings a schedule depends on: any change means a new scan. */
export const scheduleKey = (settings: RenewalSettings) =>
	JSON.stringify([settings.product, settings.containerId, settings.policy, settings.reminderEveryDays]);

/** An order read in full, as a candidate if the trigger watches it (issued, not renewed, matching the filters). */
function watchedCandidate(order: IDataObject, settings: RenewalSettings): CandidateCertificate | undefined {
	if (order.status !== 'issued' || order.is_renewed === true) return undefined;
	const product = (order.product ?? {}) as IDataObject;
	const container = (order.container ?? {}) as IDataObject;
	if (settings.product && String(product.name_id ?? order.product_name_id ?? '') !== settings.product) return undefined;
	if (settings.containerId && Number(container.id) !== settings.containerId) return undefined;
	return orderCandidate(order);
}

/**
 * When each DigiCert order next needs a look: when its window opens (not yet valid: when it becomes valid),
 * or, due with reminders on, when the next reminder is owed.
 */
function upcomingEntries(candidates: CandidateCertificate[], next: RenewalState, settings: RenewalSettings, now: Date): UpcomingEntry[] {
	const entries: UpcomingEntry[] = [];
	for (const candidate of candidates) {
		const orderId = Number(candidate.extra.orderId);
		if (!Number.isSafeInteger(orderId)) continue;
		let assessment: RenewalAssessment;
		try {
			assessment = assessRenewal(candidate.notBefore, candidate.notAfter, now, settings.policy);
		} catch {
			continue; // reported as skipped by the poll
		}
		if (!assessment.due) {
			entries.push([Math.max(Date.parse(assessment.windowStart), Date.parse(candidate.notBefore)), orderId]);
		} else if (settings.reminderEveryDays > 0) {
			const lastFiredAt = Date.parse(next.certs[candidate.key]?.lastFiredAt ?? '');
			if (Number.isFinite(lastFiredAt)) entries.push([lastFiredAt + settings.reminderEveryDays * DAY_MS, orderId]);
		}
	}
	return entries;
}

/**
 * The same certificate pasted twice: one event. (A PEM of a DigiCert certificate is keyed by its issuer DN,
 * a DigiCert order by the CA name DigiCert reports: watch a certificate through one source only.)
 */
function uniqueByKey(candidates: CandidateCertificate[]): CandidateCertificate[] {
	const unique = new Map<string, CandidateCertificate>();
	for (const candidate of candidates) if (!unique.has(candidate.key)) unique.set(candidate.key, candidate);
	return [...unique.values()];
}

export interface RenewalDuePoll extends RenewalPollResult {
	/** The DigiCert schedule to keep (undefined: DigiCert not watched). */
	schedule?: RenewalSchedule;
	/** 'scan': the account was listed; 'feed': only the status-changes feed and the orders it or the schedule named. */
	kind: 'scan' | 'feed' | 'pem';
}

/**
 * One poll of Renewal Due (not manual). DigiCert costs a full listing only when the schedule has expired
 * (daily) or the settings changed; in between, one status-changes request plus a read of each order whose
 * time has come or that was (re)issued. No state is written here: the caller keeps what it returns.
 */
export async function pollRenewalDue(
	ctx: IPollFunctions,
	client: DigiCertClient,
	settings: RenewalSettings,
	stored: { renewal?: unknown; schedule?: unknown },
	now: Date,
): Promise<RenewalDuePoll> {
	// One record that cannot be read (an unreadable PEM entry, an order DigiCert will not return) is reported on
	// the emitted items (skippedRecords) and in the log; the others are judged and the state moves on.
	const unreadable: SkippedRecord[] = [];
	const pem = settings.usePem ? pemCandidates(ctx.getNode(), settings.pems, now, unreadable) : [];
	if (settings.usePem && pem.length === 0 && !settings.useDigiCert) {
		// Nothing at all could be read: a configuration problem, which fails the poll (and the activation) with its reason.
		pemCandidates(ctx.getNode(), settings.pems, now);
	}
	const pemRead: CertSource[] = settings.usePem ? ['pem'] : [];
	if (!settings.useDigiCert) return { ...planRenewalPoll(stored.renewal, pem, pemRead, settings, now, unreadable), kind: 'pem' };

	const key = scheduleKey(settings);
	const schedule = readSchedule(stored.schedule);
	// Kept across scans: the feed's cursor and seen changes do not depend on the settings.
	const feed = schedule?.changes ?? emptyStatusChangeState();
	if (!scheduleHolds(schedule, key, now)) {
		// The feed's baseline first: whatever it returns now is already reflected in the listing that follows.
		const { next: changes } = await client.readStatusFeed(feed, now);
		const digicert = await digiCertCandidates(client, settings, now, unreadable);
		const result = planRenewalPoll(stored.renewal, uniqueByKey([...pem, ...digicert]), [...pemRead, 'digicert'], settings, now, unreadable);
		return { ...result, kind: 'scan', schedule: scheduleFromScan(key, upcomingEntries(digicert, result.next, settings, now), changes, now) };
	}

	const { fresh, next: changes } = await client.readStatusFeed(feed, now);
	const scheduled = new Set(schedule.upcoming.map(([, id]) => id));
	const toRead = new Set(dueOrderIds(schedule, now));
	const dropped = new Set<number>();
	for (const change of fresh) {
		const id = Number(change.order_id);
		if (change.status === 'issued') toRead.add(id);
		else if (scheduled.has(id)) dropped.add(id); // revoked, reissue pending, …: no longer due on its old dates
	}
	const digicert: CandidateCertificate[] = [];
	for (const id of toRead) {
		const order = await readOrder(client, id, unreadable);
		const candidate = order && watchedCandidate(order, settings);
		if (candidate) digicert.push(candidate);
	}
	const result = planRenewalPoll(stored.renewal, uniqueByKey([...pem, ...digicert]), pemRead, settings, now, unreadable);
	const entries = upcomingEntries(digicert, result.next, settings, now);
	return { ...result, kind: 'feed', schedule: advanceSchedule(schedule, [...toRead, ...dropped], entries, changes) };
}

/** "Fetch test event": the most urgent certificate, due or not; state untouched. */
export function sampleRenewalItem(
	node: INode,
	candidates: CandidateCertificate[],
	settings: RenewalSettings,
	now: Date,
): INodeExecutionData {
	if (candidates.length === 0) {
		throw new NodeOperationError(node, 'No certificates found in the selected sources', {
			description: settings.useDigiCert
				? 'The DigiCert account has no issued orders matching the filters, and no PEM certificate was given.'
				: 'Add a PEM certificate.',
		});
	}
	const { assessed: all, skipped } = assessAll(candidates, now, settings.policy);
	if (all.length === 0) {
		throw new NodeOperationError(node, 'No certificate in the selected sources could be read', { description: skipped.map((s) => `${s.ref}: ${s.reason}`).join('; ') });
	}
	const assessed = all
		.sort((a, b) => Number(b.assessment.due) - Number(a.assessment.due) || Date.parse(a.candidate.notAfter) - Date.parse(b.candidate.notAfter));
	return eventItem(assessed[0].candidate, assessed[0].assessment, settings.policy, 'sample');
}

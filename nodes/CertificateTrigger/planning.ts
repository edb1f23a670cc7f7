/**
 * Renewal Due's planning, pure (the clock and the candidates are passed in): which events fire, their items,
 * the state to keep, the day's schedule entries, the listing horizon and the test sample.
 */
import { NodeOperationError, type IDataObject, type INode, type INodeExecutionData } from 'n8n-workflow';

import { DAY_MS, ymd } from '../shared/time';
import type { CandidateCertificate, SkippedRecord } from './candidates';
import { assessRenewal, normalizePolicy, type RenewalAssessment, type RenewalPolicy } from './renewalPolicy';
import type { UpcomingEntry } from './renewalSchedule';
import type { RenewalSettings } from './settings';
import {
	planRenewalEvents,
	pruneRenewalState,
	readRenewalState,
	type CertSource,
	type ObservedCertificate,
	type RenewalState,
} from './triggerState';

/** Entries of certificates no longer listed are dropped after this many days (a listing glitch must not re-fire). */
const PRUNE_GRACE_DAYS = 7;

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

function policyOutput(policy: RenewalPolicy, assessment: RenewalAssessment): IDataObject {
	const out: IDataObject = { mode: policy.mode, rule: assessment.ruleText };
	if (policy.mode === 'daysBefore') out.days = policy.days;
	else out.fraction = policy.fraction;
	return out;
}

function eventItem(
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

/** The settings a schedule depends on: any change means a new scan. */
export const scheduleKey = (settings: RenewalSettings) =>
	JSON.stringify([settings.product, settings.containerId, settings.policy, settings.reminderEveryDays]);

/**
 * When each DigiCert order next needs a look: when its window opens (not yet valid: when it becomes valid),
 * or, due with reminders on, when the next reminder is owed.
 */
export function upcomingEntries(
	candidates: CandidateCertificate[],
	next: RenewalState,
	settings: RenewalSettings,
	now: Date,
): UpcomingEntry[] {
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
		throw new NodeOperationError(node, 'No certificate in the selected sources could be read', {
			description: skipped.map((s) => `${s.ref}: ${s.reason}`).join('; '),
		});
	}
	const assessed = all.sort(
		(a, b) => Number(b.assessment.due) - Number(a.assessment.due) || Date.parse(a.candidate.notAfter) - Date.parse(b.candidate.notAfter),
	);
	return eventItem(assessed[0].candidate, assessed[0].assessment, settings.policy, 'sample');
}

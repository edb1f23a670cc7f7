/**
 * Event "Renewal due": one poll. Reads the sources (candidates.ts), lets planning.ts decide, and returns the
 * items and the state to keep; fires once per certificate per renewal window (plus optional reminders).
 */
import type { IPollFunctions } from 'n8n-workflow';

import { emptyStatusChangeState } from '../DigiCertCodeSigning/protocol/statusFeed';
import type { DigiCertClient } from '../DigiCertCodeSigning/transport';
import {
	digiCertCandidates,
	pemCandidates,
	readOrder,
	uniqueByKey,
	watchedCandidate,
	type CandidateCertificate,
	type SkippedRecord,
} from './candidates';
import { planRenewalPoll, scheduleKey, upcomingEntries, type RenewalPollResult } from './planning';
import { advanceSchedule, dueOrderIds, readSchedule, scheduleFromScan, scheduleHolds, type RenewalSchedule } from './renewalSchedule';
import type { RenewalSettings } from './settings';
import type { CertSource } from './triggerState';

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
		return {
			...result,
			kind: 'scan',
			schedule: scheduleFromScan(key, upcomingEntries(digicert, result.next, settings, now), changes, now),
		};
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

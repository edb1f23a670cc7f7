import {
	NodeConnectionTypes,
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { containerProperty, productProperty } from '../DigiCertCodeSigning/descriptions';
import { listSearch } from '../DigiCertCodeSigning/methods/listSearch';
import { ORDER_STATUSES } from '../DigiCertCodeSigning/protocol/status';
import { digiCertClient } from '../DigiCertCodeSigning/transport';
import { titleCase } from '../shared/titleCase';
import { gatherCandidates } from './candidates';
import { pollStatusChanges, sampleStatusChange } from './orderStatusChanged';
import { sampleRenewalItem } from './planning';
import { pollRenewalDue } from './renewalDue';
import { readRenewalSettings, readStatusSettings } from './settings';

/*
 * Where the state lives and why nothing is lost
 * ---------------------------------------------
 * State is this.getWorkflowStaticData('node'): `renewal` (one entry per certificate: fired for which
 * window, reminders), `renewalSchedule` (DigiCert: when each listed order next needs a look, trusted for a
 * day, plus its own status-changes cursor; see renewalSchedule.ts) and `statusChanges` (cursor = time of
 * the last poll, plus the changes already seen). A schedule lost in a restart is the older one saved with
 * the renewal state: its cursor is older, so the next poll reads a longer stretch of the feed, or scans.
 * It is only ever written inside poll(), after every request of the poll has succeeded, and never in
 * manual mode ("Fetch test event").
 *
 * n8n writes static data to the database only when poll() returns items; after a poll that returns null
 * the changes stay in memory (the next poll sees them) but a restart forgets them. So:
 * - Everything that must survive a restart is changed only together with returning items: an entry is
 *   marked "fired" only in the poll that emits its event, so after a restart it is still marked and does
 *   not fire twice; an event never fires without being marked.
 * - What a quiet poll changes (cursor moved on, unwatched changes marked seen, entries pruned or reset) is
 *   safe to lose: the state is one object written as a whole, so a restart goes back to the last saved
 *   pair (cursor, seen set). The next poll then asks for the longer window from that older cursor
 *   (minus the overlap); every watched change in it was either emitted (and is in the saved seen set) or
 *   is new. Re-reading costs one larger request, never a duplicate or a miss.
 * - The status-changes window always starts `overlap` minutes before the cursor (clock skew, late
 *   writes); the seen set removes what the overlap returns twice, and forgets a key only once no later
 *   window can reach it. The endpoint reads at most 7 days back: a cursor older than that (n8n off for a
 *   week) loses the changes in between, and the poll logs a warning.
 * - A failing request throws before the state is touched: the next poll repeats the same window.
 * - The very first poll of "Order status changed" only records a baseline (activation does not replay
 *   history). If n8n restarts before any event was ever emitted, that baseline was not saved either and a
 *   new one is taken: changes made while n8n was down in that case are not reported.
 */
export class CertificateTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Certificate Trigger',
		name: 'certificateTrigger',
		icon: { light: 'file:../../icons/certificateTrigger.svg', dark: 'file:../../icons/certificateTrigger.dark.svg' },
		group: ['trigger'],
		// An array from the start: a v2 adds its number here.
		version: [1],
		// Used as given by n8n's Docs link (the codex URL gets ?utm_… appended, which would break a #section).
		documentationUrl: 'https://github.com/n8n-nodes-certsign/n8n-nodes-certsign#certificate-trigger',
		subtitle: '={{$parameter["event"] === "orderStatusChanged" ? "Order status changed" : "Renewal due"}}',
		description: 'Starts a workflow when a certificate is due for renewal or a DigiCert order changes status',
		defaults: { name: 'Certificate Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				// One entry only: n8n's getCredentials() looks up the first description with the type's name
				// and checks its displayOptions, so a second entry with other displayOptions is never used.
				// `hide` on includeDigiCert = false: hidden for "Renewal Due" without DigiCert; for "Order
				// Status Changed" includeDigiCert is not a parameter of the node at all, so it shows.
				name: 'digiCertApi',
				displayName: 'DigiCert API',
				required: true,
				displayOptions: { hide: { includeDigiCert: [false] } },
			},
		],
		properties: [
			{
				// n8n puts Poll Times above every polling trigger with "Every Minute" as its default; a node cannot change it.
				displayName:
					'Poll Times above is n8n\'s setting, "Every Minute" by default. Once an hour is plenty for renewals: a check that finds nothing new costs one DigiCert request, and the full listing runs once a day.',
				name: 'pollTimesNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Renewal Due',
						value: 'renewalDue',
						description: 'A certificate entered its renewal window (once per certificate and window)',
					},
					{
						name: 'Order Status Changed',
						value: 'orderStatusChanged',
						description: 'A DigiCert order changed status since the last poll',
					},
				],
				default: 'renewalDue',
			},

			// ---------------------------------------------------------------- Renewal due: sources
			{
				displayName: 'Watch DigiCert Orders',
				name: 'includeDigiCert',
				type: 'boolean',
				default: false,
				description: 'Whether to watch the issued code-signing orders of the DigiCert account',
				displayOptions: { show: { event: ['renewalDue'] } },
			},
			...updateDisplayOptions({ show: { event: ['renewalDue'], includeDigiCert: [true] } }, [
				productProperty('Only orders of this product', true),
				containerProperty('Only orders in this container (division). Leave empty to watch every container.'),
			]),
			{
				displayName: 'Watch PEM Certificates',
				name: 'includePem',
				type: 'boolean',
				default: true,
				description: 'Whether to watch certificates given here as PEM (for example ARCA certificates)',
				displayOptions: { show: { event: ['renewalDue'] } },
			},
			{
				displayName: 'PEM Certificates',
				name: 'pemCertificates',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Certificate',
				default: {},
				displayOptions: { show: { event: ['renewalDue'], includePem: [true] } },
				options: [
					{
						displayName: 'Certificate',
						name: 'certificate',
						values: [
							{
								displayName: 'Label',
								name: 'label',
								type: 'string',
								default: '',
								placeholder: 'e.g. facturacion-prod',
								description: 'A name you recognise; the event carries it (e.g. the ARCA alias to renew)',
							},
							{
								displayName: 'PEM',
								name: 'pem',
								type: 'string',
								typeOptions: { rows: 4 },
								default: '',
								placeholder: '-----BEGIN CERTIFICATE-----',
								description:
									'The certificate (the first block if a chain is pasted). Expressions work, e.g. a value read from a file or a variable.',
							},
						],
					},
				],
			},

			// ---------------------------------------------------------------- Renewal due: policy
			{
				displayName: 'Renew When',
				name: 'policy',
				type: 'options',
				options: [
					{
						name: 'Less Than a Fraction of the Lifetime Remains',
						value: 'fractionRemaining',
						description: 'Like certbot: by default when less than 1/3 of the validity period is left',
					},
					{
						name: 'N Days Before Expiry',
						value: 'daysBefore',
						description: 'A fixed lead time before the certificate expires',
					},
				],
				default: 'fractionRemaining',
				displayOptions: { show: { event: ['renewalDue'] } },
			},
			{
				displayName: 'Fraction of Lifetime Remaining',
				name: 'fraction',
				type: 'number',
				typeOptions: { minValue: 0.01, maxValue: 0.99, numberPrecision: 4 },
				default: 0.3333,
				description: 'Due once less than this part of the lifetime (not before → not after) is left. 0.3333 = 1/3.',
				displayOptions: { show: { event: ['renewalDue'], policy: ['fractionRemaining'] } },
			},
			{
				displayName: 'Days Before Expiry',
				name: 'daysBefore',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 30,
				description: 'Due this many days before the certificate expires. Code-signing validation can take days: leave room.',
				displayOptions: { show: { event: ['renewalDue'], policy: ['daysBefore'] } },
			},

			// ---------------------------------------------------------------- Order status changed
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: ORDER_STATUSES.map((status) => ({ name: titleCase(status), value: status })),
				default: ['issued'],
				description: 'Fire for changes to these statuses; none selected: every status',
				displayOptions: { show: { event: ['orderStatusChanged'] } },
			},

			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { event: ['renewalDue'] } },
				options: [
					{
						displayName: 'Remind Every (Days)',
						name: 'reminderEveryDays',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 0,
						description: 'While a certificate is still due (not renewed), fire again every this many days; 0: never',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { event: ['orderStatusChanged'] } },
				options: [
					{
						displayName: 'Overlap (Minutes)',
						name: 'overlapMinutes',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 60 },
						default: 5,
						description: 'Each poll re-reads this many minutes before the previous poll (clock skew); repeats are dropped',
					},
				],
			},
		],
	};

	// The DigiCert node's own lists: one implementation for both.
	methods = { listSearch };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as string;
		const manual = this.getMode() === 'manual';
		const now = new Date();
		const client = digiCertClient(this);

		if (event === 'renewalDue') {
			const settings = readRenewalSettings(this);
			if (manual) {
				// Fetch Test Event shows the most urgent certificate, due or not: it lists every order.
				const { candidates } = await gatherCandidates(this.getNode(), client, settings, now, { allOrders: true });
				return [[sampleRenewalItem(this.getNode(), candidates, settings, now)]];
			}
			const staticData = this.getWorkflowStaticData('node');
			const { items, next, skipped, schedule } = await pollRenewalDue(
				this,
				client,
				settings,
				{ renewal: staticData.renewal, schedule: staticData.renewalSchedule },
				now,
			);
			for (const record of skipped) {
				this.logger.warn(
					`Certificate Trigger: skipped ${record.source} certificate "${record.ref}" (${record.reason}); watching the others`,
				);
			}
			staticData.renewal = next as unknown as IDataObject;
			if (schedule) staticData.renewalSchedule = schedule as unknown as IDataObject;
			else delete staticData.renewalSchedule;
			return items.length ? [items] : null;
		}

		if (event === 'orderStatusChanged') {
			const settings = readStatusSettings(this);
			if (manual) return [[await sampleStatusChange(client, this.getNode(), settings)]];
			const staticData = this.getWorkflowStaticData('node');
			const { items, next, truncated } = await pollStatusChanges(client, staticData.statusChanges, settings, now);
			if (truncated) {
				this.logger.warn(
					'Certificate Trigger: the last poll is more than 7 days ago; DigiCert status changes older than 7 days could not be read',
				);
			}
			staticData.statusChanges = next as unknown as IDataObject;
			return items.length ? [items] : null;
		}

		throw new NodeOperationError(this.getNode(), `Event "${event}" is not supported`);
	}
}

/**
 * The wait fields of every node, one vocabulary: a "Wait for Completion" switch beside the operation's
 * fields, and "Poll Interval (Seconds)" / "Timeout (Seconds)" in its Options, bounded the same way
 * (shared/poll.ts waitSeconds). Only the defaults and the words about the service differ.
 */
import type { INodeProperties } from 'n8n-workflow';

import { POLL_INTERVAL_SECONDS, WAIT_TIMEOUT_SECONDS, type WaitDefaults } from '../poll';

export interface WaitWords extends WaitDefaults {
	/** Default of the switch. */
	wait: boolean;
	/** What waiting means for this service (the switch's description). */
	waitDescription: string;
	/** What happens when the timeout passes. */
	timeoutDescription: string;
}

export function waitForCompletionField(words: WaitWords): INodeProperties {
	const field: INodeProperties = {
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
	};
	return { ...field, default: words.wait, description: words.waitDescription };
}

/** For an Options collection. `shownWithSwitch`: only while the node's Wait for Completion is on. */
export function waitTimingOptions(words: WaitWords, shownWithSwitch = true): INodeProperties[] {
	const displayOptions = shownWithSwitch ? { displayOptions: { show: { '/waitForCompletion': [true] } } } : {};
	const pollInterval: INodeProperties = {
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: POLL_INTERVAL_SECONDS.min, maxValue: POLL_INTERVAL_SECONDS.max },
		default: 5,
		description: 'Seconds between two checks while waiting (1 to 600)',
	};
	const timeout: INodeProperties = {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: WAIT_TIMEOUT_SECONDS.min, maxValue: WAIT_TIMEOUT_SECONDS.max },
		default: 300,
	};
	return [
		{ ...pollInterval, default: words.pollInterval, ...displayOptions },
		{
			...timeout,
			default: words.timeout,
			description: `How long to wait in total, at most 24 h. ${words.timeoutDescription}`,
			...displayOptions,
		},
	];
}

/**
 * PEM blocks found by plain string search, in one pass: a lazy regex over text full of BEGIN lines
 * without END ones rescans the rest of the text for each of them (quadratic: 0.7 MB blocked the event
 * loop for seconds). Inputs are capped before any parsing.
 */

/** Far above a certificate chain or a CSR (a few KB each); a bundle of 100 certificates is ~200 KB. */
export const MAX_PEM_INPUT_BYTES = 1024 * 1024;

class PemInputTooLargeError extends Error {}

export function assertPemSize(text: string, what: string) {
	if (text.length > MAX_PEM_INPUT_BYTES) {
		throw new PemInputTooLargeError(`${what} is ${Math.ceil(text.length / 1024)} KB; at most ${MAX_PEM_INPUT_BYTES / 1024} KB is accepted`);
	}
}

/** Every complete `-----BEGIN <label>-----…-----END <label>-----` block, in order, for any of the labels. */
export function pemBlocks(text: string, labels: string[]): Array<{ label: string; block: string; body: string }> {
	const found: Array<{ label: string; block: string; body: string }> = [];
	let from = 0;
	for (;;) {
		let best: { at: number; label: string } | undefined;
		for (const label of labels) {
			const at = text.indexOf(`-----BEGIN ${label}-----`, from);
			if (at >= 0 && (!best || at < best.at)) best = { at, label };
		}
		if (!best) return found;
		const begin = `-----BEGIN ${best.label}-----`;
		const end = `-----END ${best.label}-----`;
		const endAt = text.indexOf(end, best.at + begin.length);
		// No END after this BEGIN means no END after any later BEGIN of the same label: stop here.
		if (endAt < 0) {
			if (labels.length === 1) return found;
			labels = labels.filter((l) => l !== best!.label);
			continue;
		}
		found.push({ label: best.label, block: text.slice(best.at, endAt + end.length), body: text.slice(best.at + begin.length, endAt) });
		from = endAt + end.length;
	}
}

/**
 * Offset/limit pagination as DigiCert does it: `?offset=&limit=` → `{..., page: {total, limit, offset}}`.
 * The loop follows `page.total`, stops at an empty page (a shrinking list must not loop forever) and at
 * `max` items when the caller wants only some.
 */

export interface Page<T> {
	items: T[];
	/** page.total from the response; undefined when the API did not say. */
	total?: number;
}

export interface PaginateOptions {
	/** Items per request (DigiCert allows up to 1000). */
	pageSize: number;
	/** Stop after this many items (Return All off). */
	max?: number;
	/** Safety bound on requests. */
	maxPages?: number;
}

export async function paginate<T>(fetchPage: (offset: number, limit: number) => Promise<Page<T>>, options: PaginateOptions): Promise<T[]> {
	const results: T[] = [];
	const maxPages = options.maxPages ?? 10_000;
	let offset = 0;
	for (let page = 0; page < maxPages; page++) {
		const wanted = options.max === undefined ? options.pageSize : Math.min(options.pageSize, options.max - results.length);
		if (wanted <= 0) break;
		const { items, total } = await fetchPage(offset, wanted);
		results.push(...items);
		offset += items.length;
		if (items.length === 0) break;
		if (total !== undefined && offset >= total) break;
		if (total === undefined && items.length < wanted) break;
		if (options.max !== undefined && results.length >= options.max) break;
	}
	return options.max === undefined ? results : results.slice(0, options.max);
}

/**
 * The token of the page after one a dropdown showed (listSearch's paginationToken): the next offset, or
 * undefined when that page was the last (page.total reached, an empty page, or a short page without total).
 */
export function nextPageToken(offset: number, received: number, limit: number, total?: number): string | undefined {
	if (received === 0) return undefined;
	const next = offset + received;
	if (total !== undefined && Number.isFinite(total)) return next < total ? String(next) : undefined;
	return received < limit ? undefined : String(next);
}

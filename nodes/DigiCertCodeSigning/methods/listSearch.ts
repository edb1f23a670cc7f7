/**
 * The account's organizations and containers: resource-locator lists of the DigiCert node and the trigger.
 * One page of DigiCert's list per call, the next page when the user scrolls (paginationToken), so a
 * keystroke never reads the whole account. The filter applies to the page read.
 */
import {
	NodeOperationError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeListSearchItems,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { digiCertApiRequest } from '../transport';
import { nextPageToken } from '../transport/pagination';

/** Entries per dropdown page. */
const LIST_PAGE_SIZE = 100;

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((t) =>
		String(t ?? '')
			.toLowerCase()
			.includes(needle),
	);
}

async function searchPage(
	ctx: ILoadOptionsFunctions,
	path: '/organization' | '/container',
	key: 'organizations' | 'containers',
	token: string | undefined,
	toItem: (entry: IDataObject) => INodeListSearchItems | undefined,
): Promise<INodeListSearchResult> {
	const offset = /^\d+$/.test(token ?? '') ? Number(token) : 0;
	const answer = (await digiCertApiRequest.call(ctx, 'GET', path, undefined, { offset, limit: LIST_PAGE_SIZE })) as IDataObject | undefined;
	const entries = answer?.[key];
	if (!Array.isArray(entries)) {
		const arrived =
			answer && typeof answer === 'object'
				? `an object with ${Object.keys(answer).slice(0, 8).join(', ') || 'no keys'}`
				: JSON.stringify(answer);
		throw new NodeOperationError(ctx.getNode(), `DigiCert's answer to GET ${path} has no "${key}" list (it sent ${arrived})`);
	}
	const total = Number((answer?.page as IDataObject | undefined)?.total);
	return {
		results: (entries as IDataObject[]).map(toItem).filter((item): item is INodeListSearchItems => item !== undefined),
		paginationToken: nextPageToken(offset, entries.length, LIST_PAGE_SIZE, Number.isFinite(total) ? total : undefined),
	};
}

export const listSearch = {
	async searchOrganizations(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return await searchPage(this, '/organization', 'organizations', paginationToken, (o) =>
			o.is_active !== false && matches(filter, o.name, o.display_name, o.id)
				? { name: `${String(o.display_name ?? o.name)} (${String(o.id)})`, value: String(o.id) }
				: undefined,
		);
	},
	async searchContainers(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return await searchPage(this, '/container', 'containers', paginationToken, (c) =>
			c.is_active !== false && matches(filter, c.name, c.id)
				? { name: `${String(c.name)} (${String(c.id)})`, value: String(c.id) }
				: undefined,
		);
	},
};

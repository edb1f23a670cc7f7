/**
 * Hash → Get Signed and XML → Get Signed: one GET per session id (cached across items), matched by the
 * bytes of `Hash` whatever encoding the server used (hex of either case, Base64 of the raw digest or of
 * its UTF-16LE hex, a byte array). A non-empty DetalleError is an item error. With Only Hash empty, a
 * session's results come out once (paired with every item that asked for it), not once per item.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { errorItem, inputError, itemLabel, runPerItem, withContext } from '../../shared/n8n/items';
import { responseHashToSha1Hex, sameHash } from '../protocol/hashEncoding';
import { asSentence } from '../protocol/status';
import { firmadorRequest, isNoContent } from '../transport/api';
import { checkApiCredential } from './common';

export interface SignedEntry {
	sessionId: string;
	/** The SHA-1 as upper-case hex when `Hash` is one (any encoding), else `Hash` as sent. */
	hash: string;
	signed: boolean;
	signedValue: string;
	errorDetail: string;
	cuil?: string;
	/** The service's entry as it came. */
	response: IDataObject;
}

type Cached = { entries: IDataObject[] } | { error: Error };

export async function getSignedResults(
	ctx: IExecuteFunctions,
	path: '/api/HashFirmado' | '/api/XmlFirmado',
	signedField: 'HashFirmado' | 'XmlFirmado',
	toOutput: (entry: SignedEntry, itemIndex: number) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[]> {
	const cache = new Map<string, Cached>();
	/** Sessions already returned whole (Only Hash empty) → the pairedItem list of those outputs. */
	const returnedWhole = new Map<string, IPairedItemData[]>();
	return await runPerItem(ctx, async (itemIndex) => {
		const sessionId = String(ctx.getNodeParameter('sessionId', itemIndex, '') ?? '').trim();
		if (!sessionId) throw inputError(ctx.getNode(), itemIndex, 'Session ID', 'is empty');
		if (sessionId.length > 128 || /[\u0000-\u001f]/.test(sessionId)) throw inputError(ctx.getNode(), itemIndex, 'Session ID', 'is not a session id (too long or with control characters)');
		const match = String(ctx.getNodeParameter('matchHash', itemIndex, '') ?? '').trim();
		await checkApiCredential(ctx, itemIndex);
		if (!match) {
			const paired = returnedWhole.get(sessionId);
			if (paired) {
				paired.push({ item: itemIndex });
				return [];
			}
		}
		let cached = cache.get(sessionId);
		if (!cached) {
			try {
				const body = await firmadorRequest.call(ctx, 'GET', path, { qs: { SessionID: sessionId } });
				if (body !== undefined && !Array.isArray(body)) throw new NodeOperationError(ctx.getNode(), `Firmador answered GET ${path} with something other than a list`);
				cached = { entries: ((body ?? []) as IDataObject[]).filter((e) => e && typeof e === 'object') };
			} catch (error) {
				cached = { error: error as Error };
			}
			cache.set(sessionId, cached);
		}
		if ('error' in cached) {
			if (isNoContent(cached.error)) {
				const phrase = cached.error.message;
				throw withContext(
					inputError(ctx.getNode(), itemIndex, 'Session ID', `${sessionId} has no result yet (Firmador answered HTTP 204${phrase ? `: ${asSentence(phrase).replace(/\.$/, '')}` : ''})`, 'Wait until the request is signed (Request → Wait for Completion), then try again.'),
					{ sessionId },
				);
			}
			throw withContext(cached.error, { sessionId });
		}
		const selected = match ? cached.entries.filter((e) => sameHash(e.Hash, match)) : cached.entries;
		if (selected.length === 0) {
			throw withContext(
				inputError(
					ctx.getNode(),
					itemIndex,
					'Session ID',
					match ? `${sessionId} has no result for hash ${match}` : `${sessionId} has no results (unknown session or nothing signed yet)`,
				),
				{ sessionId },
			);
		}
		const paired: IPairedItemData[] = [{ item: itemIndex }];
		if (!match) returnedWhole.set(sessionId, paired);
		const out: INodeExecutionData[] = [];
		for (const raw of selected) {
			const value = raw[signedField];
			const detail = typeof raw.DetalleError === 'string' ? raw.DetalleError.trim() : raw.DetalleError ? String(raw.DetalleError) : '';
			const hash = responseHashToSha1Hex(raw.Hash) ?? String(raw.Hash ?? '');
			if (detail) {
				// The service says this entry failed: an item error that keeps the detail (continue-on-fail).
				const error = withContext(
					new NodeOperationError(ctx.getNode(), `Firmador reports an error for ${hash ? `hash ${hash}` : 'an entry'} of session ${sessionId}: ${asSentence(detail).replace(/\.$/, '')} ${itemLabel(itemIndex)}`, {
						itemIndex,
						description: 'DetalleError was not empty: the signature was not made (or not yet). Check the request with Request → Get Status.',
					}),
					{ sessionId, hash, errorDetail: detail },
				);
				if (!ctx.continueOnFail()) throw error;
				out.push({ ...errorItem(error, itemIndex), pairedItem: match ? { item: itemIndex } : paired });
				continue;
			}
			const signedValue = typeof value === 'string' ? value : '';
			const entry: SignedEntry = {
				sessionId,
				hash,
				signed: signedValue !== '',
				signedValue,
				errorDetail: '',
				...(raw.CUIL !== undefined ? { cuil: String(raw.CUIL) } : {}),
				response: raw,
			};
			const item = await toOutput(entry, itemIndex);
			// A whole session answers every item that asked for it: all of them are its lineage.
			out.push({ ...item, pairedItem: match ? { item: itemIndex } : paired });
		}
		return out;
	});
}

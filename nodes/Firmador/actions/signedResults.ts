/**
 * Hash → Get Signed and XML → Get Signed: one GET per session id (cached across items), matched by the
 * bytes of `Hash` whatever encoding the server used (hex of either case, Base64 of the raw digest or of
 * its UTF-16LE hex, a byte array). Keys are read in any case. A signature is kept even when DetalleError
 * is not empty (the text goes to `detail`); DetalleError without a signature is an item error; neither
 * means "not signed yet". Every item, error items included, carries `signed`. With Only Hash empty, a
 * session's results come out once (paired with every item that asked for it), not once per item.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type IPairedItemData } from 'n8n-workflow';

import { withContext } from '../../shared/errors';
import { failItem, inputError, itemLabel, runPerItem } from '../../shared/n8n/items';
import { clause } from '../../shared/words';
import { field, isProblem, keysOf, signedValueToBase64, signedXmlText, textOf, type SignedValueForm } from '../protocol/answer';
import { responseHashToSha1Hex, sameHash } from '../protocol/hashEncoding';
import { firmadorRequest, isNoContent, reasonPhraseOf, unexpectedAnswer } from '../transport/api';
import { checkApiCredential } from './common';

export interface SignedEntry {
	sessionId: string;
	/** The SHA-1 as upper-case hex when `Hash` is one (any encoding), else `Hash` as sent. */
	hash: string;
	signed: boolean;
	/** HashFirmado as Base64 (whatever form arrived), or XmlFirmado as text. */
	signedValue: string;
	/** The form HashFirmado arrived in (hash results only). */
	signedForm?: SignedValueForm;
	/** DetalleError next to a signature (the signature is kept). */
	detail?: string;
	cuil?: string;
	/** The service's entry as it came. */
	response: IDataObject;
}

type Cached = { entries: Array<Record<string, unknown>> } | { error: Error };

const NOT_SIGNED_YET = 'Run Request → Wait for Completion first (or Sign with Wait for Completion on), then Get Signed.';

export async function getSignedResults(
	ctx: IExecuteFunctions,
	path: '/api/HashFirmado' | '/api/XmlFirmado',
	signedField: 'HashFirmado' | 'XmlFirmado',
	toOutput: (entry: SignedEntry, itemIndex: number) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[]> {
	const cache = new Map<string, Cached>();
	/** Sessions already returned whole (Only Hash empty) → the pairedItem list of those outputs. */
	const returnedWhole = new Map<string, IPairedItemData[]>();
	const notSigned = (error: Error, context: IDataObject = {}) => withContext(error, { signed: false, ...context });
	return await runPerItem(ctx, async (itemIndex) => {
		const sessionId = String(ctx.getNodeParameter('sessionId', itemIndex, '') ?? '').trim();
		if (!sessionId) throw notSigned(inputError(ctx.getNode(), itemIndex, 'Session ID', 'is empty'));
		if (sessionId.length > 128 || /[\u0000-\u001f]/.test(sessionId))
			throw notSigned(inputError(ctx.getNode(), itemIndex, 'Session ID', 'is not a session id (too long or with control characters)'));
		const match = String(ctx.getNodeParameter('matchHash', itemIndex, '') ?? '').trim();
		try {
			await checkApiCredential(ctx, itemIndex);
		} catch (error) {
			throw notSigned(error as Error);
		}
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
				let body = await firmadorRequest.call(ctx, 'GET', path, { qs: { SessionID: sessionId } });
				// One entry as an object instead of a list of one is still that entry.
				if (body && typeof body === 'object' && !Array.isArray(body) && field(body as Record<string, unknown>, 'Hash') !== undefined)
					body = [body];
				if (body !== undefined && !Array.isArray(body)) {
					throw unexpectedAnswer(
						ctx,
						path,
						`expected a list of {Hash, ${signedField}, DetalleError, CUIL}, received ${body && typeof body === 'object' ? `an object with ${keysOf(body)}` : JSON.stringify(body)?.slice(0, 80)}`,
					);
				}
				const entries = ((body ?? []) as unknown[]).filter(
					(e): e is Record<string, unknown> => !!e && typeof e === 'object' && !Array.isArray(e),
				);
				const readable = entries.filter(
					(e) => field(e, 'Hash') !== undefined || field(e, signedField) !== undefined || field(e, 'DetalleError') !== undefined,
				);
				if (entries.length > 0 && readable.length === 0) {
					throw unexpectedAnswer(
						ctx,
						path,
						`none of its ${entries.length} entries has Hash, ${signedField} or DetalleError (in any case); the first had ${keysOf(entries[0])}`,
					);
				}
				cached = { entries: readable };
			} catch (error) {
				cached = { error: error as Error };
			}
			cache.set(sessionId, cached);
		}
		if ('error' in cached) {
			if (isNoContent(cached.error)) {
				const phrase = reasonPhraseOf(cached.error);
				throw notSigned(
					phrase
						? inputError(ctx.getNode(), itemIndex, 'Session ID', `${sessionId}: Firmador answered ${clause(phrase)} (HTTP 204)`)
						: inputError(
								ctx.getNode(),
								itemIndex,
								'Session ID',
								`${sessionId} is not signed yet (Firmador has no result for it)`,
								NOT_SIGNED_YET,
							),
					{ sessionId },
				);
			}
			throw notSigned(cached.error, { sessionId });
		}
		if (cached.entries.length === 0) {
			throw notSigned(
				inputError(
					ctx.getNode(),
					itemIndex,
					'Session ID',
					`${sessionId} has no results: not signed yet, or not a session of this account`,
					NOT_SIGNED_YET,
				),
				{ sessionId },
			);
		}
		const selected = match ? cached.entries.filter((e) => sameHash(field(e, 'Hash'), match)) : cached.entries;
		if (selected.length === 0) {
			const held = cached.entries.map((e) => responseHashToSha1Hex(field(e, 'Hash')) ?? textOf(field(e, 'Hash'))).filter(Boolean);
			throw notSigned(
				inputError(
					ctx.getNode(),
					itemIndex,
					'Only Hash',
					`${match} is not in session ${sessionId}${held.length ? ` (it holds ${held.slice(0, 5).join(', ')}${held.length > 5 ? ', …' : ''})` : ''}`,
				),
				{ sessionId },
			);
		}
		const paired: IPairedItemData[] = [{ item: itemIndex }];
		if (!match) returnedWhole.set(sessionId, paired);
		const out: INodeExecutionData[] = [];
		for (const raw of selected) {
			const rawDetail = field(raw, 'DetalleError');
			const detail =
				typeof rawDetail === 'string' ? rawDetail.trim() : rawDetail === undefined || rawDetail === null ? '' : JSON.stringify(rawDetail);
			const rawHash = field(raw, 'Hash');
			const hash = responseHashToSha1Hex(rawHash) ?? textOf(rawHash);
			const fail = (error: Error) => {
				withContext(error, { sessionId, hash, signed: false, ...(detail ? { errorDetail: detail } : {}) });
				out.push(failItem(ctx, error, itemIndex, match ? { item: itemIndex } : paired));
			};
			const read = signedField === 'HashFirmado' ? signedValueToBase64(field(raw, signedField)) : signedXmlText(field(raw, signedField));
			if (isProblem(read)) {
				fail(unexpectedAnswer(ctx, path, `${read.problem} (session ${sessionId}${hash ? `, hash ${hash}` : ''}) ${itemLabel(itemIndex)}`));
				continue;
			}
			const signedValue = typeof read === 'string' ? read : read.value;
			const signedForm: SignedValueForm | undefined = typeof read === 'string' ? undefined : read.form;
			const what = `${hash ? `hash ${hash}` : 'an entry'} of session ${sessionId}`;
			if (signedValue === '') {
				fail(
					detail
						? new NodeOperationError(ctx.getNode(), `Firmador reports for ${what}: ${clause(detail)} ${itemLabel(itemIndex)}`, {
								itemIndex,
								description: `DetalleError was not empty and no signature came back. If the request is not final yet: ${NOT_SIGNED_YET}`,
							})
						: new NodeOperationError(ctx.getNode(), `${what[0].toUpperCase()}${what.slice(1)} is not signed yet ${itemLabel(itemIndex)}`, {
								itemIndex,
								description: NOT_SIGNED_YET,
							}),
				);
				continue;
			}
			const cuil = field(raw, 'CUIL');
			const entry: SignedEntry = {
				sessionId,
				hash,
				signed: true,
				signedValue,
				...(signedForm ? { signedForm } : {}),
				...(detail ? { detail } : {}),
				...(cuil !== undefined && cuil !== null ? { cuil: String(cuil) } : {}),
				response: raw as IDataObject,
			};
			const item = await toOutput(entry, itemIndex);
			// A whole session answers every item that asked for it: all of them are its lineage.
			out.push({ ...item, pairedItem: match ? { item: itemIndex } : paired });
		}
		return out;
	});
}

import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface Rechunk {
	/** Every chunk passed on is this long (the last one may be shorter). */
	chunkSize: number;
	/** Bytes the stream may hold for its reader. */
	highWaterMark: number;
}

/**
 * A pass-through that hashes (SHA-1, what Firmador's HashArchivo carries) and counts the bytes of a file
 * on its way to or from the SFTP server, so a file is read once. A Transform, not a 'data' listener: a
 * listener would start the flow before the consumer reads. With `rechunk`, it also cuts the stream into
 * chunks of one size (uploads: one full SFTP WRITE each).
 */
export function sha1Counter(onChunk: () => void = () => undefined, rechunk?: Rechunk) {
	const hash = createHash('sha1');
	let size = 0;
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	const stream = new Transform({
		...(rechunk ? { readableHighWaterMark: rechunk.highWaterMark } : {}),
		transform(chunk: Buffer, _encoding, done) {
			hash.update(chunk);
			size += chunk.length;
			onChunk();
			if (!rechunk) return done(null, chunk);
			// Slices of the incoming chunk go out without copying; only a chunk that spans two inputs is
			// assembled (at most one chunk's worth of copying per input).
			const want = rechunk.chunkSize;
			let offset = 0;
			if (pendingBytes > 0) {
				const need = want - pendingBytes;
				if (chunk.length < need) {
					pending.push(chunk);
					pendingBytes += chunk.length;
					return done();
				}
				pending.push(chunk.subarray(0, need));
				this.push(Buffer.concat(pending, want));
				pending = [];
				pendingBytes = 0;
				offset = need;
			}
			for (; chunk.length - offset >= want; offset += want) this.push(chunk.subarray(offset, offset + want));
			if (offset < chunk.length) {
				pending = [chunk.subarray(offset)];
				pendingBytes = chunk.length - offset;
			}
			done();
		},
		flush(done) {
			if (pendingBytes > 0) this.push(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
			pending = [];
			done();
		},
	});
	return {
		stream,
		get size() {
			return size;
		},
		/** Upper-case hex, as Firmador writes hashes. Call once, after the stream ended. */
		sha1: () => hash.digest('hex').toUpperCase(),
	};
}

import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/**
 * A pass-through that hashes (SHA-1, what Firmador's HashArchivo carries) and counts the bytes of a file
 * on its way to or from the SFTP server, so a file is read once. A Transform, not a 'data' listener: a
 * listener would start the flow before the consumer reads.
 */
export function sha1Counter(onChunk: () => void = () => undefined) {
	const hash = createHash('sha1');
	let size = 0;
	const stream = new Transform({
		transform(chunk: Buffer, _encoding, done) {
			hash.update(chunk);
			size += chunk.length;
			onChunk();
			done(null, chunk);
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

/**
 * DER (X.690 distinguished encoding) reading and writing for the few ASN.1 structures the package
 * handles itself: CSRs, CMS SignedData, the parts of certificates node:crypto does not expose.
 * Pure and dependency-free. The reader never recurses on its own; `checkDerTree` walks a whole
 * input once, iteratively, with depth and element-count limits so hostile input fails fast.
 */

export class DerError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DerError';
	}
}

export type DerErrorFactory = (message: string) => Error;

export interface DerNode {
	tag: number;
	/** Offset of the tag byte in the buffer. */
	start: number;
	/** Offset of the first content byte. */
	contentStart: number;
	/** Offset after the last content byte. */
	end: number;
}

export const DER_TAG = {
	BOOLEAN: 0x01,
	INTEGER: 0x02,
	BIT_STRING: 0x03,
	OCTET_STRING: 0x04,
	NULL: 0x05,
	OID: 0x06,
	UTF8_STRING: 0x0c,
	PRINTABLE_STRING: 0x13,
	IA5_STRING: 0x16,
	UTC_TIME: 0x17,
	GENERALIZED_TIME: 0x18,
	SEQUENCE: 0x30,
	SET: 0x31,
} as const;

/** Context-specific tag number n: constructed (explicit, or implicit over a constructed type) or primitive. */
export const contextTag = (n: number, constructed = true) => (constructed ? 0xa0 : 0x80) | n;

export interface DerTreeLimits {
	/** Nesting depth; real certificates and CMS stay under 20. */
	maxDepth: number;
	/** Elements in the whole tree. */
	maxElements: number;
}

const DEFAULT_DER_TREE_LIMITS: DerTreeLimits = { maxDepth: 64, maxElements: 200_000 };

/**
 * Reads DER from one buffer. Errors come from `makeError` so a caller keeps its own error class
 * (CsrError for CSRs, DerError by default).
 */
export class DerReader {
	constructor(
		readonly buf: Buffer,
		private readonly makeError: DerErrorFactory = (message) => new DerError(message),
	) {}

	fail(message: string): Error {
		return this.makeError(message);
	}

	/** One TLV at `offset`, which must end by `limit`; definite lengths only (DER). */
	node(offset: number, limit = this.buf.length): DerNode {
		const buf = this.buf;
		if (offset + 2 > limit) throw this.fail(`truncated DER at byte ${offset}`);
		const tag = buf[offset];
		if ((tag & 0x1f) === 0x1f) throw this.fail(`unsupported multi-byte DER tag at byte ${offset}`);
		let pos = offset + 1;
		let length = buf[pos++];
		if (length === 0x80) throw this.fail('indefinite DER length (BER) is not allowed');
		if (length > 0x80) {
			const count = length & 0x7f;
			if (count > 4 || pos + count > limit) throw this.fail(`bad DER length at byte ${offset}`);
			length = 0;
			for (let i = 0; i < count; i++) length = length * 256 + buf[pos++];
			if (length < 0x80) throw this.fail(`non-minimal DER length at byte ${offset}`);
		}
		const end = pos + length;
		if (end > limit) throw this.fail(`DER element at byte ${offset} runs past its container`);
		return { tag, start: offset, contentStart: pos, end };
	}

	/** The element at the start of the buffer, which must fill it exactly. */
	root(what = 'the DER input'): DerNode {
		const node = this.node(0, this.buf.length);
		if (node.end !== this.buf.length) throw this.fail(`${this.buf.length - node.end} trailing bytes after ${what}`);
		return node;
	}

	/** The children of a constructed element; their lengths must add up exactly. */
	children(node: DerNode): DerNode[] {
		if ((node.tag & 0x20) === 0) throw this.fail(`DER element at byte ${node.start} is primitive, not constructed`);
		const out: DerNode[] = [];
		let pos = node.contentStart;
		while (pos < node.end) {
			const child = this.node(pos, node.end);
			out.push(child);
			pos = child.end;
		}
		return out;
	}

	expect(node: DerNode | undefined, tag: number, what: string): DerNode {
		if (!node) throw this.fail(`${what} is missing`);
		if (node.tag !== tag) throw this.fail(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
		return node;
	}

	/** Content bytes (a view, not a copy). */
	content(node: DerNode): Buffer {
		return this.buf.subarray(node.contentStart, node.end);
	}

	/** The whole encoding, tag and length included (a view). */
	encoding(node: DerNode): Buffer {
		return this.buf.subarray(node.start, node.end);
	}

	oid(node: DerNode | undefined, what = 'OBJECT IDENTIFIER'): string {
		return decodeOid(this.content(this.expect(node, DER_TAG.OID, what)), this.makeError);
	}

	/** A non-negative INTEGER as a JavaScript number (versions, salt lengths). */
	smallInteger(node: DerNode | undefined, what: string): number {
		const bytes = this.content(this.expect(node, DER_TAG.INTEGER, what));
		if (bytes.length === 0 || bytes.length > 6 || bytes[0] & 0x80) throw this.fail(`${what} is not a small non-negative INTEGER`);
		return bytes.readUIntBE(0, bytes.length);
	}

	/** An INTEGER as upper-case hex of its magnitude without leading zero bytes (how serial numbers print). */
	integerHex(node: DerNode | undefined, what: string): string {
		let bytes = this.content(this.expect(node, DER_TAG.INTEGER, what));
		if (bytes.length === 0) throw this.fail(`${what} is an empty INTEGER`);
		while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
		return bytes.toString('hex').toUpperCase();
	}

	/** UTCTime or GeneralizedTime (the Z forms DER requires). */
	time(node: DerNode | undefined, what: string): Date {
		if (!node) throw this.fail(`${what} is missing`);
		const text = this.content(node).toString('latin1');
		let match: RegExpExecArray | null;
		let year: number;
		if (node.tag === DER_TAG.UTC_TIME && (match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(text))) {
			const yy = Number(match[1]);
			year = yy < 50 ? 2000 + yy : 1900 + yy; // RFC 5280: 50..99 are 19xx
		} else if (node.tag === DER_TAG.GENERALIZED_TIME && (match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d{1,9})?Z$/.exec(text))) {
			year = Number(match[1]);
		} else {
			throw this.fail(`${what} is not a UTCTime or GeneralizedTime ("${text.slice(0, 40)}")`);
		}
		const [month, day, hour, minute, second] = match.slice(2, 7).map((part) => Number(part ?? 0));
		const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
		if (Number.isNaN(date.getTime()) || month < 1 || month > 12 || day < 1 || day > 31)
			throw this.fail(`${what} is not a valid date ("${text}")`);
		return date;
	}

	/** Walks the whole tree under `node` once (iteratively) so later reads cannot loop, nest or blow up. */
	checkTree(node: DerNode, limits: DerTreeLimits = DEFAULT_DER_TREE_LIMITS): void {
		const stack: Array<{ node: DerNode; depth: number }> = [{ node, depth: 1 }];
		let elements = 0;
		while (stack.length > 0) {
			const { node: current, depth } = stack.pop()!;
			if (++elements > limits.maxElements) throw this.fail(`the DER input has more than ${limits.maxElements} elements`);
			if (depth > limits.maxDepth) throw this.fail(`the DER input nests deeper than ${limits.maxDepth} levels`);
			if (current.tag & 0x20) for (const child of this.children(current)) stack.push({ node: child, depth: depth + 1 });
		}
	}
}

export function decodeOid(bytes: Buffer, makeError: DerErrorFactory = (message) => new DerError(message)): string {
	if (bytes.length === 0) throw makeError('empty OBJECT IDENTIFIER');
	if (bytes.length > 64) throw makeError('OBJECT IDENTIFIER longer than 64 bytes');
	const parts: number[] = [];
	let value = 0;
	for (let i = 0; i < bytes.length; i++) {
		value = value * 128 + (bytes[i] & 0x7f);
		if ((bytes[i] & 0x80) === 0) {
			if (parts.length === 0) {
				const first = value < 80 ? Math.floor(value / 40) : 2;
				parts.push(first, value - first * 40);
			} else {
				parts.push(value);
			}
			value = 0;
		} else if (i === bytes.length - 1) {
			throw makeError('truncated OBJECT IDENTIFIER');
		}
	}
	return parts.join('.');
}

// ---------------------------------------------------------------------------------------------------
// Encoder: each function returns one complete TLV.

function encodeLength(length: number): Buffer {
	if (length < 0x80) return Buffer.from([length]);
	const bytes: number[] = [];
	for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
	return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function derTlv(tag: number, content: Buffer): Buffer {
	return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const derSequence = (...items: Buffer[]) => derTlv(DER_TAG.SEQUENCE, Buffer.concat(items));

/** SET OF: DER orders the elements by their encodings (X.690 11.6). `sorted: false` keeps the given order (a SET whose order is fixed elsewhere). */
export function derSet(items: Buffer[], sorted = true): Buffer {
	const ordered = sorted ? [...items].sort(Buffer.compare) : items;
	return derTlv(DER_TAG.SET, Buffer.concat(ordered));
}

/** INTEGER from a number, bigint, or a Buffer holding the unsigned big-endian magnitude (serial numbers). */
export function derInteger(value: number | bigint | Buffer): Buffer {
	let bytes: Buffer;
	if (Buffer.isBuffer(value)) {
		let start = 0;
		while (start < value.length - 1 && value[start] === 0) start++;
		bytes = value.length === 0 ? Buffer.from([0]) : value.subarray(start);
		if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
		return derTlv(DER_TAG.INTEGER, bytes);
	}
	let big = BigInt(value);
	const out: number[] = [];
	// two's complement, minimal: stop once the remaining value is just the sign extension of the last byte
	for (;;) {
		const byte = Number(big & 0xffn);
		out.unshift(byte);
		big >>= 8n;
		if ((big === 0n && (byte & 0x80) === 0) || (big === -1n && (byte & 0x80) !== 0)) break;
	}
	return derTlv(DER_TAG.INTEGER, Buffer.from(out));
}

export function derOid(oid: string): Buffer {
	if (!/^[0-2]\.\d+(\.\d+)*$/.test(oid)) throw new DerError(`"${oid}" is not an OBJECT IDENTIFIER`);
	const parts = oid.split('.').map(Number);
	const arcs = [parts[0] * 40 + parts[1], ...parts.slice(2)];
	const bytes: number[] = [];
	for (const arc of arcs) {
		const groups = [arc & 0x7f];
		for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) groups.unshift((rest & 0x7f) | 0x80);
		bytes.push(...groups);
	}
	return derTlv(DER_TAG.OID, Buffer.from(bytes));
}

export const derOctetString = (bytes: Buffer) => derTlv(DER_TAG.OCTET_STRING, bytes);
export const derNull = () => Buffer.from([DER_TAG.NULL, 0]);
export const derUtf8String = (text: string) => derTlv(DER_TAG.UTF8_STRING, Buffer.from(text, 'utf8'));

export function derPrintableString(text: string): Buffer {
	if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text)) throw new DerError(`"${text}" has characters a PrintableString cannot hold`);
	return derTlv(DER_TAG.PRINTABLE_STRING, Buffer.from(text, 'latin1'));
}

/** Explicit tagging wraps the complete inner encoding. */
export const derExplicit = (n: number, inner: Buffer) => derTlv(contextTag(n, true), inner);

/** Implicit tagging replaces the tag: pass the content bytes and whether the underlying type is constructed. */
export const derImplicit = (n: number, content: Buffer, constructed: boolean) => derTlv(contextTag(n, constructed), content);

const digits = (value: number, width: number) => String(value).padStart(width, '0');

function timeText(date: Date, yearDigits: 2 | 4): string {
	if (Number.isNaN(date.getTime())) throw new DerError('invalid date');
	const year = date.getUTCFullYear();
	return (
		(yearDigits === 2 ? digits(year % 100, 2) : digits(year, 4)) +
		digits(date.getUTCMonth() + 1, 2) +
		digits(date.getUTCDate(), 2) +
		digits(date.getUTCHours(), 2) +
		digits(date.getUTCMinutes(), 2) +
		digits(date.getUTCSeconds(), 2) +
		'Z'
	);
}

export function derUtcTime(date: Date): Buffer {
	const year = date.getUTCFullYear();
	if (year < 1950 || year > 2049) throw new DerError(`UTCTime holds 1950-2049 only, not ${year}`);
	return derTlv(DER_TAG.UTC_TIME, Buffer.from(timeText(date, 2), 'latin1'));
}

export const derGeneralizedTime = (date: Date) => derTlv(DER_TAG.GENERALIZED_TIME, Buffer.from(timeText(date, 4), 'latin1'));

/** RFC 5280 / 5652 Time: UTCTime for 1950-2049, GeneralizedTime otherwise. */
export function derTime(date: Date): Buffer {
	const year = date.getUTCFullYear();
	return year >= 1950 && year <= 2049 ? derUtcTime(date) : derGeneralizedTime(date);
}

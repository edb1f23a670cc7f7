/**
 * CMS SignedData (RFC 5652): sign (attached or detached, one signer, signed attributes contentType,
 * signingTime, messageDigest) and read/verify what other tools sign (PDF signatures, ARCA WSAA).
 * Pure: node:crypto and the shared DER reader/encoder only.
 */
import { constants, createHash, createPrivateKey, createVerify, sign, X509Certificate, type KeyObject } from 'node:crypto';

import {
	contextTag,
	DER_TAG,
	derExplicit,
	derInteger,
	derNull,
	derOctetString,
	derOid,
	DerReader,
	derSequence,
	derSet,
	derTime,
	type DerNode,
} from './der';

export class CmsError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CmsError';
	}
}

const cmsError = (message: string) => new CmsError(message);

export const OID = {
	data: '1.2.840.113549.1.7.1',
	signedData: '1.2.840.113549.1.7.2',
	contentType: '1.2.840.113549.1.9.3',
	messageDigest: '1.2.840.113549.1.9.4',
	signingTime: '1.2.840.113549.1.9.5',
	rsaEncryption: '1.2.840.113549.1.1.1',
	rsassaPss: '1.2.840.113549.1.1.10',
	mgf1: '1.2.840.113549.1.1.8',
	ecPublicKey: '1.2.840.10045.2.1',
	subjectKeyIdentifier: '2.5.29.14',
	commonName: '2.5.4.3',
	serialNumber: '2.5.4.5',
} as const;

export type CmsDigest = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const DIGEST_OIDS: Record<string, CmsDigest> = {
	'1.3.14.3.2.26': 'sha1',
	'2.16.840.1.101.3.4.2.4': 'sha224',
	'2.16.840.1.101.3.4.2.1': 'sha256',
	'2.16.840.1.101.3.4.2.2': 'sha384',
	'2.16.840.1.101.3.4.2.3': 'sha512',
};
const DIGEST_OID_BY_NAME = Object.fromEntries(Object.entries(DIGEST_OIDS).map(([oid, name]) => [name, oid])) as Record<CmsDigest, string>;

// Ed25519 (RFC 8419) is left out: OpenSSL 3.0 cannot produce it in CMS, so nothing here could check it.
type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';

/** Signature algorithm OID → scheme and, when the OID names one, its digest (else the SignerInfo's digestAlgorithm is used). */
const SIGNATURE_OIDS: Record<string, { name: string; scheme: SignatureScheme; digest?: CmsDigest }> = {
	[OID.rsaEncryption]: { name: 'rsaEncryption', scheme: 'rsa-pkcs1' },
	'1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', scheme: 'rsa-pkcs1', digest: 'sha1' },
	'1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', scheme: 'rsa-pkcs1', digest: 'sha224' },
	'1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', scheme: 'rsa-pkcs1', digest: 'sha256' },
	'1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', scheme: 'rsa-pkcs1', digest: 'sha384' },
	'1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', scheme: 'rsa-pkcs1', digest: 'sha512' },
	[OID.rsassaPss]: { name: 'RSASSA-PSS', scheme: 'rsa-pss' },
	[OID.ecPublicKey]: { name: 'ecPublicKey', scheme: 'ecdsa' },
	'1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', scheme: 'ecdsa', digest: 'sha1' },
	'1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', scheme: 'ecdsa', digest: 'sha224' },
	'1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', scheme: 'ecdsa', digest: 'sha256' },
	'1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', scheme: 'ecdsa', digest: 'sha384' },
	'1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', scheme: 'ecdsa', digest: 'sha512' },
};

const ECDSA_OID_BY_DIGEST: Record<CmsDigest, string> = {
	sha1: '1.2.840.10045.4.1',
	sha224: '1.2.840.10045.4.3.1',
	sha256: '1.2.840.10045.4.3.2',
	sha384: '1.2.840.10045.4.3.3',
	sha512: '1.2.840.10045.4.3.4',
};

/** A CMS larger than this is not a signature (PDF signatures with embedded revocation data stay well under). */
export const MAX_CMS_BYTES = 8 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------
// Certificates: the fields CMS needs that X509Certificate does not expose as DER.

export interface CertificateFields {
	/** Issuer Name, DER (compared byte for byte with a SignerInfo's issuerAndSerialNumber). */
	issuerDer: Buffer;
	/** Serial number as upper-case hex without leading zeros. */
	serialNumber: string;
	/** The serial number's INTEGER, DER (copied as is into issuerAndSerialNumber). */
	serialDer: Buffer;
	subjectAttributes: Array<{ oid: string; value: string }>;
	subjectKeyIdentifier?: Buffer;
	notBefore: Date;
	notAfter: Date;
}

function decodeDirectoryString(r: DerReader, node: DerNode): string {
	const bytes = r.content(node);
	switch (node.tag) {
		case DER_TAG.UTF8_STRING:
			return bytes.toString('utf8');
		case 0x1e: {
			// BMPString: UTF-16BE
			const swapped = Buffer.from(bytes);
			if (swapped.length % 2 === 0) swapped.swap16();
			return swapped.toString('utf16le');
		}
		case 0x14: // T61String: latin1 is what real-world decoders do
			return bytes.toString('latin1');
		default:
			return bytes.toString('latin1');
	}
}

export function readCertificateFields(der: Buffer): CertificateFields {
	const r = new DerReader(der, cmsError);
	const [tbs] = r.children(r.expect(r.root('the certificate'), DER_TAG.SEQUENCE, 'Certificate'));
	const fields = r.children(r.expect(tbs, DER_TAG.SEQUENCE, 'tbsCertificate'));
	const offset = fields[0]?.tag === contextTag(0) ? 1 : 0;
	const [serial, , issuer, validity, subject, , ...rest] = fields.slice(offset);
	const [notBefore, notAfter] = r.children(r.expect(validity, DER_TAG.SEQUENCE, 'validity'));
	const subjectAttributes: CertificateFields['subjectAttributes'] = [];
	for (const rdn of r.children(r.expect(subject, DER_TAG.SEQUENCE, 'subject'))) {
		for (const atv of r.children(r.expect(rdn, DER_TAG.SET, 'subject RDN'))) {
			const [type, value] = r.children(r.expect(atv, DER_TAG.SEQUENCE, 'subject attribute'));
			subjectAttributes.push({ oid: r.oid(type, 'attribute type'), value: value ? decodeDirectoryString(r, value) : '' });
		}
	}
	let subjectKeyIdentifier: Buffer | undefined;
	const extensions = rest.find((node) => node.tag === contextTag(3));
	if (extensions) {
		const [list] = r.children(extensions);
		for (const extension of r.children(r.expect(list, DER_TAG.SEQUENCE, 'extensions'))) {
			const parts = r.children(extension);
			if (r.oid(parts[0], 'extension id') !== OID.subjectKeyIdentifier) continue;
			const value = r.content(r.expect(parts[parts.length - 1], DER_TAG.OCTET_STRING, 'extension value'));
			const inner = new DerReader(value, cmsError);
			subjectKeyIdentifier = Buffer.from(
				inner.content(inner.expect(inner.root('the key identifier'), DER_TAG.OCTET_STRING, 'subjectKeyIdentifier')),
			);
		}
	}
	return {
		issuerDer: Buffer.from(r.encoding(r.expect(issuer, DER_TAG.SEQUENCE, 'issuer'))),
		serialNumber: r.integerHex(serial, 'serialNumber'),
		serialDer: Buffer.from(r.encoding(serial)),
		subjectAttributes,
		subjectKeyIdentifier,
		notBefore: r.time(notBefore, 'notBefore'),
		notAfter: r.time(notAfter, 'notAfter'),
	};
}

// ---------------------------------------------------------------------------------------------------
// Signing

export interface SignCmsOptions {
	content: Buffer;
	certificatePem: string;
	privateKeyPem: string;
	digest: 'sha256' | 'sha1';
	/** Default: now. */
	signingTime?: Date;
	/** Leave the content out (a detached signature). Default false: attached, as ARCA WSAA expects. */
	detached?: boolean;
}

/** ContentInfo(SignedData) DER: one signer identified by issuer and serial, its certificate included. */
export function signCms(options: SignCmsOptions): Buffer {
	const { content, digest } = options;
	if (!Buffer.isBuffer(content)) throw new CmsError('content must be a Buffer');
	if (digest !== 'sha256' && digest !== 'sha1') throw new CmsError(`digest must be sha256 or sha1, not ${String(digest)}`);
	const certificate = new X509Certificate(options.certificatePem);
	const privateKey = createPrivateKey(options.privateKeyPem);
	if (!certificate.checkPrivateKey(privateKey)) throw new CmsError('the private key does not belong to the certificate');
	const cert = readCertificateFields(certificate.raw);

	const digestAlgorithm = derSequence(derOid(DIGEST_OID_BY_NAME[digest]));
	let signatureAlgorithm: Buffer;
	if (privateKey.asymmetricKeyType === 'rsa') signatureAlgorithm = derSequence(derOid(OID.rsaEncryption), derNull());
	else if (privateKey.asymmetricKeyType === 'ec') signatureAlgorithm = derSequence(derOid(ECDSA_OID_BY_DIGEST[digest]));
	else throw new CmsError(`signing with a ${privateKey.asymmetricKeyType} key is not supported (RSA or EC)`);

	const attribute = (oid: string, value: Buffer) => derSequence(derOid(oid), derSet([value]));
	const signedAttributes = derSet([
		attribute(OID.contentType, derOid(OID.data)),
		attribute(OID.signingTime, derTime(options.signingTime ?? new Date())),
		attribute(OID.messageDigest, derOctetString(createHash(digest).update(content).digest())),
	]);
	// The signature covers the attributes encoded as a SET; they are stored under [0] IMPLICIT.
	const signature = sign(digest, signedAttributes, privateKey);

	const signerInfo = derSequence(
		derInteger(1),
		derSequence(cert.issuerDer, cert.serialDer),
		digestAlgorithm,
		retag(signedAttributes, contextTag(0)),
		signatureAlgorithm,
		derOctetString(signature),
	);
	const encapsulated = options.detached
		? derSequence(derOid(OID.data))
		: derSequence(derOid(OID.data), derExplicit(0, derOctetString(content)));
	const signedData = derSequence(
		derInteger(1),
		derSet([digestAlgorithm]),
		encapsulated,
		retag(derSet([certificate.raw]), contextTag(0)),
		derSet([signerInfo]),
	);
	return derSequence(derOid(OID.signedData), derExplicit(0, signedData));
}

/** The same encoding under another tag: IMPLICIT tagging of a SET keeps its length and content. */
function retag(tlv: Buffer, tag: number): Buffer {
	const copy = Buffer.from(tlv);
	copy[0] = tag;
	return copy;
}

// ---------------------------------------------------------------------------------------------------
// Parsing

export interface AlgorithmIdentifier {
	oid: string;
	/** Parameters, DER, when present. */
	parameters?: Buffer;
}

export interface PssParameters {
	hash: CmsDigest;
	mgf1Hash: CmsDigest;
	saltLength: number;
	trailerField: number;
}

export type SignerIdentifier =
	{ type: 'issuerAndSerialNumber'; issuerDer: Buffer; serialNumber: string } | { type: 'subjectKeyIdentifier'; keyIdentifier: Buffer };

export interface ParsedSignerInfo {
	version: number;
	sid: SignerIdentifier;
	digestAlgorithm: AlgorithmIdentifier & { name?: CmsDigest };
	signatureAlgorithm: AlgorithmIdentifier & { name?: string; pss?: PssParameters };
	signature: Buffer;
	/** The signed attributes re-tagged as SET (0x31): the exact bytes the signature covers. */
	signedAttributes?: Buffer;
	attributes: Array<{ oid: string; values: Buffer[] }>;
	messageDigest?: Buffer;
	signingTime?: Date;
	contentType?: string;
	/** Unsigned attributes (e.g. a signature timestamp token), raw DER under [1]. */
	unsignedAttributes?: Buffer;
	/** The same, split into attributes (each value as DER). */
	unsignedAttributeList: Array<{ oid: string; values: Buffer[] }>;
}

export interface ParsedSignedData {
	version: number;
	digestAlgorithms: Array<AlgorithmIdentifier & { name?: CmsDigest }>;
	/** eContentType, id-data for plain content. */
	contentType: string;
	/** The encapsulated content; undefined when detached. */
	content?: Buffer;
	/** Certificates included in the SignedData, DER (other certificate formats are skipped). */
	certificates: Buffer[];
	signers: ParsedSignerInfo[];
}

export interface ParseSignedDataOptions {
	/** PDF /Contents holds the CMS followed by zero padding: allow zero bytes after the CMS. */
	allowZeroPadding?: boolean;
}

function readAlgorithm(r: DerReader, node: DerNode | undefined, what: string): AlgorithmIdentifier {
	const [oid, parameters] = r.children(r.expect(node, DER_TAG.SEQUENCE, what));
	return { oid: r.oid(oid, `${what} OID`), parameters: parameters ? Buffer.from(r.encoding(parameters)) : undefined };
}

/** Digest algorithm OID → node:crypto name (undefined when not one of SHA-1/224/256/384/512). */
export function digestName(oid: string): CmsDigest | undefined {
	return DIGEST_OIDS[oid];
}

/** RSASSA-PSS-params (RFC 4055): every field has a default (SHA-1, MGF1-SHA-1, salt 20, trailer 1). */
function readPssParameters(parameters: Buffer | undefined): PssParameters {
	const out: PssParameters = { hash: 'sha1', mgf1Hash: 'sha1', saltLength: 20, trailerField: 1 };
	if (!parameters || (parameters[0] === DER_TAG.NULL && parameters.length === 2)) return out;
	const r = new DerReader(parameters, cmsError);
	for (const field of r.children(r.expect(r.root('the PSS parameters'), DER_TAG.SEQUENCE, 'RSASSA-PSS-params'))) {
		const [inner] = r.children(field);
		if (field.tag === contextTag(0)) {
			const oid = r.oid(r.children(r.expect(inner, DER_TAG.SEQUENCE, 'PSS hashAlgorithm'))[0], 'PSS hash OID');
			out.hash = digestName(oid) ?? fail(`unsupported PSS hash ${oid}`);
		} else if (field.tag === contextTag(1)) {
			const [mgfOid, mgfHash] = r.children(r.expect(inner, DER_TAG.SEQUENCE, 'PSS maskGenAlgorithm'));
			if (r.oid(mgfOid, 'PSS mask generation OID') !== OID.mgf1) throw new CmsError('PSS mask generation function is not MGF1');
			const oid = r.oid(r.children(r.expect(mgfHash, DER_TAG.SEQUENCE, 'MGF1 hash'))[0], 'MGF1 hash OID');
			out.mgf1Hash = digestName(oid) ?? fail(`unsupported MGF1 hash ${oid}`);
		} else if (field.tag === contextTag(2)) {
			out.saltLength = r.smallInteger(inner, 'PSS saltLength');
		} else if (field.tag === contextTag(3)) {
			out.trailerField = r.smallInteger(inner, 'PSS trailerField');
		}
	}
	return out;
}

function fail(message: string): never {
	throw new CmsError(message);
}

/** SET OF Attribute (under [0] or [1]): each value's DER, in order; an attribute must have a value. */
function readAttributes(r: DerReader, node: DerNode): Array<{ oid: string; values: Buffer[] }> {
	return r.children(node).map((attribute) => {
		const [type, values] = r.children(r.expect(attribute, DER_TAG.SEQUENCE, 'attribute'));
		const oid = r.oid(type, 'attribute type');
		const valueNodes = r.children(r.expect(values, DER_TAG.SET, 'attribute values'));
		if (valueNodes.length === 0) throw new CmsError(`attribute ${oid} has no value`);
		return { oid, values: valueNodes.map((value) => Buffer.from(r.encoding(value))) };
	});
}

function readSignerInfo(r: DerReader, node: DerNode): ParsedSignerInfo {
	const parts = r.children(r.expect(node, DER_TAG.SEQUENCE, 'SignerInfo'));
	let i = 0;
	const version = r.smallInteger(parts[i++], 'SignerInfo version');
	const sidNode = parts[i++];
	let sid: SignerIdentifier;
	if (sidNode?.tag === DER_TAG.SEQUENCE) {
		const [issuer, serial] = r.children(sidNode);
		sid = {
			type: 'issuerAndSerialNumber',
			issuerDer: Buffer.from(r.encoding(r.expect(issuer, DER_TAG.SEQUENCE, 'sid issuer'))),
			serialNumber: r.integerHex(serial, 'sid serialNumber'),
		};
	} else if (sidNode?.tag === contextTag(0, false)) {
		sid = { type: 'subjectKeyIdentifier', keyIdentifier: Buffer.from(r.content(sidNode)) };
	} else {
		throw new CmsError('SignerInfo sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');
	}
	const digestAlgorithm = readAlgorithm(r, parts[i++], 'SignerInfo digestAlgorithm');
	let signedAttributes: Buffer | undefined;
	const attributes: ParsedSignerInfo['attributes'] = [];
	let messageDigest: Buffer | undefined;
	let signingTime: Date | undefined;
	let contentType: string | undefined;
	if (parts[i]?.tag === contextTag(0)) {
		const attrsNode = parts[i++];
		signedAttributes = retag(r.encoding(attrsNode), DER_TAG.SET); // the signature covers them tagged as SET OF (RFC 5652 5.4)
		attributes.push(...readAttributes(r, attrsNode));
		for (const { oid, values } of attributes) {
			const value = new DerReader(values[0] ?? Buffer.alloc(0), cmsError);
			if (oid === OID.messageDigest)
				messageDigest = Buffer.from(value.content(value.expect(value.root('messageDigest'), DER_TAG.OCTET_STRING, 'messageDigest')));
			else if (oid === OID.signingTime) signingTime = value.time(value.root('signingTime'), 'signingTime');
			else if (oid === OID.contentType) contentType = value.oid(value.root('contentType attribute'), 'contentType attribute');
		}
	}
	const algorithm = readAlgorithm(r, parts[i++], 'SignerInfo signatureAlgorithm');
	const signature = Buffer.from(r.content(r.expect(parts[i++], DER_TAG.OCTET_STRING, 'SignerInfo signature')));
	const unsignedNode = parts[i]?.tag === contextTag(1) ? parts[i] : undefined;
	const unsignedAttributes = unsignedNode ? Buffer.from(r.encoding(unsignedNode)) : undefined;
	const unsignedAttributeList = unsignedNode ? readAttributes(r, unsignedNode) : [];
	const signatureAlgorithm: ParsedSignerInfo['signatureAlgorithm'] = { ...algorithm, name: SIGNATURE_OIDS[algorithm.oid]?.name };
	if (algorithm.oid === OID.rsassaPss) signatureAlgorithm.pss = readPssParameters(algorithm.parameters);
	return {
		version,
		sid,
		digestAlgorithm: { ...digestAlgorithm, name: digestName(digestAlgorithm.oid) },
		signatureAlgorithm,
		signature,
		signedAttributes,
		attributes,
		messageDigest,
		signingTime,
		contentType,
		unsignedAttributes,
		unsignedAttributeList,
	};
}

/** Reads a ContentInfo holding SignedData (DER). Throws CmsError on anything malformed. */
export function parseSignedData(der: Buffer, options: ParseSignedDataOptions = {}): ParsedSignedData {
	if (!Buffer.isBuffer(der)) throw new CmsError('the CMS must be a Buffer');
	if (der.length > MAX_CMS_BYTES) throw new CmsError(`the CMS is ${der.length} bytes; at most ${MAX_CMS_BYTES} accepted`);
	// The reader raises CmsError itself (cmsError), so every malformed input surfaces as CmsError.
	const r = new DerReader(der, cmsError);
	const root = r.expect(r.node(0), DER_TAG.SEQUENCE, 'ContentInfo');
	if (root.end !== der.length) {
		const rest = der.subarray(root.end);
		if (!options.allowZeroPadding || rest.some((byte) => byte !== 0)) throw new CmsError(`${rest.length} trailing bytes after the CMS`);
	}
	r.checkTree(root);
	const [typeNode, wrapped] = r.children(root);
	const type = r.oid(typeNode, 'ContentInfo contentType');
	if (type !== OID.signedData) throw new CmsError(`the CMS holds ${type}, not SignedData`);
	const [signedDataNode] = r.children(r.expect(wrapped, contextTag(0), 'ContentInfo content [0]'));
	const parts = r.children(r.expect(signedDataNode, DER_TAG.SEQUENCE, 'SignedData'));
	const version = r.smallInteger(parts[0], 'SignedData version');
	const digestAlgorithms = r.children(r.expect(parts[1], DER_TAG.SET, 'digestAlgorithms')).map((node) => {
		const algorithm = readAlgorithm(r, node, 'digestAlgorithm');
		return { ...algorithm, name: digestName(algorithm.oid) };
	});
	const [eContentType, eContent] = r.children(r.expect(parts[2], DER_TAG.SEQUENCE, 'encapContentInfo'));
	const contentType = r.oid(eContentType, 'eContentType');
	let content: Buffer | undefined;
	if (eContent) {
		const [octets] = r.children(r.expect(eContent, contextTag(0), 'eContent [0]'));
		content = Buffer.from(r.content(r.expect(octets, DER_TAG.OCTET_STRING, 'eContent')));
	}
	let i = 3;
	const certificates: Buffer[] = [];
	if (parts[i]?.tag === contextTag(0)) {
		for (const cert of r.children(parts[i++])) if (cert.tag === DER_TAG.SEQUENCE) certificates.push(Buffer.from(r.encoding(cert)));
	}
	if (parts[i]?.tag === contextTag(1)) i++; // crls: not needed to verify a signature
	const signers = r.children(r.expect(parts[i], DER_TAG.SET, 'signerInfos')).map((node) => readSignerInfo(r, node));
	return { version, digestAlgorithms, contentType, content, certificates, signers };
}

// ---------------------------------------------------------------------------------------------------
// Verifying

/** The certificate a SignerInfo names, from a list (usually the SignedData's own certificates). */
function findSignerCertificate(signer: ParsedSignerInfo, certificates: Buffer[]): X509Certificate | undefined {
	for (const der of certificates) {
		let fields: CertificateFields;
		try {
			fields = readCertificateFields(der);
		} catch {
			continue;
		}
		const { sid } = signer;
		const matches =
			sid.type === 'issuerAndSerialNumber'
				? fields.serialNumber === sid.serialNumber && fields.issuerDer.equals(sid.issuerDer)
				: fields.subjectKeyIdentifier !== undefined && fields.subjectKeyIdentifier.equals(sid.keyIdentifier);
		if (matches) {
			try {
				return new X509Certificate(der);
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}

export interface VerifySignerOptions {
	/** The signed bytes for a detached signature, in pieces (a PDF's two ByteRange parts). Default: the encapsulated content. */
	content?: Buffer | Buffer[];
	/** Default: the one the SignerInfo names among the SignedData's certificates. */
	certificate?: X509Certificate;
}

export interface SignerVerification {
	/** messageDigest equals the digest of the content (without signed attributes: same as signatureValid, the signature is the only check). */
	digestMatches: boolean;
	signatureValid: boolean;
	certificate?: X509Certificate;
	/** Digest algorithm used on the content. */
	digest?: CmsDigest;
	problems: string[];
}

function digestOf(digest: CmsDigest, content: Buffer[]): Buffer {
	const hash = createHash(digest);
	for (const part of content) hash.update(part);
	return hash.digest();
}

/** Verifies over pieces so a large detached content is never concatenated. */
function verifySignature(
	scheme: SignatureScheme,
	digest: CmsDigest,
	data: Buffer[],
	key: KeyObject,
	signature: Buffer,
	pss?: PssParameters,
): boolean {
	const verifier = createVerify(digest);
	for (const piece of data) verifier.update(piece);
	if (scheme === 'rsa-pkcs1') return verifier.verify({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
	if (scheme === 'rsa-pss')
		return verifier.verify({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss?.saltLength ?? 20 }, signature);
	return verifier.verify({ key, dsaEncoding: 'der' }, signature);
}

/** Checks one SignerInfo: the content digest against messageDigest, and the signature with the signer's public key. */
export function verifySignerInfo(
	signedData: ParsedSignedData,
	signer: ParsedSignerInfo,
	options: VerifySignerOptions = {},
): SignerVerification {
	const problems: string[] = [];
	const result: SignerVerification = { digestMatches: false, signatureValid: false, problems };
	const content = options.content === undefined ? signedData.content : options.content;
	if (content === undefined) {
		problems.push('the signature is detached and no content was given to check it against');
		return result;
	}
	const pieces = Array.isArray(content) ? content : [content];
	const certificate = options.certificate ?? findSignerCertificate(signer, signedData.certificates);
	result.certificate = certificate;
	const algorithm = SIGNATURE_OIDS[signer.signatureAlgorithm.oid];
	const digest = signer.digestAlgorithm.name;
	result.digest = digest;
	if (!digest) {
		problems.push(`unsupported digest algorithm ${signer.digestAlgorithm.oid}`);
		return result;
	}
	if (signer.signedAttributes) {
		// hashed only here: without signed attributes the signature itself covers the content
		result.digestMatches = signer.messageDigest !== undefined && signer.messageDigest.equals(digestOf(digest, pieces));
		if (!signer.messageDigest) problems.push('the signed attributes have no messageDigest');
		else if (!result.digestMatches) problems.push('the content does not match the signed digest (it was changed after signing)');
		if (signer.contentType !== undefined && signer.contentType !== signedData.contentType)
			problems.push('the signed contentType differs from the encapsulated content type');
	}
	if (!algorithm) {
		problems.push(`unsupported signature algorithm ${signer.signatureAlgorithm.oid}`);
		return result;
	}
	if (!certificate) {
		problems.push('the signer certificate is not in the signature');
		return result;
	}
	// The signature algorithm's own digest wins (e.g. sha256WithRSAEncryption); PSS names it in its parameters.
	const pss = signer.signatureAlgorithm.pss;
	const signatureDigest = algorithm.scheme === 'rsa-pss' ? pss!.hash : (algorithm.digest ?? digest);
	if (pss && pss.hash !== pss.mgf1Hash) {
		problems.push(`RSA-PSS with MGF1 over ${pss.mgf1Hash} and hash ${pss.hash} is not supported`);
		return result;
	}
	try {
		const data = signer.signedAttributes ? [signer.signedAttributes] : pieces;
		result.signatureValid = verifySignature(algorithm.scheme, signatureDigest, data, certificate.publicKey, signer.signature, pss);
	} catch (error) {
		problems.push(`the signature could not be checked: ${(error as Error).message}`);
		result.signatureValid = false;
	}
	if (!signer.signedAttributes) result.digestMatches = result.signatureValid;
	if (!result.signatureValid && !problems.some((p) => p.startsWith('the signature could not')))
		problems.push('the signature does not verify with the signer certificate');
	return result;
}

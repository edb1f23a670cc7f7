import { X509Certificate } from 'node:crypto';

import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError, itemLabel } from '../../../shared/n8n/items';
import { PdfSignatureError, verifyPdfSignatures, type PdfSignatureReport } from '../../../shared/pdfSignatures';
import { assertPemSize, pemBlocks } from '../../../shared/pemBlocks';
import { binaryInput } from '../common';

const show = { resource: ['document'], operation: ['verify'] };

/** Larger PDFs are refused before they are read: the whole file is hashed in memory. */
export const MAX_VERIFY_PDF_BYTES = 100 * 1024 * 1024;

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field that holds the PDF to verify (any PDF, signed by Firmador or not)',
	},
	{
		displayName: 'Trusted Roots',
		name: 'trustedRoots',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: '-----BEGIN CERTIFICATE-----',
		description:
			'Root certificates (PEM, one or more) a signer\'s certificate must chain to. Empty: the chain is not checked (chain = "not checked"), only the signatures themselves.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Fail When Not Valid',
				name: 'failWhenNotValid',
				type: 'boolean',
				default: false,
				description:
					'Whether a PDF that is not signed, or whose signatures are not all valid, fails its item (off: it comes out with valid = false and its problems)',
			},
			{
				displayName: 'Trusted Roots Binary Field',
				name: 'trustedRootsBinaryField',
				type: 'string',
				default: '',
				placeholder: 'roots',
				description:
					'Name of a binary field of the item holding more trusted roots: a PEM file (one or more certificates) or one DER certificate',
			},
		],
	},
];

export const description = updateDisplayOptions({ show }, properties);

/** A binary's size from its metadata, without reading it (undefined when n8n did not record it). */
function knownSize(binary: { bytes?: number; id?: string; data: string }): number | undefined {
	if (typeof binary.bytes === 'number' && Number.isFinite(binary.bytes)) return binary.bytes;
	if (!binary.id && typeof binary.data === 'string') return Math.floor((binary.data.length * 3) / 4);
	return undefined;
}

/** The roots of the Trusted Roots field and of the optional binary field, each checked to be a certificate. */
async function trustedRoots(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): Promise<string[]> {
	const roots: string[] = [];
	const fromText = (text: string, field: string) => {
		try {
			assertPemSize(text, field);
		} catch (error) {
			throw inputError(ctx.getNode(), itemIndex, field, `is too large: ${(error as Error).message}`);
		}
		const blocks = pemBlocks(text, ['CERTIFICATE']);
		if (blocks.length === 0)
			throw inputError(
				ctx.getNode(),
				itemIndex,
				field,
				'holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)',
			);
		blocks.forEach((block, i) => {
			try {
				new X509Certificate(block.block);
			} catch (error) {
				throw inputError(ctx.getNode(), itemIndex, field, `certificate ${i + 1} is not readable: ${(error as Error).message}`);
			}
			roots.push(block.block);
		});
	};
	const text = String(ctx.getNodeParameter('trustedRoots', itemIndex, '') ?? '');
	if (text.trim()) fromText(text, 'Trusted Roots');
	const property = String(options.trustedRootsBinaryField ?? '').trim();
	if (property) {
		const field = 'Trusted Roots Binary Field';
		const binary = ctx.getInputData()[itemIndex]?.binary?.[property];
		if (!binary) throw inputError(ctx.getNode(), itemIndex, field, `"${property}" is missing from the input item`);
		const size = knownSize(binary);
		if (size !== undefined && size > 1024 * 1024)
			throw inputError(
				ctx.getNode(),
				itemIndex,
				field,
				`"${property}" is ${Math.ceil(size / 1024)} KB; a file of root certificates is at most 1024 KB`,
			);
		const content = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
		if (content.includes('-----BEGIN')) fromText(content.toString('latin1'), field);
		else {
			try {
				roots.push(new X509Certificate(content).toString());
			} catch {
				throw inputError(ctx.getNode(), itemIndex, field, `"${property}" is neither PEM certificates nor a DER certificate`);
			}
		}
	}
	return roots;
}

/** One signature as the node outputs it: the verdict first, the signer, then the details. */
function signatureJson(report: PdfSignatureReport): IDataObject {
	const json: IDataObject = { index: report.index, kind: report.kind, valid: report.valid, problems: report.problems };
	if (report.signerName !== undefined) json.signerName = report.signerName;
	if (report.taxId) {
		json[report.taxId.kind.toLowerCase()] = report.taxId.number;
		json.taxIdCheckDigitValid = report.taxId.checkDigitValid;
	}
	const rest: Array<keyof PdfSignatureReport> = [
		'subjectSerialNumber',
		'signingTime',
		'signingTimeSource',
		'timestamp',
		'certificateNotBefore',
		'certificateNotAfter',
		'certificateValidAtSigningTime',
		'digestMatches',
		'signatureValid',
		'coversWholeDocument',
		'appended',
		'chain',
		'subject',
		'issuer',
		'subFilter',
		'digestAlgorithm',
		'signatureAlgorithm',
		'byteRange',
	];
	for (const key of rest) if (report[key] !== undefined) json[key] = report[key] as IDataObject[keyof IDataObject];
	return json;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
	if (!property) throw inputError(this.getNode(), itemIndex, 'Input Binary Field', 'is empty');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const input = binaryInput(this, itemIndex, property);
	const size = knownSize(input.binary);
	const tooLarge = (bytes: number) =>
		inputError(
			this.getNode(),
			itemIndex,
			'Input Binary Field',
			`"${property}" is ${(bytes / 1024 / 1024).toFixed(1)} MB; Verify reads PDFs of at most ${MAX_VERIFY_PDF_BYTES / 1024 / 1024} MB`,
		);
	if (size !== undefined && size > MAX_VERIFY_PDF_BYTES) throw tooLarge(size);
	const roots = await trustedRoots(this, itemIndex, options);
	const pdf = await input.buffer();
	if (pdf.length > MAX_VERIFY_PDF_BYTES) throw tooLarge(pdf.length);

	let result;
	try {
		result = verifyPdfSignatures(pdf, { trustedRootsPem: roots });
	} catch (error) {
		if (error instanceof PdfSignatureError)
			throw inputError(this.getNode(), itemIndex, 'Input Binary Field', `"${property}" cannot be verified: ${error.message}`);
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}
	const signatures = result.signatures.map(signatureJson);
	const problems = result.signed
		? result.signatures.flatMap((s) =>
				s.problems.map((problem) => `Signature ${s.index}${s.signerName ? ` (${s.signerName})` : ''}: ${problem}`),
			)
		: ['the PDF has no signature'];
	const valid = result.valid === true;
	const fileName = input.binary.fileName ?? '';
	if (options.failWhenNotValid === true && !valid) {
		throw new NodeOperationError(
			this.getNode(),
			`The PDF${fileName ? ` "${fileName}"` : ''} is not ${result.signed ? 'validly signed' : 'signed'} ${itemLabel(itemIndex)}`,
			{
				itemIndex,
				description: problems.join('\n'),
			},
		);
	}
	return {
		json: { fileName, signed: result.signed, valid, signatureCount: signatures.length, signatures, problems },
		binary: this.getInputData()[itemIndex].binary,
	};
}

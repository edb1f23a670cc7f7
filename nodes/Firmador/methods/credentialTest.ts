/** The Test buttons of the Firmador credentials. */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { apiCredentialProblem } from '../transport/api';
import { probeFirmadorCredential } from '../transport/probe';
import { FirmadorSftp, SftpError } from '../transport/sftp';
import { sftpSettingsFrom } from '../transport/sftpSession';

export async function firmadorApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const problem = apiCredentialProblem(data);
	if (problem) return { status: 'Error', message: `${problem.field} ${problem.problem}` };
	const outcome = await probeFirmadorCredential(data);
	return { status: outcome.ok ? 'OK' : 'Error', message: outcome.message };
}

export async function firmadorSftpTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const c = credential.data ?? {};
	let sftp: FirmadorSftp | undefined;
	try {
		const settings = sftpSettingsFrom(c);
		sftp = await FirmadorSftp.connect(settings, { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 });
		for (const [label, folder] of [
			['Upload Folder', settings.uploadFolder],
			['Signed Folder', settings.signedFolder],
		] as const) {
			if (folder && !(await sftp.folderExists(folder))) {
				return { status: 'Error', message: `Connected, but the ${label} ${folder} does not exist on the server` };
			}
		}
		const verified = sftp.hostKeyUnverified ? 'host key NOT verified (Accept Any Host Key is on)' : 'host key verified';
		return { status: 'OK', message: `Connection successful, ${verified}` };
	} catch (error) {
		const message = error instanceof SftpError ? error.message : `SFTP connection failed: ${(error as Error).message}`;
		return { status: 'Error', message };
	} finally {
		await sftp?.end();
	}
}

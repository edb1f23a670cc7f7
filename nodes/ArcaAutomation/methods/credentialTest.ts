/** The Test buttons of the Afip SDK API and ARCA Login credentials. */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { checkCuit } from '../../shared/cuit';
import { probeAfipSdkToken } from '../transport/credentialProbe';

export async function afipSdkApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const outcome = await probeAfipSdkToken(credential.data ?? {});
	return { status: outcome.ok ? 'OK' : 'Error', message: outcome.message };
}

/** Local checks only: logging in to test would risk the taxpayer's clave fiscal. */
export async function arcaLoginTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const cuit = checkCuit(data.cuit);
	if (!cuit.valid) return { status: 'Error', message: `Taxpayer CUIT ${cuit.reason}` };
	const username = checkCuit(data.username);
	if (!username.valid) return { status: 'Error', message: `Login Username ${username.reason}` };
	if (!data.password) return { status: 'Error', message: 'Password is empty' };
	return {
		status: 'OK',
		message: 'CUITs are well formed (ARCA itself is not contacted: a failed login counts toward locking the clave fiscal)',
	};
}

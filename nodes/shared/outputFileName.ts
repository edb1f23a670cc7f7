/**
 * The file name an output binary gets when part of it comes from a server or an expression (a
 * Content-Disposition name, an automation id, an alias). A later Write File node may write it as it is,
 * so it must be one plain name: the last path segment only, no control characters, none of the
 * characters Windows refuses, no `..`, no leading dot, at most 200 characters.
 */
export function outputFileName(suggested: string | undefined): string | undefined {
	if (!suggested) return undefined;
	const last = suggested.split(/[\\/]/).pop() ?? '';
	const clean = last
		.replace(/[\u0000-\u001f\u007f]/g, '')
		.replace(/[<>:"|?*]/g, '_')
		.replace(/\.{2,}/g, '.')
		.trim()
		.replace(/^\.+/, '')
		.replace(/[. ]+$/, '')
		.slice(0, 200);
	return clean === '' ? undefined : clean;
}

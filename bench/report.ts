/** bench/results.md from bench/results.json: the README shows this. */
import type { Spread } from './lib';

const f = (v: number, d = 0) => v.toFixed(d);
const sp = (s: Spread | undefined, d = 0) => (s ? `${f(s.median, d)} (${f(s.min, d)}–${f(s.max, d)})` : '—');

export function markdown(r: any): string {
	const out: string[] = [];
	const m = r.machine;
	out.push(
		`Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, bench on Node ${m.benchNode}, n8n ${m.n8nVersion} on Node 24, Linux ${m.kernel}; ${m.date}. Total ${r.totalSeconds} s. Load average (1/5/15 min) at start ${m.loadAverageAtStart?.join('/')}, at end ${r.loadAverageAtEnd?.join('/')} (the machine is shared).${r.smoke ? ' **Smoke run (small sizes)**.' : ''}`,
	);
	for (const m2 of r.merged ?? [])
		out.push(
			`Re-run and merged: ${m2.keys.join(', ')} at ${m2.machine.date} (${m2.totalSeconds} s; load average at start ${m2.machine.loadAverageAtStart?.join('/')}, at end ${m2.loadAverageAtEnd?.join('/')}).`,
		);
	out.push('Figures: median (min–max) over the rounds; ratios are paired per round (both variants in the same round, order rotated).');
	out.push('');
	if (r.B1) {
		out.push(
			`**B1** — sign N PDFs of 100 KB in one run (upload + SHA-1 + request + wait until signed; simulator: 3 status polls, ${1} s apart). n8n: the Firmador node's own execution time in \`n8n execute\` (peak RSS of that n8n process). Floor: \`sftp -b\` + one FirmadorMasivo POST per 50 + the same polls, from a script.`,
		);
		out.push('');
		out.push('| docs | variant | rounds | ms | ms/doc | × floor | × the package (paired) | n8n peak RSS MiB |');
		out.push('|---|---|---|---|---|---|---|---|');
		const names: Record<string, string> = {
			batch: '(this package) Firmador node, batch',
			perItem: '(a) same node, one request per item',
			builtin: '(b) n8n built-in nodes: FTP (SFTP), Crypto, Code (HMAC), HTTP Request, If/Wait loop',
			floor: '(c) floor: OpenSSH `sftp -b` + script',
		};
		const rows = [...r.B1].sort(
			(a: any, b: any) => a.docs - b.docs || Object.keys(names).indexOf(a.variant) - Object.keys(names).indexOf(b.variant),
		);
		for (const row of rows) {
			const floor = r.B1.find((x: any) => x.docs === row.docs && x.variant === 'floor');
			out.push(
				`| ${row.docs} | ${names[row.variant]} | ${row.rounds} | ${sp(row.ms)} | ${f(row.msPerDoc, 1)} | ${floor ? f(row.ms.median / floor.ms.median, 2) : '—'} | ${row.overBatch ? sp(row.overBatch, 2) : '—'} | ${row.peakRssMiB ? sp(row.peakRssMiB) : '—'} |`,
			);
		}
		out.push('(b) is timed like the package: every node after Read Files, its Wait node included.');
		out.push('');
	}
	for (const b of r.B2 ? [r.B2].flat() : []) {
		out.push(
			`**B2** — one ${b.sizeMiB} MiB PDF through the node in n8n (binary data on disk), ${b.rounds} rounds${b.ftpMs ? ", beside n8n's FTP node (protocol SFTP, upload) in the same n8n, order rotated per round" : ''}. Node upload = the node's execution time minus the simulator's own work on the POST (it re-reads and hashes the file).`,
		);
		out.push('');
		out.push('| | ms | MiB/s | throughput × OpenSSH (paired) |');
		out.push('|---|---|---|---|');
		out.push(`| node step (upload + POST) | ${sp(b.nodeStepMs)} | | |`);
		out.push(`| simulator's work on the POST | ${sp(b.simulatorPostMs)} | | |`);
		out.push(`| node upload (this package) | ${sp(b.nodeUploadMs)} | ${f(b.nodeMiBs)} | ${sp(b.throughputRatio, 2)} |`);
		if (b.ftpMs)
			out.push(
				`| n8n's FTP node, SFTP upload (its execution time) | ${sp(b.ftpMs)} | ${f(b.ftpMiBs, 1)} | ${sp(b.ftpThroughputRatio, 3)} |`,
			);
		out.push(`| OpenSSH \`sftp put\` | ${sp(b.opensshMs)} | ${f(b.opensshMiBs)} | 1 |`);
		out.push('');
		out.push(
			`${b.ftpMs ? `n8n's FTP node took ${sp(b.ftpOverNode, 1)}× as long as the package's upload (paired). ` : ''}n8n peak RSS: ${sp(b.peakRssMiB)} MiB; same workflow on a 1 MiB file: ${sp(b.idlePeakRssMiB)} MiB; growth ${f(b.rssGrowthMiB)} MiB${b.ftpPeakRssMiB ? ` (FTP node workflow: ${sp(b.ftpPeakRssMiB)} MiB)` : ''}.`,
		);
		out.push('');
	}
	if (r.B3) {
		const b = r.B3;
		out.push(
			`**B3** — SHA-1 of ${b.sizeMiB} MiB (page cache warm), ${b.rounds} rounds: node's path (${b.chunkBytes / 1024} KiB reads) ${sp(b.nodeMs)} ms = ${f(b.nodeMiBs)} MiB/s; \`sha1sum\` ${sp(b.sha1sumMs)} ms = ${f(b.sha1sumMiBs)} MiB/s; throughput ratio ${sp(b.throughputRatio, 2)} (with n8n's default 64 KiB reads: ${sp(b.node64kMs)} ms, ratio ${sp(b.throughputRatio64k, 2)}).`,
		);
		out.push('');
	}
	if (r.B4) {
		out.push(
			`**B4** — Wait for Completion over N pending sessions (${r.B4[0].idsPerRequest} ids per EstadoSolicitud request), poll interval 1 s.`,
		);
		out.push('');
		out.push(
			'| sessions | rounds | status requests | per round (expected) | longest query (chars) | requests/session | wait ms | active µs/session | of which simulator ms | rest µs/session |',
		);
		out.push('|---|---|---|---|---|---|---|---|---|---|');
		for (const row of r.B4)
			out.push(
				`| ${row.sessions} | ${row.rounds} | ${row.statusRequests} | ${row.requestsPerRound} (${row.expectedPerRound}) | ${row.longestQueryChars} | ${f(row.requestsPerSession, 3)} | ${f(row.waitMs)} | ${f(row.activeUsPerSession)} | ${row.simulatorMs === undefined ? '—' : f(row.simulatorMs)} | ${row.clientUsPerSession === undefined ? '—' : f(row.clientUsPerSession)} |`,
			);
		out.push('Active = wait minus the 1 s sleeps between rounds.');
		out.push('');
	}
	if (r.B5) {
		out.push(
			`**B5** — Certificate Trigger, Renewal Due over ${r.B5[0].orders} issued orders (1-year certificates expiring evenly over the next 365 days).`,
		);
		out.push('');
		out.push(
			'| policy | first poll (full scan): requests / events | quiet poll: requests | quiet poll ms | a day of polls every minute: requests per poll (max) / events / full scans | naive listing: requests per poll |',
		);
		out.push('|---|---|---|---|---|---|');
		for (const row of r.B5)
			out.push(
				`| ${row.policy} | ${row.requestsFirstPoll} / ${row.eventsFirstPoll} | ${row.requestsQuietPoll} | ${f(row.quietPollMs)} | ${row.day ? `${f(row.day.requestsPerPoll, 3)} (${row.day.maxRequestsInAPoll}) / ${row.day.events} / ${row.day.scans}` : '—'} | ${row.naiveRequestsPerPoll} |`,
			);
		out.push(
			'A quiet poll reads only the status-changes feed; the account is listed in full once a day (and when the settings change). Requests in a poll with events: the feed + one read per order whose window opened.',
		);
		out.push('');
	}
	if (r.B6) {
		const b = r.B6;
		out.push(
			`**B6** — Firmador request signing (${b.request}, ${b.urlChars}-char URL), ${b.rounds} rounds × ${b.iterationsPerRound}: signFirmadorRequest ${sp(b.signUs, 1)} µs, raw HMAC-SHA256 of the same string ${sp(b.rawHmacUs, 1)} µs, **overhead ${sp(b.overheadUs, 1)} µs** (the previous encoder: ${sp(b.previousEncoderOverheadUs, 1)} µs).`,
		);
		out.push('');
	}
	if (r.B7)
		out.push(
			`**B7** — DigiCert Get Many, Return All over ${r.B7.orders} orders: ${r.B7.requests} requests (expected ${r.B7.expected} = ceil(${r.B7.orders}/1000)), ${f(r.B7.ms)} ms.`,
			'',
		);
	if (r.B8) {
		out.push(
			"**B8** — Firmador Document → Verify over N signed PDFs of 100 KB in n8n (the node's own execution time; chain checked against the test root), beside shell loops of `pdfsig` (poppler) and of `openssl cms -verify` (each signature and its signed bytes extracted beforehand, not timed) over the same files, order rotated per round.",
		);
		out.push('');
		out.push(
			'| docs | rounds | node ms | ms/doc | pdfsig loop ms | × node (paired) | openssl loop ms | × node (paired) | n8n peak RSS MiB |',
		);
		out.push('|---|---|---|---|---|---|---|---|---|');
		for (const row of r.B8)
			out.push(
				`| ${row.docs} | ${row.rounds} | ${sp(row.nodeMs)} | ${f(row.msPerDoc, 2)} | ${sp(row.pdfsigMs)} | ${sp(row.pdfsigOverNode, 2)} | ${sp(row.opensslMs)} | ${sp(row.opensslOverNode, 2)} | ${sp(row.peakRssMiB)} |`,
			);
		out.push('"× node" above 1: the loop took longer than the node.');
		out.push('');
	}
	if (r.B9) {
		const b = r.B9;
		out.push(
			`**B9** — ${b.executions} production executions of an active workflow, Webhook → ARCA Automation Web Service → Call (wsfe FECompUltimoAutorizado, ticket Directly From ARCA (WSAA)), in one \`n8n start\` server, called over HTTP one at a time and ${b.concurrency} at a time (a second certificate and workflow, so both start without a ticket). The WSAA simulator answers after ${b.wsaaDelayMs} ms and counts its loginCms requests; the Afip SDK simulator counts the calls. Time = the webhook's HTTP round trip (it answers with the Call node's output).`,
		);
		out.push('');
		out.push(
			'| at a time | executions | failed | WSAA loginCms | tickets issued | WSAA faults | calls | reused: false | first ms | first wave ms | reused ms | executions/s | saved static data holds the ticket |',
		);
		out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
		for (const row of b.rows)
			out.push(
				`| ${row.concurrency} | ${row.executions} | ${row.failed} | ${row.wsaaLoginRequests} | ${row.wsaaTicketsIssued} | ${
					Object.entries(row.wsaaFaults ?? {})
						.map(([code, count]) => `${code} ${count}`)
						.join(', ') || '—'
				} | ${row.calls} | ${row.ticketsObtained} | ${f(row.firstMs)} | ${sp(row.firstWaveMs)} | ${sp(row.reusedMs)} | ${f(row.executionsPerSecond, 1)} | ${row.staticDataHoldsTicket === undefined ? '—' : row.staticDataHoldsTicket ? 'yes' : 'no'} |`,
			);
		out.push(
			`First = the execution that asked WSAA (its ${b.wsaaDelayMs} ms wait included); first wave = the executions started before it had the ticket (${b.concurrency} at a time: they wait for its answer); reused = the rest. Warm-up before both (Call FEDummy, no ticket): ${sp(b.warmupMs)} ms.`,
		);
		out.push('');
	}
	if (r.SFTP) {
		out.push('**SFTP upload, streamed vs buffered** (FirmadorSftp.upload to OpenSSH on loopback, a child process per upload).');
		out.push('');
		out.push('| MiB | rounds | streamed ms | buffered ms | speed streamed/buffered | RSS growth streamed MiB | buffered MiB |');
		out.push('|---|---|---|---|---|---|---|');
		for (const row of r.SFTP)
			out.push(
				`| ${row.sizeMiB} | ${row.rounds} | ${sp(row.streamMs)} | ${sp(row.bufferMs)} | ${sp(row.speedStreamOverBuffer, 2)} | ${sp(row.streamRssGrowthMiB)} | ${sp(row.bufferRssGrowthMiB)} |`,
			);
		out.push('');
	}
	return out.join('\n');
}

/**
 * Afip SDK's web-service API (shared/notes/arca-wsaa.md), on the Afip SDK simulator:
 * POST /afip/auth {environment, tax_id, wsid, force_create, cert?, key?} → {expiration, token, sign};
 * POST /afip/requests {environment, wsid, method, params} → the SOAP result as JSON (a wsfe subset and
 * padrón getPersona_v2); GET /afip/requests/last-xml → the XML of the last request and answer.
 * Tickets come from the shared ARCA state, so a TA the WSAA simulator issued works here too, and the
 * token/sign of every call is checked against it.
 */
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { certificateIdentity, issuedBy, KNOWN_WEB_SERVICES, type ArcaEnvironment, type ArcaState } from '../arcaState';
import { readBody, sendJson } from '../http';

const TOKEN_ERROR =
	'ValidacionDeToken: No validaron las credenciales del token. Verifique que el token y la firma sean los emitidos por WSAA y no hayan expirado.';
const ALREADY = 'El CEE ya posee un TA valido para el acceso al WSN solicitado';

interface Deps {
	arca: ArcaState;
	bearer(req: IncomingMessage): string | undefined;
	cuitValid(cuit: string): boolean;
}

export function afipWebServices({ arca, bearer, cuitValid }: Deps) {
	const stats = { authRequests: 0, ticketsIssued: 0, calls: 0, byMethod: {} as Record<string, number> };
	/** last CbteNro by `${env}:${cuit}:${ptoVta}:${cbteTipo}` */
	const numbers = new Map<string, number>();
	const salesPoints = new Map<string, number[]>();
	const lastXml = new Map<string, { request: string; response: string }>();
	const pointsOf = (env: string, cuit: string) => salesPoints.get(`${env}:${cuit}`) ?? [1, 2];

	function invalid(res: ServerResponse, errors: Record<string, string[]>) {
		return sendJson(res, 400, { message: 'The given data was invalid.', data_errors: errors });
	}

	async function jsonBody(req: IncomingMessage): Promise<Record<string, any> | undefined> {
		const raw = (await readBody(req)).toString('utf8');
		try {
			const body = JSON.parse(raw || '{}');
			return body && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
		} catch {
			return undefined;
		}
	}

	async function auth(req: IncomingMessage, res: ServerResponse) {
		stats.authRequests++;
		const body = await jsonBody(req);
		if (!body) return invalid(res, { body: ['The body must be a JSON object.'] });
		const errors: Record<string, string[]> = {};
		if (body.environment !== 'dev' && body.environment !== 'prod') errors.environment = ['The selected environment is invalid.'];
		if (typeof body.tax_id !== 'string' && typeof body.tax_id !== 'number') errors.tax_id = ['The tax id field is required.'];
		if (typeof body.wsid !== 'string' || !body.wsid) errors.wsid = ['The wsid field is required.'];
		if ((body.cert === undefined) !== (body.key === undefined)) errors.cert = ['cert and key go together.'];
		if (Object.keys(errors).length) return invalid(res, errors);
		const env = body.environment as ArcaEnvironment;
		const cuit = String(body.tax_id);
		const wsid = String(body.wsid);
		if (!cuitValid(cuit)) return sendJson(res, 400, { message: 'Número de CUIL/CUIT incorrecto' });
		if (!KNOWN_WEB_SERVICES.has(wsid))
			return sendJson(res, 400, { message: `(wsn.unavailable) El servicio ${wsid} no existe o no está disponible` });
		let holder = `afipsdk:${cuit}`;
		if (body.cert !== undefined) {
			let certificate: X509Certificate;
			try {
				certificate = new X509Certificate(String(body.cert));
				if (!certificate.checkPrivateKey(createPrivateKey(String(body.key))))
					return sendJson(res, 400, { message: 'La clave privada no corresponde al certificado' });
			} catch {
				return sendJson(res, 400, { message: 'El certificado o la clave no son válidos' });
			}
			if (!issuedBy(certificate, arca.cas[env]))
				return sendJson(res, 400, { message: '(cms.cert.untrusted) Certificado no emitido por AC de confianza' });
			const identity = certificateIdentity(certificate);
			if (identity.cuit !== cuit) return sendJson(res, 400, { message: `El certificado no pertenece a la CUIT ${cuit}` });
			if (!identity.alias || !arca.isAuthorized(env, cuit, identity.alias, wsid))
				return sendJson(res, 400, { message: '(coe.notAuthorized) Computador no autorizado a acceder al servicio' });
			holder = identity.dn;
		} else if (!arca.anyAliasAuthorized(env, cuit, wsid)) {
			return sendJson(res, 400, { message: '(coe.notAuthorized) Computador no autorizado a acceder al servicio' });
		}
		const existing = arca.validTicket(env, holder, wsid);
		if (existing && existing.issuedBy === 'afipsdk' && body.force_create !== true) {
			return sendJson(res, 200, { expiration: existing.expirationTime.toISOString(), token: existing.token, sign: existing.sign });
		}
		// force_create: Afip SDK drops the ticket it keeps and gets another; a ticket issued to this certificate elsewhere still blocks.
		if (existing && existing.issuedBy === 'afipsdk') arca.tickets.delete(existing.token);
		else if (existing) return sendJson(res, 400, { message: `(coe.alreadyAuthenticated) ${ALREADY}` });
		const now = new Date();
		const expirationTime = new Date(now.getTime() + 12 * 3600_000);
		const token = Buffer.from(
			`<sso version="2.0"><id unique_id="${randomBytes(8).toString('hex')}"/><login service="${wsid}" cuit="${cuit}"/></sso>`,
		).toString('base64');
		const sign = randomBytes(96).toString('base64');
		arca.tickets.set(token, {
			environment: env,
			cuit,
			holder,
			service: wsid,
			token,
			sign,
			generationTime: now,
			expirationTime,
			issuedBy: 'afipsdk',
		});
		stats.ticketsIssued++;
		return sendJson(res, 200, { expiration: expirationTime.toISOString(), token, sign });
	}

	/** The ticket behind the given credentials, for this environment and service, or why not. */
	function checkTicket(env: ArcaEnvironment, wsid: string, token: unknown, sign: unknown, cuit: unknown): string | undefined {
		const ticket = arca.ticketFor(token, sign);
		if (!ticket || ticket.environment !== env || ticket.service !== wsid) return TOKEN_ERROR;
		if (String(cuit) !== ticket.cuit) return `CUIT representada ${String(cuit)} no incluida en Token`;
		return undefined;
	}

	function wsfe(env: ArcaEnvironment, method: string, params: Record<string, any>): { status: number; body: unknown } {
		if (method === 'FEDummy') return { status: 200, body: { FEDummyResult: { AppServer: 'OK', DbServer: 'OK', AuthServer: 'OK' } } };
		const known = ['FECompUltimoAutorizado', 'FEParamGetPtosVenta', 'FECAESolicitar'];
		if (!known.includes(method)) return { status: 400, body: { message: `El método ${method} no existe en wsfe` } };
		const result = `${method}Result`;
		const authObj = params.Auth ?? {};
		const problem = checkTicket(env, 'wsfe', authObj.Token, authObj.Sign, authObj.Cuit);
		if (problem)
			return { status: 200, body: { [result]: { Errors: { Err: [{ Code: problem === TOKEN_ERROR ? 600 : 601, Msg: problem }] } } } };
		const cuit = String(authObj.Cuit);
		const points = pointsOf(env, cuit);
		if (method === 'FEParamGetPtosVenta') {
			return {
				status: 200,
				body: {
					[result]: {
						ResultGet: { PtoVenta: points.map((Nro) => ({ Nro, EmisionTipo: 'CAE - Ley 2.5', Bloqueado: 'N', FchBaja: 'NULL' })) },
					},
				},
			};
		}
		if (method === 'FECompUltimoAutorizado') {
			const pto = Number(params.PtoVta);
			const tipo = Number(params.CbteTipo);
			if (!Number.isInteger(pto) || !Number.isInteger(tipo))
				return {
					status: 200,
					body: { [result]: { Errors: { Err: [{ Code: 10015, Msg: 'Los campos PtoVta y CbteTipo son obligatorios y numéricos' }] } } },
				};
			if (!points.includes(pto))
				return {
					status: 200,
					body: {
						[result]: {
							PtoVta: pto,
							CbteTipo: tipo,
							CbteNro: 0,
							Errors: {
								Err: [
									{
										Code: 11002,
										Msg: `El punto de venta ${pto} no se encuentra habilitado a usar el presente WS. Ver metodo FEParamGetPtosVenta`,
									},
								],
							},
						},
					},
				};
			return {
				status: 200,
				body: { [result]: { PtoVta: pto, CbteTipo: tipo, CbteNro: numbers.get(`${env}:${cuit}:${pto}:${tipo}`) ?? 0 } },
			};
		}
		// FECAESolicitar
		const cab = params.FeCAEReq?.FeCabReq ?? {};
		const pto = Number(cab.PtoVta);
		const tipo = Number(cab.CbteTipo);
		const details = params.FeCAEReq?.FeDetReq?.FECAEDetRequest;
		const list: Record<string, any>[] = Array.isArray(details) ? details : details ? [details] : [];
		const cabResp = {
			Cuit: Number(cuit),
			PtoVta: pto,
			CbteTipo: tipo,
			FchProceso: new Date().toISOString().slice(0, 10).replace(/-/g, ''),
			CantReg: list.length,
		};
		if (!points.includes(pto) || list.length === 0 || Number(cab.CantReg) !== list.length) {
			return {
				status: 200,
				body: {
					[result]: {
						FeCabResp: { ...cabResp, Resultado: 'R' },
						Errors: { Err: [{ Code: 10000, Msg: 'FeCabReq: PtoVta habilitado, CantReg igual a la cantidad de FECAEDetRequest' }] },
					},
				},
			};
		}
		const key = `${env}:${cuit}:${pto}:${tipo}`;
		const responses = list.map((detail) => {
			const next = (numbers.get(key) ?? 0) + 1;
			const from = Number(detail.CbteDesde);
			if (from !== next || Number(detail.CbteHasta) !== from) {
				return {
					CbteDesde: from,
					CbteHasta: Number(detail.CbteHasta),
					Resultado: 'R',
					CAE: '',
					CAEFchVto: '',
					Observaciones: {
						Obs: [
							{
								Code: 10016,
								Msg: 'El numero o fecha del comprobante no se corresponde con el proximo a autorizar. Consultar metodo FECompUltimoAutorizado.',
							},
						],
					},
				};
			}
			numbers.set(key, next);
			const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
			return {
				CbteDesde: from,
				CbteHasta: from,
				Resultado: 'A',
				CAE: String(70000000000000 + Math.floor(Math.random() * 9999999999999)),
				CAEFchVto: due,
			};
		});
		const overall = responses.every((r) => r.Resultado === 'A') ? 'A' : responses.some((r) => r.Resultado === 'A') ? 'P' : 'R';
		return {
			status: 200,
			body: { [result]: { FeCabResp: { ...cabResp, Resultado: overall }, FeDetResp: { FECAEDetResponse: responses } } },
		};
	}

	function padron(env: ArcaEnvironment, wsid: string, method: string, params: Record<string, any>): { status: number; body: unknown } {
		if (method !== 'getPersona_v2' && method !== 'getPersona')
			return { status: 400, body: { message: `El método ${method} no existe en ${wsid}` } };
		const problem = checkTicket(env, wsid, params.token, params.sign, params.cuitRepresentada);
		if (problem) return { status: 500, body: { message: problem } };
		const id = String(params.idPersona ?? '');
		if (!cuitValid(id)) return { status: 500, body: { message: 'No existe persona con ese Id' } };
		const company = /^3/.test(id);
		return {
			status: 200,
			body: {
				personaReturn: {
					datosGenerales: {
						idPersona: Number(id),
						tipoPersona: company ? 'JURIDICA' : 'FISICA',
						tipoClave: 'CUIT',
						estadoClave: 'ACTIVO',
						...(company ? { razonSocial: 'EMPRESA DE PRUEBA SA' } : { nombre: 'JUAN', apellido: 'PEREZ' }),
						domicilioFiscal: {
							direccion: 'AV SIEMPRE VIVA 742',
							localidad: 'CIUDAD AUTONOMA BUENOS AIRES',
							codPostal: '1001',
							idProvincia: 0,
							descripcionProvincia: 'CIUDAD AUTONOMA BUENOS AIRES',
						},
					},
					metadata: { fechaHora: new Date().toISOString(), servidor: 'simulator' },
				},
			},
		};
	}

	const toXml = (name: string, value: unknown): string => {
		if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
		if (value && typeof value === 'object')
			return `<${name}>${Object.entries(value)
				.map(([k, v]) => toXml(k, v))
				.join('')}</${name}>`;
		return `<${name}>${String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${name}>`;
	};

	async function call(req: IncomingMessage, res: ServerResponse, account: string) {
		stats.calls++;
		const body = await jsonBody(req);
		if (!body) return invalid(res, { body: ['The body must be a JSON object.'] });
		const errors: Record<string, string[]> = {};
		if (body.environment !== 'dev' && body.environment !== 'prod') errors.environment = ['The selected environment is invalid.'];
		if (typeof body.wsid !== 'string' || !body.wsid) errors.wsid = ['The wsid field is required.'];
		if (typeof body.method !== 'string' || !body.method) errors.method = ['The method field is required.'];
		if (body.params !== undefined && (typeof body.params !== 'object' || body.params === null || Array.isArray(body.params)))
			errors.params = ['The params must be an object.'];
		if (Object.keys(errors).length) return invalid(res, errors);
		const env = body.environment as ArcaEnvironment;
		const params = (body.params ?? {}) as Record<string, any>;
		stats.byMethod[body.method] = (stats.byMethod[body.method] ?? 0) + 1;
		let answer: { status: number; body: unknown };
		if (body.wsid === 'wsfe') answer = wsfe(env, body.method, params);
		else if (body.wsid === 'ws_sr_constancia_inscripcion' || /^ws_sr_padron_a\d+$/.test(body.wsid))
			answer = padron(env, body.wsid, body.method, params);
		else answer = { status: 400, body: { message: `El web service ${body.wsid} no es conocido; indicá url y wsdl` } };
		const soap = (inner: string) =>
			`<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${inner}</soap:Body></soap:Envelope>`;
		lastXml.set(account, { request: soap(toXml(body.method, params)), response: soap(toXml(`${body.method}Response`, answer.body)) });
		return sendJson(res, answer.status, answer.body);
	}

	/** Handles /afip/* under the API base; false when the path is not one of them. */
	async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
		const known = path === '/afip/auth' || path === '/afip/requests' || path === '/afip/requests/last-xml';
		if (!known) return false;
		const account = bearer(req);
		if (!account) {
			sendJson(res, 401, { message: 'El token proporcionado es invalido.' });
			return true;
		}
		if (path === '/afip/auth' && req.method === 'POST') await auth(req, res);
		else if (path === '/afip/requests' && req.method === 'POST') await call(req, res, account);
		else if (path === '/afip/requests/last-xml' && req.method === 'GET') {
			const last = lastXml.get(account);
			if (!last) sendJson(res, 404, { message: 'No hay requests previos' });
			else sendJson(res, 200, last);
		} else sendJson(res, 405, { message: `${req.method} not allowed on ${path}` });
		return true;
	}

	return { route, stats, numbers, salesPoints };
}

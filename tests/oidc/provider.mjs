// An OpenID provider on loopback for zothuis's tests: node-oidc-provider
// (an OpenID Certified implementation; package.json), configured with the
// client "zothuis", a second client "andere-toepassing", and a few invented
// accounts with groups. Only the sign-in page is this script's own: it
// signs in the account named by `login_hint` (or chosen on a small form)
// and grants the scopes asked for.
//
// Environment: REDIRECT_URI (zothuis's /inloggen/oidc/terug), CLIENT_SECRET,
// ID_TOKEN_TTL (seconds, default 3600). Prints "issuer=<url>" once listening.
//
// POST /test/vervang-id-token {"id_token": "..."} makes the next token
// response for zothuis carry that ID token instead of its own: a token the
// provider really issued, to another client, as an attacker would substitute.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const accounts = {
  'iris': { name: 'Iris Bakker', preferred_username: 'iris.bakker', email: 'iris.bakker@huizen.example', groups: ['zothuis-wmo-huizen'], amr: ['pwd'] },
  'piet': { name: 'Piet de Vries', preferred_username: 'piet', email: 'piet@huizen.example', groups: ['marketing'], amr: ['pwd'] },
  'beheer': { name: 'Bea Heer', preferred_username: 'bea.heer', email: 'bea@gemeente.example', groups: ['zothuis-beheer'], amr: ['pwd', 'otp'] },
  'beheer-zonder-code': { name: 'Ben Heer', preferred_username: 'ben.heer', email: 'ben@gemeente.example', groups: ['zothuis-beheer'], amr: ['pwd'] },
};

const redirectUri = process.env.REDIRECT_URI;
const secret = process.env.CLIENT_SECRET || 'test-geheim';
const idTokenTtl = Number(process.env.ID_TOKEN_TTL || 3600);
let substitute = null;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-sleutel', alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    { client_id: 'zothuis', client_secret: secret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] },
    { client_id: 'andere-toepassing', client_secret: 'ander-geheim', redirect_uris: ['http://127.0.0.1:9/andere'], grant_types: ['authorization_code'], response_types: ['code'] },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['zothuis-test-cookiesleutel'] },
  scopes: ['openid', 'profile', 'email', 'groups'],
  // amr with the openid scope: every ID token says how the person signed in.
  claims: { amr: null, acr: null, auth_time: null, sid: null, iss: null, openid: ['sub', 'amr'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
  // The claims of the scopes in the ID token itself, as identity providers
  // of municipalities are usually set up (groups in the ID token).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { IdToken: idTokenTtl, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
  async findAccount(ctx, sub) {
    const a = accounts[sub];
    if (!a) return undefined;
    return { accountId: sub, async claims() { const { amr, ...claims } = a; return { sub, ...claims }; } };
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && substitute && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: substitute };
    substitute = null;
  }
});

function page(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="nl"><head><title>Test-identiteitsprovider</title></head><body><main>${html}</main></body></html>`);
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, uid } = details;
  if (prompt.name === 'login') {
    let account = params.login_hint;
    if (req.method === 'POST') account = new URLSearchParams(await body(req)).get('account');
    if (!account) {
      const options = Object.keys(accounts).map((a) => `<li><button name="account" value="${a}">${a}</button></li>`).join('');
      return page(res, 200, `<h1>Inloggen bij de test-identiteitsprovider</h1><form method="post" action="/interaction/${uid}"><ul>${options}</ul></form>`);
    }
    if (!accounts[account]) {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'onbekend account' }, { mergeWithLastSubmission: false });
    }
    return provider.interactionFinished(req, res, { login: { accountId: account, amr: accounts[account].amr, remember: false } }, { mergeWithLastSubmission: false });
  }
  // consent: grant what was asked
  const grant = new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  const missing = prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  try {
    if (req.url.startsWith('/interaction/')) return await interaction(req, res);
    if (req.method === 'POST' && req.url === '/test/vervang-id-token') {
      substitute = JSON.parse(await body(req)).id_token;
      res.writeHead(204);
      return res.end();
    }
    return callback(req, res);
  } catch (e) {
    console.error(e);
    res.writeHead(500);
    res.end(String(e));
  }
});

console.log(`issuer=${issuer}`);

// PSOP's local OpenID Connect identity provider, for development and tests only (never production).
//
// Built on the certified `oidc-provider` package. The whole configuration is one JSON document in
// the environment variable PSOP_IDP_CONFIG (psop/idp.py writes it):
//
//   {"port": 8010,                       // 0: any free port (the log line says which)
//    "issuer": "http://127.0.0.1:8010",  // optional; derived from the port
//    "clients": [{"client_id", "client_secret", "redirect_uris": [...],
//                 "post_logout_redirect_uris": [...],
//                 "token_endpoint_auth_method"?: "client_secret_post" (default) | "client_secret_basic"}],
//    "people": [{"sub", "name", "given_name", "family_name", "email", "hetu"?}],
//    "exit_with_stdin"?: true}            // end when stdin closes (psop/idp.py's process is gone)
//
// What it does: discovery, JWKS (an RS256 key made at start-up, kept in memory only), the
// authorization code flow with PKCE (S256) required for every client, ID tokens that carry the
// person's claims (conformIdTokenClaims: false) with Suomi.fi's acr value for 'substantial' and the
// henkilötunnus as urn:oid:1.2.246.21, userinfo, and RP-initiated logout. Its own login page lists
// the people as buttons (one click signs that person in) and takes any other subject; consent is
// granted without asking. It binds 127.0.0.1 only and prints "PSOP IdP listening on <issuer>".

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const LOA_SUBSTANTIAL = 'http://ftn.ficora.fi/2017/loa2'; // Suomi.fi: "korotettu"/substantial
const AMR = ['pwd'];
const HETU_CLAIM = 'urn:oid:1.2.246.21'; // Suomi.fi's attribute for the henkilötunnus
const HOST = '127.0.0.1';
const PAGE_TITLE = 'Paikallinen tunnistuspalvelu (kehityskäyttö)';

function readConfig() {
  const raw = process.env.PSOP_IDP_CONFIG;
  if (!raw) {
    throw new Error('PSOP_IDP_CONFIG is not set: give the configuration as one JSON document');
  }
  const config = JSON.parse(raw);
  const port = Number(config.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PSOP_IDP_CONFIG: port must be an integer 0–65535, not ${config.port}`);
  }
  if (!Array.isArray(config.clients) || !Array.isArray(config.people)) {
    throw new Error('PSOP_IDP_CONFIG: "clients" and "people" must be lists');
  }
  for (const person of config.people) {
    if (typeof person.sub !== 'string' || !person.sub) {
      throw new Error(`PSOP_IDP_CONFIG: a person without a "sub": ${JSON.stringify(person)}`);
    }
  }
  return { ...config, port };
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; }
  .henkilot button { display: block; width: 100%; margin: 0.4rem 0; padding: 0.6rem; font-size: 1rem; text-align: left; }
  fieldset { margin-top: 1.5rem; }
  .huom { color: #555; font-size: 0.9rem; }`;

function page(title, body, script = '') {
  return `<!DOCTYPE html>
<html lang="fi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>${script}
</head>
<body>
${body}
</body>
</html>`;
}

function loginPage(uid, people, clientId) {
  const action = `/interaction/${encodeURIComponent(uid)}/login`;
  const buttons = people.map((person) => (
    `  <button type="submit" name="sub" value="${escapeHtml(person.sub)}">${escapeHtml(person.name ?? person.sub)}</button>`
  )).join('\n');
  return page(PAGE_TITLE, `<main>
<h1>${escapeHtml(PAGE_TITLE)}</h1>
<p class="huom">Vain kehitykseen ja testeihin: kuka tahansa voi tunnistautua kenenä tahansa.
Palvelu <code>${escapeHtml(clientId)}</code> pyytää tunnistautumista.</p>
<h2>Valitse henkilö</h2>
<form method="post" action="${action}" class="henkilot" id="henkilot">
${buttons}
</form>
<form method="post" action="${action}" id="muu-tunniste">
<fieldset>
<legend>Muu tunniste</legend>
<label for="sub">Tunniste (sub)</label>
<input type="text" id="sub" name="sub" required autocomplete="off">
<button type="submit">Tunnistaudu</button>
</fieldset>
</form>
<form method="post" action="/interaction/${encodeURIComponent(uid)}/abort" id="peruuta">
<p><button type="submit">Peruuta tunnistautuminen</button></p>
</form>
</main>`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) {
      throw Object.assign(new Error('request body too large'), { status: 413 });
    }
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: crypto.randomBytes(12).toString('base64url'),
    alg: 'RS256',
    use: 'sig',
  };
}

function makeProvider(issuer, config) {
  const people = new Map(config.people.map((person) => [person.sub, person]));

  async function findAccount(ctx, sub) {
    const person = people.get(sub);
    return {
      accountId: sub,
      async claims() {
        if (!person) {
          return { sub }; // "Muu tunniste": an identity nobody configured
        }
        return {
          sub,
          name: person.name,
          given_name: person.given_name,
          family_name: person.family_name,
          email: person.email,
          email_verified: Boolean(person.email),
          ...(person.hetu ? { [HETU_CLAIM]: person.hetu } : {}),
        };
      },
    };
  }

  // No consent screen: the grant is whatever the client asked for (a first-party development IdP).
  async function loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    if (!session.accountId) {
      return undefined;
    }
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    let grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
    if (!grant || grant.accountId !== session.accountId) {
      grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    }
    grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
    if (ctx.oidc.requestParamClaims.size) {
      grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
    }
    await grant.save();
    return grant;
  }

  const clients = config.clients.map((client) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris ?? [],
    post_logout_redirect_uris: client.post_logout_redirect_uris ?? [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // django-allauth sends the secret in the body unless the IdP offers only Basic.
    token_endpoint_auth_method: client.token_endpoint_auth_method ?? 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }));

  return new Provider(issuer, {
    clients,
    jwks: { keys: [signingKey()] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    findAccount,
    loadExistingGrant,
    conformIdTokenClaims: false,
    acrValues: [LOA_SUBSTANTIAL],
    scopes: ['openid', 'profile', 'email'],
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      iss: null,
      sid: null,
      // acr and amr come from the login (the session), and reach the ID token only through a scope.
      openid: ['sub', 'acr', 'amr', 'auth_time', HETU_CLAIM],
      profile: ['name', 'given_name', 'family_name'],
      email: ['email', 'email_verified'],
    },
    responseTypes: ['code'],
    ttl: { // seconds
      AccessToken: 3600, AuthorizationCode: 60, Grant: 12 * 3600, IdToken: 3600, Interaction: 3600, Session: 12 * 3600,
    },
    pkce: { required: () => true }, // oidc-provider accepts only S256
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // oidc-provider always renders a logout form when a session exists; this one submits
        // itself ("yes, sign me out") the way oidc-provider's own form_post pages do, so a browser
        // goes on to the post_logout_redirect_uri without a click. Without JavaScript: one button.
        async logoutSource(ctx, form) {
          const script = 'document.addEventListener("DOMContentLoaded", function () { document.forms[0].submit(); });';
          addScriptHash(ctx, script);
          const withYes = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
          ctx.body = page('Uloskirjautuminen', `<main>
<h1>Uloskirjautuminen</h1>
${withYes}
<noscript><p>Kirjaudutaan ulos paikallisesta tunnistuspalvelusta.</p></noscript>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Kirjaudu ulos</button>
</main>`, `\n<script>${script}</script>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Uloskirjautuminen', '<main><h1>Olet kirjautunut ulos</h1>'
            + '<p>Olet kirjautunut ulos paikallisesta tunnistuspalvelusta.</p></main>');
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      const rows = Object.entries(out)
        .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n');
      ctx.body = page('Virhe', `<main><h1>Virhe tunnistuksessa</h1><dl>${rows}</dl></main>`);
    },
  });
}

function addScriptHash(ctx, script) {
  const csp = ctx.response.get('content-security-policy');
  if (csp && csp.includes('script-src')) {
    const digest = crypto.hash('sha256', script, 'base64');
    ctx.set('content-security-policy', csp.replace('script-src', `script-src 'sha256-${digest}'`));
  }
}

async function handleInteraction(provider, people, req, res) {
  const url = new URL(req.url, 'http://localhost');
  const [, , uid, action] = url.pathname.split('/'); // /interaction/<uid>[/<action>]
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    throw Object.assign(new Error('interaction not found'), { status: 400 });
  }
  const { prompt, params, session } = details;

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'consent') {
      // Not reached while loadExistingGrant grants everything; kept so that consent never stops a flow.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      grant.addOIDCScope(String(params.scope ?? 'openid'));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      // No script at all. (No form-action: Chromium applies it to the redirects after the POST too.)
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    });
    res.end(loginPage(uid, [...people.values()], params.client_id));
    return;
  }
  if (req.method === 'POST' && action === 'login') {
    const sub = (await readForm(req)).get('sub')?.trim();
    if (!sub) {
      throw Object.assign(new Error('anna tunniste (sub)'), { status: 400 });
    }
    await provider.interactionFinished(req, res, {
      login: { accountId: sub, acr: LOA_SUBSTANTIAL, amr: AMR, remember: false },
    }, { mergeWithLastSubmission: false });
    return;
  }
  if (req.method === 'POST' && action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'Käyttäjä peruutti tunnistautumisen',
    }, { mergeWithLastSubmission: false });
    return;
  }
  throw Object.assign(new Error('not found'), { status: 404 });
}

async function main() {
  const config = readConfig();
  const people = new Map(config.people.map((person) => [person.sub, person]));
  let provider;
  let providerCallback;

  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/interaction/')) {
      handleInteraction(provider, people, req, res).catch((error) => {
        const status = error.status ?? error.statusCode ?? 400;
        res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(page('Virhe', `<main><h1>Virhe</h1><p>${escapeHtml(error.message)}</p></main>`));
      });
      return;
    }
    providerCallback(req, res);
  });

  // Listen first (port 0 finds a free port without a race), then make the provider for that issuer.
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, HOST, resolve);
  });
  const issuer = config.issuer ?? `http://${HOST}:${server.address().port}`;
  provider = makeProvider(issuer, config);
  providerCallback = provider.callback();
  provider.on('server_error', (ctx, error) => console.error('PSOP IdP error:', error));

  const stop = (signal) => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
    console.log(`PSOP IdP stopped (${signal})`);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (config.exit_with_stdin) {
    // psop/idp.py holds our stdin: should its process die without stopping us, we end too.
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.resume();
  }

  console.log(`PSOP IdP listening on ${issuer}`);
}

main().catch((error) => {
  console.error(`PSOP IdP could not start: ${error.message}`);
  process.exit(1);
});

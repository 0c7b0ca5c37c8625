// A node-oidc-provider (npm oidc-provider 9.x) server for the authbox benchmark, equivalent in shape to
// the clients bench/run.sh creates in authbox. Started by bench/peers/node-oidc-provider.sh; not for
// any other use (in-memory adapter, secrets from the environment, loopback only).
//
//   OIDC_PROVIDER_DIR=<dir with node_modules/oidc-provider> PORT=... CLIENT_SECRET=... node node-oidc-provider.mjs
//
// Clients (client_secret_basic, secret CLIENT_SECRET):
//   cc-opaque   client_credentials, opaque access tokens (resource urn:bench:opaque)
//   cc-jwt      client_credentials, JWT access tokens (resource urn:bench:jwt), signed with SIGNING_ALG
//               (RS256 by default, or ES256)
//   rs          the resource server: introspects tokens
//   rt          refresh_token (rotating), with JWT access tokens. oidc-provider has no password grant,
//               and its code flow needs a browser interaction, so each refresh chain is started by a
//               custom grant (urn:authbox:bench:seed) that makes a grant for the account "bench" and
//               returns a refresh token for it; the refresh grant itself is the provider's own.
import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.env.OIDC_PROVIDER_DIR;
const port = Number(process.env.PORT || 18082);
const secret = process.env.CLIENT_SECRET;
if (!dir || !secret) {
  console.error('OIDC_PROVIDER_DIR and CLIENT_SECRET are required');
  process.exit(64);
}
const { default: Provider } = await import(
  pathToFileURL(path.join(dir, 'node_modules', 'oidc-provider', 'lib', 'index.js')).href);

const SEED = 'urn:authbox:bench:seed';
const JWT_RESOURCE = 'urn:bench:jwt';
const OPAQUE_RESOURCE = 'urn:bench:opaque';
const issuer = `http://127.0.0.1:${port}`;

const alg = process.env.SIGNING_ALG || 'RS256';
if (alg !== 'RS256' && alg !== 'ES256') {
  console.error('SIGNING_ALG must be RS256 or ES256');
  process.exit(64);
}
const { privateKey } = alg === 'ES256'
  ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `bench-${alg.toLowerCase()}`, use: 'sig', alg };

const client = (id, grantTypes) => ({
  client_id: id,
  client_secret: secret,
  grant_types: grantTypes,
  redirect_uris: [],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
  // The provider refuses a client whose ID-token algorithm (RS256 unless given) has no key.
  id_token_signed_response_alg: alg,
});

const provider = new Provider(issuer, {
  clients: [
    client('cc-opaque', ['client_credentials']),
    client('cc-jwt', ['client_credentials']),
    client('rs', ['client_credentials']),
    client('rt', ['refresh_token', SEED]),
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  scopes: ['openid', 'offline_access', 'api'],
  rotateRefreshToken: true,
  issueRefreshToken: async (ctx, c) => c.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: 3600,
    ClientCredentials: 3600,
    RefreshToken: 86400,
    Grant: 86400,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, c, oneOf) => {
        if (oneOf) return oneOf;
        return c.clientId === 'cc-opaque' ? OPAQUE_RESOURCE : JWT_RESOURCE;
      },
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, resource) => {
        if (resource !== JWT_RESOURCE && resource !== OPAQUE_RESOURCE) throw new Provider.errors.InvalidTarget();
        return {
          scope: 'api',
          audience: resource,
          accessTokenTTL: 3600,
          accessTokenFormat: resource === JWT_RESOURCE ? 'jwt' : 'opaque',
          jwt: { sign: { alg } },
        };
      },
    },
  },
});
provider.proxy = false;

// Starts a refresh chain: a grant for the account "bench" (scope api, resource urn:bench:jwt) and a
// refresh token for it. Client authentication is the provider's own (the token endpoint's).
provider.registerGrantType(SEED, async (ctx) => {
  const { client: c } = ctx.oidc;
  const grant = new provider.Grant({ accountId: 'bench', clientId: c.clientId });
  grant.addOIDCScope('offline_access');
  grant.addResourceScope(JWT_RESOURCE, 'api');
  const grantId = await grant.save();
  const rt = new provider.RefreshToken({
    accountId: 'bench',
    client: c,
    grantId,
    gty: SEED,
    resource: JWT_RESOURCE,
    rotations: 0,
    scope: 'offline_access api',
  });
  ctx.body = { refresh_token: await rt.save(), token_type: 'Bearer' };
});

provider.on('server_error', (ctx, err) => console.error('server_error', err));

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

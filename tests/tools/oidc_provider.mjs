// A real OpenID Connect provider (node's oidc-provider) for the web tests.
// Environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI and
// OIDC_ACCOUNTS (JSON: {"login": {claims...}}). Its development sign-in page takes any
// login name (no password); the claims come from OIDC_ACCOUNTS.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  scopes: ['openid', 'profile', 'contractvault'],
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name'],
    contractvault: ['contractvault_role'],
  },
  cookies: { keys: ['contractvault-test-only'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() { return { sub: id, preferred_username: id, ...(accounts[id] || {}) }; },
    };
  },
});
provider.proxy = false;
const server = provider.listen(port, '127.0.0.1', () => { console.log(`ready ${issuer}`); });
process.on('SIGTERM', () => server.close(() => process.exit(0)));

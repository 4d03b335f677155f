import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { DevAuthUser } from './config.js';

/** Path prefix of the interaction URLs the provider redirects to (`interactions.url`). */
export const INTERACTION_PATH = '/interaction/';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The dev login: the user named by `login_hint`, else the first configured user. */
function login(interaction: Interaction, users: readonly DevAuthUser[]): InteractionResults {
  const hint = interaction.params.login_hint;
  const user = typeof hint === 'string' && hint !== '' ? users.find((u) => u.sub === hint) : users[0];
  if (user === undefined) {
    const reason =
      typeof hint === 'string' && hint !== ''
        ? `brAInwav: login_hint ${JSON.stringify(hint)} is not a configured dev user`
        : 'brAInwav: no dev users are configured';
    return { error: 'access_denied', error_description: reason };
  }
  return { login: { accountId: user.sub, amr: ['dev'] } };
}

/** The dev consent: grants every requested scope, claim and resource scope the provider found missing. */
async function consent(provider: Provider, interaction: Interaction): Promise<InteractionResults> {
  const { details } = interaction.prompt;
  const accountId = interaction.session?.accountId;
  const clientId = interaction.params.client_id;
  const grant = interaction.grantId
    ? await provider.Grant.find(interaction.grantId)
    : new provider.Grant({ accountId, clientId: typeof clientId === 'string' ? clientId : undefined });
  if (grant === undefined)
    return { error: 'access_denied', error_description: 'brAInwav: the grant expired' };
  const scopes = stringList(details.missingOIDCScope);
  if (scopes.length > 0) grant.addOIDCScope(scopes.join(' '));
  const claims = stringList(details.missingOIDCClaims);
  if (claims.length > 0) grant.addOIDCClaims(claims);
  const resourceScopes = (details.missingResourceScopes ?? {}) as Record<string, unknown>;
  for (const [indicator, requested] of Object.entries(resourceScopes)) {
    grant.addResourceScope(indicator, stringList(requested).join(' '));
  }
  const grantId = await grant.save();
  return { consent: interaction.grantId ? {} : { grantId } };
}

/**
 * Completes an interaction without a UI (development only): a login prompt logs in a configured dev user,
 * a consent prompt grants what was requested; then redirects back to the authorization endpoint.
 */
export async function autoInteraction(
  provider: Provider,
  users: readonly DevAuthUser[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const interaction = await provider.interactionDetails(req, res);
  const { name } = interaction.prompt;
  const result: InteractionResults =
    name === 'login'
      ? login(interaction, users)
      : name === 'consent'
        ? await consent(provider, interaction)
        : { error: 'access_denied', error_description: `brAInwav: unsupported prompt ${name}` };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: name !== 'login' });
}

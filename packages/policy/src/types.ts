/** The phase a decision is made for: showing a tool in a list, or calling it. */
export type Phase = 'list' | 'call';

/** Who is asking: the authenticated caller of a request (from an API key binding or an access token). */
export interface Principal {
  /** Stable subject, e.g. the JWT `sub` or the API key's bound subject. */
  readonly subject: string;
  /** Roles granted to the subject (matched exactly). */
  readonly roles: readonly string[];
  /** Scopes the credential carries (OAuth `scope`). */
  readonly scopes: readonly string[];
  /** Verified token claims, visible to CEL conditions as `principal.claims`. Never echoed in a decision. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** One question to the policy: may `principal` list (or call) `tool` of `connectorId`? */
export interface PolicyRequest {
  readonly principal: Principal;
  /** Manifest connector id. */
  readonly connectorId: string;
  /** The upstream tool name (not the namespaced `<connector>__<tool>`). */
  readonly tool: string;
  readonly phase: Phase;
  /** The call's arguments (`args` in CEL); only read in the `call` phase. */
  readonly arguments?: Readonly<Record<string, unknown>>;
  /** The manifest connector's `scopes`, required on the principal's credential (missing → deny). */
  readonly requiredScopes?: readonly string[];
}

/** The answer. `reason` names rule ids and scopes only, never a condition's text or a claim's value. */
export interface Decision {
  readonly allow: boolean;
  /** The rule that decided (absent for the default deny, a scope failure or an unrestricted policy). */
  readonly ruleId?: string;
  readonly reason: string;
  /** Required scopes the principal's credential lacks (`insufficient_scope`). */
  readonly missingScopes?: string[];
}

/** What a server needs from a policy: implemented by {@link CompiledPolicy} and the policy store. */
export interface PolicyDecider {
  /** Decides one request; never throws. */
  decide(request: PolicyRequest): Decision;
  /** Whether `tool` of `connectorId` may appear in the principal's `tools/list` (phase `list`). */
  mayList(
    principal: Principal,
    connectorId: string,
    tool: string,
    requiredScopes?: readonly string[],
  ): boolean;
}

import type { ServerResponse } from 'node:http';
import { GATEWAY_ERROR_STATUS } from './errors.js';
import { sendJsonError } from './guard.js';
import type { GatewayLogger } from './logger.js';
import type { Principal } from './principals.js';

/** Caps on open sessions (both endpoints together). */
export interface SessionLimits {
  /** More open sessions than this → 503 `SESSION_LIMIT`. */
  maxSessions: number;
  /** More open sessions of one principal (subject + `via`) than this → 429 `SESSION_LIMIT_PRINCIPAL`. */
  maxSessionsPerPrincipal: number;
}

/** `Retry-After` (seconds) of the session-limit answers: a slot frees when a session ends or idles out. */
export const SESSION_LIMIT_RETRY_AFTER_SECONDS = 5;

/** Why a slot was refused: the branded error to answer with. */
export interface SlotRefusal {
  readonly status: number;
  readonly code: 'SESSION_LIMIT' | 'SESSION_LIMIT_PRINCIPAL';
  readonly message: string;
}

/**
 * Session slots of one replica under the {@link SessionLimits}: a slot is taken before a session is set up
 * (opened or rebuilt from its handle) and released when it ends or its setup fails.
 */
export class SessionSlots {
  private readonly perPrincipal = new Map<string, number>();
  private slots = 0;

  constructor(
    private readonly limits: SessionLimits,
    private readonly logger: GatewayLogger,
  ) {}

  /** Takes a slot for owner `key`, or says why not (and logs it). */
  reserve(key: string, principal: Principal): SlotRefusal | undefined {
    const { maxSessions, maxSessionsPerPrincipal } = this.limits;
    if (this.slots >= maxSessions) {
      this.logger.warn({ maxSessions }, 'MCP session limit reached');
      return {
        status: GATEWAY_ERROR_STATUS.SESSION_LIMIT,
        code: 'SESSION_LIMIT',
        message: `the gateway holds its maximum of ${maxSessions} MCP sessions; retry later`,
      };
    }
    const held = this.perPrincipal.get(key) ?? 0;
    if (held >= maxSessionsPerPrincipal) {
      this.logger.warn(
        { subject: principal.subject, via: principal.via, maxSessionsPerPrincipal },
        'MCP session limit of a principal reached',
      );
      return {
        status: GATEWAY_ERROR_STATUS.SESSION_LIMIT_PRINCIPAL,
        code: 'SESSION_LIMIT_PRINCIPAL',
        message: `this principal holds its maximum of ${maxSessionsPerPrincipal} MCP sessions; close one (DELETE) or retry later`,
      };
    }
    this.slots += 1;
    this.perPrincipal.set(key, held + 1);
    return undefined;
  }

  release(key: string): void {
    this.slots -= 1;
    const held = (this.perPrincipal.get(key) ?? 1) - 1;
    if (held > 0) this.perPrincipal.set(key, held);
    else this.perPrincipal.delete(key);
  }
}

/** Answers a {@link SlotRefusal} with its status, branded body and `Retry-After`. */
export function sendRefusal(res: ServerResponse, refusal: SlotRefusal): void {
  sendJsonError(res, refusal.status, refusal.code, refusal.message, {
    'retry-after': String(SESSION_LIMIT_RETRY_AFTER_SECONDS),
  });
}

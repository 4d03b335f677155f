import { BRAND, branded, errorBody } from '@cortex-os/connectors-manifest';

export { BRAND, branded };

/**
 * The DESIGN.md HTTP error body: `{ brand, error: { code, message }, traceId }` (`traceId` null when
 * unknown).
 */
export function gatewayErrorBody(
  code: string,
  message: string,
  traceId?: string,
): ReturnType<typeof errorBody> {
  return errorBody(code, message, traceId);
}

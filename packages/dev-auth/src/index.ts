export const DEV_AUTH_PLACEHOLDER = true;

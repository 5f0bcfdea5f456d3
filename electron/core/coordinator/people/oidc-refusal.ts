/** A refused sign-in with a school account: a code for the dashboard's `/#/login?error=CODE`, and a sentence for the log and the audit row. */

/** Every code, with what it means (the login page explains each to the person). */
export const OIDC_REFUSAL_CODES = {
  state: 'the sign-in is unknown, older than 10 minutes, or was started in another browser',
  denied: 'the person, or the provider, cancelled at the provider',
  provider: 'the provider refused the code, or its answer did not validate',
  unavailable: 'the provider could not be reached',
  no_role: 'no --oidc-role-map rule matches the role claim',
  name_taken: 'the sign-in name belongs to another person here',
  disabled: 'an admin disabled this person',
} as const;

export type OidcRefusalCode = keyof typeof OIDC_REFUSAL_CODES;

export class OidcRefusal extends Error {
  readonly code: OidcRefusalCode;

  constructor(code: OidcRefusalCode, message: string) {
    super(message);
    this.name = 'OidcRefusal';
    this.code = code;
  }
}

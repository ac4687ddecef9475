export const MANAGEMENT_SCOPES = [
  'read:signing_keys',
  'create:signing_keys',
  'update:signing_keys',
  'read:clients',
  'create:clients',
  'update:clients',
  'delete:clients',
  'read:users',
  'create:users',
  'update:users',
  'delete:users',
  'read:logs',
  'read:log_streams',
  'create:log_streams',
  'update:log_streams',
  'delete:log_streams',
  'read:api_clients',
  'update:api_clients',
  'delete:api_clients',
] as const;


export function parseScopes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function unknownScopes(scopes: string[]): string[] {
  return scopes.filter((scope) => !(MANAGEMENT_SCOPES as readonly string[]).includes(scope));
}

import type { Request } from 'express';

const PRINCIPAL = Symbol('workflows.principal');

type WithPrincipal = Request & { [PRINCIPAL]?: string; user?: unknown };

/** Who is acting, as an authorization hook or the server's token check established it. */
export function setPrincipal(request: Request, principal: string): void {
  (request as WithPrincipal)[PRINCIPAL] = principal;
}

/**
 * Who made the request, for the audit trail: the principal a hook returned (`{ principal }`) or
 * the standalone server's AUTH_TOKEN check set ("token"), else the `user` the host's own guard
 * put on the request (a string, or its `id`, `sub`, `username` or `name`), else "anonymous".
 */
export function principalOf(request: Request): string {
  const request_ = request as WithPrincipal;
  return request_[PRINCIPAL] ?? userName(request_.user) ?? 'anonymous';
}

function userName(user: unknown): string | undefined {
  if (typeof user === 'string' && user) return user;
  if (typeof user !== 'object' || user === null) return undefined;
  const { id, sub, username, name } = user as Record<string, unknown>;
  const found = [id, sub, username, name].find((value) => (typeof value === 'string' && value) || typeof value === 'number');
  return found === undefined ? undefined : String(found);
}

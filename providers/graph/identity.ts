/**
 * Who a Graph access token speaks for, read from its claims: an app (app-only, permissions in
 * `roles`) or a person (delegated, scopes in `scp`, directory roles in `wids`), and in which tenant.
 * What the run needs is then named in the right kind, with the way to get it: an app's permission is
 * granted with admin consent, a person's scope comes with the sign-in that asks for it.
 *
 * Plain functions only: dynamic providers capture this module by value.
 */
import { accessTokenClaimsSchema, intuneDirectoryRoles } from "../../contract/graph/signIn";

export interface SignedInIdentity {
    kind: "app" | "user";
    tenantId?: string;
    /** Application permissions (app) or delegated scopes (user). */
    permissions: string[];
    /** Directory role template IDs (user). */
    directoryRoles: string[];
    /** The user principal name (user) or the client ID (app). */
    name?: string;
}

/** The identity a JWT access token speaks for; undefined for an opaque token, which tells nothing. */
export function identityOf(accessToken: string): SignedInIdentity | undefined {
    let payload: unknown;
    try {
        payload = JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString("utf8"));
    } catch {
        return undefined;
    }
    const parsed = accessTokenClaimsSchema().safeParse(payload);
    if (!parsed.success) return undefined;
    const c = parsed.data;
    const user = c.idtyp === "user" || (c.idtyp !== "app" && c.scp !== undefined);
    if (!user && !Array.isArray(c.roles))
        return { kind: "app", tenantId: c.tid, permissions: [], directoryRoles: [], name: c.appid };
    return {
        kind: user ? "user" : "app",
        tenantId: c.tid,
        permissions: user ? (c.scp ?? "").split(" ").filter(Boolean) : (c.roles ?? []),
        directoryRoles: c.wids ?? [],
        name: user ? (c.upn ?? c.preferred_username) : c.appid,
    };
}

/**
 * Of `required` (one permission, or the alternatives a route's page lists, least privileged first),
 * those the identity holds none of, each named by its least-privileged member. A `.ReadWrite.All`
 * also grants its `.Read.All`.
 */
export function missingPermissions(identity: SignedInIdentity, required: Array<string | readonly string[]>): string[] {
    const held = (p: string) =>
        identity.permissions.includes(p) ||
        (p.endsWith(".Read.All") && identity.permissions.includes(p.replace(".Read.All", ".ReadWrite.All")));
    return required
        .map((r): readonly string[] => (typeof r === "string" ? [r] : r))
        .filter((r) => r.length > 0 && !r.some(held))
        .map((r) => r[0]);
}

/** The Intune-capable directory roles a person holds, by name (Global Administrator, Intune Administrator). */
export function intuneRolesOf(identity: SignedInIdentity): string[] {
    return identity.directoryRoles.flatMap((id) => (intuneDirectoryRoles[id] ? [intuneDirectoryRoles[id]] : []));
}

/** A person's Intune role, as the admin center grants it (Learn, "Enable the Mobile Threat Defense connector"). */
export const intuneRoleAdvice =
    "an Intune role: Global Administrator or Intune Administrator in Entra, or Endpoint Security Manager (or a custom role with Mobile Threat Defense read/modify) in Intune > Tenant administration > Roles";

/** What to do about permissions an identity lacks, in the words that fit its kind. */
export function permissionAdvice(identity: SignedInIdentity | undefined, missing: string[]): string {
    const list = missing.join(" and ");
    if (identity?.kind === "user") {
        return `the delegated Graph permission ${list}, which the token of ${identity.name ?? "the signed-in user"} lacks; sign in with \`npm run sign-in\` and graph:signIn user (it asks for every scope a run needs; a Global Administrator consents to them once for the client). The Azure CLI's token never holds Intune's scopes`;
    }
    const who = identity?.name ? `the signed-in app (client ID ${identity.name})` : "the signed-in identity";
    return `the Graph application permission ${list}, which ${who} lacks; grant it with admin consent (Entra admin center > App registrations > API permissions) and run again`;
}

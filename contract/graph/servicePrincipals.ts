/**
 * Service principals and what consent granted them, as the consent check reads them: tolerant
 * readers (every other property kept). Kept apart from `schemas.ts` so the Intune providers do not
 * carry them.
 */
import { z } from "zod";

/** Microsoft Graph's application ID, the same in every tenant (its service principal's object ID differs per tenant). */
export const microsoftGraphAppId = "00000003-0000-0000-c000-000000000000";

/** The Graph application permissions Lookout's app reads with, and its delegated sign-in scope (Lookout's setup guide). */
export const lookoutApplicationPermissions = [
    "Device.Read.All",
    "GroupMember.Read.All",
    "User.Read.All",
    "Application.Read.All",
    "DeviceManagementApps.Read.All",
] as const;
export const lookoutDelegatedScopes = ["User.Read"] as const;

/** A service principal with the permissions it publishes (Graph's `appRoles` and `oauth2PermissionScopes` name what consent grants). */
export function servicePrincipalSchema() {
    const permission = () => z.looseObject({ id: z.string(), value: z.string().nullish() });
    return z.looseObject({
        id: z.string(),
        appId: z.string().nullish(),
        displayName: z.string().nullish(),
        accountEnabled: z.boolean().nullish(),
        appRoles: z.array(permission()).nullish(),
        oauth2PermissionScopes: z.array(permission()).nullish(),
    });
}
export type ServicePrincipalRead = z.infer<ReturnType<typeof servicePrincipalSchema>>;

/** An application permission granted to a service principal (`appRoleAssignment`). */
export function appRoleAssignmentSchema() {
    return z.looseObject({
        id: z.string(),
        appRoleId: z.string(),
        resourceId: z.string(),
        principalId: z.string().nullish(),
    });
}

/** Delegated permissions granted to a client (`oAuth2PermissionGrant`): `AllPrincipals` is the tenant-wide admin consent. */
export function permissionGrantSchema() {
    return z.looseObject({
        id: z.string(),
        clientId: z.string(),
        consentType: z.string().nullish(),
        principalId: z.string().nullish(),
        resourceId: z.string(),
        scope: z.string().nullish(),
    });
}

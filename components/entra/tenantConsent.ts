/**
 * Admin consent for Lookout's multi-tenant Entra app, as code: what a Global Administrator does
 * today by accepting Lookout's consent page. The app's service principal is adopted or created and
 * never deleted by `pulumi destroy` (other tenants' onboarding and sign-ins depend on it); the
 * Graph application permissions become app role assignments and the sign-in scope a delegated grant.
 */
import * as pulumi from "@pulumi/pulumi";
import { microsoftGraphAppId } from "../../contract/graph/servicePrincipals";
import { azuread } from "./azuread";

export interface TenantConsentArgs {
    /** Client (application) ID of Lookout's multi-tenant app, from Lookout support. */
    readonly lookoutClientId: pulumi.Input<string>;
    /** Graph application permissions granted to the app, e.g. `User.Read.All`. */
    readonly applicationPermissions: string[];
    /** Delegated Graph scopes consented for all users, e.g. `User.Read` for sign-in. */
    readonly delegatedScopes: string[];
}

export class TenantConsent extends pulumi.ComponentResource {
    /** Object ID of Lookout's service principal in this tenant. */
    declare readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** Resolves once every grant exists: the point after which consent can be verified. */
    declare readonly granted: pulumi.Output<boolean>;

    constructor(name: string, args: TenantConsentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:TenantConsent", name, {}, opts);
        const ad = azuread();
        const lookout = new ad.ServicePrincipal(
            `${name}-lookout`,
            { clientId: args.lookoutClientId, useExisting: true },
            { parent: this, retainOnDelete: true },
        );
        const graph = ad.getServicePrincipalOutput({ clientId: microsoftGraphAppId }, { parent: this });

        const grants: pulumi.Output<string>[] = [];
        for (const permission of args.applicationPermissions) {
            const appRoleId = graph.appRoleIds.apply((ids) => {
                const id = ids[permission];
                if (!id) {
                    throw new Error(
                        `lookout-mtp:consent.applicationPermissions: Microsoft Graph has no application permission '${permission}'. Check the spelling (e.g. User.Read.All).`,
                    );
                }
                return id;
            });
            grants.push(
                new ad.AppRoleAssignment(
                    `${name}-${permission}`,
                    { appRoleId, principalObjectId: lookout.objectId, resourceObjectId: graph.objectId },
                    { parent: this },
                ).id,
            );
        }

        const claimValues = graph.oauth2PermissionScopeIds.apply((ids) => {
            const unknown = args.delegatedScopes.filter((scope) => !ids[scope]);
            if (unknown.length > 0) {
                throw new Error(
                    `lookout-mtp:consent.delegatedScopes: Microsoft Graph has no delegated scope ${unknown.map((s) => `'${s}'`).join(", ")}.`,
                );
            }
            return args.delegatedScopes;
        });
        const delegated = new ad.ServicePrincipalDelegatedPermissionGrant(
            `${name}-delegated`,
            {
                servicePrincipalObjectId: lookout.objectId,
                resourceServicePrincipalObjectId: graph.objectId,
                claimValues,
            },
            { parent: this },
        );

        this.servicePrincipalObjectId = lookout.objectId;
        this.granted = pulumi.all([...grants, delegated.id]).apply(() => true);
        this.registerOutputs({ servicePrincipalObjectId: this.servicePrincipalObjectId });
    }
}

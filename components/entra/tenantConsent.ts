/**
 * Admin consent for Lookout's multi-tenant Entra app, as code: what a Global Administrator does
 * today by accepting Lookout's consent page, declared only where the tenant lacks it. Lookout's own
 * onboarding has a Global Administrator accept that page at the first console sign-in, so most
 * tenants hold the consent already; Entra refuses a second grant for the same client, resource and
 * consent type (409 `Request_MultipleObjectsWithSameKeyValue`). So what exists (read through Graph
 * before the run, `existing`) is used as it is and never declared, unless this stack declared it
 * itself before (`declaredBefore`, its own record), which keeps it in the stack's state.
 *
 * Nothing of it is ever deleted by `pulumi destroy`, whoever made it: without it every sign-in to
 * Lookout's console fails ("Bad Login"), for every admin, and other tenants' onboarding depends on
 * the service principal. Revoking Lookout's consent is a deliberate act in Entra (docs/configuration.md).
 */
import * as pulumi from "@pulumi/pulumi";
import { microsoftGraphAppId } from "../../contract/graph/servicePrincipals";
import { azuread } from "./azuread";
import type { ExistingConsent } from "./consentCheck";

/** What of Lookout's consent a stack declares (and so holds in its state); recorded as a stack output. */
export interface DeclaredConsent {
    servicePrincipal: boolean;
    applicationPermissions: string[];
    delegatedGrant: boolean;
}

/**
 * What to declare: what the tenant lacks, and what this stack declared before. Without a reading of
 * the tenant (`existing` undefined), everything.
 */
export function consentToDeclare(
    required: Pick<TenantConsentArgs, "applicationPermissions" | "delegatedScopes">,
    existing: ExistingConsent | undefined,
    declaredBefore: DeclaredConsent | undefined,
): DeclaredConsent {
    const ours = (p: string) => declaredBefore?.applicationPermissions.includes(p) ?? false;
    return {
        servicePrincipal: !existing?.servicePrincipal || (declaredBefore?.servicePrincipal ?? false),
        applicationPermissions: required.applicationPermissions.filter(
            (p) => !existing?.applicationPermissions.includes(p) || ours(p),
        ),
        delegatedGrant:
            required.delegatedScopes.length > 0 &&
            (existing?.delegatedScopes === undefined || (declaredBefore?.delegatedGrant ?? false)),
    };
}

export interface TenantConsentArgs {
    /** Client (application) ID of Lookout's multi-tenant app, from Lookout support. */
    readonly lookoutClientId: pulumi.Input<string>;
    /** Graph application permissions granted to the app, e.g. `User.Read.All`. */
    readonly applicationPermissions: string[];
    /** Delegated Graph scopes consented for all users, e.g. `User.Read` for sign-in. */
    readonly delegatedScopes: string[];
    /** What the tenant holds now, read through Graph before the run; absent: unknown, everything is declared. */
    readonly existing?: ExistingConsent;
    /** What this stack declared on its last update (its own record, `lookoutConsentDeclared`). */
    readonly declaredBefore?: DeclaredConsent;
}

export class TenantConsent extends pulumi.ComponentResource {
    /** Object ID of Lookout's service principal in this tenant. */
    declare readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** Resolves once every grant exists: the point after which consent can be verified. */
    declare readonly granted: pulumi.Output<boolean>;

    /** What this stack declares of the consent, recorded for its next run. */
    declare readonly declared: DeclaredConsent;

    constructor(name: string, args: TenantConsentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:TenantConsent", name, {}, opts);
        const ad = azuread();
        const plan = consentToDeclare(args, args.existing, args.declaredBefore);
        // Kept by destroy whoever made it: see the header.
        const kept = { parent: this, retainOnDelete: true };
        const lookoutObjectId = plan.servicePrincipal
            ? new ad.ServicePrincipal(`${name}-lookout`, { clientId: args.lookoutClientId, useExisting: true }, kept)
                  .objectId
            : pulumi.output(args.existing!.servicePrincipal!.objectId);
        const graph = ad.getServicePrincipalOutput({ clientId: microsoftGraphAppId }, { parent: this });

        const grants: pulumi.Output<string>[] = [];
        for (const permission of plan.applicationPermissions) {
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
                    { appRoleId, principalObjectId: lookoutObjectId, resourceObjectId: graph.objectId },
                    kept,
                ).id,
            );
        }

        if (plan.delegatedGrant) {
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
                    servicePrincipalObjectId: lookoutObjectId,
                    resourceServicePrincipalObjectId: graph.objectId,
                    claimValues,
                },
                kept,
            );
            grants.push(delegated.id);
        }

        this.servicePrincipalObjectId = lookoutObjectId;
        this.granted = pulumi.all([lookoutObjectId, ...grants]).apply(() => true);
        this.declared = plan;
        this.registerOutputs({ servicePrincipalObjectId: this.servicePrincipalObjectId });
    }
}

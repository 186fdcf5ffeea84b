/**
 * Pulumi mocks standing in for Entra (the azuread provider) so the resource graph can be checked
 * without a tenant: a small directory of users and groups answers the data sources, and every
 * registered resource is recorded with its inputs and options.
 */
import * as pulumi from "@pulumi/pulumi";

export interface DirectoryGroup {
    objectId: string;
    displayName: string;
    members: string[];
    securityEnabled?: boolean;
    mailEnabled?: boolean;
}

export interface Directory {
    tenantId: string;
    users: Record<string, string>; // user principal name -> object ID
    groups: DirectoryGroup[];
}

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
    opts: pulumi.ResourceOptions;
}

export const graphRoles: Record<string, string> = {
    "Device.Read.All": "role-device",
    "GroupMember.Read.All": "role-groupmember",
    "User.Read.All": "role-user",
    "Application.Read.All": "role-application",
    "DeviceManagementApps.Read.All": "role-apps",
};

export function installMocks(directory: Directory) {
    const registered: Registered[] = [];
    /** Pass as `transformations` to the component under test: it records each child with its options. */
    const record: pulumi.ResourceTransformation = (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.props, opts: args.opts });
        return undefined;
    };
    const userIds = new Set(Object.values(directory.users));
    pulumi.runtime.setMocks(
        {
            newResource(args) {
                const state: Record<string, unknown> = { ...args.inputs };
                if (args.type === "azuread:index/group:Group") state.objectId = `created-${args.inputs.displayName}`;
                if (args.type === "azuread:index/servicePrincipal:ServicePrincipal") state.objectId = "sp-lookout";
                return { id: `${args.name}-id`, state };
            },
            call(args) {
                const a = args.inputs;
                switch (args.token) {
                    case "azuread:index/getClientConfig:getClientConfig":
                        return { tenantId: directory.tenantId, clientId: "cli", objectId: "me" };
                    case "azuread:index/getUsers:getUsers":
                        if (a.userPrincipalNames) {
                            const ids = a.userPrincipalNames.map((upn: string) => {
                                const id = directory.users[upn];
                                if (!id) throw new Error(`user ${upn} not found`);
                                return id;
                            });
                            return { objectIds: ids, userPrincipalNames: a.userPrincipalNames };
                        }
                        return { objectIds: (a.objectIds ?? []).filter((id: string) => userIds.has(id)) };
                    case "azuread:index/getGroups:getGroups": {
                        const prefix = String(a.displayNamePrefix).toLowerCase();
                        const found = directory.groups.filter((g) => g.displayName.toLowerCase().startsWith(prefix));
                        return {
                            objectIds: found.map((g) => g.objectId),
                            displayNames: found.map((g) => g.displayName),
                        };
                    }
                    case "azuread:index/getGroup:getGroup": {
                        const g = directory.groups.find((x) => x.objectId === a.objectId);
                        if (!g) throw new Error(`group ${a.objectId} not found`);
                        return { securityEnabled: true, mailEnabled: false, ...g };
                    }
                    case "azuread:index/getServicePrincipal:getServicePrincipal":
                        return {
                            objectId: "sp-graph",
                            appRoleIds: graphRoles,
                            oauth2PermissionScopeIds: { "User.Read": "scope-user-read" },
                        };
                    default:
                        throw new Error(`unexpected invoke ${args.token}`);
                }
            },
        },
        "lookout-mtp",
        "unit",
        true,
    );
    return { registered, opts: { transformations: [record] } };
}

/** The resolved value of an output; rejects when the output's computation failed. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as unknown as { promise(): Promise<T> }).promise();
}

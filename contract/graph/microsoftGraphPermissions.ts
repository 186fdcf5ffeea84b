/**
 * Microsoft Graph's permission identifiers as Microsoft publishes them ("Microsoft Graph
 * permissions reference", its generated list `concepts/includes/permissions-ids.md` in
 * microsoftgraph/microsoft-graph-docs-contrib): the `appRoles` (application permissions) and
 * `oauth2PermissionScopes` (delegated) that Microsoft Graph's service principal publishes in every
 * tenant.
 *
 * Emulator-only facts: the consent check maps IDs to names through the tenant's own Microsoft Graph
 * service principal and never reads this table.
 */
export const microsoftGraphAppRoles: Readonly<Record<string, string>> = {
    "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    "Device.Read.All": "7438b122-aefc-4978-80ed-43db9fcc7715",
    "DeviceManagementApps.Read.All": "7a6ee1e7-141e-4cec-ae74-d9db155731ff",
    "DeviceManagementApps.ReadWrite.All": "78145de6-330d-4800-a6ce-494ff2d33d07",
    "DelegatedPermissionGrant.ReadWrite.All": "8e8e4742-1d95-4f68-9d56-6ee75648c72a",
    "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
    "GroupMember.Read.All": "98830695-27a2-44f7-8c18-0c3ebc9698f6",
    "Mail.ReadWrite": "e2a3a72e-5f79-4c64-b1b1-878b674786c9",
    "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
};

export const microsoftGraphScopes: Readonly<Record<string, string>> = {
    "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
};

/**
 * The tenant the `dev` stack (Pulumi.dev.yaml) expects in the emulator: its Entra tenant ID and
 * the groups and users its config names. `npm run emulator` and `npm run demo` create it.
 */
import type { Directory } from "./store";

export const devEntraTenantId = "7d3c0e52-4a1b-4f0e-9c43-2f1e6b5a8d10";

export function devDirectory(): Directory {
    const group = (id: string, displayName: string, members: string[]) => ({ id, displayName, securityEnabled: true, mailEnabled: false, members });
    return {
        users: [
            { id: "0a6b2c1d-1111-4e2f-8a3b-000000000001", userPrincipalName: "alex@contoso.example" },
            { id: "0a6b2c1d-1111-4e2f-8a3b-000000000002", userPrincipalName: "sam@contoso.example" },
        ],
        groups: [
            group("1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e", "Lookout MTP Admins", ["0a6b2c1d-1111-4e2f-8a3b-000000000001"]),
            group("2c7a3d4e-9f0b-4c6d-8e1f-2a3b4c5d6e7f", "Lookout MTP Analysts", ["0a6b2c1d-1111-4e2f-8a3b-000000000002"]),
            group("3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "Lookout Pilot", ["0a6b2c1d-1111-4e2f-8a3b-000000000001", "0a6b2c1d-1111-4e2f-8a3b-000000000002"]),
            group("4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091", "Sales Mobile", ["0a6b2c1d-1111-4e2f-8a3b-000000000002"]),
        ],
    };
}

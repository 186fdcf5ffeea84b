/**
 * `npm run tenant-snapshot`: prints a tenant's current Lookout and Intune settings as stack config
 * (YAML), the starting point for adopting a tenant onboarded by hand. Read-only.
 *
 *   LOOKOUT_APPLICATION_KEY=... npm run tenant-snapshot -- [--lookout-url https://api.lookout.com]
 *       [--graph-url https://graph.microsoft.com/v1.0] [--authority-host <emulator>/entra] [--tenant <tenant ID>]
 *       [--no-graph]
 *
 * Graph signs in as a run does (graph:signIn auto): an app from AZURE_* variables, or the person who ran
 * `npm run sign-in` for `--tenant`.
 */
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { tenantSnapshot } from "./tenantSnapshot";
import { defaultGraphBaseUrl, defaultLookoutBaseUrl } from "../../contract/endpoints";
import { graphClientFor, graphConnectionFromConfig } from "../../providers/graph/connection";
import { clientFor } from "../../providers/lookout/connection";

async function main() {
    const { values } = parseArgs({
        options: {
            "lookout-url": { type: "string", default: process.env.LOOKOUT_BASE_URL ?? defaultLookoutBaseUrl },
            "graph-url": { type: "string", default: process.env.GRAPH_BASE_URL ?? defaultGraphBaseUrl },
            "authority-host": { type: "string", default: process.env.AZURE_AUTHORITY_HOST },
            tenant: { type: "string" },
            "no-graph": { type: "boolean", default: false },
        },
    });
    const lookout = clientFor({ baseUrl: values["lookout-url"]!, applicationKey: process.env.LOOKOUT_APPLICATION_KEY });
    const graph = values["no-graph"]
        ? undefined
        : graphClientFor({
              ...graphConnectionFromConfig(undefined),
              baseUrl: values["graph-url"]!,
              authorityHost: values["authority-host"],
              tenantId: values.tenant,
          });
    const config = await tenantSnapshot(lookout, graph);
    console.log(
        "# Current settings of the tenant, as lookout-mtp stack config (config: section of Pulumi.<stack>.yaml).",
    );
    console.log(
        "# Add consoleAccess, entra and consent (consent.lookoutClientId: Lookout's client ID, from Lookout support); map each enrollment group to its objectId in reference mode.",
    );
    console.log(stringify({ config }));
}

main().catch((err) => {
    console.error(`tenant-snapshot: ${(err as Error).message}`);
    process.exit(1);
});

import assert from "node:assert/strict";
import { lookoutPaths } from "../../contract/lookout/routes";
import {
    notificationPreferencesProvider,
    type NotificationPreferencesInputs,
} from "../../providers/lookout/notificationPreferences";
import { useProvider } from "../kit/providerHarness";

describe("NotificationPreferences provider", () => {
    const { tenant: t, provider } = useProvider(notificationPreferencesProvider, "lookout");
    const secops: NotificationPreferencesInputs = { email: "secops@contoso.example", emailNotifications: false };

    it("normalizes the address to lower case in check and rejects a malformed one", async () => {
        const ok = await provider.check({} as never, { email: "SecOps@Contoso.example", emailNotifications: true });
        assert.equal(ok.inputs!.email, "secops@contoso.example");
        const bad = await provider.check({} as never, { email: "secops", emailNotifications: true });
        assert.deepEqual(
            bad.failures!.map((f) => f.property),
            ["email"],
        );
    });

    it("replaces the resource when the user changes, updates it when the preference changes", async () => {
        const olds = { ...secops, etag: '"1"', previous: null };
        assert.deepEqual(
            (await provider.diff(secops.email, olds, { ...secops, email: "other@contoso.example" })).replaces,
            ["email"],
        );
        const flip = await provider.diff(secops.email, olds, { ...secops, emailNotifications: true });
        assert.equal(flip.changes, true);
        assert.deepEqual(flip.replaces, []);
    });

    it("creates, reads, updates and deletes one user's preference", async () => {
        const { id, outs } = await provider.create(secops);
        assert.equal(id, secops.email);
        assert.deepEqual(t.settings().notificationPreferences[secops.email].value, { emailNotifications: false });
        assert.deepEqual((await provider.read(id, outs)).props, outs);
        const { outs: updated } = await provider.update(id, outs, { ...secops, emailNotifications: true });
        assert.equal(updated.emailNotifications, true);
        await provider.delete(id, updated);
        assert.equal(t.settings().notificationPreferences[secops.email], undefined);
    });

    it("adopts a preference a user set in the console and restores it on delete", async () => {
        await t.console.request("PUT", lookoutPaths.notificationPreferences(secops.email), {
            body: { emailNotifications: true },
        });
        const { outs } = await provider.create(secops);
        assert.deepEqual(outs.previous, { emailNotifications: true });
        await provider.delete(secops.email, outs);
        assert.deepEqual(t.settings().notificationPreferences[secops.email].value, { emailNotifications: true });
    });

    it("shows a preference changed in the console as drift", async () => {
        const { outs } = await provider.create(secops);
        await t.console.request("PUT", lookoutPaths.notificationPreferences(secops.email), {
            body: { emailNotifications: true },
        });
        const read = await provider.read(secops.email, outs);
        assert.equal(read.props!.emailNotifications, true);
    });
});
